"""Merging across reports: mentions of one event in several documents become one canonical event.

A *mention* is an event as one document tells it (a row of the `events` table). ACLED's event is one
place, one day and one type, with actors that do not contradict; two mentions from different
documents can tell the same event when

- they have the same event type and compatible sub-event types (an armed clash and the territory
  change it led to), and the same modality class (factual with factual; a plan only with a plan),
- they are dated to the same day (`date_tie`): reports of different days tell different events,
  and a date known only to its week (or taken from the publication) or month ties only weakly,
- their places can be one place (`place_tie`): not a whole country; the same place, or near enough
  for the vaguer geo_precision (`KM_BY_GEO_PRECISION`); a place known only to its governorate
  (geo_precision 3) lies in the other's governorate,
- their actors do not contradict (`sides_agree`): the one who acts in a one-sided event (a strike,
  shelling, an attack on civilians) is the same group in both, and a battle's two sides pair up,
- and at least two of the three ties are specific (`SPECIFIC_TIES_NEEDED`): the same day, the same
  named place, a group both name. A vague tie only fails to contradict: two reports of shelling in
  Aleppo on the same day, with no group named, tell one event only if the place and day are exact;
  one dated only to its week or month, or placed only in its governorate, also needs the same
  named group.
  And a report placed only in its governorate joins an event only when it can be no other
  (`ambiguous_ids`): one that fits reports of two towns in it tells neither for sure.

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
from typing import NamedTuple

from sqlalchemy import Connection, select

from fieldreport.geo.distance import km_between
from fieldreport.geo.gazetteer import loose_key
from fieldreport.merging import territory
from fieldreport.merging.compatibility import (
    DEFAULT_ACTOR_INTERS,
    DEFAULT_ACTORS,
    ONE_SIDED_EVENT_TYPES,
    WILDCARD_ACTOR_PREFIXES,
    subtype_strength,
    subtypes_compatible,
)
from fieldreport.model import FACTUAL_MODALITIES, Evidence, Mention
from fieldreport.storage.schema import canonical_table, control_table, events_table
from fieldreport.storage.store import Store, evidence_by_event, load_mentions, neighbour_mentions

KM_BY_GEO_PRECISION = {1: 10.0, 2: 25.0}
SPECIFIC_TIES_NEEDED = 2
SEARCH_KM = max(KM_BY_GEO_PRECISION.values())
SEARCH_DAYS = 0  # one day
LOCATION_FIELDS = ("country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision")
ACTOR_FIELDS = ("actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "actor1_text",
                "actor2_text")


class Tie(NamedTuple):
    """How one of place, day and actors ties two mentions: `specific` when it names the same thing
    (the same day, place or group), not only when nothing contradicts."""

    reason: str
    specific: bool


def sort_key(mention: Mention) -> tuple:
    """The canonical order every merge decision follows."""
    return (mention.event_date or date.max, mention.document_id, mention.position)


def named_actors(mention: Mention) -> set[str]:
    names = (mention.get(n) for n in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"))
    return {n for n in names if n and n not in DEFAULT_ACTORS and not n.startswith(WILDCARD_ACTOR_PREFIXES)}


def modality_class(mention: Mention) -> str:
    modality = mention.get("modality") or "occurred"
    return "factual" if modality in FACTUAL_MODALITIES else modality


# Days --------------------------------------------------------------------------------------------


def date_tie(a: Mention, b: Mention) -> Tie | None:
    """ACLED's event is one day: reports dated to different days tell different events. A date known
    only to its week (time_precision 2, also one taken from the publication) or month (3) is no day, so
    the same date ties only weakly; a week holds too many events of one place and pair of actors to
    tell which day a report means."""
    if a.event_date is None or b.event_date is None or a.event_date != b.event_date:
        return None
    if max(m.get("time_precision") or 3 for m in (a, b)) == 1:
        return Tie("the same day", True)
    return Tie("the same date, one report giving only its week or month", False)


# Places ------------------------------------------------------------------------------------------


def country_level(mention: Mention) -> bool:
    """A whole country ('Syria', 'Britain' for 'Britain-based'): no governorate, so no place."""
    location = (mention.get("location") or "").casefold()
    return not mention.get("admin1") or location == (mention.get("country") or "").casefold()


def region_level(mention: Mention) -> bool:
    """Placed only in its governorate (geo_precision 3): a village the gazetteer lacks, or the region."""
    return (mention.get("geo_precision") or 3) >= 3


def names_its_region(mention: Mention) -> bool:
    """'Aleppo', 'eastern Aleppo', 'Damascus countryside' at geo_precision 3: the governorate itself,
    which says nothing about where in it the event was."""
    region_words = set(loose_key(mention.get("admin1") or "").split())
    return bool(region_words & set(loose_key(mention.get("location") or "").split()))


def same_place_name(a: Mention, b: Mention) -> bool:
    """The same name in the same governorate, however spelled ('Hasakeh', 'Al Ḩasakah')."""
    names = [loose_key(m.get("location") or "") for m in (a, b)]
    return bool(names[0]) and names[0] == names[1] and a.get("admin1") == b.get("admin1")


def coarser_geo_precision(a: Mention, b: Mention) -> int:
    return max(a.get("geo_precision") or 3, b.get("geo_precision") or 3)


def place_tie(a: Mention, b: Mention) -> Tie | None:
    """Whether the two places can be one place, and whether they name the same one."""
    if country_level(a) or country_level(b):
        return None
    if region_level(a) or region_level(b):
        return region_tie(a, b)
    if same_place_name(a, b):
        return Tie(f"same place {a.get('location')!r}", True)
    if None in (a.get("latitude"), a.get("longitude"), b.get("latitude"), b.get("longitude")):
        return None
    km = km_between(a.get("latitude"), a.get("longitude"), b.get("latitude"), b.get("longitude"))
    limit = KM_BY_GEO_PRECISION[coarser_geo_precision(a, b)]
    if km > limit:
        return None
    return Tie(f"{km:.1f} km apart (limit {limit:.0f} km at geo_precision {coarser_geo_precision(a, b)})", False)


def region_tie(a: Mention, b: Mention) -> Tie | None:
    """A place known only to its governorate can be any place in that governorate."""
    if a.get("admin1") != b.get("admin1"):
        return None
    if same_place_name(a, b) and not names_its_region(a):
        return Tie(f"same place {a.get('location')!r}", True)
    return Tie(f"both in {a.get('admin1')} (one report names only the governorate)", False)


# Actors ------------------------------------------------------------------------------------------


def actor_tie(a: Mention, b: Mention) -> Tie | None:
    """Whether the actors can be those of one event (`sides_agree`), and whether both name a group."""
    if not sides_agree(a, b):
        return None
    named_a, named_b = named_actors(a), named_actors(b)
    shared = sorted(named_a & named_b)
    if shared:
        return Tie(f"both name {', '.join(shared)}", True)
    if not (named_a and named_b):
        return Tie("actors do not contradict (one report names no group)", False)
    return Tie(f"actors can be the two sides of one event ({', '.join(sorted(named_a | named_b))})", False)


class Side(NamedTuple):
    """One side of a mention: the groups named in an actor slot (with its associate) and their inter code."""

    names: frozenset[str]
    inter: int | None


def side(mention: Mention, slot: int) -> Side:
    names = (mention.get(f"actor{slot}"), mention.get(f"assoc_actor_{slot}"))
    return Side(frozenset(n for n in names if n and not n.startswith(WILDCARD_ACTOR_PREFIXES)),
                mention.get(f"inter{slot}"))


def sides_agree(a: Mention, b: Mention) -> bool:
    """ACLED's event has one pair of actors (a dyad). In a battle either side may be actor1, so the
    sides may pair across ('army attacked' and 'HTS fought' are one clash's two sides; 'army vs HTS'
    and 'Turkey vs YPG' are two clashes). In a one-sided event (a strike, shelling, an attack on
    civilians) actor1 is who acts: two reports naming different perpetrators tell two events."""
    sides_a, sides_b = (side(a, 1), side(a, 2)), (side(b, 1), side(b, 2))
    if a.get("event_type") in ONE_SIDED_EVENT_TYPES:
        return same_side(sides_a[0], sides_b[0])
    straight = same_side(sides_a[0], sides_b[0]) and same_side(sides_a[1], sides_b[1])
    return straight or (same_side(sides_a[0], sides_b[1]) and same_side(sides_a[1], sides_b[0]))


def same_side(x: Side, y: Side) -> bool:
    """Two sides can be one: either is unnamed, they share a group, or one is a partisan label's default
    ('terrorists', 'militants'), which stands for any non-state armed group but never for a state's forces."""
    if not x.names or not y.names or x.names & y.names:
        return True
    if DEFAULT_ACTORS & x.names:
        return y.inter is None or y.inter in DEFAULT_ACTOR_INTERS
    if DEFAULT_ACTORS & y.names:
        return x.inter is None or x.inter in DEFAULT_ACTOR_INTERS
    return False


