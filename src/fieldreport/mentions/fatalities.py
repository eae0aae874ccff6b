"""Fatality counts by ACLED's conservative rules, kept apart from people freed, recruited or captured.

ACLED codes vague plurals with fixed figures: "tens" 10, "dozens" 12, "several"/"many" 10,
"hundreds" 100; "a number of" gives no figure at all. Per event, ACLED sums the dead of every
group ("35 IS fighters and 6 SDF fighters were killed": 41), counts a figure told twice once
(a headline glued to its lead: "Rocket attacks kill at least 30 ... 30 people have been killed": 30)
and never gives one event a toll over a long time ("killed since the conflict began").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from spacy.tokens import Span, Token

from fieldreport.mentions.dates import MONTHS
from fieldreport.rules import int_map, word_map, word_sequence, word_set

KILL_LEMMAS = word_set("fatalities", "kill_lemmas")
NUMBER_WORDS = int_map("fatalities", "number_words")
NO_FIGURE = word_set("fatalities", "no_figure")
SINGULAR_DETERMINERS = word_set("fatalities", "singular_determiners")
WOUND_LEMMAS = word_set("fatalities", "wound_lemmas")
ADDITIVE_WORDS = word_set("fatalities", "additive_words")
SINGULAR_PRONOUNS = word_set("fatalities", "singular_pronouns")
HARM_LEMMAS = word_set("fatalities", "harm_lemmas")
BODY_WORDS = word_set("fatalities", "body_words")
FOUND_LEMMAS = word_set("fatalities", "found_lemmas")
COMPANY_WORDS = word_sequence("fatalities", "company_words")
LIFE_LEMMAS = word_set("fatalities", "life_lemmas")
EVENT_KINDS = word_map("fatalities", "event_kinds")
ACCUSATION_LEMMAS = word_set("fatalities", "accusation_lemmas")
COUNTED_LEMMAS = KILL_LEMMAS | LIFE_LEMMAS  # the words of killing that may count their dead


def phrases(words: frozenset[str] | tuple[str, ...]) -> str:
    """An alternation of word-list entries, longest first, each a whole-word sequence."""
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))


# A modifier of a killing that makes its count a toll over a long time: "since March 2011", "so far",
# "over the past two weeks", "in the war".
CUMULATIVE = re.compile(
    rf"^(?:{phrases(word_set('fatalities', 'cumulative_openers'))})\b"
    rf"|^(?:{phrases(word_set('fatalities', 'period_openers'))})\s+(?:\S+\s+){{0,3}}?"
    rf"(?:{phrases(word_set('fatalities', 'long_periods'))})\b"
    rf"|^(?:in|during|of|throughout)\s+(?:\S+\s+){{0,3}}?(?:{phrases(word_set('fatalities', 'war_words'))})\b",
    re.I)
SUBSET_CUE = re.compile(rf"\b(?:{phrases(word_set('fatalities', 'subset_cues'))})\s*,?\s*$", re.I)
CLAUSE_MODIFIERS = {"prep", "advcl", "npadvmod", "advmod"}
ZERO_PATTERNS = re.compile(
    r"\b(no (one|fatalities|casualties|deaths|injuries)|without (causing )?(any )?(casualties|fatalities|"
    r"deaths|losses)|nobody was killed|there were no fatalities)\b", re.I,
)
CUMULATIVE_TOLL = 10_000  # "300,000 killed since 2011" is a war's toll, not one event's
# Surface forms of a death count, for sentences the parser gets wrong ("16 IS fighters were killed", where
# the small model reads "IS" as a verb): a count, a few words, then a passive killing; or a killing, then a count.
UNITS = "one|two|three|four|five|six|seven|eight|nine"
TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
COUNT = rf"(\d[\d,]*|(?:{TENS})(?:[\s-](?:{UNITS})\b)?|{TEENS}|{UNITS})"
# "fatalities coded as 10", "fatalities on both sides which are coded as 10" (and the notes' "fatalaties"),
# "Total fatalities for 23 August coded to 8", "killing an unknown number, coded as 10"
FATALITIES_WORD = (r"(?:fatal(?:it|at)(?:y|ies)|unknown number)(?: on both sides)?(?: for(?: \S+){1,3}?)?"
                   r"(?: that| which)?")
TALLY_FIGURE = rf"(\d[\d,]*|{UNITS}|ten)\b"
CODED_TALLY = re.compile(rf"\b{FATALITIES_WORD},? (?:are |were |is )?(?:coded|assumed|allocated|split|distributed)\b|"
                         r"\bcoded (?:fatalities|as \d)"
                         r"|\b(?:split|divided|distributed) (?:the )?(?:fatalities|casualties)\b", re.I)
ACLED_TALLY = re.compile(rf"\b(\d[\d,]*)\s+fatalit(?:y|ies)\b"
                         rf"|\b{FATALITIES_WORD},? (?:are |were |is )?(?:coded|assumed|recorded|reported)"
                         rf"(?: to be| to| as| at)? {TALLY_FIGURE}"
                         rf"|\bcoded fatalit(?:y|ies) (?:are|is|to|of|at|as) {TALLY_FIGURE}"
                         rf"|\btotal (?:number of )?fatalit(?:y|ies)(?: is| are| was| were| of| at)?:? {TALLY_FIGURE}",
                         re.I)
# A coder's addition to the figure: "with 1 additional fatality added for the suicide attacker", "and added 1 for
# the suicide bomber".
ADDED_FATALITIES = re.compile(rf"\b{TALLY_FIGURE} (?:additional|extra|more) fatalit(?:y|ies)\b|\badded {TALLY_FIGURE}",
                              re.I)
# The figure given to the unknown dead of a side, which adds to the counted dead of the other ("At least 6
# Hezbollah fighters were killed and the unknown number of IS fatalities coded as 10": 16).
SUBSET_WORDS = re.compile(r"\b(?:including|among them|of whom|of them)\b", re.I)
UNKNOWN_TALLY = re.compile(r"\b(?:an? |the )?(?:unknown|unspecified|unidentified)(?: number)?(?: of)?\b", re.I)
SURFACE_TOLLS = [
    re.compile(rf"\b{COUNT}\s+(?:[\w'-]+\s+){{0,6}}?(?:were|was|have been|had been|got|reported)\s+"
               rf"(?:reportedly\s+|also\s+)?(?:killed|executed|shot dead|found dead|dead)\b", re.I),
    re.compile(rf"\b(?:killing|killed|the killing of|the death of|the deaths of|left|leaving)\s+(?:at least\s+)?{COUNT}"
               rf"\b(?!\s+(?:people\s+|others\s+|civilians\s+|persons\s+)?(?:injured|wounded))", re.I),
    re.compile(r"\b(?:shot dead|shot and killed|killed|killing|assassinated|executed|the death of|the killing of)"
               r"\s+(a|an)\s(?!(?:[\w-]+\s+)?number\b)", re.I),  # 'an unknown number' is no figure
]
# Counts of two groups told in one passive ("at least 35 IS fighters and 6 SDF fighters were killed"), which the
# small model often parses as two clauses: the words between a count and its verb are no verb and no wounding.
GAP = r"(?:(?!(?:and|or|were|was|have|had|injured|wounded|killed)\b)[^\s,;.]+\s+){1,5}?"
CONJOINED_TOLL = re.compile(
    rf"\b{COUNT}\s+{GAP}(?:and|as well as)\s+(?:at least\s+|more than\s+|some\s+)?{COUNT}\s+{GAP}"
    rf"(?:were|have been|had been|was)\s+(?:reportedly\s+|also\s+)?(?:killed|executed|shot dead|found dead)\b", re.I)
SPLIT_TALLY = re.compile(r"\b(\d+) (?:fatalit(?:y|ies) )?(?:were )?(?:coded|allocated|assigned) to each\b|"
                         r"\b(?:split|divided),? (\d+) each\b|(?:\bwith|,) each allocated (\d+)\b|"
                         r"\b(?:divided|split|coded|allocated|distributed) (\d+) (?:on|to|for|in|at) each\b", re.I)
SPLIT_WAYS = re.compile(r"\b(?:split|divided|distributed) (?:evenly )?(?:between|over|across|among|into) (?:the )?"
                        r"(\d+|two|three|four|five|six|seven|eight|nine|ten) "
                        r"(?:events|locations|areas|villages|towns)\b", re.I)


def parse_number(text: str) -> int | None:
    """'24' -> 24, '1,000' -> 1000, 'tens' -> 10, 'thirty-one' -> 31; None for words that carry no figure."""
    cleaned = text.lower().replace(",", "").strip()
    if cleaned.isdigit():
        return int(cleaned)
    if cleaned in NUMBER_WORDS:
        return NUMBER_WORDS[cleaned]
    parts = [NUMBER_WORDS.get(part) for part in re.split(r"[\s-]+", cleaned)]
    if len(parts) == 2 and None not in parts and parts[0] in range(20, 100, 10) and parts[1] in range(1, 10):
        return parts[0] + parts[1]
    return None


def number_at(token: Token) -> int | None:
    """The figure a number token gives with the words of its number ('Thirty one', 'Twenty-five'), the lower end of
    a range ('between 8 to 12': 8, as ACLED takes); none for a day of a date ('27 November 2016 Girl killed')."""
    if token.ent_type_ == "DATE" or is_year(token):
        return None
    words = [c.text for c in token.children if c.dep_ == "compound" and c.i < token.i and c.pos_ == "NUM"]
    value = parse_number(" ".join([*words, token.text])) if words else parse_number(token.text)
    if value is not None and any(c.lower_ in ("to", "between") for c in token.children):
        lower = [parse_number(c.text) for c in token.children if c.dep_ == "quantmod" and c.pos_ == "NUM"]
        return min([value, *(n for n in lower if n is not None)])
    return value


def is_year(token: Token) -> bool:
    """'1 Jul 2016 Separate air raids': a year after a month (or a day) is no count."""
    before = token.doc[token.i - 1] if token.i > 0 else None
    return bool(re.fullmatch(r"(?:19|20)\d\d", token.text)) and before is not None and (
        before.lower_.rstrip(".") in MONTHS or before.like_num)


def count_of(victim: Token) -> int | None:
    """How many people a victim phrase counts, or None when the text gives no figure."""
    if victim.lower_ in NO_FIGURE or any(child.lower_ in NO_FIGURE for child in victim.children):
        return None
    of_what = [g.lower_ for c in victim.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
               if g.dep_ == "pobj"]
    if of_what and f"{victim.lower_} of {of_what[0]}" in NUMBER_WORDS:
        return NUMBER_WORDS[f"{victim.lower_} of {of_what[0]}"]  # "hundreds of thousands"
    own = number_at(victim)
    if own is not None and victim.pos_ in ("NUM", "NOUN", "PRON"):
        return own
    numbers = [c for c in victim.children if c.dep_ in ("nummod", "amod", "quantmod") and number_at(c) is not None]
    if not numbers:  # '4 Al Mu'tasim Brigade fighters': the count hangs on the name before the noun
        numbers = [g for c in victim.children if c.dep_ == "compound" and c.i < victim.i for g in c.subtree
                   if g.dep_ == "nummod" and g.i < c.i and number_at(g) is not None]
    if numbers:
        # the number next to the noun, not a date before it ('6 October 2016 8 persons killed')
        before = [c for c in numbers if c.i < victim.i]
        if len(before) > 1 and any(c.lower_ in ("between", "to") for c in victim.children):
            return min(number_at(c) for c in before)  # 'between 8 to 12 individuals': ACLED's lower figure
        return number_at(before[-1] if before else numbers[0])
    if victim.ent_type_ == "PERSON" or victim.lower_ in SINGULAR_PRONOUNS or (
            victim.pos_ == "PROPN" and victim.ent_type_ in ("", "PERSON")):  # a named person, not 'AFP' or 'Aleppo'
        return 1
    if victim.tag_ in ("NN",) and any(c.lower_ in SINGULAR_DETERMINERS or c.dep_ == "poss" for c in victim.children):
        return 1  # 'a soldier', "the Brigade's field commander"
    return None


def is_wounded(victim: Token) -> bool:
    """'killed 8 persons and injured 58 others', '8 killed 14 injured': a count of the wounded."""
    after = victim.doc[victim.i + 1] if victim.i + 1 < len(victim.doc) else None
    return any(c.lemma_.lower() in WOUND_LEMMAS and c.dep_ in ("acl", "amod", "relcl") for c in victim.children) or (
        after is not None and after.lemma_.lower() in WOUND_LEMMAS)


def counted_subjects(kill: Token) -> list[Token]:
    """The subject of a headline's active 'killed' when it carries the count: '8 persons killed 58 others
    injured', 'Eight Civilians Killed 14 Injured'."""
    return [c for c in kill.children if c.dep_ == "nsubj" and any(
        d.dep_ == "nummod" and number_at(d) is not None for d in c.children)]


