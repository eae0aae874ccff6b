"""Fatality counts by ACLED's conservative rules, kept apart from people freed, recruited or captured.

ACLED codes vague plurals with fixed figures: "tens" 10, "dozens" 12, "several"/"many" 10,
"hundreds" 100; "a number of" gives no figure at all.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from fieldreport.rules import int_map, word_set

KILL_LEMMAS = word_set("fatalities", "kill_lemmas")
NUMBER_WORDS = int_map("fatalities", "number_words")
NO_FIGURE = word_set("fatalities", "no_figure")
SINGULAR_DETERMINERS = word_set("fatalities", "singular_determiners")
ZERO_PATTERNS = re.compile(
    r"\b(no (one|fatalities|casualties|deaths|injuries)|without (causing )?(any )?(casualties|fatalities|"
    r"deaths|losses)|nobody was killed|there were no fatalities)\b", re.I,
)
CUMULATIVE_TOLL = 10_000  # "300,000 killed since 2011" is a war's toll, not one event's
CODED_TALLY = re.compile(r"\bfatalit(?:y|ies) (?:are |were |is )?(?:coded|assumed|allocated|split|distributed)\b|"
                         r"\bcoded (?:fatalities|as \d)", re.I)
ACLED_TALLY = re.compile(r"\b(\d[\d,]*)\s+fatalit(?:y|ies)\b|\bfatalities (?:are |were )?(?:coded|assumed)"
                         r"(?: to be| to| as| at)? (\d[\d,]*)", re.I)
# Surface forms of a death count, for sentences the parser gets wrong ("16 IS fighters were killed", where
# the small model reads "IS" as a verb): a count, a few words, then a passive killing; or a killing, then a count.
COUNT = r"(\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
SURFACE_TOLLS = [
    re.compile(rf"\b{COUNT}\s+(?:[\w'-]+\s+){{0,6}}?(?:were|was|have been|had been|got|reported)\s+"
               rf"(?:reportedly\s+|also\s+)?(?:killed|executed|shot dead|found dead|dead)\b", re.I),
    re.compile(rf"\b(?:killing|killed|the killing of|the death of|the deaths of|left|leaving)\s+(?:at least\s+)?{COUNT}"
               rf"\b(?!\s+(?:people\s+|others\s+|civilians\s+|persons\s+)?(?:injured|wounded))", re.I),
    re.compile(r"\b(?:shot dead|shot and killed|killed|killing|assassinated|executed|the death of|the killing of)"
               r"\s+(a|an)\s", re.I),
]
SPLIT_TALLY = re.compile(r"\b(\d+) fatalit(?:y|ies) (?:were )?(?:coded|allocated|assigned) to each\b|"
                         r"\b(?:divided|split|coded|allocated|distributed) (\d+) (?:on|to|for|in|at) each\b", re.I)
SPLIT_WAYS = re.compile(r"\b(?:split|divided|distributed) (?:evenly )?(?:between|over|across|among|into) (?:the )?"
                        r"(\d+|two|three|four|five|six|seven|eight|nine|ten) "
                        r"(?:events|locations|areas|villages|towns)\b", re.I)


def parse_number(text: str) -> int | None:
    """'24' -> 24, '1,000' -> 1000, 'tens' -> 10; None for words that carry no figure."""
    cleaned = text.lower().replace(",", "").strip()
    if cleaned.isdigit():
        return int(cleaned)
    return NUMBER_WORDS.get(cleaned)


def count_of(victim: Token) -> int | None:
    """How many people a victim phrase counts, or None when the text gives no figure."""
    if victim.lower_ in NO_FIGURE or any(child.lower_ in NO_FIGURE for child in victim.children):
        return None
    own = parse_number(victim.text)
    if own is not None and victim.pos_ in ("NUM", "NOUN", "PRON"):
        return own
    for child in victim.children:
        if child.dep_ in ("nummod", "amod", "quantmod") and parse_number(child.text) is not None:
            return parse_number(child.text)
    if victim.ent_type_ == "PERSON" or victim.pos_ == "PROPN":
        return 1
    if victim.tag_ in ("NN",) and any(c.lower_ in SINGULAR_DETERMINERS for c in victim.children):
        return 1
    return None


def victims_of(kill: Token) -> list[Token]:
    if kill.lemma_ in ("die", "lose"):
        subjects = [c for c in kill.children if c.dep_ in ("nsubj", "nsubjpass")]
        if kill.lemma_ == "lose" and not any(c.lemma_ == "life" for c in kill.children):
            return []
        return subjects
    passive = [c for c in kill.children if c.dep_ == "nsubjpass"]
    victims = passive or [c for c in kill.children if c.dep_ == "dobj"]
    if not victims and kill.dep_ in ("conj",) and kill.head.lemma_ in KILL_LEMMAS | {"wound", "injure"}:
        victims = [c for c in kill.head.children if c.dep_ in ("nsubjpass", "dobj")]
    if not victims and kill.dep_ == "amod" and kill.head.pos_ in ("NOUN", "PROPN"):
        victims = [kill.head]
    expanded = []
    for victim in victims:
        expanded.append(victim)
        expanded.extend(t for t in victim.conjuncts if t.i > victim.i)
    return expanded


def stated_tally(text: str) -> int | None:
    """The figure a coder's note states for one event ('2 fatalities.', 'Unknown fatalities coded as 10',
    '3 fatalities split between the three events with 1 fatality coded to each' -> 1)."""
    split = SPLIT_TALLY.search(text)
    if split:
        return int(split.group(1) or split.group(2))
    tally = ACLED_TALLY.search(text)
    if not tally:
        return None
    total = int((tally.group(1) or tally.group(2)).replace(",", ""))
    ways = SPLIT_WAYS.search(text)
    parts = parse_number(ways.group(1)) if ways else None
    return total // parts if parts else total  # 'coded as 10 and divided over two events': 5 each


def tally_is_per_event(text: str) -> bool:
    """True when a coder's note already divides its figure between events ('split between 4 events')."""
    return bool(SPLIT_TALLY.search(text) or SPLIT_WAYS.search(text))


