"""Event triggers: words and dependency shapes that signal an ACLED event, read from data/event_patterns.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib.abc import Traversable
from pathlib import Path

from spacy.tokens import Span, Token

from fieldreport import taxonomy
from fieldreport.events.modality import ModalityCues, modality_of
from fieldreport.events.senses import (
    LABOUR,
    MILITARY,
    attempts_other_deed,
    describes_state,
    is_strike,
    names_casualties,
    neighbourhood,
    strike_sense,
)
from fieldreport.model import CONTROL_CHANGES
from fieldreport.rules import (
    WORD_GROUPS,
    Problem,
    Spot,
    Table,
    TomlLines,
    checked_toml,
    data_file,
    table_problems,
    toml_file_problems,
    word_set,
)

NOUN_MODIFIER_DEPS = {"compound", "npadvmod", "amod", "nmod", "poss"}
OBJECT_DEPS = {"dobj", "pobj", "attr", "oprd", "dative", "nsubjpass"}
TERRITORY = "@territory"
# Events a trigger names that its context resolves (event_patterns.toml explains each; events/coding.py resolves them).
REMOTE, EXPLOSION, ATTACK, DETENTION, PROTEST = "@remote", "@explosion", "@attack", "@detention", "@protest"
RULE_EVENTS = (TERRITORY, REMOTE, EXPLOSION, ATTACK, DETENTION, PROTEST)
RULE_PREFIX = "@"  # an event resolved from context (@attack), not a sub-event type the pattern names
FACTUAL = ("occurred", "ongoing")
ANSWERED_EVENT_WORDS = word_set("events", "answered_event_words")
# events a movement in their sentence only leads up to: fighting, violence, explosions, riots, and the events the
# context resolves (@attack, @territory, @detention ...)
ACTION_EVENT_TYPES = taxonomy.event_types("Battles", "Violence against civilians", "Explosions/Remote violence",
                                          "Riots")
# what a strike can be made with: aircraft, or guns and launchers
STRIKE_MEANS = taxonomy.sub_types("Air/drone strike", "Shelling/artillery/missile attack")
# often the outcome of another event
WEAK_LEMMAS = word_set("events", "weak_lemmas")
HEARD_WORDS = word_set("events", "heard_words")
JOINED_PREFIXES = word_set("events", "joined_prefixes")


@dataclass(frozen=True)
class TriggerPattern:
    lemmas: frozenset[str]
    pos: frozenset[str]
    event: str
    rank: int = 1
    with_object: frozenset[str] = frozenset()
    without_object: frozenset[str] = frozenset()
    with_particle: frozenset[str] = frozenset()
    with_subject: frozenset[str] = frozenset()
    with_infinitive: frozenset[str] = frozenset()
    with_prep: frozenset[str] = frozenset()
    needs_instrument: bool = False
    background: bool = False
    object_phrase: bool = False
    control: str | None = None  # "gain" or "loss": the event's actor1 took the place, or left it

    @property
    def sub_event_type(self) -> str | None:
        """The sub-event type the pattern codes ("Battles / Armed clash"), None for a rule resolved from context."""
        return None if self.event.startswith(RULE_PREFIX) else self.event.partition(" / ")[2]

    @property
    def event_type(self) -> str | None:
        """The taxonomy's event type of the pattern's sub-event type."""
        return taxonomy.event_type_of(self.sub_event_type) if self.sub_event_type else None

    @property
    def specificity(self) -> int:
        return sum(bool(x) for x in (self.with_object, self.with_particle, self.with_subject,
                                     self.with_infinitive, self.with_prep, self.needs_instrument))

# The [instruments] group of phrases that name units, not weapons; kept out of the groups proper.
NOT_INSTRUMENTS = "not instruments"


@dataclass
class Patterns:
    triggers: list[TriggerPattern]
    instruments: dict[str, list[str]]
    modality: ModalityCues
    armed_targets: frozenset[str] = frozenset()
    protest: dict[str, list[str]] = field(default_factory=dict)
    reject: dict[str, list[str]] = field(default_factory=dict)
    territory: dict[str, list[str]] = field(default_factory=dict)
    arrests: dict[str, list[str]] = field(default_factory=dict)
    riots: dict[str, list[str]] = field(default_factory=dict)  # who makes a riot a demonstration
    protest_causes: tuple[str, ...] = ()  # "the killing of": what a protest is about, not what happened at it
    not_instruments: tuple[str, ...] = ()  # unit names that hold instrument words ('Air Force Intelligence')
    by_word: dict[str, list[TriggerPattern]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for pattern in self.triggers:
            for lemma in pattern.lemmas:
                self.by_word.setdefault(lemma, []).append(pattern)

    def for_token(self, forms: set[str]) -> list[TriggerPattern]:
        """Patterns whose lemma list holds one of the token's forms, in file order."""
        found = {id(p): p for form in forms for p in self.by_word.get(form, ())}
        return [p for p in self.triggers if id(p) in found] if found else []