def company_of(kill: Token) -> list[Token]:
    """The victims killed 'along with' the counted ones: '22 children were killed along with six teachers'."""
    if not any(c.dep_ in ("prt", "advmod") and c.lower_ in COMPANY_WORDS for c in kill.children):
        return []
    return [g for c in kill.children if c.dep_ == "prep" and c.lower_ == "with" for g in c.children
            if g.dep_ == "pobj"]


def lives_taken(verb: Token) -> list[Token]:
    """'claiming the lives of 8 persons', 'claiming eight': the victims of a verb that takes lives."""
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    lives = [g for o in objects if o.lemma_ == "life" for p in o.children if p.dep_ == "prep" and p.lower_ == "of"
             for g in p.children if g.dep_ == "pobj"]
    numbers = [o for o in objects if o.pos_ == "NUM" and verb.lemma_ == "claim"]
    return lives or numbers


def victims_of(kill: Token) -> list[Token]:
    if kill.lemma_ in LIFE_LEMMAS:
        victims = lives_taken(kill)
    elif kill.lemma_ in ("die", "lose"):
        subjects = [c for c in kill.children if c.dep_ in ("nsubj", "nsubjpass")]
        if kill.lemma_ == "lose" and not any(child.lemma_ == "life" for child in kill.children):
            return []
        return subjects
    else:
        passive = [c for c in kill.children if c.dep_ == "nsubjpass"]
        if not passive and any(c.dep_ == "auxpass" for c in kill.children):
            # 'A man, believed to be a fighter, was killed': the parser reads the passive's subject as active
            passive = [c for c in kill.children if c.dep_ == "nsubj"]
        # a verb has one object (its conjuncts join it): more are a headline glued to its dateline and lead
        objects = [c for c in kill.children if c.dep_ == "dobj"][:1]
        objects = [c for c in objects if not is_wounded(c)]
        victims = passive or objects
        if not victims and any(c.dep_ == "dobj" for c in kill.children):
            victims = counted_subjects(kill)
        if not victims and kill.dep_ in ("conj",) and kill.head.lemma_ in KILL_LEMMAS | HARM_LEMMAS:
            # 'was shot and killed', 'shot and killed a soldier': the victims of the first verb
            victims = [c for c in kill.head.children if c.dep_ in ("nsubjpass", "dobj")]
        if not victims and kill.lower_ == "dead" and kill.dep_ in ("oprd", "acomp"):
            victims = [c for c in kill.head.children if c.dep_ in ("nsubjpass", "nsubj", "dobj")]  # 'found dead'
        if not victims and (kill.dep_ == "amod" or kill.dep_ == "acl" and kill.tag_ == "VBN") \
                and kill.head.pos_ in ("NOUN", "PROPN", "NUM"):
            victims = [kill.head]  # 'killed fighters', 'had 3 fighters killed', 'Four killed and dozens injured'
        victims = victims + company_of(kill)
    expanded = []
    for victim in victims:
        expanded.append(victim)
        expanded.extend(t for t in victim.conjuncts if t.i > victim.i and not is_wounded(t))
    return [v for i, v in enumerate(expanded) if i == 0 or not is_part_of_count(v)]


