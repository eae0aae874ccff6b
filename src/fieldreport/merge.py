"""Within-document merging: an event told in several sentences becomes one record with all its spans."""

from __future__ import annotations

from fieldreport.actors import Actor
from fieldreport.events import DraftEvent, clear_actor, combine, fill_missing_sides, set_actor
from fieldreport.geocode import km_between

VAGUE_PLACE_KM = 50.0
WINDOW = 3  # sentences apart that can still tell the same event
COMPATIBLE_SUBTYPES = {
    frozenset({"Armed clash", "Government regains territory"}),
    frozenset({"Armed clash", "Non-state actor overtakes territory"}),
}
SUBTYPE_STRENGTH = {"Government regains territory": 3, "Non-state actor overtakes territory": 3}
DEFAULT_ACTORS = {"Opposition Rebels (Syria)"}


def subtypes_compatible(a: str, b: str) -> bool:
    return a == b or frozenset({a, b}) in COMPATIBLE_SUBTYPES


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
    """Adjacent sentences with the same trigger word and actor restate one event even if places differ."""
    return (a.trigger.token.lemma_ == b.trigger.token.lemma_ and a.event.actor1 == b.event.actor1
            and a.event.actor1 is not None)


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
        if SUBTYPE_STRENGTH.get(draft.event.sub_event_type, 0) > SUBTYPE_STRENGTH.get(target.event.sub_event_type, 0):
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
