"""Turning the triggers and mentions of one parsed document into ACLED-style events.

Per sentence: find triggers, give each its actors (from the dependency tree), modality, place,
date, fatalities and cited sources, and fold triggers that tell one event ("stormed ... and
imposed control") into one. Partisan labels ("terrorists") are resolved to a named group in
the same or a nearby sentence of the same section.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from spacy.tokens import Doc, Span, Token

from fieldreport import taxonomy
from fieldreport.events.discourse import clause_modality
from fieldreport.events.modality import modality_of
from fieldreport.events.triggers import (
    ATTACK,
    DETENTION,
    EXPLOSION,
    PROTEST,
    REMOTE,
    TERRITORY,
    Patterns,
    Trigger,
    find_triggers,
    first_cue_group,
    instrument_class,
    instrument_for,
    protest_kind,
    strike_instrument,
    subject_heads,
    subject_words,
)
from fieldreport.geo.location import Location
from fieldreport.geo.toponyms import ADMIN_CUES
from fieldreport.mentions.actors import Actor, ActorDictionary, ActorMention
from fieldreport.mentions.dates import MONTH_PRECISION, DateMention, vague_past_word
from fieldreport.mentions.fatalities import (
    CODED_TALLY,
    fatalities_in,
    folded_name,
    shared_between,
    stated_tally,
    tally_is_per_event,
)
from fieldreport.mentions.sources import SourceMention
from fieldreport.model import Event, Evidence
from fieldreport.rules import word_set

TARGET_PREPS = word_set("events", "target_preps")
REPELLING_WORDS = word_set("events", "repelling_words")
CLASH_EVENT = "Battles / Armed clash"
# The event and sub-event types these rules code, each checked against the taxonomy (data/taxonomy.toml) on import
BATTLES = taxonomy.event_type("Battles")
STRATEGIC_DEVELOPMENTS = taxonomy.event_type("Strategic developments")
VIOLENCE_AGAINST_CIVILIANS = taxonomy.event_type("Violence against civilians")
ONE_SIDED_TYPES = taxonomy.event_types("Explosions/Remote violence", "Violence against civilians")
RIOTS = taxonomy.event_type("Riots")
ARMED_CLASH = taxonomy.sub_type("Armed clash")
ATTACK_ON_CIVILIANS = taxonomy.sub_type("Attack")
ARRESTS = taxonomy.sub_type("Arrests")
NON_VIOLENT_TRANSFER = taxonomy.sub_type("Non-violent transfer of territory")
SHELLING = taxonomy.sub_type("Shelling/artillery/missile attack")
IED = taxonomy.sub_type("Remote explosive/landmine/IED")
PEACEFUL_PROTEST = taxonomy.sub_type("Peaceful protest")
PROTEST_WITH_INTERVENTION = taxonomy.sub_type("Protest with intervention")
FORCE_AGAINST_PROTESTERS = taxonomy.sub_type("Excessive force against protesters")
WEAPON_DEFINED_ATTACKS = taxonomy.sub_types("Suicide bomb", "Chemical weapon")
SEXUAL_VIOLENCE = taxonomy.sub_type("Sexual violence")
EXPLOSIVE_TYPES = taxonomy.sub_types("Chemical weapon", "Suicide bomb", "Grenade", "Remote explosive/landmine/IED")
REMOTE_VIOLENCE = taxonomy.event_type("Explosions/Remote violence")
CIVILIANS = 7
ARMED_INTERS = {1, 2, 3, 8}
STATE_INTERS = {1, 8}
PROTESTERS = 6
NON_STATE_ARMED_INTERS = {2, 3, 4}
FIGHTING_WORDS = word_set("events", "fighting_words")  # "clashes", unlike "an attempt to smuggle"
NON_COMBATANT_INTERS = {5, 6, 7}
CROWD_INTERS = {5, 6}  # rioters, protesters: the word names both the actor and the event
NEARBY_SENTENCES = 4  # how far from its event a missing battle side is looked for
RECIPROCAL_FIRE = {SHELLING}
GOVERNMENT_REGAINS = taxonomy.sub_type("Government regains territory")
VIOLENT_DEMONSTRATION = taxonomy.sub_type("Violent demonstration")
AIR_STRIKE = taxonomy.sub_type("Air/drone strike")
LOOTING = taxonomy.sub_type("Looting/property destruction")
ARMED_CRIME_EVENTS = (ATTACK, REMOTE, DETENTION, LOOTING)  # what armed men do in a crime sentence stays an event
MOB_VIOLENCE = taxonomy.sub_type("Mob violence")
NON_STATE_OVERTAKES = taxonomy.sub_type("Non-state actor overtakes territory")
SUBORDINATE_DEPS = {"pcomp", "advcl"}
DESCRIPTIVE_DEPS = {"relcl", "acl"}


@dataclass
class SentenceContext:
    """What is known around one sentence: its section's place and the mentions inside it."""

    sentence: Span
    index: int
    section: int
    actors: list[ActorMention]
    places: list[Location]
    admin_context: Location | None
    dates: list[DateMention]
    sources: list[SourceMention]


@dataclass
class DraftEvent:
    """An event under construction; `sentences` and `section` drive merging."""

    event: Event
    trigger: Trigger
    sentence_index: int
    section: int
    actor1: ActorMention | None = None
    actor2: ActorMention | None = None
    location: Location | None = None
    location_inherited: bool = False
    sentences: set[int] = field(default_factory=set)
    armed_nearby: list[tuple[ActorMention, Actor]] = field(default_factory=list)
    attributed: tuple[ActorMention, Actor] | None = None  # the group the text suspects of the attack
    attackers_nearby: list[tuple[ActorMention, Actor]] = field(default_factory=list)
    state_forces: Actor | None = None  # the military of the event's country
    defaulted_actor1: str | None = None  # actor1 a partisan label took by default, no named group being near
    tally_stated: bool = False  # fatalities set from a coder's stated tally, which later counts do not override
    tally_per_event: bool = False  # that tally was already divided between the note's events


def in_subtree(mention_span: Span, root: Token) -> bool:
    return root.left_edge.i <= mention_span.start and mention_span.end - 1 <= root.right_edge.i


MODIFIER_DEPS = {"acl", "relcl", "prep", "appos", "advcl"}


def in_core(span: Span, root: Token) -> bool:
    """True when the span hangs off `root` without crossing a modifier clause or preposition:
    in 'rebel factions, supported by Turkish forces', the core of the subject is 'rebel factions'."""
    token = span.root
    while token.i != root.i:
        if token.dep_ in MODIFIER_DEPS or token.head.i == token.i:
            return False
        token = token.head
    return True


def mentions_under(tokens: list[Token], mentions: list[ActorMention]) -> list[ActorMention]:
    """Actor mentions inside the phrases headed by `tokens`, those in the phrases' cores first."""
    inside = [m for m in mentions if any(in_subtree(m.span, t) for t in tokens)]
    core = [m for m in inside if any(in_subtree(m.span, t) and in_core(m.span, t) for t in tokens)]
    return core + [m for m in inside if m not in core]