def is_part_of_count(victim: Token) -> bool:
    """'nine among them eight women': the second count is part of the first."""
    doc = victim.doc
    before = doc[max(victim.left_edge.i - 4, 0):victim.left_edge.i].text
    return bool(SUBSET_CUE.search(before))


def is_cumulative(kill: Token) -> bool:
    """A killing told as a toll over a long time ('have been killed since the conflict began in 2011')."""
    doers = [c for c in kill.children if c.dep_ == "nsubj"]  # 'clashes in less than a month have killed 350'
    for child in [*kill.children, *(c for d in doers for c in d.children if c.dep_ == "prep")]:
        if child.dep_ in CLAUSE_MODIFIERS:
            phrase = " ".join(t.text for t in child.subtree)
            if CUMULATIVE.search(phrase):
                return True
    return False


def stated_tally(text: str) -> int | None:
    """The figure a coder's note states for one event ('2 fatalities.', 'Unknown fatalities coded as 10',
    '3 fatalities split between the three events with 1 fatality coded to each' -> 1)."""
    split = SPLIT_TALLY.search(text)
    if split:
        return int(next(g for g in split.groups() if g is not None))
    tally = ACLED_TALLY.search(text)
    if not tally:
        return None
    total = parse_number(next(g for g in tally.groups() if g is not None)) or 0
    ways = SPLIT_WAYS.search(text)
    parts = parse_number(ways.group(1)) if ways else None
    if parts:
        return total // parts  # 'coded as 10 and divided over two events': 5 each
    added = ADDED_FATALITIES.search(text, tally.end())
    if added is None:
        return total
    return total + (parse_number(next(g for g in added.groups() if g is not None)) or 0)


