"""Retellings within one article: the headline, the lead and later paragraphs tell one event again, often
far apart and in other words. ACLED codes one event per type, place, day and pair of actors, so events of
one article that agree on all four are one event with all their evidence spans; the most specific place
and the best-supported fatality figure win.

Unlike `within.merge_drafts`, which folds what neighbouring sentences tell, this looks across the whole
article but asks more: the same event type, places that are the same or of which one holds the other
(a governorate and a town in it; a place the text does not give), days that can be one day, actors that
do not contradict, and no opposite change of control (a capture is not a withdrawal).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from fieldreport import taxonomy
from fieldreport.events.coding import DraftEvent, combine, set_actor, set_location
from fieldreport.geo.distance import km_between
from fieldreport.geo.gazetteer import COUNTRY
from fieldreport.geo.location import Location
from fieldreport.geo.toponyms import ADMIN_CUES
from fieldreport.mentions.actors import Actor
from fieldreport.mentions.fatalities import is_vague, summed_figures_in, tolls_in
from fieldreport.merging.compatibility import (
    DEFAULT_ACTORS,
    WILDCARD_ACTOR_PREFIXES,
    days_compatible,
    subtype_strength,
    subtypes_compatible,
)
from fieldreport.merging.within import drop_repeated_actor, prefer_named_actors
from fieldreport.rules import word_set

SAME_POINT_KM = 1.0  # two spellings of one place resolve to points this close
NEAR_KM = 10.0  # a place given as 'near X' or 'in X city' (geo_precision 2) holds what lies this close to X
BATTLES = taxonomy.event_type("Battles")
BACKGROUND = "background"
DOUBT_WORDS = word_set("merging", "doubt_words")


def merge_retellings(drafts: list[DraftEvent]) -> list[DraftEvent]:
    """Fold each draft into the first earlier event it retells; keep the others in text order."""
    if not drafts:
        return drafts
    sentences = list(drafts[0].trigger.token.doc.sents)
    tolls = set().union(*(tolls_in(sentence) for sentence in sentences))
    sums = set().union(*(summed_figures_in(sentence) for sentence in sentences))
    merged: list[DraftEvent] = []
    figures: dict[int, list[Figure]] = {}
    for draft in drafts:
        target = next((m for m in merged if retells(m, draft, tolls)), None)
        if target is None:
            merged.append(draft)
            figures[id(draft)] = told_figures(draft, tolls, sums)
            continue
        figures[id(target)] += told_figures(draft, tolls, sums)
        fold(target, draft)
    for draft in merged:
        event = draft.event
        if not draft.tally_stated and event.fatalities is not None:
            event.fatalities = best_supported(figures[id(draft)])
            if event.fatalities is None:  # only a toll: no span supports a figure of this event
                event.evidence = [e for e in event.evidence if e.field != "fatalities"]
    return merged


@dataclass(frozen=True)
class Figure:
    """A fatality figure as one retelling gives it."""

    count: int
    vague: bool  # a figure any stated one beats: a vague plural's ('dozens': 12), or a sum over several events


def told_figures(draft: DraftEvent, tolls: set[int], sums: set[int]) -> list[Figure]:
    """The draft's figure, unless the article gives that figure as a toll over a long time; weak when the
    article gives it as the dead of several events ('killed in clashes and air strikes')."""
    count = draft.event.fatalities
    if count is None or count in tolls and not draft.tally_stated:
        return []
    texts = [e.text for e in draft.event.evidence if e.field == "fatalities"]
    return [Figure(count, count in sums or bool(texts) and all(is_vague(text) for text in texts))]


def best_supported(figures: list[Figure]) -> int | None:
    """A stated figure before a vague plural's; then the figure told most often; between figures told as
    often, the first told (the headline or the lead gives the event's count, later paragraphs a detail of it
    or another source's). None when every figure was a toll."""
    counts = [f.count for f in figures if not f.vague] or [f.count for f in figures]
    if not counts:
        return None
    tally = Counter(counts)
    return max(tally, key=lambda count: (tally[count], -counts.index(count)))


def fold(target: DraftEvent, draft: DraftEvent) -> None:
    if draft.event.modality == BACKGROUND:
        target.event.modality = BACKGROUND  # a headline the body tells as background (headline_told_as_background)
    if subtype_strength(draft.event.sub_event_type) > subtype_strength(target.event.sub_event_type):
        target.event.sub_event_type = draft.event.sub_event_type
    if is_country_wide(target) and not is_country_wide(draft) and not actors_agree(target, draft):
        take_sides(target, draft)
    prefer_named_actors(target, draft)
    named_doer(target, draft)
    narrower = draft.location if is_narrower(draft, target) else None
    combine(target, draft)
    if narrower is not None:
        set_location(target, narrower)
    drop_repeated_actor(target)


def take_sides(target: DraftEvent, draft: DraftEvent) -> None:
    """The telling that places the event knows its sides better than a country-wide summary."""
    for slot in (1, 2):
        name = getattr(draft.event, f"actor{slot}")
        if name:
            set_actor(target, slot, getattr(draft, f"actor{slot}"), Actor(name, getattr(draft.event, f"inter{slot}")))


def is_narrower(draft: DraftEvent, target: DraftEvent) -> bool:
    """True when the draft's own place lies inside the target's: 'the village of Hass' beside 'Idlib'."""
    place, area = draft.location, target.location
    return (place is not None and area is not None and (not draft.location_inherited or area.level == COUNTRY)
            and (target.location_inherited or holds(area, place) and not holds(place, area)))


def named_doer(target: DraftEvent, draft: DraftEvent) -> None:
    """An actor1 that names nobody (unidentified; civilians, the victims slipped into the doer's place) gives
    way to the doer another retelling names."""
    doer, current = draft.event.actor1, target.event.actor1
    if (current and current.startswith(WILDCARD_ACTOR_PREFIXES) and doer and draft.actor1 is not None
            and not doer.startswith(WILDCARD_ACTOR_PREFIXES) and doer != target.event.actor2):
        set_actor(target, 1, draft.actor1, Actor(doer, draft.event.inter1))


def retells(a: DraftEvent, b: DraftEvent, tolls: Collection[int] = ()) -> bool:
    """True when `b` can tell the event `a` tells (see the module's docstring); `tolls` are the figures the article
    gives as tolls over a long time."""
    ea, eb = a.event, b.event
    if ea.event_type != eb.event_type or not subtypes_compatible(ea.sub_event_type, eb.sub_event_type):
        return False
    if ea.modality != eb.modality and not headline_told_as_background(a, b, tolls) or (
            ea.control and eb.control and ea.control != eb.control):
        return False
    if a.sentences & b.sentences:
        return False  # told apart in one sentence (one event per listed place): kept apart on purpose
    return (days_compatible(ea.event_date, day_precision(a), eb.event_date, day_precision(b))
            and places_compatible(a.location, b.location) and (actors_agree(a, b) or summarises(a, b)))


def headline_told_as_background(a: DraftEvent, b: DraftEvent, tolls: Collection[int]) -> bool:
    """'Infighting in Eastern Ghouta Killed More than 350 Militants' over 'clashes ... in less than one month have
    killed over 350 militants': a headline has no tense, so when its figure is a toll the body gives over a long
    time, the body's background telling of that toll says what the headline is."""
    return any(x.sentence_index == 0 and x.event.is_factual and x.event.fatalities in tolls
               and y.event.modality == BACKGROUND for x, y in ((a, b), (b, a)))


def summarises(a: DraftEvent, b: DraftEvent) -> bool:
    """One of the two is placed at the country only ('air strikes in northern Syria killed 31 IS militants'): a
    headline's or lead's summary of the event the article then places, whose sides it often muddles."""
    return any(is_country_wide(x) and y.location is not None and not is_country_wide(y) for x, y in ((a, b), (b, a)))


def is_country_wide(draft: DraftEvent) -> bool:
    return draft.location is not None and draft.location.level == COUNTRY


def day_precision(draft: DraftEvent) -> int | None:
    """The event's time precision when its own sentences tell its date; a date carried over from an earlier
    sentence only places it in that week."""
    event = draft.event
    told = [e for e in event.evidence if e.field == "event_date"]
    sentences = [e for e in event.evidence if e.field == "notes"]
    own = any(s.start <= d.start < s.end for d in told for s in sentences)
    return event.time_precision if own else max(event.time_precision or 3, 2)


def places_compatible(a: Location | None, b: Location | None) -> bool:
    """The same place, or one that holds the other or may lie at it; an event with no place fits any."""
    return a is None or b is None or same_place(a, b) or holds(a, b) or holds(b, a)


def same_place(a: Location, b: Location) -> bool:
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return True
    if a.location.casefold() == b.location.casefold() and a.admin1 == b.admin1:
        return True
    return a.geo_precision == b.geo_precision and km_apart(a, b) <= SAME_POINT_KM


def holds(area: Location, place: Location) -> bool:
    """A country holds its places and a governorate its towns. A place given vaguely (geo_precision 2: 'near X',
    or 'Idlib', a governorate's name that is also its capital's) holds what lies close to X and a village of its
    governorate that the gazetteer lacks. Such a village, placed at its governorate, is still one village: it
    holds nothing, and two of them are one only by name."""
    if area.level == COUNTRY:
        return bool(area.country) and area.country == place.country
    if area.is_admin:
        return names_area(area) and bool(area.admin1) and area.admin1 == place.admin1
    if area.geo_precision != 2 or area.admin1 != place.admin1:
        return False
    if place.is_admin:
        return not names_area(place)
    return place.geo_precision == 1 and km_apart(area, place) <= NEAR_KM


def names_area(location: Location) -> bool:
    """True when the text named a governorate ('Idlib province', 'Southeastern Idlib') or gave no place and the
    event took its area from the context; False for a village placed at its governorate's centre."""
    mention = location.mention
    return mention is None or bool(mention.direction) or mention.cue in ADMIN_CUES


def km_apart(a: Location, b: Location) -> float:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return float("inf")
    return km_between(a.latitude, a.longitude, b.latitude, b.longitude)


def named_sides(draft: DraftEvent, battle: bool = False) -> tuple[str | None, str | None]:
    """Actor1 and actor2 as the text names them; a partisan default or a civilian party says nothing about who
    the sides are, nor does an unidentified attacker of one-sided violence (a later sentence may name him).
    In a battle an unidentified side is a side: 'gunmen shot a QSD fighter' is no part of QSD's fight with IS."""
    wildcards = ("Civilians",) if battle else WILDCARD_ACTOR_PREFIXES
    return tuple(name if name and name not in DEFAULT_ACTORS and not name.startswith(wildcards) else None
                 for name in (draft.event.actor1, draft.event.actor2))


def actors_agree(a: DraftEvent, b: DraftEvent) -> bool:
    """Battles: one report's sides hold the other's, or both name at most two sides together ('the army
    attacked' and 'rebels fought back'). One-sided violence: neither the doer nor the target differs."""
    if a.event.event_type == BATTLES:
        named_a, named_b = ({s for s in named_sides(d, battle=True) if s} for d in (a, b))
        return named_a <= named_b or named_b <= named_a or len(named_a | named_b) <= 2
    sides = list(zip(named_sides(a), named_sides(b), strict=True))
    if guessed_doer(a) or guessed_doer(b):
        sides = sides[1:]
    return all(x is None or y is None or x == y for x, y in sides)


def guessed_doer(draft: DraftEvent) -> bool:
    """True when the text names the doer as a guess: 'either Russian or Syrian warplanes', 'purportedly American
    airstrikes'."""
    mention = draft.actor1
    if mention is None:
        return False
    root = mention.span.root
    near = [*mention.span.doc[max(mention.span.start - 2, 0):mention.span.start], *root.children]
    if root.dep_ == "conj":
        near += list(root.head.children) + [root.head]
    return any(w.lower_ in DOUBT_WORDS or w.dep_ == "cc" and w.lower_ == "or" for w in near)