def why_compatible(a: Mention, b: Mention) -> list[str] | None:
    """The reasons two mentions may tell the same event, or None when something contradicts or
    fewer than two of day, place and actors name the same thing."""
    if a.document_id == b.document_id or a.get("event_type") != b.get("event_type"):
        return None
    if not subtypes_compatible(a.get("sub_event_type"), b.get("sub_event_type")):
        return None
    if modality_class(a) != modality_class(b):
        return None
    ties = [date_tie(a, b), place_tie(a, b), actor_tie(a, b)]
    if None in ties or sum(tie.specific for tie in ties) < SPECIFIC_TIES_NEEDED:
        return None
    types = {a.get("sub_event_type"), b.get("sub_event_type")}
    return [f"{a.get('event_type')}: {' / '.join(sorted(types))}", *(tie.reason for tie in ties)]


def cluster(mentions: list[Mention]) -> list[list[Mention]]:
    """Complete-link clusters in canonical order; each cluster's first mention is its anchor."""
    ambiguous = ambiguous_ids(mentions)
    clusters: list[list[Mention]] = []
    open_clusters: list[list[Mention]] = []  # those a mention this late can still join, in creation order
    for mention in sorted(mentions, key=sort_key):
        open_clusters = [c for c in open_clusters if within_reach(c[-1], mention)]
        target = next((c for c in open_clusters if fits(c, mention, ambiguous)), None)
        if target is None:
            target = [mention]
            clusters.append(target)
            open_clusters.append(target)
        else:
            target.append(mention)
    return clusters