def tally_is_per_event(text: str) -> bool:
    """True when a coder's note already divides its figure between events ('split between 4 events')."""
    return bool(SPLIT_TALLY.search(text) or SPLIT_WAYS.search(text))


def fatalities_in(sentence: Span) -> int | None:
    """Fatalities a sentence reports: a count, 0 when it says nobody died, None when it gives no figure
    (or only a toll over a long time)."""
    text = sentence.text
    tally = stated_tally(text)
    if tally is not None:
        return tally + counted_beside_unknown(sentence)
    if ZERO_PATTERNS.search(text):
        return 0
    counts: list[int] = []
    kept: list[Killing] = []
    told = killings_counted(sentence)
    for killing in told:
        # one figure told twice (a headline glued to its lead) is one figure; 'two others' are two more, and so
        # is one more victim of another kind ('a member was killed ... while a biker was killed')
        if not killing.cumulative and (killing.additive or not any(is_retold(killing, k) for k in kept)):
            counts.append(killing.count)
            kept.append(killing)
    cumulative = any(k.cumulative for k in told)
    total, found = sum(counts), bool(counts)
    conjoined = None if cumulative else conjoined_toll(text)
    if conjoined is not None and conjoined > total:
        total, found = conjoined, True
    if not found and not cumulative:
        surface = surface_toll(text)
        total, found = surface or 0, surface is not None
    if found and total >= CUMULATIVE_TOLL:
        return None
    return total if found else None