def clause_subjects(token: Token) -> tuple[list[Token], list[Token], list[Token]]:
    """(active subjects, passive subjects, agents) of the clause a trigger belongs to."""
    if token.dep_ == "acl" and token.tag_ == "VBG":
        return [token.head], [], []  # 'rebels shelling regime positions': the noun a participle hangs on acts
    current = token
    for _ in range(4):
        subjects = [c for c in current.children if c.dep_ == "nsubj"]
        passive = [c for c in current.children if c.dep_ == "nsubjpass"]
        agents = [g for c in current.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        if subjects or passive or agents:
            return subjects, passive, agents
        if current.dep_ in ("conj", "xcomp", "advcl", "pcomp", "pobj", "prep", "dobj") and current.head.i != current.i:
            current = current.head
        else:
            break
    return [], [], []


def target_tokens(token: Token) -> list[Token]:
    # "5 members of LaQ were killed", "the body of a fighter was found": a passive's subject is what it acts on
    targets = [c for c in token.children if c.dep_ in ("dobj", "dative", "attr", "nsubjpass")]
    if not targets and token.pos_ == "VERB":
        # "shot and killed a soldier": the object is shared by the coordinated verbs
        targets = [g for c in token.children if c.dep_ == "conj" and c.pos_ == "VERB"
                   for g in c.children if g.dep_ == "dobj"]
        if token.dep_ == "conj":
            targets += [c for c in token.head.children if c.dep_ == "dobj"]
    preps = [c for c in token.children if c.dep_ == "prep" and c.lower_ in TARGET_PREPS | {"of"}]
    if token.pos_ in ("NOUN", "PROPN") and token.dep_ in ("nsubj", "nsubjpass", "dobj"):
        # "clashes took place between X and Y", "fighting erupted with X"
        preps += [c for c in token.head.children if c.dep_ == "prep" and c.lower_ in ("between", "with", "against")]
    for prep in preps:
        if prep.lower_ == "of" and token.pos_ != "NOUN":
            continue
        targets.extend(g for g in prep.children if g.dep_ == "pobj")
    if token.pos_ == "VERB" and token.dep_ in ("acl", "relcl") and not targets:
        targets.append(token.head)  # "a QSD member's body ... killed by unknown gunmen"
    return targets


def target_words(token: Token) -> set[str]:
    """Lemmas in the core of what a trigger acts on: 'a regime soldier', 'the vehicle of a commander'."""
    words = set()
    for target in target_tokens(token):
        words |= {form for t in target.subtree if t.i == target.i or t.dep_ in
                  ("compound", "poss", "amod", "pobj", "nmod") and t.i <= target.right_edge.i
                  for form in (t.lemma_.lower(), t.lower_)}
    return words


def held_target(token: Token, patterns: Patterns) -> bool:
    """'ISIS attacks Kurdish-held town': an attack on a place an armed group holds, with no victims named, is a fight
    with its holders."""
    holding = patterns.territory.get("holding", [])
    return any(m.dep_ == "amod" and m.lemma_.lower() in holding and any(c.tag_ == "HYPH" for c in m.children)
               for target in target_tokens(token) for m in target.children)


def words_right_after(token: Token, reach: int = 5) -> set[str]:
    """Lemmas of the noun phrase right after a verb whose object the parse lost ('attacked South West State's
    militiamen trying to ...', read as the subject of 'trying'): up to its first noun that heads a phrase."""
    words: set[str] = set()
    if token.pos_ != "VERB":
        return words
    for word in token.doc[token.i + 1:min(token.i + 1 + reach, token.sent.end)]:
        if word.pos_ in ("VERB", "AUX", "ADP", "PUNCT"):
            break
        words |= {word.lemma_.lower(), word.lower_}
        if word.pos_ == "NOUN" and word.dep_ not in ("compound", "amod", "poss"):
            break
    return words


def sides_for(trigger: Trigger, actors: list[ActorMention]) -> tuple[list[ActorMention], list[ActorMention]]:
    """Actor mentions on the acting side and on the receiving side of a trigger. Names that only qualify
    something ('IS-held', 'Daesh-linked', a cited source) act on neither side; a place's holder may be hit."""
    strike = is_one_sided(trigger)  # 'Russian airstrikes' name who struck, not a side of 'clashes'
    usable = [m for m in actors if m.qualifier in (None, "holder") or m.qualifier == "means" and (
        strike or m.span.root.head.i == trigger.token.i)]  # 'a government offensive': the offensive's own
    acting, sides = sides_of_parse(trigger, usable)
    return [m for m in acting if m.qualifier in (None, "means")], [m for m in sides if m.qualifier != "means"]


def sides_of_parse(trigger: Trigger, actors: list[ActorMention]) -> tuple[list[ActorMention], list[ActorMention]]:
    token = trigger.token
    subjects, passive, agents = clause_subjects(token)
    if token.pos_ == "NOUN":
        owners = [c for c in token.children if c.dep_ == "poss" or c.dep_ in NOUN_AGENT_DEPS and c.i < token.i]
        by = [g for c in by_phrases(token) for g in c.children if g.dep_ == "pobj"]
        agent_side = mentions_under(owners + by + agents, actors) or mentions_under(subjects, actors)
        other = mentions_under(target_tokens(token), actors)
        if passive and not agent_side:
            if is_one_sided(trigger):
                other = other + mentions_under(passive, actors)  # 'civilians were killed in airstrikes': victims
            else:
                agent_side = mentions_under(passive, actors)  # 'IS fighters were killed in clashes': a side
    else:
        agent_side = mentions_under(agents or subjects, actors)
        if token.dep_ == "acl":  # the participle's own clause holds its targets, not its agent
            agent_side = [m for m in agent_side if not in_subtree(m.span, token)]
        other = mentions_under(target_tokens(token) + (passive if not subjects else []), actors)
    other = [m for m in other if m not in agent_side]
    if not agent_side and len({m.actor for m in other}) > 1:
        agent_side, other = other[:1], other[1:]  # "between X and Y": X acts, Y receives
    return agent_side, other


def by_phrases(token: Token) -> list[Token]:
    """'strikes by the coalition': the 'by' phrase of a noun, also when the parse hung it elsewhere."""
    found = [c for c in token.children if c.dep_ == "prep" and c.lower_ == "by"]
    after = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    if not found and after is not None and after.lower_ == "by" and after.dep_ in ("prep", "agent"):
        found.append(after)
    return found


NOUN_AGENT_DEPS = {"compound", "amod", "nmod", "npadvmod"}  # 'regime bombardment', 'Russian airstrikes'


def is_one_sided(trigger: Trigger) -> bool:
    """A strike, a bombing or an attack: one side acts and the other is hit, unlike a battle's two sides."""
    return trigger.pattern.event in (REMOTE, EXPLOSION, ATTACK) or trigger.pattern.event_type in ONE_SIDED_TYPES


def pick(mentions: list[ActorMention]) -> ActorMention | None:
    """The first mention; a partisan label gives way to a named actor in the same core phrase only."""
    if not mentions:
        return None
    first = mentions[0]
    if first.is_partisan:
        named_near = [m for m in mentions[1:] if not m.is_partisan and not m.actor.generic
                      and abs(m.span.start - first.span.start) <= 3]
        return named_near[0] if named_near else first
    return first


def resolve_partisan(mention: ActorMention, contexts: list[SentenceContext], index: int,
                     dictionary: ActorDictionary, against: Actor | None) -> Actor:
    """A named non-state group near a partisan label ("terrorists"), else the dictionary's default.

    A group allied with `against`, the other party of the event, is not who the label names:
    in 'regime forces and pro-regime militias clashed with rebels', the rebels are no militia."""
    here = contexts[index]
    for back in range(0, 4):
        if index - back < 0 or contexts[index - back].section != here.section:
            break
        ordered = contexts[index - back].actors
        if back == 0:
            ordered = sorted(ordered, key=lambda m: abs(m.span.start - mention.span.start))
        for other in ordered:
            actor = other.actor
            if actor and other.can_act and actor.inter in (2, 3) and not actor.allied_with(against) \
                    and not actor.generic and dictionary.may_name(mention.span.text, actor):
                return actor
    return dictionary.partisan_default


def subtype_for(trigger: Trigger, actor1: Actor | None, actor2: Actor | None,
                sentence: Span, patterns: Patterns, story: Span | None = None,
                actor2_is_label: bool = False) -> tuple[str, str]:
    """ACLED event type and sub-event type. `story` (the sentence and its neighbours) decides what kind of
    protest it was: protesters who throw stones in the next sentence rioted in this one."""
    story = story if story is not None else sentence
    event = trigger.pattern.event
    if event == TERRITORY:
        if is_undone(trigger, patterns):
            return typed(ARMED_CLASH)
        if first_cue_group(sentence, {"peaceful": patterns.territory.get("peaceful", [])}) \
                or is_takeover_after_withdrawal(story, patterns):
            return typed(NON_VIOLENT_TRANSFER)
        if actor1 is not None and actor1.inter == 1 or actor1 is None and is_state_subject(trigger.token, patterns):
            return typed(GOVERNMENT_REGAINS)
        return typed(NON_STATE_OVERTAKES)
    if event == REMOTE:
        return typed(strike_instrument(trigger.token, patterns) or instrument_for(trigger.token, sentence, patterns)
                     or SHELLING)
    if event == EXPLOSION:
        kind = instrument_for(trigger.token, sentence, patterns)
        return typed(kind if kind in EXPLOSIVE_TYPES | {AIR_STRIKE} else IED)
    if event == PROTEST:
        return typed(protest_kind(story, patterns) or PEACEFUL_PROTEST)
    if event in (ATTACK, DETENTION):
        armed_target = actor2 is not None and actor2.inter in ARMED_INTERS or actor2 is None and (bool(
            (target_words(trigger.token) or words_right_after(trigger.token)) & patterns.armed_targets)
            or held_target(trigger.token, patterns))
        if event == DETENTION and not (actor1 is not None and actor1.inter in NON_STATE_ARMED_INTERS):
            # armed groups holding fighters clash with them (ACLED); a state's forces arresting "militants" arrest,
            # and clash only with the members of a group the text names, never with their own state's forces
            armed_target = armed_target and actor2 is not None and not actor2_is_label \
                and not same_state(actor1, actor2)
        kind = attack_instrument(trigger, sentence, story, patterns) if event == ATTACK else None
        if kind in EXPLOSIVE_TYPES and (kind in WEAPON_DEFINED_ATTACKS or not armed_target or trigger.is_weak):
            # "a suicide bomber attacked the checkpoint", "a grenade attack killed a shopkeeper", "soldiers were
            # killed when their vehicle hit a landmine": the weapon decides
            return typed(kind)
        if armed_target and (event == ATTACK or actor1 is not None and actor1.inter in ARMED_INTERS):
            return typed(ARMED_CLASH)
        if event == ATTACK and actor2 is not None and actor2.inter == PROTESTERS and (
                actor1 is None or actor1.inter in STATE_INTERS):
            # ACLED: excessive force is lethal or seriously injuring force on peaceful protesters; force that
            # disperses them without it is an intervention; protesters who fight back riot
            return typed(protest_kind(story, patterns) or PROTEST_WITH_INTERVENTION)
        if event == ATTACK:
            return typed(ATTACK_ON_CIVILIANS)
        if is_arrest_at_protest(trigger.token, patterns):
            return typed(PROTEST_WITH_INTERVENTION)  # "police detained activists during the protest"
        return typed(ARRESTS)
    sub_event_type = trigger.pattern.sub_event_type
    if sub_event_type == VIOLENT_DEMONSTRATION and not tells_of_protest(story, patterns):
        return typed(MOB_VIOLENCE)  # "a riot broke out after a mob lynched two men": no demonstration
    return typed(sub_event_type)


def typed(sub_event_type: str) -> tuple[str, str]:
    """(event type, sub-event type): the event type is the taxonomy's."""
    return taxonomy.event_type_of(sub_event_type), sub_event_type


def attack_instrument(trigger: Trigger, sentence: Span, story: Span, patterns: Patterns) -> str | None:
    """The weapon of an attack: named in its sentence, or, for a bare 'attacks' that sums up what the next sentences
    tell ('Two civilians were killed in separate attacks. ... in a grenade attack'), the explosive named there."""
    kind = instrument_for(trigger.token, sentence, patterns)
    if kind is None and trigger.token.lemma_.lower() == "attack" and trigger.token.pos_ == "NOUN":
        told = instrument_class(story, patterns)
        return told if told in EXPLOSIVE_TYPES else None
    return kind


def tells_of_protest(story: Span, patterns: Patterns) -> bool:
    """Rioters who are demonstrators: the story names a protest or its activists."""
    words = patterns.arrests.get("at_protest", []) + patterns.riots.get("demonstrators", [])
    return first_cue_group(story, {"protest": words}) is not None


def is_takeover_after_withdrawal(story: Span, patterns: Patterns) -> bool:
    """'The militants seized the area following the withdrawal of Puntland forces': a place the other side left
    without a fight changes hands peacefully (ACLED); a withdrawal after clashes leaves a battle."""
    territory = patterns.territory
    return bool(first_cue_group(story, {"withdrawal": territory.get("withdrawal", [])})) \
        and not first_cue_group(story, {"fighting": territory.get("fighting", [])})


def is_arrest_at_protest(token: Token, patterns: Patterns) -> bool:
    """The arrest's sentence names a protest it happened at: 'detained protesters', 'arrested during the rally';
    not one the arrest preceded or was for ('before the rally', 'for organising a protest', 'in anticipation of
    protests'), which ACLED codes as Arrests."""
    protest_words = set(patterns.arrests.get("at_protest", []))
    outside = set(patterns.arrests.get("not_at_protest", []))
    governing = {token.i, *(t.i for t in token.ancestors)}
    for word in token.sent:
        if word.lower_ not in protest_words:
            continue
        between = [t for t in (word, *word.ancestors) if t.i not in governing]
        if not any(t.lemma_.lower() in outside or t.lower_ in outside for t in between):
            return True
    return False


def same_state(first: Actor | None, second: Actor | None) -> bool:
    """Two state forces of one country: 'Turkish police detained ... of Turkey's opposition'."""
    return first is not None and second is not None and first.country is not None \
        and first.country == second.country and first.inter in STATE_INTERS and second.inter in STATE_INTERS


def is_state_subject(token: Token, patterns: Patterns) -> bool:
    """An unnamed subject that is a state's forces: 'Iraqi security forces', 'the Somali National Army'."""
    words = subject_words(token)
    return bool(words & set(patterns.territory.get("state_subjects", []))) and \
        not words & set(patterns.territory.get("non_state_subjects", []))


def story_around(contexts: list[SentenceContext], index: int, reach: int = 2) -> Span:
    """The sentence at `index` with up to `reach` sentences either side in its section."""
    here = contexts[index]
    near = [c for c in contexts if c.section == here.section and abs(c.index - index) <= reach]
    doc = here.sentence.doc
    return doc[min(c.sentence.start for c in near):max(c.sentence.end for c in near)]


def place_for(trigger: Trigger, context: SentenceContext) -> Location | None:
    """The place an event happened: one attached to the trigger, the most specific, the nearest."""
    token = trigger.token
    candidates = [loc for loc in context.places if loc.mention is not None]
    if not candidates:
        return None
    governing = token
    while governing.dep_ in ("xcomp", "conj", "pcomp", "advcl") and governing.head.i != governing.i:
        governing = governing.head

    def score(loc: Location) -> tuple:
        span = loc.mention.span
        before = span.doc[span.start - 1].lower_ if span.start > 0 else ""
        attached = in_subtree(span, token) or in_subtree(span, governing)
        destination = before in ("towards", "toward") or (before == "to" and trigger.pattern.rank < 2)
        return (not destination, attached, -loc.geo_precision, -abs(span.start - token.i))

    best = max(candidates, key=score)
    if best.level == "country":
        specific = [loc for loc in candidates if loc.level != "country"]
        if specific:
            best = max(specific, key=score)
    return placed_by_neighbour(best, candidates)


def placed_by_neighbour(best: Location, candidates: list[Location]) -> Location:
    """'the village of Maseh west of the town of al-Zaman': when the known town only locates the
    place the event happened in, the event keeps that place's name at the town's point (precision 2)."""
    for other in candidates:
        if other is best or other.geo_precision < 3 or other.level == "country" or other.mention is None:
            continue
        if other.mention.direction or other.mention.cue in ADMIN_CUES:
            continue
        if modifies(best.mention.span, other.mention.span) or located_by(other.mention.span, best.mention.span):
            return replace(best, location=other.mention.name, geo_precision=2, mention=other.mention)
    return best


RELATIVE_WORDS = word_set("events", "relative_words")


def located_by(place: Span, landmark: Span, window: int = 12) -> bool:
    """'Maseh West of the small town of al-Zaman': a relative word between the two, no verb."""
    if not 0 <= landmark.start - place.end <= window:
        return False
    between = place.doc[place.end:landmark.start]
    return any(t.lower_ in RELATIVE_WORDS for t in between) and not any(t.pos_ in ("VERB", "AUX") for t in between)


def modifies(span: Span, other: Span, hops: int = 5) -> bool:
    """True when `span` hangs below `other` in the parse within a few steps ('X west of Y')."""
    token = span.root
    for _ in range(hops):
        if token.head.i == token.i:
            return False
        token = token.head
        if other.start <= token.i < other.end:
            return True
    return False


def date_for(trigger: Trigger, context: SentenceContext, fallback: DateMention | None,
             published: date | None) -> tuple[str | None, int | None, Span | None]:
    """The event's day: a date its sentence gives (a day before a month; not the day a statement was made nor
    the start of a period), else the day the sentences just before told, else the day of a statement made on
    the publication day or the day before (told to the week), else the publication date."""
    own = [d for d in context.dates if not d.is_statement_day and not d.is_period_start and not d.dateline]
    if own:
        nearest = min(own, key=lambda d: (d.precision, abs(d.span.start - trigger.token.i)))
        return nearest.value.isoformat(), nearest.precision, nearest.span
    vague = vague_past_word(trigger.token)
    if vague is not None and published is not None:  # 'Recently the SDF ...': some day before, not the report's
        return published.isoformat(), MONTH_PRECISION, token_span(vague)
    if fallback is not None:
        return fallback.value.isoformat(), fallback.precision, fallback.span
    said = [d for d in context.dates if d.is_statement_day and d.precision == 1 and not d.dateline
            and published is not None and 0 <= (published - d.value).days <= 1]
    if said:  # 'sources said on Wednesday' in Thursday's dispatch: the report's day, as ACLED codes it
        return said[0].value.isoformat(), 2, said[0].span
    if published is not None:
        return published.isoformat(), 2, None
    return None, None, None


CARRY_SENTENCES = 3  # how many sentences on a day an earlier sentence gave still dates an event


def carried_date(ctx: SentenceContext, last: DateMention | None,
                 contexts: list[SentenceContext]) -> DateMention | None:
    """The day an event with no date of its own inherits: the last event day (not a month, not a statement's
    day) told in this sentence or the few before it in the same section."""
    for back in range(CARRY_SENTENCES + 1):
        if ctx.index - back < 0:
            break
        earlier = contexts[ctx.index - back]
        if earlier.section != ctx.section:
            break
        days = [d for d in earlier.dates if d.precision <= 2
                and not (d.is_statement_day or d.is_ahead or d.is_period_start or d.dateline)]
        if days:
            return days[-1]
    return None


def evidence_for(span: Span | None, name: str) -> list[Evidence]:
    if span is None:
        return []
    return [Evidence(name, span.start_char, span.end_char, span.text)]


def token_span(token: Token) -> Span:
    return token.doc[token.i:token.i + 1]


def fatality_span(sentence: Span) -> Span:
    kills = [t for t in sentence if t.lemma_ in ("kill", "die", "dead", "fatality", "death")]
    if not kills:
        return sentence
    token = kills[0]
    return sentence.doc[min(token.left_edge.i, token.i):token.right_edge.i + 1]


def build_events(doc: Doc, document_id: str, contexts: list[SentenceContext], patterns: Patterns,
                 dictionary: ActorDictionary, published: date | None, outlet: str | None,
                 default_location: Location | None) -> list[DraftEvent]:
    drafts: list[DraftEvent] = []
    last_date: DateMention | None = None
    previous_place: dict[int, Location] = {}
    mark_cited_sources(contexts)
    for ctx in contexts:
        last_date = carried_date(ctx, last_date, contexts)
        blocked = {i for m in ctx.actors if not is_crowd(m) for i in range(m.span.start, m.span.end)}
        blocked |= {i for loc in ctx.places if loc.mention for i in range(loc.mention.span.start,
                                                                            loc.mention.span.end)}
        triggers = out_of_scope_removed(find_triggers(ctx.sentence, patterns, blocked), ctx, patterns)
        if not triggers or is_coders_comment(ctx.sentence) and any(d.section == ctx.section for d in drafts):
            add_tally(drafts, ctx)
            continue
        triggers = subordinate_attacks_dropped(attacks_by_events_dropped(triggers))
        triggers = repelled_attacks_folded(triggers, patterns)
        triggers = background_clauses_dropped(triggers)
        strong = [t for t in triggers if not t.is_weak]
        own_killings: list[Trigger] = []
        if any(modality_of(t.token, patterns.modality) in ("occurred", "ongoing") for t in strong):
            # a killing told beside a clash or a strike is its outcome, not an event of its own
            own_killings = [t for t in triggers if t.is_weak and acts_on_its_own(t, strong, ctx.actors)]
            triggers = [t for t in strong if t.token.dep_ not in ("relcl", "acl") or len(strong) == 1
                        or t.pattern.event_type == BATTLES or t.pattern.event == TERRITORY
                        or fired_by_other_side(t, strong, ctx.actors)] + own_killings
        fatalities = fatalities_in(ctx.sentence)
        for trigger in triggers:
            counted = fatalities if not own_killings or trigger in own_killings else None  # the killers' dead
            draft = draft_event(trigger, ctx, contexts, patterns, dictionary, document_id, published, outlet,
                                last_date, counted)
            if is_aftermath(draft) and drafts and drafts[-1].section == ctx.section \
                    and ctx.index - drafts[-1].sentence_index <= 2:
                absorb_casualties(drafts[-1], draft)
                continue
            if draft.location is None:
                inherited = previous_place.get(ctx.section) or ctx.admin_context or default_location
                if inherited is not None:
                    set_location(draft, inherited, inherited=True)
            elif not draft.location.is_admin:
                previous_place[ctx.section] = draft.location
            drafts.append(draft)
    folded = reciprocal_fire_as_clashes(fold_sentence_triggers(drafts), dictionary)
    for draft in folded:
        draft.armed_nearby = armed_mentions_near(draft, contexts, dictionary)
        draft.attackers_nearby = attackers_near(draft, contexts, dictionary)
        draft.attributed = attributed_group(contexts[draft.sentence_index].actors, dictionary)
        draft.state_forces = state_forces_of(draft.event.country, dictionary)
        if not draft.event.cited_sources:
            add_sources_nearby(draft, contexts)
    return folded


SPEAKER_MODIFIER_DEPS = {"compound", "amod", "poss", "npadvmod", "nmod", "case", "punct"}


def mark_cited_sources(contexts: list[SentenceContext]) -> None:
    """A name that only qualifies who says so cites, it does not act: "Hezbollah's media said", 'the Daesh-linked
    Aamaq agency reported', 'Yemeni military officials say'. A speaker that is itself an actor ('the army said',
    or a misread 'HTS fighters clashed ... fatalities reported') is left alone."""
    for ctx in contexts:
        for source in ctx.sources:
            if source.subject is None:
                continue
            head = source.subject[-1]
            if any(m.span.start <= head.i < m.span.end for m in ctx.actors) \
                    or any(c.dep_ == "xcomp" for c in head.head.children):
                continue  # 'OPS sources claimed to have taken four villages': they claim their own deed
            for mention in ctx.actors:
                if mention.qualifier is None and source.subject.start <= mention.span.start \
                        and modifies_speaker(mention.span.root, head):
                    mention.qualifier = "source"


def modifies_speaker(token: Token, head: Token) -> bool:
    """The token hangs on the speaker's noun through name modifiers only ('Hezbollah' in "Hezbollah's media")."""
    while token.i != head.i:
        if token.dep_ not in SPEAKER_MODIFIER_DEPS or token.head.i == token.i:
            return False
        token = token.head
    return True


def add_sources_nearby(draft: DraftEvent, contexts: list[SentenceContext], reach: int = 2) -> None:
    """An event its own sentence does not attribute is told on the word of the source the next or the previous
    sentences of its section cite ('Rockets hit the school. A source told SANA that ...')."""
    here = contexts[draft.sentence_index]
    near = sorted((c for c in contexts if c.section == here.section and 0 < abs(c.index - here.index) <= reach
                   and c.sources), key=lambda c: (abs(c.index - here.index), c.index < here.index))
    if near:
        draft.event.cited_sources = list(dict.fromkeys(s.name for s in near[0].sources))
        for source in near[0].sources:
            draft.event.evidence += evidence_for(source.span, "cited_sources")


def state_forces_of(country: str | None, dictionary: ActorDictionary) -> Actor | None:
    """The military of the country an event happened in: who flies unattributed air strikes there."""
    if not country:
        return None
    return next((a for a in dictionary.actors.values() if a.country == country and a.inter == 1
                 and a.name.startswith("Military Forces of")), None)


def attackers_near(draft: DraftEvent, contexts: list[SentenceContext],
                   dictionary: ActorDictionary) -> list[tuple[ActorMention, Actor]]:
    """Armed actors that may have struck or attacked: in the event's sentence, then in the sentences before it
    (the group named before 'the bomber' or 'the militants'), then in the next one; never a name that only
    qualifies something ('IS-held', 'Daesh-linked') or a cited source."""
    here = contexts[draft.sentence_index]
    nearby = sorted((c for c in contexts if c.section == here.section
                     and -NEARBY_SENTENCES <= c.index - here.index <= 1),
                    key=lambda c: (c.index != here.index, c.index > here.index, abs(c.index - here.index)))
    target = dictionary.actors.get(draft.event.actor2) if draft.event.actor2 else None
    found = []
    for ctx in nearby:
        for mention in ctx.actors:
            if mention.qualifier not in (None, "means") or is_source_word(mention):
                continue
            actor = mention.actor or resolve_partisan(mention, contexts, ctx.index, dictionary, target)
            if actor.inter not in NON_COMBATANT_INTERS and not actor.allied_with(target) \
                    and actor.name != draft.event.actor2:
                found.append((mention, actor))
    return found


def attributed_group(mentions: list[ActorMention], dictionary: ActorDictionary) -> tuple[ActorMention, Actor] | None:
    """The named group a sentence pins unidentified attackers on: 'gunmen believed to be IS members'."""
    for mention in mentions:
        if mention.actor is None or mention.actor.generic:
            continue
        doc, span = mention.span.doc, mention.span
        before = doc[max(span.start - 5, 0):span.start].text.lower()
        after = doc[span.end:span.end + 2].text.lower()
        if any(before.endswith(cue) for cue in dictionary.attribution_before) or \
                any(after.startswith(cue) for cue in dictionary.attribution_after):
            return mention, mention.actor
    return None


def reciprocal_fire_as_clashes(drafts: list[DraftEvent], dictionary: ActorDictionary) -> list[DraftEvent]:
    """'The army shelled the village as rebels shelled army positions': two sides firing at each other in one
    sentence or the next is an armed clash between them (ACLED), not two one-sided bombardments."""
    kept: list[DraftEvent] = []
    for draft in drafts:
        partner = next((k for k in kept if fires_back(k, draft, dictionary)), None)
        if partner is None:
            kept.append(draft)
            continue
        partner.event.event_type, partner.event.sub_event_type = typed(ARMED_CLASH)
        if not partner.event.actor2 and draft.actor1 is not None:
            set_actor(partner, 2, draft.actor1, Actor(draft.event.actor1, draft.event.inter1))
        combine(partner, draft)
    return kept


def fires_back(first: DraftEvent, second: DraftEvent, dictionary: ActorDictionary) -> bool:
    """True when `second` is the other side's fire answering `first`."""
    a, b = first.event, second.event
    if a.sub_event_type not in RECIPROCAL_FIRE | {ARMED_CLASH} or b.sub_event_type not in RECIPROCAL_FIRE:
        return False
    if a.sub_event_type == ARMED_CLASH and a.actor2 != b.actor1:
        return False
    if first.section != second.section or second.sentence_index - first.sentence_index > 1:
        return False
    if not a.is_factual or not b.is_factual or not a.actor1 or not b.actor1:
        return False
    one, other = dictionary.actors.get(a.actor1), dictionary.actors.get(b.actor1)
    opposed = a.actor1 != b.actor1 and not (one is not None and one.allied_with(other))
    target = dictionary.actors.get(a.actor2) if a.actor2 else None
    answered = a.actor2 == b.actor1 or (target is not None and target.allied_with(other))  # QSD shelled, YPG answer
    return opposed and (not a.actor2 or answered or b.actor2 == a.actor1)


def armed_mentions_near(draft: DraftEvent, contexts: list[SentenceContext],
                        dictionary: ActorDictionary) -> list[tuple[ActorMention, Actor]]:
    """Armed actors named around an event: in its sentence first, then in the nearest sentences of its section."""
    here = contexts[draft.sentence_index]
    nearby = sorted((c for c in contexts if c.section == here.section
                     and abs(c.index - here.index) <= NEARBY_SENTENCES),
                    key=lambda c: (abs(c.index - here.index), c.index < here.index))
    present = draft.event.actor1 or draft.event.actor2
    against = dictionary.actors.get(present) if present else None
    found = []
    for ctx in nearby:
        groups_before = {m.span.end + gap for m in ctx.actors if not m.is_partisan and m.actor.inter in (2, 3)
                         for gap in (0, 1)}
        for mention in ctx.actors:
            if is_source_word(mention) or not mention.can_act \
                    or mention.is_partisan and mention.span.start in groups_before:
                continue  # "IS militants": the label only repeats the group before it
            actor = mention.actor or resolve_partisan(mention, contexts, ctx.index, dictionary, against)
            if actor.inter not in NON_COMBATANT_INTERS:
                found.append((mention, actor))
    return found


def territory_typed_by_actor(event: Event) -> None:
    """Who took the place decides the sub-event type; sentences folded into the event may have named the
    taker after its type was first set ('...positions were seized. Government troops occupied the hills')."""
    if event.sub_event_type in (GOVERNMENT_REGAINS, NON_STATE_OVERTAKES) and event.inter1 is not None:
        event.sub_event_type = GOVERNMENT_REGAINS if event.inter1 == 1 else NON_STATE_OVERTAKES


def unidentified_armed_group(country: str | None) -> Actor:
    return Actor(f"Unidentified Armed Group ({country})" if country else "Unidentified Armed Group", 3, country)


def fill_missing_sides(draft: DraftEvent) -> None:
    """ACLED names both sides of a battle and the perpetrator of an attack or a bombing. A side the parse
    left empty (or gave to civilians, who are no party to a battle) is the nearest armed actor the text
    names that is not allied with the other side, else an unidentified armed group."""
    event = draft.event
    battle = event.event_type == BATTLES
    territory_typed_by_actor(event)
    if not battle and event.event_type not in ONE_SIDED_TYPES:
        return
    if not battle:
        fill_attacker(draft)
        pin_unidentified_attackers(draft)
        return
    known = {actor.name: actor for _, actor in draft.armed_nearby}
    if battle and event.actor2 and known.get(event.actor2, Actor(event.actor2)).allied_with(known.get(event.actor1)) \
            and any(not a.allied_with(known.get(event.actor1)) for _, a in draft.armed_nearby):
        clear_actor(draft, 2)  # "regime and pro-regime militia forces against opposition factions"
    for slot in (1, 2) if battle else (1,):
        if battle and getattr(event, f"inter{slot}") in NON_COMBATANT_INTERS:
            clear_actor(draft, slot)
        if getattr(event, f"actor{slot}") or slot == 1 and event.sub_event_type == GOVERNMENT_REGAINS:
            continue  # an unnamed state's forces stay unnamed rather than take a rebel's name
        other_name = getattr(event, f"actor{3 - slot}")
        other = known.get(other_name) or (Actor(other_name) if other_name else None)
        choice = next(((m, a) for m, a in draft.armed_nearby if not a.allied_with(other)), None)
        if choice is not None:
            set_actor(draft, slot, *choice)
        else:
            # "clashes between two tribes": a generic side with no named opponent fights its own kind
            actor = other if other is not None and other.generic else unidentified_armed_group(event.country)
            set_unnamed_actor(event, slot, actor)
    pin_unidentified_attackers(draft)
    set_associated_actors(draft, known)


def set_unnamed_actor(event: Event, slot: int, actor: Actor) -> None:
    setattr(event, f"actor{slot}", actor.name)
    setattr(event, f"inter{slot}", actor.inter)


def fill_attacker(draft: DraftEvent) -> None:
    """ACLED names who struck: the armed actor the text names nearby ('IS claimed the bombing. ... the bomber
    blew himself up'); for a bombing a label such as 'terrorist' names no group by itself. Air strikes are
    flown by states: with none named, the forces of the country they hit; other attacks by no one named,
    an unidentified armed group."""
    event = draft.event
    if event.inter1 == CIVILIANS:  # a sentence folded into the event gave it its victims as actor1
        if not event.actor2:
            set_actor(draft, 2, draft.actor1, Actor(event.actor1, event.inter1))
        clear_actor(draft, 1)
    bombing = event.sub_event_type in EXPLOSIVE_TYPES
    if event.actor1 and not (bombing and event.actor1 == draft.defaulted_actor1):
        return
    if event.actor1:
        clear_actor(draft, 1)
    candidates = [(m, a) for m, a in draft.attackers_nearby if not (bombing and m.is_partisan)]
    if event.sub_event_type == AIR_STRIKE:
        candidates = [(m, a) for m, a in candidates if a.inter in STATE_INTERS]
    if candidates:
        set_actor(draft, 1, *candidates[0])
    elif event.sub_event_type == AIR_STRIKE and draft.state_forces is not None:
        set_unnamed_actor(event, 1, draft.state_forces)
    else:
        set_unnamed_actor(event, 1, unidentified_armed_group(event.country))


def pin_unidentified_attackers(draft: DraftEvent) -> None:
    """Unidentified attackers the text suspects to be a named group are coded as that group, as ACLED does."""
    event = draft.event
    if draft.attributed is None or draft.attributed[1].name in (event.actor1, event.actor2):
        return
    for slot in (1, 2):
        if (getattr(event, f"actor{slot}") or "").startswith("Unidentified Armed Group"):
            set_actor(draft, slot, *draft.attributed)
            return


def set_associated_actors(draft: DraftEvent, known: dict[str, Actor]) -> None:
    """ACLED's associated actors: the allies of each side that the event's sentence names
    ('regime forces, supported by pro-regime militias, clashed with rebel and Islamist factions')."""
    event = draft.event
    sentence = draft.trigger.token.sent
    here = [a for m, a in draft.armed_nearby if sentence.start <= m.span.start < sentence.end]
    for slot in (1, 2):
        main = known.get(getattr(event, f"actor{slot}"))
        if main is None or main.side is None:
            continue
        allies = dict.fromkeys(a.name for a in here
                               if a.allied_with(main) and a.name not in (event.actor1, event.actor2))
        if allies and not getattr(event, f"assoc_actor_{slot}"):
            setattr(event, f"assoc_actor_{slot}", "; ".join(allies))


def clear_actor(draft: DraftEvent, slot: int) -> None:
    event = draft.event
    for name in ("actor", "inter", "actor_text"):
        key = f"actor{slot}_text" if name == "actor_text" else f"{name}{slot}"
        setattr(event, key, None)
    setattr(draft, f"actor{slot}", None)
    event.evidence = [e for e in event.evidence if e.field != f"actor{slot}"]


def out_of_scope_removed(triggers: list[Trigger], ctx: SentenceContext, patterns: Patterns) -> list[Trigger]:
    """Drop triggers in sentences about disasters, crime or claims of responsibility, which ACLED does not
    code; a fight between armed actors in such a sentence stays."""
    if not triggers:
        return triggers
    if first_cue_group(ctx.sentence, {"statement": patterns.reject.get("statement", [])}):
        return []  # a claim of responsibility is a statement whatever else the sentence names
    reason = first_cue_group(ctx.sentence, patterns.reject)
    armed = [m for m in ctx.actors if m.actor is not None and m.actor.inter in ARMED_INTERS]
    crowd = [t for t in triggers if is_crowd_event(t)]  # a protest against drug crime or a riot that set fires
    if reason is None:
        if not armed and follows_disaster(ctx.sentence, patterns):  # "... The blasts killed 50 people."
            return [t for t in triggers if t.pattern.event != EXPLOSION and not t.is_weak]
        return triggers
    if reason == "crime":  # armed men fighting over smuggling routes is still a clash; a rape is sexual violence
        return crowd + [t for t in triggers if t.pattern.event_type == BATTLES and (
                    len(armed) > 1 or t.token.lemma_.lower() in FIGHTING_WORDS)
                or t.pattern.sub_event_type == SEXUAL_VIOLENCE or armed and event_kind(t) in ARMED_CRIME_EVENTS]
    return crowd + [t for t in triggers if armed and (t.pattern.event in (ATTACK, REMOTE) or
                                                      t.pattern.event_type == BATTLES)]


def event_kind(trigger: Trigger) -> str:
    """The rule that resolves a trigger's event (@attack), or the sub-event type its pattern codes."""
    return trigger.pattern.sub_event_type or trigger.pattern.event


def is_crowd_event(trigger: Trigger) -> bool:
    """A protest or a riot: crowds, never a crime or a disaster."""
    return trigger.pattern.event == PROTEST or trigger.pattern.event_type == RIOTS


def follows_disaster(sentence: Span, patterns: Patterns, reach: int = 2) -> bool:
    """One of the `reach` sentences before this one tells a disaster: explosions there are the same accident's."""
    disaster = {"disaster": patterns.reject.get("disaster", [])}
    start = sentence.start
    for _ in range(reach):  # step back sentence by sentence, not over the whole document
        if start == 0:
            return False
        before = sentence.doc[start - 1].sent
        if first_cue_group(before, disaster):
            return True
        start = before.start
    return False


def subordinate_attacks_dropped(triggers: list[Trigger]) -> list[Trigger]:
    """'gunmen shot and killed two soldiers after opening fire on their car': the attack told in a subordinate
    clause is the manner of the main one, not an event of its own (nor the one that names it)."""
    main = [t for t in triggers if t.pattern.event == ATTACK and t.token.dep_ not in SUBORDINATE_DEPS]
    if not main:
        return triggers
    return [t for t in triggers if not (t.pattern.event == ATTACK and t.token.dep_ in SUBORDINATE_DEPS)]


def attacks_by_events_dropped(triggers: list[Trigger]) -> list[Trigger]:
    """'The assault started on Sunday and is targeting the Ramussa district', 'the offensive attacked the town':
    an attack verb whose subject is an event word of the sentence tells what that event aimed at; the event word
    names the event, as it does after a light verb ('launched an assault')."""
    nouns = {t.token.i for t in triggers if t.token.pos_ in ("NOUN", "PROPN")}
    return [t for t in triggers if not (t.pattern.event == ATTACK and t.token.pos_ == "VERB"
                                        and any(s.i in nouns for s in subject_heads(t.token)))]


def repelled_attacks_folded(triggers: list[Trigger], patterns: Patterns) -> list[Trigger]:
    """'The army thwarted an attack by IS', 'Kurdish forces crushed the attack': an attack fought off is the fight
    between attacker and defender (a protest crushed is still a protest). The verb that fights it off names that
    fight when it is a trigger; otherwise the attack word does, as a clash, never as one-sided violence against the
    defenders."""
    heads = {t.token.i for t in triggers}
    clash = next(p for p in patterns.triggers if p.event == CLASH_EVENT)
    kept = []
    for trigger in triggers:
        repeller = repelling_verb(trigger.token)
        if repeller is None or not (trigger.pattern.event == ATTACK or trigger.pattern.event_type == BATTLES):
            kept.append(trigger)
        elif repeller.i not in heads:
            kept.append(Trigger(trigger.token, clash))
    return kept


def repelling_verb(token: Token) -> Token | None:
    """The verb of fighting off ('thwarted', 'fending off') of which the word is the object, if any."""
    if token.dep_ not in ("dobj", "nsubjpass") or token.head.lemma_.lower() not in REPELLING_WORDS:
        return None
    return token.head


def background_clauses_dropped(triggers: list[Trigger]) -> list[Trigger]:
    """'gunmen shot and killed a former rebel who had signed a reconciliation agreement': when every strong trigger
    sits in a clause describing someone, the main clause's killing is the event, not the person's past."""
    strong = [t for t in triggers if not t.is_weak]
    main_weak = [t for t in triggers if t.is_weak and not in_descriptive_clause(t.token)]
    if strong and main_weak and all(in_descriptive_clause(t.token) for t in strong):
        return main_weak
    return triggers


def acts_on_its_own(weak: Trigger, strong: list[Trigger], actors: list[ActorMention]) -> bool:
    """'Turkish forces shelled regime positions while rebel snipers killed a soldier': a killing whose own
    subject is an armed actor that did not do the sentence's main deed is an event, not that deed's outcome."""
    subjects = clause_subjects(weak.token)[0]
    if not subjects or any(s.left_edge.i <= t.token.i <= s.right_edge.i for s in subjects for t in strong):
        return False  # 'Regime shelling on X killed two civilians': the strike is the subject
    own = subject_actors(subjects, actors)
    return bool(own) and not own & deed_doers(strong, actors)


def fired_by_other_side(trigger: Trigger, strong: list[Trigger], actors: list[ActorMention]) -> bool:
    """'regime forces shelled Atareb, amid opposition rebels shelling regime positions': a strike told in a
    clause hanging on another actor than the main deed's is that actor's own strike."""
    if trigger.token.dep_ != "acl":
        return False
    own = subject_actors([trigger.token.head], actors)
    main = deed_doers([t for t in strong if t is not trigger], actors)
    return bool(own) and bool(main) and not own & main


def deed_doers(triggers: list[Trigger], actors: list[ActorMention]) -> set[str]:
    """Who the subjects of the sentence's main deeds name."""
    return set().union(*(subject_actors(clause_subjects(t.token)[0], actors) for t in triggers))


def subject_actors(subjects: list[Token], actors: list[ActorMention]) -> set[str]:
    """Who the subject heads name ('rebel snipers' -> the rebel label), not who their modifiers name
    ('Turkish forces supported by opposition rebels' -> Turkey only)."""
    core = {t.i for s in subjects for t in (s, *s.children) if t.i == s.i or t.dep_ in ("compound", "amod")}
    return {m.actor.name if m.actor is not None else "partisan label" for m in actors
            if any(m.span.start <= i < m.span.end for i in core)}


def is_undone(trigger: Trigger, patterns: Patterns) -> bool:
    """'IS briefly captured the oil field', 'took control of the hill before being repelled': control won and
    lost again in the same report changed no hands; ACLED codes the fighting, an armed clash."""
    token = trigger.token
    clause = token.doc[min(token.i, token.left_edge.i):min(token.right_edge.i + 1, token.sent.end)]
    return first_cue_group(clause, {"undone": patterns.territory.get("undone", [])}) is not None


def in_descriptive_clause(token: Token) -> bool:
    """Inside a relative clause opened by a relative pronoun: 'a fighter who had signed ...'."""
    return any(t.dep_ in DESCRIPTIVE_DEPS and any(c.tag_ in ("WP", "WDT") for c in t.children)
               for t in (token, *token.ancestors))


def is_coders_comment(sentence: Span) -> bool:
    """'Given heavy fighting, unknown fatalities coded as 10.': a coder's note on the figure, not a new event."""
    return bool(CODED_TALLY.search(sentence.text))


def add_tally(drafts: list[DraftEvent], ctx: SentenceContext) -> None:
    """A sentence that only counts the dead ('2 fatalities.') adds its figure to the event before it. A coder's
    stated tally ('Unknown fatalities coded as 10.') is the figure of its section's main event, the first
    that happened, however far it comes: clashes 'amid air strikes' come first, the air strikes after."""
    count = fatalities_in(ctx.sentence)
    same_section = [d for d in drafts if d.section == ctx.section]
    if count is None and same_section:
        share_out(same_section, ctx.sentence)
    if count is None or not same_section:
        return
    target = same_section[-1]
    stated = stated_tally(ctx.sentence.text) is not None
    if stated:
        factual = [d for d in same_section if d.event.is_factual]
        # a battle's figure counts the dead of the strikes and shelling that accompany it, as ACLED codes them
        target = next((d for d in factual if d.event.event_type == BATTLES), factual[0] if factual else target)
        target.tally_stated = True
        target.tally_per_event = tally_is_per_event(ctx.sentence.text)
    elif ctx.index - target.sentence_index > 1:
        return
    target.event.fatalities = count
    target.event.evidence += evidence_for(ctx.sentence, "fatalities")


def share_out(section: list[DraftEvent], sentence: Span) -> None:
    """'Fatalities distributed over two locations: Rihan and Hosh': the section's figure is shared out evenly,
    ACLED's way (the remainder to the first places); the event takes its place's share, or the even share."""
    division = shared_between(sentence.text)
    counted = [d for d in section if d.event.fatalities is not None and d.event.is_factual and not d.tally_per_event]
    if division is None or not counted:
        return
    target = next((d for d in counted if d.event.event_type == BATTLES), counted[0])
    ways, names = division
    location = target.location
    place = [location.location, *((location.mention.name,) if location.mention else ())] if location else []
    at = next((names.index(key) for key in map(folded_name, place) if key in names), ways - 1)
    share, rest = divmod(target.event.fatalities, ways)
    target.event.fatalities = share + (at < rest)
    target.tally_stated = target.tally_per_event = True
    target.event.evidence += evidence_for(sentence, "fatalities")


def is_crowd(mention: ActorMention) -> bool:
    return mention.actor is not None and mention.actor.inter in CROWD_INTERS


def is_aftermath(draft: DraftEvent) -> bool:
    """A sentence that only adds to the event before it: no actor (its victims aside) and no place of its own
    ('A number of terrorists were killed ... in the attack', 'a child died of wounds from an airstrike on the
    town'), or a bare killing with no perpetrator."""
    no_actors = draft.event.actor1 is None and (draft.event.actor2 is None or draft.event.inter2 == CIVILIANS)
    return (draft.trigger.is_weak and draft.event.actor1 is None) or (no_actors and draft.location is None)


def draft_event(trigger: Trigger, ctx: SentenceContext, contexts: list[SentenceContext], patterns: Patterns,
                dictionary: ActorDictionary, document_id: str, published: date | None, outlet: str | None,
                last_date: DateMention | None, fatalities: int | None) -> DraftEvent:
    agent_side, other_side = sides_for(trigger, ctx.actors)
    crowd = [m for m in ctx.actors if is_crowd(m) and m.span.start <= trigger.token.i < m.span.end]
    first, second = pick(crowd or agent_side), pick([m for m in other_side if m not in crowd])
    agentless_passive = any(c.dep_ == "nsubjpass" for c in trigger.token.children) and not any(
        c.dep_ == "agent" for c in trigger.token.children)
    if first is None and any(dictionary.refers_back(s) for s in clause_subjects(trigger.token)[0]):
        first = antecedent(contexts, ctx.index)  # "They further recaptured the road"
    if first is None and not agentless_passive:  # "3 IS fighters were killed": victims, not killers
        rest = [m for m in ctx.actors if m not in other_side and m.span.start < trigger.token.i
                and not is_source_word(m) and not m.is_partisan and m.can_act]
        first = pick(rest)
    if second is None:
        # "QSD forces detained an IS member": the parse may lose the object's group; take the
        # nearest named actor after the trigger that is not the one acting
        later = [m for m in ctx.actors if m.span.start > trigger.token.i and m not in agent_side and m is not first
                 and not m.is_partisan and not is_source_word(m) and m.qualifier in (None, "holder")
                 and (first is None or m.actor != first.actor)]
        second = later[0] if later and later[0].span.start - trigger.token.i <= 12 else None
    if is_one_sided(trigger):
        first, second = one_sided_roles(first, second, ctx.actors, trigger.pattern.event != ATTACK)
    actor1 = resolved_actor(first, contexts, ctx.index, dictionary, None)
    actor2 = resolved_actor(second, contexts, ctx.index, dictionary, actor1)
    event_type, sub_event_type = subtype_for(trigger, actor1, actor2, ctx.sentence, patterns,
                                             story_around(contexts, ctx.index),
                                             actor2_is_label=second is not None and second.is_partisan)
    crowd_acts = actor1 is not None and actor1.inter in CROWD_INTERS and sub_event_type in (
        LOOTING, ATTACK_ON_CIVILIANS)  # protesters who burn or attack riot
    crowd_fights = sub_event_type == ARMED_CLASH and any(
        a is not None and a.inter in CROWD_INTERS for a in (actor1, actor2))  # "police clashed with protesters"
    if crowd_acts or crowd_fights:
        event_type, sub_event_type = typed(VIOLENT_DEMONSTRATION)
    event_date, precision, date_span = date_for(trigger, ctx, last_date, published)
    modality, modality_cue = clause_modality(trigger.token, published, patterns.modality, date_span)
    event = Event(
        document_id=document_id, event_type=event_type, sub_event_type=sub_event_type,
        event_date=event_date, time_precision=precision,
        fatalities=fatalities if event_type != STRATEGIC_DEVELOPMENTS or fatalities == 0 else None,
        source=outlet, notes=ctx.sentence.text.strip(), modality=modality,
        control=control_told(trigger, sub_event_type),
        cited_sources=list(dict.fromkeys(s.name for s in ctx.sources)),
    )
    trigger_span = token_span(trigger.token)
    event.evidence += evidence_for(trigger_span, "event_type") + evidence_for(trigger_span, "sub_event_type")
    if event.control is not None:
        event.evidence += evidence_for(trigger_span, "control")
    event.evidence += evidence_for(ctx.sentence, "notes") + evidence_for(date_span, "event_date")
    if event.fatalities is not None:
        event.evidence += evidence_for(fatality_span(ctx.sentence), "fatalities")
    for source in ctx.sources:
        event.evidence += evidence_for(source.span, "cited_sources")
    if modality != "occurred":
        event.evidence += evidence_for(modality_cue or token_span(trigger.token.head), "modality")
    draft = DraftEvent(event, trigger, ctx.index, ctx.section, sentences={ctx.index})
    if first is not None and first.is_partisan and actor1 is dictionary.partisan_default:
        draft.defaulted_actor1 = actor1.name
    set_actor(draft, 1, first, actor1)
    set_actor(draft, 2, second, actor2)
    location = place_for(trigger, ctx)
    if location is not None:
        set_location(draft, location)
    return draft


def antecedent(contexts: list[SentenceContext], index: int, reach: int = 2) -> ActorMention | None:
    """The actor a 'they' or 'the group' stands for: the acting subject of the nearest sentence before, in the
    same section, that has one."""
    here = contexts[index]
    for back in range(1, reach + 1):
        if index - back < 0 or contexts[index - back].section != here.section:
            return None
        subjects = [m for m in contexts[index - back].actors if m.can_act and not is_civilian(m) and is_subject(m)]
        if subjects:
            return subjects[0]
    return None


def is_subject(mention: ActorMention) -> bool:
    """The mention heads a clause's subject, or is joined to one ('the army and Hezbollah')."""
    root = mention.span.root
    return root.dep_ == "nsubj" or root.dep_ == "conj" and root.head.dep_ == "nsubj"


def one_sided_roles(first: ActorMention | None, second: ActorMention | None, mentions: list[ActorMention],
                    strike: bool) -> tuple[ActorMention | None, ActorMention | None]:
    """Who strikes and who is hit, when one side acts: civilians are never the attacker ('civilians were
    killed in airstrikes'), and the civilians a strike kills are its target before the holder of the place
    hit ('Russian warplanes struck an opposition-held town, killing ten civilians'); an attack on a
    checkpoint that kills people stays an attack on the checkpoint's men."""
    if is_civilian(first):
        first, second = None, second if second is not None and second.qualifier is None else first
    if strike and (second is None or second.qualifier == "holder"):
        victims = [m for m in mentions if is_civilian(m) and m.qualifier is None and m is not first]
        second = victims[0] if victims else second
    return first, second


def is_civilian(mention: ActorMention | None) -> bool:
    return mention is not None and mention.actor is not None and mention.actor.inter == CIVILIANS


def control_told(trigger: Trigger, sub_event_type: str) -> str | None:
    """The gain or loss of a place that the trigger's pattern tells; a capture coded as something else than a
    territory change (one undone in the same report, 'briefly captured': a clash) changed no hands."""
    if trigger.pattern.event == TERRITORY and not taxonomy.is_territorial(sub_event_type):
        return None
    return trigger.pattern.control


def is_source_word(mention: ActorMention) -> bool:
    return any(t.lower_ in ("sources", "source") for t in mention.span)


def resolved_actor(mention: ActorMention | None, contexts: list[SentenceContext], index: int,
                   dictionary: ActorDictionary, against: Actor | None) -> Actor | None:
    if mention is None:
        return None
    if mention.actor is not None:
        return mention.actor
    return resolve_partisan(mention, contexts, index, dictionary, against)


def set_actor(draft: DraftEvent, slot: int, mention: ActorMention | None, actor: Actor | None) -> None:
    event = draft.event
    if actor is None or mention is None:
        return
    if slot == 2 and actor.name == event.actor1:
        return
    event.evidence = [e for e in event.evidence if e.field != f"actor{slot}"]
    if slot == 1:
        draft.actor1 = mention
        event.actor1, event.inter1, event.actor1_text = actor.name, actor.inter, mention.span.text
        event.evidence += evidence_for(mention.span, "actor1")
    else:
        draft.actor2 = mention
        event.actor2, event.inter2, event.actor2_text = actor.name, actor.inter, mention.span.text
        event.evidence += evidence_for(mention.span, "actor2")


def set_location(draft: DraftEvent, location: Location, inherited: bool = False) -> None:
    event = draft.event
    draft.location, draft.location_inherited = location, inherited
    event.location, event.latitude, event.longitude = location.location, location.latitude, location.longitude
    event.geo_precision, event.country, event.admin1, event.admin2 = (
        location.geo_precision, location.country, location.admin1, location.admin2)
    event.evidence = [e for e in event.evidence if e.field != "location"]
    if location.mention is not None:
        event.evidence += evidence_for(location.mention.span, "location")


def absorb_casualties(target: DraftEvent, casualty: DraftEvent) -> None:
    """'A number of terrorists were killed' after a battle adds to that battle, not a new event."""
    target.sentences |= casualty.sentences
    if casualty.event.fatalities is not None:
        target.event.fatalities = max(target.event.fatalities or 0, casualty.event.fatalities)
    target.event.evidence += [e for e in casualty.event.evidence if e.field in ("fatalities", "notes")]
    target.event.notes = f"{target.event.notes} {casualty.event.notes}".strip()


def fold_sentence_triggers(drafts: list[DraftEvent]) -> list[DraftEvent]:
    """One event per actor and event type in a sentence: the highest-ranked trigger names it."""
    folded: list[DraftEvent] = []
    for draft in drafts:
        twin = next((d for d in folded if d.sentence_index == draft.sentence_index
                     and d.event.event_type == draft.event.event_type
                     and d.event.modality == draft.event.modality
                     and (d.event.actor1 == draft.event.actor1 or not draft.event.actor1 or not d.event.actor1)),
                    None)
        if twin is None:
            folded.append(draft)
            continue
        keep, drop = (draft, twin) if draft.trigger.pattern.rank > twin.trigger.pattern.rank else (twin, draft)
        combine(keep, drop)
        if keep is draft:
            folded[folded.index(twin)] = draft
    return folded


def told_date(event: Event) -> bool:
    """Whether the event's date is one the text tells, not the publication date it fell back on."""
    return any(e.field == "event_date" for e in event.evidence)


def combine(keep: DraftEvent, drop: DraftEvent) -> None:
    """Fold `drop` into `keep`: fill missing actors and places, keep all evidence."""
    event, other = keep.event, drop.event
    if not event.actor1 and other.actor1:
        set_actor(keep, 1, drop.actor1, Actor(other.actor1, other.inter1))
        keep.defaulted_actor1 = drop.defaulted_actor1  # a label's default stays one (fill_attacker reads it)
    if not event.actor2 and other.actor2 and other.actor2 != event.actor1:
        set_actor(keep, 2, drop.actor2, Actor(other.actor2, other.inter2))
    if drop.location is not None and (keep.location is None or keep.location_inherited or
                                      drop.location.geo_precision < keep.location.geo_precision
                                      and not drop.location_inherited):
        set_location(keep, drop.location, drop.location_inherited)
    if drop.tally_stated and not keep.tally_stated:
        event.fatalities, keep.tally_stated, keep.tally_per_event = other.fatalities, True, drop.tally_per_event
    elif other.fatalities is not None and not keep.tally_stated:
        event.fatalities = max(event.fatalities or 0, other.fatalities)
    if event.time_precision is None or (other.time_precision or 9) < event.time_precision \
            or other.time_precision == event.time_precision and told_date(other) and not told_date(event):
        event.event_date, event.time_precision = other.event_date, other.time_precision
    event.cited_sources = list(dict.fromkeys(event.cited_sources + other.cited_sources))
    own_fields = {"actor1", "actor2", "location"} | ({"control"} if event.control else set())
    if event.control is None:
        event.control = other.control  # 'stormed the village and pushed the rebels back': the push took it
    seen = {(e.field, e.start, e.end) for e in event.evidence}
    event.evidence += [e for e in other.evidence if (e.field, e.start, e.end) not in seen
                       and e.field not in own_fields]
    if other.notes not in event.notes:
        event.notes = f"{event.notes} {other.notes}"
    keep.sentences |= drop.sentences
