"""Word senses of event words that name two kinds of event: "strike" is a blow from the air or a launcher, or a
labour action.

A trigger pattern sees one sentence, but a story tells its means once: "Airstrikes killed 85 civilians. Residents
blamed the coalition for the strikes that hit two villages." The second "strikes" names no aircraft, yet it is no
protest. The sense is read from the word's own modifiers first ("hunger strike", "air strikes"), then from the
phrases around it ("went on strike"), then from the sentence and its neighbours (data/words/senses.txt).

Some event words also have a sense that is no event at all: "the wounded" are people, "the opposition is split" a
state of things.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from spacy.tokens import Span, Token

from fieldreport.rules import word_set

STRIKE_WORDS = word_set("senses", "strike_words")
MILITARY_MODIFIERS = word_set("senses", "military_strike")
MILITARY_CONTEXT = word_set("senses", "strike_context")
LABOUR_WORDS = word_set("senses", "labour_strike")
LABOUR_PHRASES = word_set("senses", "labour_phrases")
ATTEMPT_WORDS = word_set("senses", "attempt_words")
CASUALTY_WORDS = word_set("senses", "casualty_words")
STATE_PARTICIPLES = word_set("senses", "state_participles")
NOUN_PHRASE_DEPS = {"pobj", "nsubj", "nsubjpass", "dobj"}
CLAUSE_DEPS = {"aux", "auxpass", "nsubj", "nsubjpass", "dobj", "agent"}
MODIFIER_DEPS = {"compound", "amod", "nmod", "poss", "npadvmod"}
MILITARY, LABOUR = "military", "labour"
PHRASE_REACH = 4  # words either side of the strike in which a labour phrase counts
SENTENCES_BEFORE, SENTENCES_AFTER = 3, 1  # the story around a strike: a lead names the aircraft once


def is_strike(token: Token) -> bool:
    return token.pos_ in ("NOUN", "PROPN") and (token.lower_ in STRIKE_WORDS or token.lemma_.lower() in STRIKE_WORDS)


def modifier_words(token: Token) -> set[str]:
    """Words that qualify the noun: its modifiers ('U.S.-led coalition air strikes') and who does it ('by workers')."""
    words = set()
    for child in token.children:
        if child.dep_ in MODIFIER_DEPS:
            words |= {t.lower_ for t in child.subtree} | {t.lemma_.lower() for t in child.subtree}
        elif child.dep_ == "prep" and child.lower_ == "by":
            words |= {t.lower_ for t in child.subtree}
    return words


def mentions_any(text: str, phrases: frozenset[str]) -> bool:
    padded = " " + re.sub(r"[^a-z0-9' -]+", " ", text.lower()) + " "
    return any(f" {phrase} " in padded for phrase in phrases)


def neighbourhood(token: Token) -> Span:
    """The token's sentence with the few sentences before it and the one after it."""
    doc = token.doc
    start, end = token.sent.start, token.sent.end
    for _ in range(SENTENCES_BEFORE):
        start = doc[start - 1].sent.start if start > 0 else start
    for _ in range(SENTENCES_AFTER):
        end = doc[end].sent.end if end < len(doc) else end
    return doc[start:end]


def strike_sense(token: Token) -> str | None:
    """'military' for a strike from the air or a launcher, 'labour' for a strike by workers or traders, None for a
    word that is not 'strike' or whose story tells neither."""
    if not is_strike(token):
        return None
    own = modifier_words(token)
    if own & LABOUR_WORDS:
        return LABOUR
    if own & MILITARY_MODIFIERS:
        return MILITARY
    doc = token.doc
    around = doc[max(token.i - PHRASE_REACH, token.sent.start):min(token.i + PHRASE_REACH + 1, token.sent.end)]
    if mentions_any(around.text, LABOUR_PHRASES):
        return LABOUR
    if mentions_any(neighbourhood(token).text, MILITARY_CONTEXT):
        return MILITARY
    return None


def attempts_other_deed(token: Token, event_words: Collection[str]) -> bool:
    """'an attempt to sway senators': a trying whose deed, told by an infinitive, is no event word."""
    if token.pos_ != "NOUN" or token.lower_ not in ATTEMPT_WORDS and token.lemma_.lower() not in ATTEMPT_WORDS:
        return False
    deeds = [c for c in token.children if c.dep_ in ("acl", "relcl", "xcomp")
             and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)]
    return bool(deeds) and not any(d.lemma_.lower() in event_words or d.lower_ in event_words for d in deeds)


def names_casualties(token: Token) -> bool:
    """'many of the wounded are in critical condition', 'medics evacuated the wounded': a participle used as a noun
    names the people hurt in an event the text tells, not an event of its own."""
    if token.lower_ not in CASUALTY_WORDS or token.dep_ not in NOUN_PHRASE_DEPS:
        return False
    children = list(token.children)
    if any(c.dep_ in CLAUSE_DEPS for c in children):
        return False
    return any(c.dep_ == "det" for c in children) or token.dep_ == "pobj" and token.head.lower_ in ("of", "among")


def describes_state(token: Token) -> bool:
    """'the insurgency is split between competing factions', 'the city is divided': a participle of these verbs in
    the present passive says how things stand, not that they changed."""
    return token.tag_ == "VBN" and token.lower_ in STATE_PARTICIPLES and any(
        c.dep_ == "auxpass" and c.tag_ in ("VBZ", "VBP") for c in token.children)