def counted_beside_unknown(sentence: Span) -> int:
    """The dead counted before a coder's figure for the unknown dead of another side ('At least 6 Hezbollah
    fighters were killed and the unknown number of IS fatalities coded as 10': 6); 0 when the figure covers
    every side, is shared out between events, or the counted dead are among the unknown ('including 1 commander')."""
    text = sentence.text
    tally = ACLED_TALLY.search(text)
    unknown = next((m for m in UNKNOWN_TALLY.finditer(text, 0, tally.start() + 1) if tally.start() - m.end() < 25),
                   None) if tally else None
    if unknown is None or unknown.start() == 0 or tally_is_per_event(text) or SUBSET_WORDS.search(text):
        return 0
    before = sentence.char_span(0, unknown.start(), alignment_mode="contract")
    if before is None or is_vague(before.text):  # 'killed dozens ..., the unknown number coded as 12': one figure
        return 0
    counts = [k.count for k in killings_counted(before) if not k.cumulative]
    return sum(counts)


@dataclass(frozen=True)
class Killing:
    """What one word of killing counts."""

    count: int
    cumulative: bool  # a toll over a long time
    additive: bool  # told as more dead ('two others', 'another 39')
    victims: frozenset[str] = frozenset()  # the victims' words and their lemmas


def is_retold(killing: Killing, earlier: Killing) -> bool:
    """True when a killing tells an earlier one's figure again: the same figure, and for a single death the
    same kind of victim ('Girl killed ... a girl was killed', not 'a member ... a biker')."""
    either = killing.victims | earlier.victims
    return killing.count == earlier.count and (
        killing.count != 1 or not killing.victims or not earlier.victims or bool(killing.victims & earlier.victims)
        or bool(either & SINGULAR_PRONOUNS))  # 'shot and killed a rebel ..., killing him'


