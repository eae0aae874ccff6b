"""Merging across reports: mentions of one event in several documents become one canonical event.

A *mention* is an event as one document tells it (a row of the `events` table). Two mentions can
tell the same event when they come from different documents and

- have the same event type and compatible sub-event types (an armed clash and the territory
  change it led to),
- have the same modality class (factual with factual; a plan only with the same kind of plan),
- do not contradict on actors (see `actor_reason`),
- lie within a distance that grows with the vaguer geo_precision (see `KM_BY_GEO_PRECISION`),
- are dated within a window that grows with the vaguer time_precision (`DAYS_BY_TIME_PRECISION`).

Clustering is deterministic: the store collects the connected component of "can tell the same
event" around new mentions (a property of the set of mentions, not of the order they arrived in)
and `cluster` folds that component in canonical order (event_date, document_id, position), each
mention joining the first cluster whose members are all compatible with it and that holds no
other mention of its document. A later report can therefore join clusters or re-split them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from statistics import median_low

from fieldreport.geo.distance import km_between
from fieldreport.merging.within import DEFAULT_ACTORS, SUBTYPE_STRENGTH, subtypes_compatible
from fieldreport.model import FACTUAL_MODALITIES

KM_BY_GEO_PRECISION = {1: 10.0, 2: 25.0, 3: 60.0}
DAYS_BY_TIME_PRECISION = {1: 1, 2: 4, 3: 10}
SEARCH_KM = max(KM_BY_GEO_PRECISION.values())
SEARCH_DAYS = max(DAYS_BY_TIME_PRECISION.values())
WILDCARD_ACTOR_PREFIXES = ("Unidentified", "Civilians")  # say nothing about who the sides are
LOCATION_FIELDS = ("country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision")
ACTOR_FIELDS = ("actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "actor1_text",
                "actor2_text")


@dataclass(frozen=True)
class Mention:
    """One stored event row (with its document's outlet), as merging sees it."""

    id: int
    document_id: str
    position: int
    event_date: date | None
    record: dict = field(compare=False, hash=False)

    @property
    def outlet(self) -> str:
        return self.record.get("outlet") or self.document_id

    def get(self, name: str):
        return self.record.get(name)


def sort_key(mention: Mention) -> tuple:
    """The canonical order every merge decision follows."""
    return (mention.event_date or date.max, mention.document_id, mention.position)


def named_actors(mention: Mention) -> set[str]:
    names = (mention.get(n) for n in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"))
    return {n for n in names if n and n not in DEFAULT_ACTORS and not n.startswith(WILDCARD_ACTOR_PREFIXES)}


def modality_class(mention: Mention) -> str:
    modality = mention.get("modality") or "occurred"
    return "factual" if modality in FACTUAL_MODALITIES else modality


def days_apart_limit(a: Mention, b: Mention) -> int:
    precision = max(a.get("time_precision") or 3, b.get("time_precision") or 3)
    return DAYS_BY_TIME_PRECISION.get(precision, SEARCH_DAYS)


def coarser_geo_precision(a: Mention, b: Mention) -> int:
    return max(a.get("geo_precision") or 3, b.get("geo_precision") or 3)


def km_apart_limit(a: Mention, b: Mention) -> float:
    return KM_BY_GEO_PRECISION.get(coarser_geo_precision(a, b), SEARCH_KM)


def same_place_name(a: Mention, b: Mention) -> bool:
    names = [(m.get("location") or "").casefold() for m in (a, b)]
    return bool(names[0]) and names[0] == names[1] and a.get("admin1") == b.get("admin1")


def country_level(mention: Mention) -> bool:
    return (mention.get("location") or "").casefold() == (mention.get("country") or "").casefold()


def place_reason(a: Mention, b: Mention) -> str | None:
    """Why the two places can be one (a sentence), or None if they cannot (a whole country is no place)."""
    if country_level(a) or country_level(b):
        return None
    if same_place_name(a, b):
        return f"same place {a.get('location')!r}"
    if None in (a.get("latitude"), a.get("longitude"), b.get("latitude"), b.get("longitude")):
        return None
    km = km_between(a.get("latitude"), a.get("longitude"), b.get("latitude"), b.get("longitude"))
    limit = km_apart_limit(a, b)
    if km > limit:
        return None
    return f"{km:.1f} km apart (limit {limit:.0f} km at geo_precision {coarser_geo_precision(a, b)})"


def date_reason(a: Mention, b: Mention) -> str | None:
    if a.event_date is None or b.event_date is None:
        return None
    days = abs((a.event_date - b.event_date).days)
    limit = days_apart_limit(a, b)
    if days > limit:
        return None
    return f"{days} day(s) apart (limit {limit})"


def actor_reason(a: Mention, b: Mention) -> str | None:
    """Actors contradict when both reports name groups, share none, and together name more than the
    two sides of one event ("army vs HTS" and "Turkey vs YPG"); "army attacked" and "HTS fought"
    can be the two sides of one clash."""
    named_a, named_b = named_actors(a), named_actors(b)
    shared = sorted(named_a & named_b)
    if shared:
        return f"both name {', '.join(shared)}"
    if not (named_a and named_b):
        return "actors do not contradict (one report names no group)"
    if len(named_a | named_b) <= 2:
        return f"actors can be the two sides of one event ({', '.join(sorted(named_a | named_b))})"
    return None


def why_compatible(a: Mention, b: Mention) -> list[str] | None:
    """The reasons two mentions may tell the same event, or None when something contradicts."""
    if a.document_id == b.document_id or a.get("event_type") != b.get("event_type"):
        return None
    if not subtypes_compatible(a.get("sub_event_type"), b.get("sub_event_type")):
        return None
    if modality_class(a) != modality_class(b):
        return None
    reasons = [date_reason(a, b), place_reason(a, b), actor_reason(a, b)]
    if None in reasons:
        return None
    types = {a.get("sub_event_type"), b.get("sub_event_type")}
    reasons.insert(0, f"{a.get('event_type')}: {' / '.join(sorted(types))}")
    return reasons


def cluster(mentions: list[Mention]) -> list[list[Mention]]:
    """Complete-link clusters in canonical order; each cluster's first mention is its anchor."""
    clusters: list[list[Mention]] = []
    open_clusters: list[list[Mention]] = []  # those a mention this late can still join, in creation order
    for mention in sorted(mentions, key=sort_key):
        open_clusters = [c for c in open_clusters if within_reach(c[-1], mention)]
        target = next((c for c in open_clusters if fits(c, mention)), None)
        if target is None:
            target = [mention]
            clusters.append(target)
            open_clusters.append(target)
        else:
            target.append(mention)
    return clusters


def within_reach(last: Mention, mention: Mention) -> bool:
    """False when `last` (a cluster's latest member) is too early for any later mention to join."""
    if last.event_date is None or mention.event_date is None:
        return last.event_date is None and mention.event_date is None
    return (mention.event_date - last.event_date).days <= SEARCH_DAYS


def fits(members: list[Mention], mention: Mention) -> bool:
    return all(why_compatible(member, mention) is not None for member in members)


def canonical_record(members: list[Mention]) -> dict:
    """The canonical event of a cluster: best-located place, most precise date, strongest sub-type,
    the best-named actors, the fatalities range and the corroboration across outlets."""
    members = sorted(members, key=sort_key)
    anchor = members[0]
    record = {name: anchor.get(name) for name in ("event_type", "notes", "modality", "document_id")}
    placed = min(members, key=lambda m: (m.get("geo_precision") or 9, m.get("latitude") is None, sort_key(m)))
    record.update({name: placed.get(name) for name in LOCATION_FIELDS})
    dated = min(members, key=lambda m: (m.get("time_precision") or 9, sort_key(m)))
    record.update(event_date=dated.event_date, time_precision=dated.get("time_precision"))
    record["sub_event_type"] = max(members, key=lambda m: SUBTYPE_STRENGTH.get(m.get("sub_event_type"), 0)).get(
        "sub_event_type")
    named = max(members, key=lambda m: len(named_actors(m)))
    record.update({name: named.get(name) for name in ACTOR_FIELDS})
    record.update(fatalities_range(members))
    outlets = distinct(m.outlet for m in members)
    record.update(
        id=anchor.id,
        source="; ".join(outlets),
        sources=json.dumps(outlets),
        cited_sources=json.dumps(distinct(s for m in members for s in m.get("cited_sources") or [])),
        n_mentions=len({m.document_id for m in members}),
        corroboration=len(outlets),
        explanation=json.dumps(explanation(members)),
        search_text="\n".join(distinct(m.get("notes") or "" for m in members)),
    )
    return record


def fatalities_range(members: list[Mention]) -> dict:
    known = sorted(m.get("fatalities") for m in members if m.get("fatalities") is not None)
    if not known:
        return {"fatalities": None, "fatalities_low": None, "fatalities_best": None, "fatalities_high": None}
    best = median_low(known)
    return {"fatalities": best, "fatalities_low": known[0], "fatalities_best": best, "fatalities_high": known[-1]}


def explanation(members: list[Mention]) -> list[str]:
    """One line per mention after the anchor: why it joined (against the anchor)."""
    anchor = members[0]
    lines = [f"anchor: mention {anchor.id} ({anchor.document_id}#{anchor.position}, {anchor.outlet})"]
    for mention in members[1:]:
        reasons = why_compatible(anchor, mention) or []
        lines.append(f"mention {mention.id} ({mention.document_id}#{mention.position}, {mention.outlet}): "
                     + "; ".join(reasons))
    if len(members) == 1:
        lines.append("no other report tells this event")
    return lines


def distinct(values) -> list:
    """Values without repeats, in first-seen order."""
    return list(dict.fromkeys(v for v in values if v))