def ambiguous_ids(mentions: list[Mention]) -> set[int]:
    """Mentions placed only in a governorate that fit reports of different places in it: which of them
    the report tells cannot be known, so it joins none but a copy of itself (`twins`). The connected
    component holds every mention compatible with each of its members, so this is a property of the
    set, not of an order."""
    ambiguous = set()
    for mention in mentions:
        if not region_level(mention):
            continue
        places = {loose_key(o.get("location") or "") for o in mentions
                  if not region_level(o) and why_compatible(mention, o) is not None}
        if len(places) > 1:
            ambiguous.add(mention.id)
    return ambiguous


def twins(a: Mention, b: Mention) -> bool:
    """The same date and place, as precisely given: two copies of one report, which may merge however vague."""
    given = [(m.event_date, m.get("time_precision"), m.get("geo_precision")) for m in (a, b)]
    return given[0] == given[1] and same_place_name(a, b)


def within_reach(last: Mention, mention: Mention) -> bool:
    """False when `last` (a cluster's latest member) is too early for any later mention to join."""
    if last.event_date is None or mention.event_date is None:
        return last.event_date is None and mention.event_date is None
    return (mention.event_date - last.event_date).days <= SEARCH_DAYS


def fits(members: list[Mention], mention: Mention, ambiguous: set[int] = frozenset()) -> bool:
    return all(why_compatible(member, mention) is not None
               and (twins(member, mention) or not ({member.id, mention.id} & ambiguous))
               for member in members)


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