@dataclass
class Trigger:
    token: Token
    pattern: TriggerPattern

    @property
    def is_weak(self) -> bool:
        return self.token.lemma_.lower() in WEAK_LEMMAS


SET_FIELDS = ("lemmas", "pos", "with_object", "without_object", "with_particle", "with_subject", "with_infinitive",
              "with_prep")
# spaCy's universal part-of-speech tags, which a trigger's `pos` may name.
UNIVERSAL_POS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT",
                 "SCONJ", "SYM", "VERB", "X", "SPACE")
TRIGGER_TABLE = Table({**dict.fromkeys(SET_FIELDS, list), "event": str, "rank": int, "needs_instrument": bool,
                       "background": bool, "object_phrase": bool, "control": str}, required=("lemmas", "event"),
                      many=True)
PATTERNS_FILE = Table({"trigger": TRIGGER_TABLE, "instruments": WORD_GROUPS,
                       "modality": Table(dict.fromkeys(ModalityCues.__dataclass_fields__, list)),
                       "attack": Table({"armed_targets": list}), "protest": WORD_GROUPS,
                       "protest_causes": Table({"phrases": list}), "arrests": WORD_GROUPS, "riots": WORD_GROUPS,
                       "territory": WORD_GROUPS, "reject": WORD_GROUPS},
                      required=("trigger", "instruments", "modality"))


def load_patterns(path: Path | None = None) -> Patterns:
    """Read the trigger file (by default the active rules' event_patterns.toml); a malformed entry raises
    ConfigError naming the file, its line and what is wrong."""
    return patterns_from(checked_toml(path or data_file("event_patterns.toml"), pattern_problems))


def pattern_file_problems(source: Traversable) -> list[str]:
    """Every fault of a trigger file, as 'file:line: what' lines."""
    return toml_file_problems(source, pattern_problems)


def pattern_problems(data: dict, lines: TomlLines) -> list[str]:
    problems = table_problems(data, PATTERNS_FILE, Spot(None))
    triggers = data.get("trigger")
    for index, entry in enumerate(triggers if isinstance(triggers, list) else []):
        if isinstance(entry, dict):
            problems += trigger_problems(entry, Spot("trigger", index, many=True))
    for section in ("instruments", "protest"):
        groups = data.get(section)
        problems += [(Spot(section, key=group), f"[{section}] group {group!r} is no sub-event type of the taxonomy")
                     for group in (groups if isinstance(groups, dict) else {})
                     if group != NOT_INSTRUMENTS and not taxonomy.is_sub_type(group)]
    return lines.located(problems)