def killings_counted(sentence: Span) -> list[Killing]:
    """Each word of killing that counts its dead."""
    told = [Killing(count, False, False) for count in (bodies_found(t) for t in sentence
                                                       if t.lemma_.lower() in BODY_WORDS) if count is not None]
    for token in sentence:
        if (token.lemma_ not in COUNTED_LEMMAS or token.pos_ not in ("VERB", "ADJ", "NOUN")
                or token.lemma_ in LIFE_LEMMAS and token.pos_ != "VERB"):
            continue
        number = deaths_told(token) if not is_charged(token) else None
        if number is not None:
            victims = frozenset(w for v in victims_of(token) for w in (v.lemma_.lower(), v.lower_)) \
                if token.pos_ != "NOUN" else frozenset()
            told.append(Killing(number, is_cumulative(token), is_additive(token), victims))
    told += [Killing(count, False, False) for count in (done_to_death(t) for t in sentence if t.pos_ == "VERB")
             if count is not None]
    return told


def is_charged(kill: Token) -> bool:
    """'a man accused of killing the group's leader': a killing someone is charged with, not one told here."""
    return kill.head.dep_ == "prep" and kill.head.head.lemma_.lower() in ACCUSATION_LEMMAS


def done_to_death(token: Token) -> int | None:
    """The dead of a verb done 'to death' ('stabbed a fighter to death', 'was beaten to death'); None for any
    other word."""
    if token.pos_ != "VERB" or token.lemma_ in KILL_LEMMAS or not any(
            c.dep_ == "prep" and c.lower_ == "to" and any(g.lemma_ == "death" for g in c.children)
            for c in token.children):
        return None
    victims = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
    counts = [n for n in map(count_of, victims) if n is not None]
    return sum(counts) if counts else None


def bodies_found(token: Token) -> int | None:
    """The dead a finding of bodies counts: 'the bodies of 2 fighters were found' 2, 'a member's body was
    found' 1; None for any other word, or bodies with no count."""
    if token.lemma_.lower() not in BODY_WORDS or token.head.lemma_ not in FOUND_LEMMAS \
            or token.dep_ not in ("nsubjpass", "dobj"):
        return None
    own = next((number_at(c) for c in token.children if c.dep_ == "nummod" and number_at(c) is not None), None)
    whose = [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
             if g.dep_ == "pobj"]
    counted = own if own is not None else count_of(whose[0]) if whose else None
    if counted is not None:
        return counted
    return 1 if token.tag_ == "NN" else None


def is_additive(kill: Token) -> bool:
    victims = victims_of(kill) if kill.pos_ != "NOUN" else []
    return any(t.lower_ in ADDITIVE_WORDS for v in victims for t in (v, *v.children))


def tolls_in(sentence: Span) -> set[int]:
    """The figures a sentence gives as tolls over a long time ('350 have been killed in less than a month'):
    the same figure elsewhere in the article (its headline) is that toll too, not one event's dead."""
    return {killing.count for killing in killings_counted(sentence) if killing.cumulative}


def summed_figures_in(sentence: Span) -> set[int]:
    """The figures a sentence gives as the dead of events of several kinds ('31 militants have been killed in
    clashes and coalition air strikes'): a sum, which a telling of one of those events with its own figure beats."""
    figures = set()
    for token in sentence:
        if token.lemma_ in KILL_LEMMAS and token.pos_ == "VERB" and is_summed_over_events(token):
            number = deaths_told(token)
            if number is not None:
                figures.add(number)
    return figures


