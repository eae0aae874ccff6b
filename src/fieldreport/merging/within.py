"""Within-document merging: an event told in several sentences becomes one record with all its spans;
and its converse, one event per place when a sentence tells a battle across a list of places."""

from __future__ import annotations

import re
from dataclasses import replace

from fieldreport import taxonomy
from fieldreport.events.coding import (
    RELATIVE_WORDS,
    DraftEvent,
    SentenceContext,
    clear_actor,
    combine,
    fill_missing_sides,
    set_actor,
    set_location,
)
from fieldreport.geo.distance import km_between
from fieldreport.geo.location import Location
from fieldreport.mentions.actors import Actor
from fieldreport.mentions.fatalities import allocations, folded_name
from fieldreport.mentions.places import NAME_GLUE
from fieldreport.merging.compatibility import DEFAULT_ACTORS, subtype_strength, subtypes_compatible
from fieldreport.rules import word_set

VAGUE_PLACE_KM = 50.0
WINDOW = 3  # sentences apart that can still tell the same event


def actors_compatible(a: DraftEvent, b: DraftEvent) -> bool:
    """Named actors must not contradict; partisan defaults and gaps are wildcards."""
    named_a = {x for x in (a.event.actor1, a.event.actor2) if x and x not in DEFAULT_ACTORS}
    named_b = {x for x in (b.event.actor1, b.event.actor2) if x and x not in DEFAULT_ACTORS}
    if not named_a or not named_b:
        return True
    if a.event.actor1 and b.event.actor1 and a.event.actor1 not in DEFAULT_ACTORS \
            and b.event.actor1 not in DEFAULT_ACTORS and a.event.actor1 != b.event.actor1 \
            and b.event.actor1 not in named_a:
        return False
    return bool(named_a & named_b)


def places_compatible(a: DraftEvent, b: DraftEvent) -> bool:
    """Same place, or a vague place (a governorate, a region) that can contain the other one."""
    la, lb = a.location, b.location
    if la is None or lb is None or a.location_inherited or b.location_inherited:
        return True
    if la.location == lb.location:
        return True
    if la.geo_precision == 1 and lb.geo_precision == 1:
        return False
    if la.admin1_code and la.admin1_code == lb.admin1_code:
        return True
    if None in (la.latitude, lb.latitude):
        return False
    return km_between(la.latitude, la.longitude, lb.latitude, lb.longitude) <= VAGUE_PLACE_KM


def same_story(a: DraftEvent, b: DraftEvent) -> bool:
    """Adjacent sentences with the same trigger word and actor restate one event even if places differ, unless
    both name a town or village of their own: 'warplanes struck A ... warplanes also struck B' are two events."""
    both_precise = all(d.location is not None and d.location.geo_precision == 1 and not d.location_inherited
                       for d in (a, b))
    return (a.trigger.token.lemma_ == b.trigger.token.lemma_ and a.event.actor1 == b.event.actor1
            and a.event.actor1 is not None and not both_precise)


def mergeable(a: DraftEvent, b: DraftEvent) -> bool:
    ea, eb = a.event, b.event
    if ea.event_type != eb.event_type or not subtypes_compatible(ea.sub_event_type, eb.sub_event_type):
        return False
    if ea.is_factual != eb.is_factual or a.section != b.section:
        return False
    if min(abs(i - j) for i in a.sentences for j in b.sentences) > WINDOW:
        return False
    if not actors_compatible(a, b):
        return False
    return places_compatible(a, b) or same_story(a, b)


def merge_drafts(drafts: list[DraftEvent]) -> list[DraftEvent]:
    """Fold each draft into the earliest compatible one; the stronger sub-event type wins."""
    merged: list[DraftEvent] = []
    for draft in drafts:
        recent = [m for m in merged[-12:] if max(m.sentences) >= draft.sentence_index - WINDOW]
        target = next((m for m in recent if mergeable(m, draft)), None)
        if target is None:
            merged.append(draft)
            continue
        if subtype_strength(draft.event.sub_event_type) > subtype_strength(target.event.sub_event_type):
            target.event.sub_event_type = draft.event.sub_event_type
        prefer_named_actors(target, draft)
        combine(target, draft)
    for draft in merged:
        drop_repeated_actor(draft)
        fill_missing_sides(draft)
    return merged


def drop_repeated_actor(draft: DraftEvent) -> None:
    """An event is not fought between an actor and itself: a second mention of actor1 is no actor2."""
    event = draft.event
    if event.actor2 and event.actor2 == event.actor1:
        clear_actor(draft, 2)


def prefer_named_actors(target: DraftEvent, other: DraftEvent) -> None:
    """Replace a partisan default ('Opposition Rebels') with the named group another sentence gives."""
    named = [(getattr(other, f"actor{n}"), Actor(getattr(other.event, f"actor{n}"), getattr(other.event, f"inter{n}")))
             for n in (1, 2)]
    named = [(mention, actor) for mention, actor in named if mention is not None and actor.name
             and actor.name not in DEFAULT_ACTORS and actor.name not in (target.event.actor1, target.event.actor2)]
    for slot in (2, 1):
        if getattr(target.event, f"actor{slot}") in DEFAULT_ACTORS and named:
            set_actor(target, slot, *named.pop(0))


