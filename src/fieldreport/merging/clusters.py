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
from datetime import date
from pathlib import Path
from statistics import median_low

from sqlalchemy import Connection, select

from fieldreport.geo.distance import km_between
from fieldreport.merging import territory
from fieldreport.merging.compatibility import DEFAULT_ACTORS, subtype_strength, subtypes_compatible
from fieldreport.model import FACTUAL_MODALITIES, Evidence, Mention
from fieldreport.storage.schema import canonical_table, control_table, events_table
from fieldreport.storage.store import Store, evidence_by_event, load_mentions, neighbour_mentions

KM_BY_GEO_PRECISION = {1: 10.0, 2: 25.0, 3: 60.0}
DAYS_BY_TIME_PRECISION = {1: 1, 2: 4, 3: 10}
SEARCH_KM = max(KM_BY_GEO_PRECISION.values())
SEARCH_DAYS = max(DAYS_BY_TIME_PRECISION.values())
WILDCARD_ACTOR_PREFIXES = ("Unidentified", "Civilians")  # say nothing about who the sides are
LOCATION_FIELDS = ("country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision")
ACTOR_FIELDS = ("actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "actor1_text",
                "actor2_text")


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
    typed = max(members, key=lambda m: subtype_strength(m.get("sub_event_type")))
    record["sub_event_type"] = typed.get("sub_event_type")
    record["control"] = control_of(typed, members)
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


def control_of(typed: Mention, members: list[Mention]) -> str | None:
    """The gain or loss of a place the merged event tells: that of the mention that names its sub-event type,
    else of the first mention in canonical order that tells one."""
    return typed.get("control") or next((m.get("control") for m in members if m.get("control")), None)


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


# Clustering stored mentions --------------------------------------------------------------------


def open_store(url_or_path: str | Path) -> Store:
    """A store that merges each saved document's events with the events other reports gave."""
    return Store(url_or_path, merger=CrossReportMerger())


class CrossReportMerger:
    """The store's Merger: re-clusters the neighbourhood of new mentions in the saving transaction."""

    def merge(self, conn: Connection, new_ids: list[int]) -> None:
        merge_around(conn, new_ids)

    def remerge_all(self, conn: Connection) -> None:
        remerge_all(conn)


def merge_around(conn: Connection, new_ids: list[int]) -> None:
    """Re-cluster the connected components of 'can tell the same event' that new mentions join.

    Every stored mention carries its component's id. A new mention's component is the union of
    the stored components it is compatible with (one neighbour query per new mention), so only those
    are reloaded; and only clusters whose members changed are rewritten."""
    for piece in connected_pieces(conn, new_ids):
        recluster(conn, piece)


def connected_pieces(conn: Connection, new_ids: list[int]) -> list[dict[int, Mention]]:
    """The new mentions with the stored components they connect, one dict per connected piece."""
    if not new_ids:
        return []
    new = load_mentions(conn, events_table.c.id.in_(new_ids))
    new_set = {m.id for m in new}
    pieces = UnionFind()
    for mention in new:
        pieces.add(("m", mention.id))
        for other in neighbour_mentions(conn, mention, SEARCH_KM, SEARCH_DAYS):
            if why_compatible(mention, other) is None:
                continue
            if other.id in new_set:
                pieces.union(("m", mention.id), ("m", other.id))
            elif other.get("component_id") is not None:
                pieces.union(("m", mention.id), ("c", other.get("component_id")))
    components = sorted(node[1] for node in pieces.nodes() if node[0] == "c")
    stored = load_mentions(conn, events_table.c.component_id.in_(components)) if components else []
    groups: dict[tuple, dict[int, Mention]] = {}
    for mention in new:
        groups.setdefault(pieces.find(("m", mention.id)), {})[mention.id] = mention
    for mention in stored:
        groups.setdefault(pieces.find(("c", mention.get("component_id"))), {})[mention.id] = mention
    return list(groups.values())


def recluster(conn: Connection, piece: dict[int, Mention]) -> None:
    """Cluster one component and rewrite the canonical events (and control changes) that changed."""
    component_id = min(piece)
    old: dict[int, set[int]] = {}
    for mention in piece.values():
        if mention.get("canonical_id") is not None:
            old.setdefault(mention.get("canonical_id"), set()).add(mention.id)
    clusters = cluster(list(piece.values()))
    changed = [c for c in clusters if old.get(c[0].id) != {m.id for m in c}]
    stale = set(old) - ({c[0].id for c in clusters} - {c[0].id for c in changed})
    if stale:
        conn.execute(control_table.delete().where(control_table.c.canonical_id.in_(stale)))
        conn.execute(canonical_table.delete().where(canonical_table.c.id.in_(stale)))
    spans = evidence_by_event(conn, [m.id for c in changed for m in c])
    for members in changed:
        write_canonical(conn, members, spans)
    moved = [m.id for m in piece.values() if m.get("component_id") != component_id]
    if moved:
        conn.execute(events_table.update().where(events_table.c.id.in_(moved)).values(component_id=component_id))


def write_canonical(conn: Connection, members: list[Mention], spans: dict[int, list[Evidence]]) -> None:
    record = canonical_record(members)
    conn.execute(canonical_table.insert(), record)  # parameters, not .values(): the statement is compiled once
    conn.execute(events_table.update().where(events_table.c.id.in_([m.id for m in members]))
                 .values(canonical_id=record["id"]))
    member_spans = [{**s.as_dict(), "document_id": m.document_id} for m in members for s in spans.get(m.id, [])]
    change = territory.control_change(record, member_spans)
    if change is not None:
        change["evidence"] = json.dumps(change["evidence"], ensure_ascii=False)
        conn.execute(control_table.insert(), change)


def remerge_all(conn: Connection) -> None:
    conn.execute(control_table.delete())
    conn.execute(canonical_table.delete())
    conn.execute(events_table.update().values(canonical_id=None, component_id=None))
    merge_around(conn, list(conn.execute(select(events_table.c.id).order_by(events_table.c.id)).scalars()))


class UnionFind:
    """Disjoint sets of hashable nodes; a set is named by its smallest node, so results do not
    depend on the order of unions."""

    def __init__(self) -> None:
        self.parent: dict = {}

    def add(self, node) -> None:
        self.parent.setdefault(node, node)

    def nodes(self) -> list:
        return list(self.parent)

    def find(self, node):
        self.add(node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, a, b) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            low, high = sorted((root_a, root_b))
            self.parent[high] = low