def is_summed_over_events(kill: Token) -> bool:
    """True when a killing is told to come from events of different kinds ('killed in clashes and air strikes')."""
    causes = [o for p in kill.children if p.dep_ == "prep" and p.lower_ in ("in", "during", "by", "amid")
              for o in p.children if o.dep_ == "pobj"]
    return any(len({EVENT_KINDS.get(t.lemma_.lower()) for t in (cause, *cause.conjuncts)} - {None}) > 1
               for cause in causes)


VAGUE_FIGURE = re.compile(rf"\b(?:{phrases(word_set('fatalities', 'vague_plurals'))})\b", re.I)
EXACT_FIGURE = re.compile(rf"\d|\b(?:{UNITS}|{TENS}|{TEENS})\b", re.I)


def is_vague(text: str) -> bool:
    """True when a phrase counts the dead only with a vague plural ('dozens of children were killed'), whose
    fixed ACLED figure any stated number about the same event beats."""
    return bool(VAGUE_FIGURE.search(text)) and not EXACT_FIGURE.search(text)


def deaths_told(token: Token) -> int | None:
    """The dead one word of killing counts: its victims summed ('a child and two women': 3)."""
    if token.pos_ == "NOUN":
        # "5 deaths", "the killing of 1 QSD fighter"
        number = next((number_at(c) for c in token.children if c.dep_ == "nummod"), None)
        victims = [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                   if g.dep_ == "pobj"]
        if number is None and victims:
            # 'the death of a man and a child'
            counts = [n for n in (count_of(v) for v in (victims[0], *victims[0].conjuncts)
                                  if v.lemma_.lower() not in WOUND_LEMMAS) if n is not None]
            number = sum(counts) if counts else None
        return number
    numbers = [n for n in (count_of(v) for v in victims_of(token)) if n is not None]
    return sum(numbers) if numbers else None


def conjoined_toll(text: str) -> int | None:
    """The dead of two groups told in one passive, summed; None when the text has no such phrase."""
    totals = [parse_number(m.group(1)) + parse_number(m.group(2)) for m in CONJOINED_TOLL.finditer(text)
              if parse_number(m.group(1)) is not None and parse_number(m.group(2)) is not None]
    return max(totals) if totals else None


def surface_toll(text: str) -> int | None:
    """The deaths a sentence counts by its surface form alone, summed over non-overlapping counts."""
    counts: dict[int, int] = {}
    for pattern in SURFACE_TOLLS:
        for match in pattern.finditer(text):
            number = 1 if match.group(1).lower() in ("a", "an") else parse_number(match.group(1))
            if number is not None and not any(abs(match.start(1) - at) < 3 for at in counts):
                counts[match.start(1)] = number
    return sum(counts.values()) if counts else None


ALLOCATION_CUE = re.compile(rf"\b(?:{phrases(word_set('fatalities', 'allocation_cues'))})\b", re.I)
ALLOCATION_FILLER = word_set("fatalities", "allocation_filler")
ALLOCATION_ITEM = re.compile(r"\s*(?:[,;:]|\band\b|\bwith\b|\bwhile\b)\s*", re.I)
ALLOTTED = re.compile(rf"\(?\b(\d+|{UNITS}|{TEENS}|twenty)\b\)?", re.I)
SENTENCE_END = re.compile(r"[.!?](?:\s+|(?=[A-Z]))")


def allocations(text: str) -> dict[str, int]:
    """Each place's share of a figure a coder's note splits out by name ('split as follows: 3 Mushaymis,
    2 Barsa', 'with Abu Rweil allocated 15 and Rasm Hama and Smow each allocated 14', 'with 8 each allocated to
    Abbas and Jalaa'), keyed by the place's folded name; {} when the text lists no shares."""
    shares: dict[str, int] = {}
    if not ALLOCATION_CUE.search(text):
        return shares
    for sentence in SENTENCE_END.split(text):
        if not ALLOCATION_CUE.search(sentence):
            continue
        items = ALLOCATION_ITEM.split(sentence)
        first = next((i for i, item in enumerate(items) if ALLOCATION_CUE.search(item)), None)
        if first is None:
            continue
        cue = ALLOCATION_CUE.search(items[first])
        if ALLOTTED.search(items[first], cue.end()):  # 'Total fatalities of 12 are split as follows', not '2 fatalities
            items[first] = items[first][cue.start():]  # allocated to Tehmaz'
        shares.update(listed_shares(items[first:]))
    return shares if len(shares) > 1 else {}