def trigger_problems(entry: dict, spot: Spot) -> list[Problem]:
    """What the types do not tell: an event that is no 'TYPE / SUB-EVENT TYPE' or @rule, an unknown part of
    speech, no lemmas."""
    name, problems = spot.described(), []
    event = entry.get("event")
    if isinstance(event, str) and not is_event_name(event):
        problems.append((replace(spot, key="event"), f"{name}: `event` must be \"EVENT TYPE / SUB-EVENT TYPE\" or one "
                                                      f"of {', '.join(RULE_EVENTS)}, not {event!r}"))
    pos = entry.get("pos", [])
    unknown = [tag for tag in pos if tag not in UNIVERSAL_POS] if isinstance(pos, list) else []
    if unknown:
        problems.append((replace(spot, key="pos"), f"{name}: `pos` {unknown[0]!r} is no part of speech (one of: "
                                                    f"{', '.join(UNIVERSAL_POS)})"))
    if entry.get("lemmas") == []:
        problems.append((replace(spot, key="lemmas"), f"{name}: `lemmas` is empty"))
    if isinstance(event, str) and is_event_name(event) and not event.startswith(RULE_PREFIX):
        kind, _, sub = event.partition(" / ")
        if not taxonomy.is_sub_type(sub) or taxonomy.event_type_of(sub) != kind:
            want = f"{taxonomy.event_type_of(sub)} / {sub}" if taxonomy.is_sub_type(sub) else \
                "EVENT TYPE / SUB-EVENT TYPE of the taxonomy"
            problems.append((replace(spot, key="event"), f"event {event!r} is not {want!r}"))
    control = entry.get("control")
    if control is not None and control not in CONTROL_CHANGES:
        choices = ", ".join(CONTROL_CHANGES)
        problems.append((replace(spot, key="control"), f"control {control!r} must be one of {choices}"))
    return problems


def is_event_name(event: str) -> bool:
    if event.startswith("@"):
        return event in RULE_EVENTS
    parts = event.split(" / ")
    return len(parts) == 2 and all(part.strip() for part in parts)


def patterns_from(data: dict) -> Patterns:
    """Patterns from a trigger file that pattern_problems found no fault with."""
    triggers = []
    for entry in data["trigger"]:
        fields = {k: frozenset(v) for k, v in entry.items() if k in SET_FIELDS}
        fields.setdefault("pos", frozenset({"VERB", "NOUN"}))
        triggers.append(TriggerPattern(event=entry["event"], rank=entry.get("rank", 1),
                                       needs_instrument=entry.get("needs_instrument", False),
                                       background=entry.get("background", False),
                                       object_phrase=entry.get("object_phrase", False),
                                       control=entry.get("control"), **fields))
    instruments = dict(data["instruments"])
    not_instruments = tuple(phrase.lower() for phrase in instruments.pop(NOT_INSTRUMENTS, []))
    return Patterns(triggers, instruments, ModalityCues.from_dict(data["modality"]),
                    frozenset(data.get("attack", {}).get("armed_targets", [])),
                    data.get("protest", {}), data.get("reject", {}), data.get("territory", {}),
                    data.get("arrests", {}), data.get("riots", {}),
                    tuple(data.get("protest_causes", {}).get("phrases", [])), not_instruments)


@lru_cache(maxsize=1)
def default_patterns() -> Patterns:
    return load_patterns()


def object_lemmas(token: Token) -> set[str]:
    """Lemmas of the token's objects, including objects of its prepositions and the noun it modifies."""
    lemmas = set()
    has_direct_object = any(c.dep_ in ("dobj", "auxpass") for c in token.children)  # or a passive's subject
    for child in token.children:
        if child.dep_ in OBJECT_DEPS:
            lemmas |= {child.lemma_.lower(), child.lower_}  # the model lemmatises "bases" as "basis"
            lemmas |= quantified_lemmas(child)
        if child.dep_ == "prep" and child.lower_ == "from" and has_direct_object:
            continue  # 'captured the town from NLF fighters', 'was cleared from IS fighters': who lost it
        if child.dep_ in ("prep", "agent", "prt"):
            lemmas.update(g.lemma_.lower() for g in child.children if g.dep_ == "pobj")
    if token.dep_ in ("amod", "compound") or token.pos_ == "VERB" and token.dep_ in ("acl", "relcl"):
        lemmas.add(token.head.lemma_.lower())
    if token.dep_ == "compound":
        lemmas |= quantified_lemmas(token.head)  # "the exchange process of prisoners"
    return lemmas


