"""Cited sources: who in the text says so ("field sources said", "according to SOHR", "Hawar news reported",
"a source at the Police Command told SANA")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from fieldreport.rules import word_set

SPEECH_LEMMAS = word_set("sources", "speech_lemmas")
ANAPHORA = word_set("sources", "anaphora")
DROP_WORDS = word_set("sources", "drop_words")
HEARER_LEMMAS = word_set("sources", "hearer_lemmas")  # 'told Reuters': the outlet told is cited too
AFFILIATION_PREPS = word_set("sources", "affiliation_preps")  # 'a source at the Police Command'


@dataclass
class SourceMention:
    span: Span
    name: str
    subject: Span | None = None  # the whole phrase that says so: names inside it cite, they do not act
    told: bool = False  # the outlet a speaker told ('told Reuters'), which 'the source added' does not mean


NAME_PART_PREPS = {"for", "of"}
FINITE_TAGS = {"VBD", "VBZ", "VBP"}
NOT_NAME_ENTITIES = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY"}  # 'Saturday' in 'Saturday YPG spokesman'
NOT_SPEAKER_ENTITIES = NOT_NAME_ENTITIES | {"GPE", "LOC"}  # a place ending a clause before 'said' speaks not
NAME_DEPS = {"compound", "amod", "det", "poss", "nmod", "flat", "punct", "case"}
QUALIFIED = re.compile(r"^(?:\S+\s*-\s*|-\s*)?(?:based|linked|affiliated|run|backed)\s+", re.I)


def source_phrase(head: Token) -> Span:
    """The subject's name words only: 'the Kurdish-language Hawar news', not what follows 'who', nor a day,
    count or quotation mark the parse hung on it; a name's own 'of' or 'for' part is kept ('the Syrian
    Observatory for Human Rights')."""
    doc, left = head.doc, head.i
    while left > head.left_edge.i and doc[left - 1].dep_ in NAME_DEPS and (
            doc[left - 1].head.i >= left or doc[left - 1].dep_ == "case") \
            and doc[left - 1].ent_type_ not in NOT_NAME_ENTITIES and not doc[left - 1].is_quote:
        left -= 1  # "Hezbollah 's media"
    return doc[left:name_part_end(head) + 1]


def name_part_end(head: Token) -> int:
    """The last token of a proper name's 'for' or 'of' part: 'Observatory for Human Rights', 'Ministry of
    Defence'; the head itself when it has none."""
    prep = next((c for c in head.children if c.dep_ == "prep" and c.i == head.i + 1
                 and c.lower_ in NAME_PART_PREPS), None)
    if prep is None or not head.text[:1].isupper():
        return head.i
    words = list(prep.subtree)[1:]
    if not words or not all(t.text[:1].isupper() or t.lower_ in ("and", "the", "-") for t in words):
        return head.i
    return words[-1].i


def clean_source_name(span: Span) -> str:
    """'The Kurdish-language Hawar news' -> 'Hawar news'; 'Britain-based Syrian Observatory' -> 'Syrian
    Observatory'."""
    tokens = [t for t in span if t.lower_ not in DROP_WORDS]
    if "language" in [t.lower_ for t in tokens]:
        cut = max(i for i, t in enumerate(tokens) if t.lower_ == "language")
        tokens = tokens[cut + 1:]
    name = " ".join(t.text for t in tokens).replace(" - ", "-").replace(" 's", "'s").strip()
    return QUALIFIED.sub("", name).lstrip("- ").strip()


def whole_phrase(head: Token) -> Span:
    """The speaker's name with all its modifiers before it ('the Daesh-linked Aamaq news agency', "Hezbollah's
    media"), not what follows ('clashes between the army and rebels were reported' names no speaker)."""
    return head.doc[head.left_edge.i:head.i + 1]


def affiliation(head: Token) -> Token | None:
    """'a source at Aleppo Police Command', 'sources in the Kurdish police': the body the speaker belongs to."""
    return next((g for c in head.children if c.dep_ == "prep" and c.lower_ in AFFILIATION_PREPS
                 for g in c.children if g.dep_ == "pobj" and g.pos_ == "PROPN"), None)