def listed_shares(items: list[str]) -> dict[str, int]:
    """The shares of one list's items: a place without a figure takes the figure given to 'each' of a group
    it belongs to, before it ('8 each allocated to A, B') or after it ('A, B and C each allocated 7')."""
    shares: dict[str, int] = {}
    waiting: list[str] = []
    carried: int | None = None
    for item in items:
        number = ALLOTTED.search(item)
        if number is None:
            places = place_keys(item)
            if carried is not None:
                shares.update(dict.fromkeys(places, carried))
            else:
                waiting.extend(places)
            continue
        count = parse_number(number.group(1))
        each = bool(re.search(r"\beach\b", item, re.I))
        before, after = place_keys(item[:number.start()]), place_keys(item[number.end():])
        if before:  # 'Qasabiyeh 12', 'Shatib each allocated 7', 'Al Manara (Tanjarah) 21'
            shares.update(dict.fromkeys(before, count))
            if each:
                shares.update(dict.fromkeys(waiting, count))
            carried = None
        else:  # '3 Mushaymis', '15 coded to al-Rashdeen', '8 each allocated to Abbas', 'A and B, each allocated 5'
            shares.update(dict.fromkeys(after, count))
            if each and not after:
                shares.update(dict.fromkeys(waiting, count))
            carried = count if each else None
        waiting = []
    return shares


def place_keys(text: str) -> list[str]:
    """The folded names of a place in a list of shares: its name and the other name it gives in brackets
    ('Al Manara (Tanjarah)'); [] when only filler words are left."""
    aliases = re.findall(r"\(([^()\d]+)\)", text)
    keys = [place_key(re.sub(r"\([^()\d]*\)", " ", text)), *map(place_key, aliases)]
    return [key for key in keys if key]


def place_key(text: str) -> str:
    """A place's name in a list of shares, folded, without the words around it ('fighting at', 'each')."""
    words = re.sub(r"[()'\u2019.,;:]", "", text).split()
    while words and (words[0].lower() in ALLOCATION_FILLER or ALLOCATION_CUE.fullmatch(words[0])):
        words.pop(0)
    while words and (words[-1].lower() in ALLOCATION_FILLER or ALLOCATION_CUE.fullmatch(words[-1])):
        words.pop()
    return folded_name(" ".join(words))


def folded_name(name: str) -> str:
    """A place name compared across spellings: lower case, letters and digits only ('Al-Rashdeen' 'alrashdeen')."""
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower())


# A coder's note sharing one figure out evenly without saying each share: "Fatalities distributed over two
# locations: Rihan and Hosh", "Distributed fatalities over the activities in Jawalek and Al-Mahta".
SHARED_OUT = re.compile(r"\b(?:(?:fatalities|casualties|deaths) (?:are |were )?(?:split|divided|distributed|spread)"
                        r"|(?:split|divided|distributed|spread) (?:the )?(?:fatalities|casualties|deaths))"
                        r"(?: evenly)? (?:between|over|across|among)\b(?P<tail>[^.;]*)", re.I)


def shared_between(text: str) -> tuple[int, list[str]] | None:
    """Into how many parts a coder's note shares its figure out evenly, with the places' folded names in the
    note's order when it lists them; None when the text shares nothing out or says each share."""
    shared = SHARED_OUT.search(text)
    if shared is None or SPLIT_TALLY.search(text) or allocations(text):
        return None
    tail = shared.group("tail")
    listed = tail.split(":", 1)[1] if ":" in tail else re.split(r"\b(?:in|at)\b", tail, maxsplit=1)[-1]
    names = [key for key in map(place_key, ALLOCATION_ITEM.split(listed)) if key and not ALLOTTED.fullmatch(key)]
    number = ALLOTTED.search(tail.split(":", 1)[0])
    ways = parse_number(number.group(1)) if number else len(names)
    return (ways, names) if ways and ways > 1 else None