def fatalities_in(sentence: Span) -> int | None:
    """Fatalities a sentence reports: a count, 0 when it says nobody died, None when it gives no figure."""
    tally = stated_tally(sentence.text)
    if tally is not None:
        return tally
    if ZERO_PATTERNS.search(sentence.text):
        return 0
    total, found = 0, False
    for token in sentence:
        if token.lemma_ not in KILL_LEMMAS or token.pos_ not in ("VERB", "ADJ", "NOUN"):
            continue
        if token.pos_ == "NOUN":
            # "5 deaths", "the killing of 1 QSD fighter"
            number = next((parse_number(c.text) for c in token.children if c.dep_ == "nummod"), None)
            victims = [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                       if g.dep_ == "pobj"]
            if number is None and victims:
                number = count_of(victims[0])
            if number is not None:
                total, found = total + number, True
            continue
        for victim in victims_of(token):
            number = count_of(victim)
            if number is not None:
                total, found = total + number, True
    if not found:
        surface = surface_toll(sentence.text)
        total, found = surface or 0, surface is not None
    if found and total >= CUMULATIVE_TOLL:
        return None
    return total if found else None


def surface_toll(text: str) -> int | None:
    """The deaths a sentence counts by its surface form alone, summed over non-overlapping counts."""
    counts: dict[int, int] = {}
    for pattern in SURFACE_TOLLS:
        for match in pattern.finditer(text):
            number = 1 if match.group(1).lower() in ("a", "an") else parse_number(match.group(1))
            if number is not None and not any(abs(match.start(1) - at) < 3 for at in counts):
                counts[match.start(1)] = number
    return sum(counts.values()) if counts else None