def object_phrase_lemmas(token: Token) -> set[str]:
    """Nouns anywhere in the phrases of a verb's objects and passive subject, and in the subject of its complement
    clause: 'two caches containing weapons have been discovered', 'discovered a large amount of ammunition
    believed to belong to ...' (parsed as a clause)."""
    phrases = [c for c in token.children if c.dep_ in OBJECT_DEPS]
    phrases += [g for c in token.children if c.dep_ == "ccomp" for g in c.children if g.dep_ in ("nsubj", "nsubjpass")]
    return {t.lemma_.lower() for phrase in phrases for t in phrase.subtree
            if t.pos_ in ("NOUN", "PROPN") and t.dep_ not in NOUN_MODIFIER_DEPS}  # a 'rocket-launching site' is a site


def quantified_lemmas(noun: Token) -> set[str]:
    """What a quantity noun counts: 'a large amount of ammunition', 'a total of 56 observation points'."""
    counted = [g for prep in noun.children if prep.dep_ == "prep" and prep.lower_ == "of"
               for g in prep.children if g.dep_ == "pobj"]
    return {t.lemma_.lower() for g in counted for t in (g, *g.conjuncts)}


def subject_heads(token: Token) -> list[Token]:
    """Heads of the subject of a trigger's clause, borrowed from the governing verb of a conjunct or complement."""
    heads = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not heads and token.dep_ in ("conj", "xcomp"):
        heads = [c for c in token.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    return heads


def subject_lemmas(token: Token) -> set[str]:
    """Lemmas of the subject heads and of what a quantity subject counts ('hundreds of troops')."""
    return {lemma for head in subject_heads(token) for lemma in {head.lemma_.lower(), *quantified_lemmas(head)}}


def subject_words(token: Token) -> set[str]:
    """Lemmas of the whole subject phrase of a trigger's clause: 'Iraqi security forces' -> iraqi, security, force."""
    return {t.lemma_.lower() for head in subject_heads(token) for t in head.subtree}


def first_cue_group(sentence: Span, groups: dict[str, list[str]]) -> str | None:
    """The first group (in file order) with a word or phrase present in the sentence."""
    return first_cue_group_in(sentence.text, groups)


def first_cue_group_in(text: str, groups: dict[str, list[str]]) -> str | None:
    text = " " + NOT_CUE_CHARACTERS.sub(" ", text.lower()) + " "
    for label, words in groups.items():
        if words and cue_words_pattern(tuple(words)).search(text):
            return label
    return None


NOT_CUE_CHARACTERS = re.compile(r"[^a-z0-9' -]+")


@lru_cache(maxsize=256)
def cue_words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """' word ' or ' words ' for any of the words, in one search: the groups hold over a hundred words, and each
    sentence is searched for several groups."""
    return re.compile(" (?:" + "|".join(map(re.escape, words)) + ")s? ")


def protest_kind(story: Span, patterns: Patterns) -> str | None:
    """The kind of protest the story's words tell, leaving out what the protest is about ('over the killing of').
    Cues are looked for in the words as written and in their lemmas, so that 'hurling', 'smashes' or 'dispersing'
    count like the forms the cue lists name."""
    text = story.text.lower()
    causes = [(m.start(), m.end()) for phrase in patterns.protest_causes for m in re.finditer(re.escape(phrase), text)]
    for phrase in patterns.protest_causes:
        text = text.replace(phrase, " ")
    lemmas = " ".join(t.lemma_.lower() for t in story
                      if not any(start <= t.idx - story.start_char < end for start, end in causes))
    return first_cue_group_in(f"{text} | {lemmas}", patterns.protest)


def instrument_class(sentence: Span, patterns: Patterns) -> str | None:
    """The first instrument group named in the sentence; names of units ('Air Force Intelligence') are no weapon."""
    return instrument_class_in(sentence.text, patterns)


def instrument_class_in(text: str, patterns: Patterns) -> str | None:
    """The first instrument group named in a text, once the phrases that only look like weapons are left out."""
    text = text.lower()
    for phrase in patterns.not_instruments:
        text = text.replace(phrase, " ")
    return first_cue_group_in(text, patterns.instruments)


def instrument_for(token: Token, sentence: Span, patterns: Patterns) -> str | None:
    """The first instrument in the sentence outside clauses that tell other events, else in the whole sentence: in
    'launched airstrikes on groups it accused of a chlorine attack', the strikes are from the air."""
    other = in_other_clauses(sentence, token)
    own = " ".join(t.text for t in sentence if not other[t.i])
    return instrument_class_in(own, patterns) or instrument_class(sentence, patterns)


def strike_instrument(token: Token, patterns: Patterns) -> str | None:
    """What a strike was made with: aircraft or guns named in its sentence, else in the sentences around it
    ('Airstrikes killed 85 civilians. Residents blamed the coalition for the strikes'). Other weapons in its
    sentence are what it hit ('18 strikes destroyed two car bombs'), not its means."""
    if not is_strike(token):
        return None
    means = {name: words for name, words in patterns.instruments.items() if name in STRIKE_MEANS}
    return first_cue_group_in(token.sent.text, means) or first_cue_group_in(neighbourhood(token).text, means)


def in_other_clauses(sentence: Span, trigger: Token) -> dict[int, bool]:
    """For each word of the sentence (by index), whether it is in a relative, adverbial or complement clause that
    does not hold the trigger, or in the event this one answers ('in retaliation for a gas attack'). A word's answer
    is its head's unless the word tells by itself; each is worked out once, so a long sentence stays linear."""
    trigger_path = {trigger.i, *(t.i for t in trigger.ancestors)}
    answers: dict[int, bool] = {}
    for word in sentence:
        chain = [word]
        while (answer := own_answer(chain[-1], trigger_path, answers)) is None:
            chain.append(chain[-1].head)
        answers.update((token.i, answer) for token in chain)
    return answers


def own_answer(token: Token, trigger_path: set[int], answers: dict[int, bool]) -> bool | None:
    """Whether `token` is in another clause than the trigger's when it tells by itself (or was worked out
    already); None when it is as its head is."""
    if token.i in answers:
        return answers[token.i]
    if token.i in trigger_path:
        return False
    if token.dep_ in ("relcl", "advcl", "ccomp") or token.lemma_.lower() in ANSWERED_EVENT_WORDS:
        return True
    return False if token.head.i == token.i else None


def word_forms(token: Token) -> set[str]:
    """Lemma and lower-case form; a capitalised sentence-initial noun ('Talks') loses its plural -s; a prefix
    written apart joins its noun."""
    forms = {token.lemma_.lower(), token.lower_}
    before = token.doc[token.i - 1] if token.i > 0 else None
    if before is not None and before.head.i == token.i and before.lower_ in JOINED_PREFIXES:
        forms |= {before.lower_ + form for form in tuple(forms)}  # "a counter attack" is a counterattack
    if token.pos_ == "PROPN" and token.lower_.endswith("s"):
        forms.add(token.lower_[:-1])
    return forms


def pos_fits(token: Token, pattern: TriggerPattern) -> bool:
    if token.pos_ in pattern.pos:
        return True
    if is_misparsed_verb(token):
        return "VERB" in pattern.pos
    return token.pos_ == "PROPN" and (token.is_sent_start or in_title_case(token.sent)) and "NOUN" in pattern.pos


def in_title_case(sentence: Span) -> bool:
    """'Eight Civilians Killed in Terrorist Bombing in Damascus': a headline in title case, whose nouns the parser
    reads as names. Every word of four letters or more is capitalised, which a sentence with a verb in it is not."""
    words = [t.text for t in sentence if t.is_alpha and len(t.text) >= 4]
    return len(words) >= 4 and all(w[0].isupper() for w in words)


def is_misparsed_verb(token: Token) -> bool:
    """'pelted stones and torched vehicles': a participle read as an adjective joined to a verb, with an object."""
    return token.pos_ == "ADJ" and token.dep_ == "conj" and token.head.pos_ == "VERB" \
        and any(c.dep_ == "dobj" for c in token.children)


def pattern_holds(token: Token, pattern: TriggerPattern, has_instrument: bool) -> bool:
    if not pos_fits(token, pattern) or not word_forms(token) & pattern.lemmas:
        return False
    if pattern.needs_instrument and not has_instrument:
        return False
    objects = object_lemmas(token) if pattern.with_object or pattern.without_object else set()
    if pattern.object_phrase:
        objects |= object_phrase_lemmas(token)
    if pattern.with_object and not objects & pattern.with_object:
        return False
    if pattern.without_object and objects & pattern.without_object:
        return False
    if pattern.with_particle and not any(c.lower_ in pattern.with_particle and is_particle(c) for c in token.children):
        return False
    if pattern.with_subject and not subject_lemmas(token) & pattern.with_subject:
        return False
    if pattern.with_prep and not any(c.dep_ in ("prep", "prt") and c.lower_ in pattern.with_prep
                                     for c in token.children):
        return False
    return not pattern.with_infinitive or any(
        c.dep_ in ("xcomp", "ccomp", "advcl") and c.lemma_.lower() in pattern.with_infinitive
        for c in token.children)


def is_particle(word: Token) -> bool:
    """'pushed them back', and 'out' in 'pushed the militants out of the areas' (parsed as a preposition)."""
    return word.dep_ in ("prt", "advmod") or word.dep_ == "prep" and word.i + 1 < len(word.doc) \
        and word.nbor(1).lower_ == "of"


def is_passive_description(token: Token) -> bool:
    """'areas controlled by HTS': a participle modifying a noun, with its agent, describes a state."""
    children = list(token.children)
    return token.dep_ in ("acl", "relcl") and token.tag_ == "VBN" and any(c.dep_ == "agent" for c in children) \
        and not any(c.dep_ in ("aux", "auxpass") for c in children)


def describes_holder(token: Token, patterns: Patterns) -> bool:
    """'villages controlled by HTS', 'fighters occupying the town': who holds a place, not a capture. A vehicle
    'targeted by a suicide bomber' or shells 'fired by the rebels' are events all the same."""
    return is_passive_description(token) or is_holding_description(token, patterns) \
        or is_held_description(token, patterns) or is_present_holding(token, patterns)


def is_present_holding(token: Token, patterns: Patterns) -> bool:
    """'IS now controls roughly a third of Syria', 'the rebels hold the eastern districts': a holding verb in the
    simple present tells who holds a place today, not that it changed hands."""
    return token.tag_ in ("VBZ", "VBP") and token.lemma_.lower() in patterns.territory.get("holding", [])


def is_held_description(token: Token, patterns: Patterns) -> bool:
    """'Azaz, which is controlled by Turkish-backed factions', 'the town is controlled by IS': a holding verb's
    passive in a relative clause or in the present tells who holds a place."""
    if token.tag_ != "VBN" or token.lemma_.lower() not in patterns.territory.get("holding", []):
        return False
    present = any(c.dep_ == "auxpass" and c.tag_ in ("VBZ", "VBP") for c in token.children)
    return token.dep_ in ("acl", "relcl") or present


def is_holding_description(token: Token, patterns: Patterns) -> bool:
    """'fighters occupying the town', 'militants controlling the area': a present participle of a holding verb that
    describes who holds a place, not a capture ('forces establishing control' still capture)."""
    return token.dep_ == "acl" and token.tag_ == "VBG" and token.lemma_.lower() in patterns.territory.get("holding", [])


def is_mandate(token: Token) -> bool:
    """'the coalition tasked with fighting IS', 'a force set up to fight the rebels': what a participle describing a
    noun says the group is for, not a deed."""
    if token.tag_ not in ("VBG", "VB") or token.dep_ not in ("pcomp", "xcomp", "advcl"):
        return False
    head = token.head.head if token.dep_ == "pcomp" else token.head
    return head.dep_ == "acl" and head.tag_ in ("VBN", "VBD")


def is_heard(token: Token) -> bool:
    """'the sound of gunfire and explosions', 'blasts were heard across the city': a noise someone hears tells of
    the fight the text reports, not an event of its own."""
    word = token
    while word.dep_ == "conj" and word.head.i != word.i:
        word = word.head
    if word.dep_ == "pobj" and word.head.lower_ == "of":
        return word.head.head.lemma_.lower() in HEARD_WORDS
    return word.dep_ in ("nsubjpass", "dobj") and word.head.lemma_.lower() in HEARD_WORDS


def find_triggers(sentence: Span, patterns: Patterns, blocked: set[int]) -> list[Trigger]:
    """Triggers in a sentence: per token the most specific, then highest-ranked, pattern that holds."""
    has_instrument: bool | None = None  # looked for once a word has patterns: most sentences have none
    found = []
    for token in sentence:
        if token.i in blocked or token.pos_ not in ("VERB", "NOUN", "ADJ", "PROPN"):
            continue
        candidates = patterns.for_token(word_forms(token))
        if not candidates:
            continue
        misparsed_verb = token.i - 1 in blocked and not is_attributive(token)  # "QSD captured parts of ..."
        if token.pos_ == "VERB" and token.dep_ == "amod" and token.tag_ != "VBD" and not misparsed_verb:
            continue  # "the released civilians": a description, not an event
        if attempts_other_deed(token, patterns.by_word):
            continue
        if is_mandate(token):
            continue
        if is_heard(token) or names_casualties(token) or describes_state(token):
            continue
        if has_instrument is None:
            has_instrument = instrument_class(sentence, patterns) is not None
        sense = strike_sense(token)
        holding = [p for p in candidates
                   if pattern_holds(token, p, has_instrument or sense == MILITARY) and fits_sense(p, sense)
                   and not (p.event == TERRITORY and describes_holder(token, patterns))]
        if holding:
            best = max(holding, key=lambda p: (p.specificity, p.rank))
            found.append(Trigger(token, best))
    return background_dropped(found, patterns.modality)


def is_attributive(participle: Token) -> bool:
    """'the rebel controlled city', 'IS held villages': the actor before the participle modifies it (a compound
    adjective written without its hyphen), where 'QSD captured parts', read as 'captured parts', has it as subject."""
    before = participle.doc[participle.i - 1] if participle.i > 0 else None
    return before is not None and before.head.i == participle.i and before.dep_ in ("npadvmod", "compound", "amod")


def fits_sense(pattern: TriggerPattern, sense: str | None) -> bool:
    """A strike from the air is never a protest; a strike by workers is nothing else."""
    if sense == MILITARY:
        return pattern.event != PROTEST
    if sense == LABOUR:
        return pattern.event == PROTEST
    return True


def is_action(pattern: TriggerPattern) -> bool:
    return pattern.event.startswith(RULE_PREFIX) or pattern.event_type in ACTION_EVENT_TYPES


def background_dropped(triggers: list[Trigger], cues: ModalityCues) -> list[Trigger]:
    """'Troops entered the village and raped women': the movement is how the violence came about. A violence only
    planned ('arrived ... to kick off an attack') leaves the movement its own event."""
    if not any(is_action(t.pattern) and modality_of(t.token, cues) in FACTUAL for t in triggers):
        return triggers
    return [t for t in triggers if not t.pattern.background]