def speakers(token: Token) -> list[tuple[Token, bool]]:
    """The subject of a verb of saying (and the outlet told: 'told Reuters', flagged True), or what follows
    'according to'."""
    doc = token.doc
    if token.lemma_ in SPEECH_LEMMAS and token.pos_ == "VERB":
        subjects = [c for c in token.children if c.dep_ == "nsubj"] or subject_left_unparsed(token)
        found = [(s, False) for c in subjects for s in (c, *speaking_conjuncts(c))]
        if token.lemma_ in HEARER_LEMMAS:
            # a name, whatever the tagger made of it ('told SANA' tags SANA as an adjective); never 'told him'
            found += [(c, True) for c in token.children if c.dep_ in ("dobj", "dative") and c.pos_ != "PRON"
                      and c.text[:1].isupper()]
        return found
    if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
        return [(c, False) for c in doc[token.i + 1].children if c.dep_ == "pobj"]
    return []


def speaking_conjuncts(subject: Token) -> list[Token]:
    """'a monitoring group and activists said': each name joined to the subject speaks too."""
    return [c for c in subject.conjuncts if c.i > subject.i and c.pos_ in ("NOUN", "PROPN")]


def subject_left_unparsed(verb: Token) -> list[Token]:
    """'... near the border YPG spokesman Redur Xelil told Reuters', '... the Syrian Observatory for Human Rights
    reported': a sentence-final attribution the parser did not give a subject (text with its commas lost). The
    name just before a finite verb of saying that has no subject and is no passive is its speaker, read
    through an 'of' or 'for' inside the name; two joined names both speak ('between the militants and the
    fighters' does not)."""
    doc = verb.doc
    if verb.tag_ not in FINITE_TAGS or verb.dep_ in ("acl", "relcl", "amod") or verb.i == 0 \
            or any(c.dep_ in ("nsubjpass", "auxpass", "expl", "csubj") for c in verb.children):
        return []
    name = doc[verb.i - 1]
    if name.pos_ not in ("NOUN", "PROPN") or name.ent_type_ in NOT_SPEAKER_ENTITIES:
        return []
    while name.dep_ == "pobj" and name.head.ent_iob_ == "I" and name.head.head.pos_ in ("NOUN", "PROPN"):
        name = name.head.head  # 'Observatory for Human Rights'
    first = name.head
    if name.dep_ == "conj" and first.i < name.i and first.pos_ in ("NOUN", "PROPN") and len(first.conjuncts) == 1 \
            and not (first.dep_ == "pobj" and first.head.lower_ == "between"):
        return [first]  # 'YPG spokesman Redur Xelil and Turkish security sources'; a longer list is a guess
    return [name]


def find_sources(doc: Doc) -> list[SourceMention]:
    """Attributions in text order; 'the sources' and 'it' refer back to the last named source, and a short
    name ('the military') to the fuller one named before ('the Turkish military')."""
    mentions: list[SourceMention] = []
    for token in doc:
        for subject, told in speakers(token):
            if subject.pos_ not in ("NOUN", "PROPN", "PRON") and not told:
                continue
            span = source_phrase(subject)
            name = clean_source_name(span)
            if not name:
                continue
            body = affiliation(subject)
            said = [m for m in mentions if not m.told]
            if name.lower() in ANAPHORA or span.text.lower() in ANAPHORA:
                if body is not None:
                    mentions.append(SourceMention(span, clean_source_name(source_phrase(body)),
                                                  whole_phrase(subject)))
                elif said:
                    mentions.append(SourceMention(span, said[-1].name, whole_phrase(subject)))
                continue
            mentions.append(SourceMention(span, fuller_name(name, said), whole_phrase(subject), told))
    return mentions


def fuller_name(name: str, earlier: list[SourceMention]) -> str:
    """The earlier source whose name ends with this one: 'military' after 'Turkish military'."""
    lowered = name.lower()
    return next((m.name for m in reversed(earlier) if len(m.name) > len(name)
                 and m.name.lower().endswith(" " + lowered)), name)
