"""Cited sources: who in the text says so ("field sources said", "according to SOHR", "Hawar news reported")."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from fieldreport.rules import word_set

SPEECH_LEMMAS = word_set("sources", "speech_lemmas")
ANAPHORA = word_set("sources", "anaphora")
DROP_WORDS = word_set("sources", "drop_words")

@dataclass
class SourceMention:
    span: Span
    name: str


NAME_DEPS = {"compound", "amod", "det", "poss", "nmod", "flat", "punct", "case"}


def source_phrase(head: Token) -> Span:
    """The subject's name words only: 'the Kurdish-language Hawar news', not what follows 'of' or 'who'."""
    left = head.i
    while left > head.left_edge.i and head.doc[left - 1].dep_ in NAME_DEPS and head.doc[left - 1].head.i >= left:
        left -= 1
    return head.doc[left:head.i + 1]


def clean_source_name(span: Span) -> str:
    """'The Kurdish-language Hawar news' -> 'Hawar news'."""
    tokens = [t for t in span if t.lower_ not in DROP_WORDS]
    if "language" in [t.lower_ for t in tokens]:
        cut = max(i for i, t in enumerate(tokens) if t.lower_ == "language")
        tokens = tokens[cut + 1:]
    return " ".join(t.text for t in tokens).replace(" - ", "-").replace(" 's", "'s").strip()


def find_sources(doc: Doc) -> list[SourceMention]:
    """Attributions in text order; 'the sources' and 'it' refer back to the last named source."""
    mentions: list[SourceMention] = []
    for token in doc:
        subject = None
        if token.lemma_ in SPEECH_LEMMAS and token.pos_ == "VERB":
            subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
        elif token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            subject = next((c for c in doc[token.i + 1].children if c.dep_ == "pobj"), None)
        if subject is None or subject.pos_ not in ("NOUN", "PROPN", "PRON"):
            continue
        span = source_phrase(subject)
        name = clean_source_name(span)
        if not name:
            continue
        if name.lower() in ANAPHORA or span.text.lower() in ANAPHORA:
            if mentions:
                mentions.append(SourceMention(span, mentions[-1].name))
            continue
        mentions.append(SourceMention(span, name))
    return mentions