# What may stand between two places of one list: "A, B and C", "A as well as the village of B".
LIST_GAP = re.compile(r"\s*(?:,\s*|(?:,\s*)?(?:and|or|&|as well as)\s+)(?:the\s+)?"
                      r"(?:(?:villages?|towns?|cities|city|areas?|hills?|neighbou?rhoods?|districts?)\s+(?:of\s+)?)?",
                      re.I)
CONJUNCTION = re.compile(r"\b(?:and|or|as well as)\b|&", re.I)
# A list after a relative word names one stretch of ground or a vicinity, not several places ("the road between
# Tadmor and Sokhneh", "near Ma'arat Shamarin and al-Halbah"); one after "from" names where a side came from.
SPAN_WORDS = RELATIVE_WORDS | word_set("merging", "span_words")
NOT_SPLIT_TYPES = taxonomy.event_types("Strategic developments")


def split_by_place(drafts: list[DraftEvent], contexts: list[SentenceContext]) -> list[DraftEvent]:
    """One event per place of a listed set ('clashes in Maraanaz and Kaljibrin', 'took the villages of A, B
    and C'), as ACLED codes an event per location and day; the fatalities are divided between them."""
    result: list[DraftEvent] = []
    for draft in drafts:
        places = listed_places(draft, contexts)
        if len(places) < 2:
            result.append(draft)
            continue
        shares = divided(draft.event.fatalities, len(places), draft.tally_per_event)
        for place, share in zip(places, shares, strict=True):
            result.append(copy_at(draft, place, share))
    return stated_shares(result)


def stated_shares(drafts: list[DraftEvent]) -> list[DraftEvent]:
    """A coder's note that gives each place its own share of the dead ('split as follows: 3 Kabani, 2 Haddada')
    gives each event at a listed place that share, not an even split of the total."""
    by_text: dict[int, dict[str, int]] = {}
    for draft in drafts:
        doc = draft.trigger.token.doc
        if id(doc) not in by_text:
            by_text[id(doc)] = allocations(doc.text)
        shares = by_text[id(doc)]
        location = draft.location
        if not shares or location is None:
            continue
        names = {location.location, *((location.mention.name, location.mention.span.text) if location.mention else ())}
        share = next((shares[key] for key in map(folded_name, names) if key in shares), None)
        if share is not None:
            draft.event.fatalities, draft.tally_stated, draft.tally_per_event = share, True, True
    return drafts


def listed_places(draft: DraftEvent, contexts: list[SentenceContext]) -> list[Location]:
    """The distinct places of the list that holds the draft's place, in text order; [] when none."""
    location = draft.location
    if (location is None or location.mention is None or draft.location_inherited or location.level == "country"
            or not draft.event.is_factual or draft.event.event_type in NOT_SPLIT_TYPES):
        return []
    span = location.mention.span
    sentence = next((c for c in contexts if c.sentence.start <= span.start < c.sentence.end), None)
    if sentence is None:
        return []
    places = sorted((p for p in sentence.places if p.mention is not None and p.level != "country"),
                    key=lambda p: p.mention.start)
    at = next((i for i, p in enumerate(places) if p.mention.span == span), None)
    if at is None:
        return []
    first, last = at, at
    while first > 0 and listed_together(places[first - 1], places[first]):
        first -= 1
    while last + 1 < len(places) and listed_together(places[last], places[last + 1]):
        last += 1
    doc = span.doc
    opening = places[first].mention.span.start
    if opening > 0 and doc[opening - 1].lower_ in SPAN_WORDS:
        return []
    if not any(joined_by_conjunction(a, b) for a, b in zip(places[first:last], places[first + 1:last + 1],
                                                              strict=True)):
        return []  # 'Shreveport, Louisiana', 'Afrin, Aleppo': a place and the area around it
    distinct: dict[str, Location] = {}
    for place in places[first:last + 1]:
        if place.mention.name.lower() in NAME_GLUE:
            continue  # the first word of a name alone is a fragment ('Tal' of 'Tal (hill) Maseh')
        # the draft's own place as the event placed it ('Maseh' at the town it lies west of)
        distinct.setdefault(place.location.lower(), location if place.mention.span == span else place)
    return list(distinct.values())


def gap_between(left: Location, right: Location) -> str:
    """The text between two place mentions, read from the tokens between them (`doc.text` would rebuild the
    whole document's text on every call)."""
    first, second = left.mention.span, right.mention.span
    if second.start_char <= first.end_char:
        return ""
    return first[-1].whitespace_ + first.doc[first.end:second.start].text_with_ws


def listed_together(left: Location, right: Location) -> bool:
    return bool(LIST_GAP.fullmatch(gap_between(left, right)))


def joined_by_conjunction(left: Location, right: Location) -> bool:
    gap = gap_between(left, right)
    return "," not in gap or bool(CONJUNCTION.search(gap))


def divided(total: int | None, ways: int, already: bool) -> list[int | None]:
    """ACLED's even split of one figure between events, the remainder to the first ones."""
    if total is None or already:
        return [total] * ways
    share, rest = divmod(total, ways)
    return [share + (i < rest) for i in range(ways)]


def copy_at(draft: DraftEvent, place: Location, fatalities: int | None) -> DraftEvent:
    event = replace(draft.event, evidence=list(draft.event.evidence), cited_sources=list(draft.event.cited_sources),
                    fatalities=fatalities)
    copy = replace(draft, event=event, sentences=set(draft.sentences))
    set_location(copy, place)
    return copy
