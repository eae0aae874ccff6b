"""The event store: documents, their events (mentions) and evidence, merged events, control changes.

SQLAlchemy Core over a SQLite file (default; WAL) or PostgreSQL (`postgresql://` or
`postgresql+psycopg://` URLs; PostGIS when the extension is available). Tables:

- `documents`, `events` (one row per event *as one document tells it*, a "mention"), `evidence`;
- `canonical_events`: the merged events that queries and exports read (corroborate.py decides
  which mentions tell one event; a canonical event's id is the id of its first mention in
  canonical order);
- `control_changes`: territorial control derived from canonical events (territory.py);
- `schema_version`: migrations in `MIGRATIONS` run in order when a store is opened.

Merging runs inside `save`, in the document's transaction: a crash anywhere leaves the database as
it was before that document.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Row,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    bindparam,
    create_engine,
    event,
    func,
    inspect,
    or_,
    select,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import IntegrityError, SAWarning, SQLAlchemyError
from sqlalchemy.schema import CreateIndex
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from fieldreport.errors import StoreError
from fieldreport.merging import clusters as corroborate
from fieldreport.merging import territory
from fieldreport.model import ACLED_COLUMNS, EXTRA_COLUMNS, Document, Event, Evidence, content_id

DEFAULT_DB = "fieldreport.db"
MAX_LIMIT = 10_000
PG_MERGE_LOCK = 0x6669656C64  # pg_advisory_xact_lock key: one merging writer at a time

metadata = MetaData()

schema_version_table = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

documents_table = Table(
    "documents",
    metadata,
    Column("id", String, primary_key=True),
    Column("content_hash", String, nullable=False, unique=True),
    Column("published", Date, nullable=True),
    Column("outlet", String),
    Column("title", String),
    Column("url", String),
    Column("origin", String),
    Column("text", Text, nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)

def acled_columns() -> list[Column]:
    """ACLED's coded fields, shared by the mention and canonical event tables (fresh Column objects,
    since a Column belongs to one table)."""
    return [
        Column("time_precision", Integer),
        Column("event_type", String, nullable=False),
        Column("sub_event_type", String, nullable=False),
        *(Column(name, String) for name in ("actor1", "assoc_actor_1")),
        Column("inter1", Integer),
        *(Column(name, String) for name in ("actor2", "assoc_actor_2")),
        Column("inter2", Integer),
        *(Column(name, String) for name in ("country", "admin1", "admin2", "location")),
        Column("latitude", Float),
        Column("longitude", Float),
        Column("geo_precision", Integer),
        Column("fatalities", Integer),
    ]


events_table = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("event_date", String),
    *acled_columns(),
    Column("source", Text),
    Column("notes", Text, nullable=False),
    Column("modality", String, nullable=False),
    Column("cited_sources", Text, nullable=False),  # JSON list of strings
    Column("actor1_text", String),
    Column("actor2_text", String),
    Column("canonical_id", Integer),  # the canonical event this mention belongs to
    Column("component_id", Integer),  # its connected component of compatible mentions (see merge_around)
    UniqueConstraint("document_id", "position"),
    Index("ix_events_document_id", "document_id"),
    Index("ix_events_event_date", "event_date"),
    Index("ix_events_admin1", "admin1"),
    Index("ix_events_type_date", "event_type", "event_date"),
    Index("ix_events_canonical_id", "canonical_id"),
    Index("ix_events_component_id", "component_id"),
)

evidence_table = Table(
    "evidence",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("field", String, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Index("ix_evidence_event_id", "event_id"),
)

canonical_table = Table(
    "canonical_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # = id of its anchor mention
    Column("document_id", String),  # the anchor mention's document
    Column("event_date", Date),
    *acled_columns(),
    Column("fatalities_low", Integer),
    Column("fatalities_best", Integer),
    Column("fatalities_high", Integer),
    Column("source", Text),
    Column("notes", Text, nullable=False, default=""),
    Column("modality", String, nullable=False, default="occurred"),
    Column("cited_sources", Text, nullable=False, default="[]"),  # JSON list
    Column("actor1_text", String),
    Column("actor2_text", String),
    Column("n_mentions", Integer, nullable=False, default=1),
    Column("corroboration", Integer, nullable=False, default=1),
    Column("sources", Text, nullable=False, default="[]"),  # JSON list of outlets
    Column("explanation", Text, nullable=False, default="[]"),  # JSON list of lines
    Column("search_text", Text, nullable=False, default=""),  # all mentions' notes, for full text
    Index("ix_canonical_date_lat_lon", "event_date", "latitude", "longitude"),
)
# The admin1 and event type filters match case-insensitively, so their indexes are on lower(...).
CASELESS_INDEXES = [
    Index("ix_canonical_lower_admin1_date", func.lower(canonical_table.c.admin1), canonical_table.c.event_date),
    Index("ix_canonical_lower_type_date", func.lower(canonical_table.c.event_type), canonical_table.c.event_date),
]

control_table = Table(
    "control_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("canonical_id", Integer, nullable=False),
    Column("place", String, nullable=False),
    Column("place_key", String, nullable=False),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("admin1", String),
    Column("actor", String),
    Column("lost_by", String),
    Column("since", Date, nullable=False),
    Column("cue", String),
    Column("evidence", Text, nullable=False),  # JSON list of spans with document_id
    Index("ix_control_since", "since"),
    Index("ix_control_canonical_id", "canonical_id"),
)

INGEST_TABLES = [documents_table, events_table, evidence_table]
# Event fields stored as plain columns; `cited_sources` and `evidence` need conversion.
EVENT_COLUMNS = [
    column.name for column in events_table.columns
    if column.name not in ("id", "position", "cited_sources", "canonical_id", "component_id")
]
CANONICAL_EXTRA = ["id", "mentions", "corroboration", "sources", "fatalities_low", "fatalities_best",
                   "fatalities_high"]


class FilterError(StoreError, ValueError):
    """A malformed query filter (a date that does not parse, a bbox out of range...)."""


@dataclass
class EventFilter:
    """What `Store.query_events` and the exports select; all conditions must hold."""

    start: date | None = None
    end: date | None = None
    bbox: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat
    admin1: str | None = None
    event_type: str | None = None
    actor: str | None = None  # case-insensitive substring of actor1, actor2 or an associated actor
    modality: str | None = None
    q: str | None = None  # full text over the notes of every mention


class Store:
    """Documents and their events in one database; a document is stored once, whatever its id."""

    def __init__(self, url_or_path: str | Path = DEFAULT_DB) -> None:
        """Open a SQLite file path or a full SQLAlchemy URL, migrating the schema to the current version."""
        url = database_url(url_or_path)
        self.name = str(url_or_path) if url.drivername.startswith("sqlite") else url.render_as_string()
        try:
            self.engine = create_store_engine(url)
            self.dialect = self.engine.dialect.name
            migrate(self.engine)
            self.has_postgis = self.dialect == "postgresql" and has_column(self.engine, "canonical_events", "geom")
        except (SQLAlchemyError, ImportError) as exc:
            raise StoreError(f"cannot open database {self.name}: {one_line(exc)}") from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def has_document(self, document_id: str) -> bool:
        query = select(documents_table.c.id).where(documents_table.c.id == document_id)
        with self._reading() as conn:
            return conn.execute(query).first() is not None

    def save(self, document: Document, events: list[Event]) -> bool:
        """Store the document, its events and their evidence, and re-merge the neighbourhood, in ONE
        transaction.

        Returns False (and writes nothing) if a document with the same id or the same content hash
        is already stored: ingesting the same article twice stores it once. Any exception inside
        rolls back, so the database never holds a half-written document.
        """
        check_events_belong(document, events)
        content_hash = content_id(document.text)
        try:
            with self._writing() as conn:
                if self._find_duplicate(conn, document.id, content_hash):
                    return False
                self._insert_document(conn, document, content_hash)
                new_ids = []
                for position, item in enumerate(events):
                    event_id = self._insert_event(conn, document.id, position, item)
                    self._insert_evidence(conn, event_id, item.evidence)
                    new_ids.append(event_id)
                merge_around(conn, new_ids)
        except IntegrityError as exc:
            # Another writer stored the same document between our check and our insert.
            if self._reading_duplicate(document.id, content_hash):
                return False
            raise StoreError(f"cannot write to database {self.name}: {one_line(exc)}") from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write to database {self.name}: {one_line(exc)}") from exc
        return True

    def remerge(self) -> int:
        """Recompute every canonical event from the stored mentions; returns how many there are."""
        try:
            with self._writing() as conn:
                remerge_all(conn)
                return conn.execute(select(func.count()).select_from(canonical_table)).scalar_one()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write to database {self.name}: {one_line(exc)}") from exc

    def events(self, document_id: str | None = None) -> list[dict]:
        """Event (mention) records as Event.as_record() gives them, ordered by document then position."""
        query = select(events_table).order_by(events_table.c.document_id, events_table.c.position)
        if document_id is not None:
            query = query.where(events_table.c.document_id == document_id)
        with self._reading() as conn:
            rows = conn.execute(query).all()
            spans = evidence_by_event(conn, [row.id for row in rows])
        return [event_from_row(row, spans.get(row.id, [])).as_record() for row in rows]

    def query_events(self, filters: EventFilter | None = None, limit: int = 100,
                     offset: int = 0) -> tuple[list[dict], int]:
        """One page of canonical events (newest first) matching `filters`, and how many match in all."""
        filters = checked_filter(filters or EventFilter())
        check_page(limit, offset)
        conditions = self._conditions(filters)
        page = (select(canonical_table).where(*conditions).order_by(*self._newest_first())
                .limit(limit).offset(offset))
        total = select(func.count()).select_from(canonical_table).where(*conditions)
        with self._reading() as conn:
            rows = conn.execute(page).all()
            count = conn.execute(total).scalar_one()
            spans = evidence_by_event(conn, [row.id for row in rows])
        return [canonical_from_row(row, spans.get(row.id, [])) for row in rows], count

    def daily_counts(self, filters: EventFilter | None = None) -> list[dict]:
        """How many canonical events match `filters` on each date, oldest first (undated events left out);
        the map's timeline, which must count every match, not one page of them."""
        filters = checked_filter(filters or EventFilter())
        day = canonical_table.c.event_date
        query = (select(day, func.count().label("count")).where(day.is_not(None), *self._conditions(filters))
                 .group_by(day).order_by(day))
        with self._reading() as conn:
            rows = conn.execute(query).all()
        return [{"date": row[0].isoformat(), "count": row.count} for row in rows]

    def iter_events(self, filters: EventFilter | None = None, batch: int = 1000) -> Iterator[dict]:
        """Every canonical event matching `filters`, newest first, streamed in batches (for exports)."""
        filters = checked_filter(filters or EventFilter())
        query = select(canonical_table).where(*self._conditions(filters)).order_by(*self._newest_first())
        with self._reading() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch).execute(query)
            for rows in result.partitions(batch):
                spans = evidence_by_event(conn, [row.id for row in rows])
                yield from (canonical_from_row(row, spans.get(row.id, [])) for row in rows)

    def event(self, event_id: int) -> dict | None:
        """One canonical event with its mentions (document, outlet, notes, evidence, cited sources),
        its outlets and why its mentions were merged; None if there is no such event."""
        if isinstance(event_id, bool) or not isinstance(event_id, int):
            raise FilterError(f"event id must be an integer, not {event_id!r}")
        with self._reading() as conn:
            row = conn.execute(select(canonical_table).where(canonical_table.c.id == event_id)).first()
            if row is None:
                return None
            mention_rows = conn.execute(mentions_query().where(events_table.c.canonical_id == event_id)).all()
            spans = evidence_by_event(conn, [m.id for m in mention_rows])
        record = canonical_from_row(row, spans.get(row.id, []))
        record["mentions"] = [mention_summary(m, spans.get(m.id, [])) for m in mention_rows]
        record["explanation"] = json.loads(row.explanation)
        return record

    def merged_into(self, event_id: int) -> int | None:
        """The event that an id no longer shown now belongs to, or None if the id was never an event.

        A canonical event takes the id of its first mention in canonical order, so an event id is
        always a mention id; when a later report merges events or comes first, the old id stays a
        mention of the event that absorbed it, and links to it keep working (the API redirects)."""
        query = select(events_table.c.canonical_id).where(events_table.c.id == event_id)
        with self._reading() as conn:
            current = conn.execute(query).scalar_one_or_none()
        return current if current != event_id else None

    def territory(self, on: date | None = None, admin1: str | None = None) -> list[dict]:
        """Who held each place on `on` (the latest control change on or before it; all dates if None)."""
        on = checked_date(on, "on")
        query = select(control_table).order_by(control_table.c.since, control_table.c.canonical_id)
        if on is not None:
            query = query.where(control_table.c.since <= on)
        if admin1:
            query = query.where(func.lower(control_table.c.admin1) == admin1.strip().lower())
        with self._reading() as conn:
            changes = [dict(row._mapping) for row in conn.execute(query)]
        rows = territory.holders_on(changes, on)
        return [territory_row(change) for change in rows]

    def documents(self) -> list[dict]:
        """One dict per stored document (without its text), in the order they were ingested."""
        n_events = func.count(events_table.c.id).label("n_events")
        query = (
            select(
                documents_table.c.id, documents_table.c.content_hash, documents_table.c.published,
                documents_table.c.outlet, documents_table.c.title, documents_table.c.url,
                documents_table.c.origin, n_events,
            )
            .select_from(documents_table.outerjoin(events_table))
            .group_by(documents_table.c.id)
            .order_by(documents_table.c.ingested_at, documents_table.c.id)
        )
        with self._reading() as conn:
            rows = conn.execute(query).all()
        return [document_summary(row) for row in rows]

    def counts(self) -> dict[str, int]:
        tables = {"documents": documents_table, "events": events_table, "evidence": evidence_table}
        with self._reading() as conn:
            return {
                name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in tables.items()
            }

    def canonical_count(self) -> int:
        with self._reading() as conn:
            return conn.execute(select(func.count()).select_from(canonical_table)).scalar_one()

    def bulk_insert_canonical(self, rows: list[dict]) -> None:
        """Insert ready-made canonical events (benchmarks, imports) in one transaction."""
        try:
            with self.engine.begin() as conn:
                conn.execute(canonical_table.insert(), rows)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write to database {self.name}: {one_line(exc)}") from exc

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read database {self.name}: {one_line(exc)}") from exc

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A transaction that holds the write lock from its start: merging reads then writes the
        neighbourhood of the new mentions, and no other writer may change it in between."""
        with self.engine.begin() as conn:
            if self.dialect == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            elif self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MERGE_LOCK})
            yield conn

    def _reading_duplicate(self, document_id: str, content_hash: str) -> bool:
        with self._reading() as conn:
            return self._find_duplicate(conn, document_id, content_hash)

    def _find_duplicate(self, conn: Connection, document_id: str, content_hash: str) -> bool:
        query = select(documents_table.c.id).where(
            or_(documents_table.c.id == document_id, documents_table.c.content_hash == content_hash)
        )
        return conn.execute(query.limit(1)).first() is not None

    def _insert_document(self, conn: Connection, document: Document, content_hash: str) -> None:
        conn.execute(
            documents_table.insert().values(
                id=document.id,
                content_hash=content_hash,
                published=document.published,
                outlet=document.outlet,
                title=document.title,
                url=document.url,
                origin=document.origin,
                text=document.text,
                ingested_at=datetime.now(UTC),
            )
        )

    def _insert_event(self, conn: Connection, document_id: str, position: int, item: Event) -> int:
        values = {name: getattr(item, name) for name in EVENT_COLUMNS}
        values.update(document_id=document_id, position=position)
        values["cited_sources"] = json.dumps(item.cited_sources)
        result = conn.execute(events_table.insert().values(**values))
        return result.inserted_primary_key[0]

    def _insert_evidence(self, conn: Connection, event_id: int, spans: Sequence[Evidence]) -> None:
        if spans:
            rows = [{"event_id": event_id, **span.as_dict()} for span in spans]
            conn.execute(evidence_table.insert(), rows)

    # Query conditions ---------------------------------------------------------------------------

    def _newest_first(self) -> list:
        date_desc = canonical_table.c.event_date.desc()
        if self.dialect == "postgresql":
            date_desc = date_desc.nulls_last()
        return [date_desc, canonical_table.c.id.desc()]

    def _conditions(self, filters: EventFilter) -> list[ColumnElement]:
        c = canonical_table.c
        conditions: list[ColumnElement] = []
        if filters.start is not None:
            conditions.append(c.event_date >= filters.start)
        if filters.end is not None:
            conditions.append(c.event_date <= filters.end)
        if filters.bbox is not None:
            conditions.append(self._in_bbox(filters.bbox))
        if filters.admin1:
            conditions.append(func.lower(c.admin1) == filters.admin1.lower())
        if filters.event_type:
            conditions.append(func.lower(c.event_type) == filters.event_type.lower())
        if filters.modality:
            conditions.append(c.modality == filters.modality)
        if filters.actor:
            pattern = f"%{escape_like(filters.actor.lower())}%"
            conditions.append(or_(*(func.lower(column).like(pattern, escape="\\") for column in
                                    (c.actor1, c.actor2, c.assoc_actor_1, c.assoc_actor_2))))
        if filters.q:
            conditions.append(self._matches_text(filters.q))
        return conditions

    def _in_bbox(self, bbox: tuple[float, float, float, float]) -> ColumnElement:
        min_lon, min_lat, max_lon, max_lat = bbox
        c = canonical_table.c
        plain = and_(c.latitude.between(min_lat, max_lat), c.longitude.between(min_lon, max_lon))
        if not self.has_postgis:
            return plain
        envelope = text("geom && ST_MakeEnvelope(:min_lon, :min_lat, :max_lon, :max_lat, 4326)").bindparams(
            bindparam("min_lon", min_lon), bindparam("min_lat", min_lat),
            bindparam("max_lon", max_lon), bindparam("max_lat", max_lat))
        return and_(envelope, plain)

    def _matches_text(self, query: str) -> ColumnElement:
        words = re.findall(r"\w+", query)
        if not words:
            raise FilterError(f"full-text query {query!r} has no words")
        if self.dialect == "sqlite":
            match = " ".join(f'"{word}"' for word in words)
            return text("canonical_events.id IN (SELECT rowid FROM canonical_fts WHERE canonical_fts MATCH :fts)"
                        ).bindparams(bindparam("fts", match))
        if self.dialect == "postgresql":
            return text("to_tsvector('english', search_text) @@ plainto_tsquery('english', :fts)").bindparams(
                bindparam("fts", " ".join(words)))
        return or_(*(func.lower(canonical_table.c.search_text).like(f"%{w.lower()}%") for w in words))


# Merging across reports ---------------------------------------------------------------------------


def mentions_query() -> Select:
    return (select(events_table, documents_table.c.outlet, documents_table.c.published,
                   documents_table.c.title, documents_table.c.url)
            .join(documents_table, documents_table.c.id == events_table.c.document_id)
            .order_by(events_table.c.event_date, events_table.c.document_id, events_table.c.position))


def merge_around(conn: Connection, new_ids: list[int]) -> None:
    """Re-cluster the connected components of 'can tell the same event' that new mentions join.

    Every stored mention carries its component's id. A new mention's component is the union of
    the stored components it is compatible with (one neighbour query per new mention), so only those
    are reloaded; and only clusters whose members changed are rewritten."""
    for piece in connected_pieces(conn, new_ids):
        recluster(conn, piece)


def connected_pieces(conn: Connection, new_ids: list[int]) -> list[dict[int, corroborate.Mention]]:
    """The new mentions with the stored components they connect, one dict per connected piece."""
    if not new_ids:
        return []
    new = load_mentions(conn, events_table.c.id.in_(new_ids))
    new_set = {m.id for m in new}
    pieces = UnionFind()
    for mention in new:
        pieces.add(("m", mention.id))
        for other in neighbour_mentions(conn, mention):
            if corroborate.why_compatible(mention, other) is None:
                continue
            if other.id in new_set:
                pieces.union(("m", mention.id), ("m", other.id))
            elif other.get("component_id") is not None:
                pieces.union(("m", mention.id), ("c", other.get("component_id")))
    components = sorted(node[1] for node in pieces.nodes() if node[0] == "c")
    stored = load_mentions(conn, events_table.c.component_id.in_(components)) if components else []
    groups: dict[tuple, dict[int, corroborate.Mention]] = {}
    for mention in new:
        groups.setdefault(pieces.find(("m", mention.id)), {})[mention.id] = mention
    for mention in stored:
        groups.setdefault(pieces.find(("c", mention.get("component_id"))), {})[mention.id] = mention
    return list(groups.values())


def recluster(conn: Connection, piece: dict[int, corroborate.Mention]) -> None:
    """Cluster one component and rewrite the canonical events (and control changes) that changed."""
    component_id = min(piece)
    old: dict[int, set[int]] = {}
    for mention in piece.values():
        if mention.get("canonical_id") is not None:
            old.setdefault(mention.get("canonical_id"), set()).add(mention.id)
    clusters = corroborate.cluster(list(piece.values()))
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


def write_canonical(conn: Connection, members: list[corroborate.Mention], spans: dict[int, list[Evidence]]) -> None:
    record = corroborate.canonical_record(members)
    conn.execute(canonical_table.insert().values(**record))
    conn.execute(events_table.update().where(events_table.c.id.in_([m.id for m in members]))
                 .values(canonical_id=record["id"]))
    member_spans = [{**s.as_dict(), "document_id": m.document_id} for m in members for s in spans.get(m.id, [])]
    change = territory.control_change(record, member_spans)
    if change is not None:
        change["evidence"] = json.dumps(change["evidence"], ensure_ascii=False)
        conn.execute(control_table.insert().values(**change))


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


def neighbour_mentions(conn: Connection, mention: corroborate.Mention) -> list[corroborate.Mention]:
    """Stored mentions of other documents close enough in type, date and space to be worth comparing."""
    if mention.event_date is None:
        return []
    window = timedelta(days=corroborate.SEARCH_DAYS)
    conditions = [
        events_table.c.event_type == mention.get("event_type"),
        events_table.c.event_date.between((mention.event_date - window).isoformat(),
                                          (mention.event_date + window).isoformat()),
        events_table.c.document_id != mention.document_id,
    ]
    lat, lon = mention.get("latitude"), mention.get("longitude")
    if lat is not None and lon is not None:
        dlat, dlon = degrees_around(lat, corroborate.SEARCH_KM)
        conditions.append(or_(
            and_(events_table.c.latitude.between(lat - dlat, lat + dlat),
                 events_table.c.longitude.between(lon - dlon, lon + dlon)),
            events_table.c.location == mention.get("location"),
        ))
    else:
        conditions.append(events_table.c.location == mention.get("location"))
    return load_mentions(conn, and_(*conditions))


def load_mentions(conn: Connection, condition: ColumnElement) -> list[corroborate.Mention]:
    return [mention_from_row(row) for row in conn.execute(mentions_query().where(condition))]


def evidence_by_event(conn: Connection, event_ids: list[int]) -> dict[int, list[Evidence]]:
    spans: dict[int, list[Evidence]] = {}
    if not event_ids:
        return spans
    query = (
        select(evidence_table)
        .where(evidence_table.c.event_id.in_(event_ids))
        .order_by(evidence_table.c.event_id, evidence_table.c.id)
    )
    for row in conn.execute(query):
        spans.setdefault(row.event_id, []).append(
            Evidence(field=row.field, start=row.start, end=row.end, text=row.text)
        )
    return spans



# Migrations ---------------------------------------------------------------------------------------


def create_ingest_tables(conn: Connection) -> None:
    """Version 1: documents, events and evidence (stores made before versioning already have them)."""
    metadata.create_all(conn, tables=INGEST_TABLES)


def add_canonical_events(conn: Connection) -> None:
    """Version 2: canonical events, control changes, the mention -> canonical link; merge what is stored."""
    for column in ("canonical_id", "component_id"):
        if not has_column(conn, "events", column):
            conn.execute(text(f"ALTER TABLE events ADD COLUMN {column} INTEGER"))
    for index in events_table.indexes:
        index.create(conn, checkfirst=True)
    metadata.create_all(conn, tables=[canonical_table, control_table])


def add_search_and_spatial_indexes(conn: Connection) -> None:
    """Version 3: full text over notes (FTS5 / tsvector) and, with PostGIS, a point with a GiST index."""
    if conn.dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            conn.exec_driver_sql(statement)
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_canonical_fts ON canonical_events "
                             "USING GIN (to_tsvector('english', search_text))")
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_canonical_date_desc ON canonical_events "
                             "(event_date DESC NULLS LAST, id DESC)")
        if postgis_available(conn):
            conn.exec_driver_sql(
                "ALTER TABLE canonical_events ADD COLUMN IF NOT EXISTS geom geometry(Point, 4326) "
                "GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)) STORED")
            conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_canonical_geom ON canonical_events USING GIST (geom)")


def merge_stored_mentions(conn: Connection) -> None:
    """Version 4: merge the mentions of stores that were written before merging existed."""
    unmerged = list(conn.execute(select(events_table.c.id).where(events_table.c.canonical_id.is_(None))
                                 .order_by(events_table.c.id)).scalars())
    if unmerged:
        merge_around(conn, unmerged)


SQLITE_FTS = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS canonical_fts USING fts5(search_text, content='canonical_events', "
    "content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER IF NOT EXISTS canonical_fts_insert AFTER INSERT ON canonical_events BEGIN "
    "INSERT INTO canonical_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS canonical_fts_delete AFTER DELETE ON canonical_events BEGIN "
    "INSERT INTO canonical_fts(canonical_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS canonical_fts_update AFTER UPDATE ON canonical_events BEGIN "
    "INSERT INTO canonical_fts(canonical_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO canonical_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]

def add_merge_components(conn: Connection) -> None:
    """Version 5: stores merged at version 4 (before components were kept) get them, by merging anew."""
    if not has_column(conn, "events", "component_id"):
        conn.execute(text("ALTER TABLE events ADD COLUMN component_id INTEGER"))
        for index in events_table.indexes:
            index.create(conn, checkfirst=True)
        remerge_all(conn)


def index_caseless_filters(conn: Connection) -> None:
    """Version 6: the admin1 and event type indexes on lower(...), which the filters can use."""
    for old_name in ("ix_canonical_admin1_date", "ix_canonical_type_date"):
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {old_name}")
    for index in CASELESS_INDEXES:
        conn.execute(CreateIndex(index, if_not_exists=True))


MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [
    (1, create_ingest_tables),
    (2, add_canonical_events),
    (3, add_search_and_spatial_indexes),
    (4, merge_stored_mentions),
    (5, add_merge_components),
    (6, index_caseless_filters),
]


def migrate(engine: Engine) -> int:
    """Apply pending migrations in order, each in its own transaction; returns the schema version."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MERGE_LOCK + 1})
        metadata.create_all(conn, tables=[schema_version_table])
        current = conn.execute(select(func.max(schema_version_table.c.version))).scalar() or 0
        for version, step in MIGRATIONS:
            if version > current:
                step(conn)
                conn.execute(schema_version_table.insert().values(version=version, applied_at=datetime.now(UTC)))
                current = version
    return current


def schema_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.max(schema_version_table.c.version))).scalar() or 0


def has_column(bind: Engine | Connection, table: str, column: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # SQLAlchemy does not know PostGIS's geometry type
        return column in {c["name"] for c in inspect(bind).get_columns(table)}


def postgis_available(conn: Connection) -> bool:
    """True if PostGIS is (or could be made) installed in this database."""
    installed = conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).first()
    if installed:
        return True
    available = conn.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")).first()
    if not available:
        return False
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
    except SQLAlchemyError:
        return False  # e.g. not allowed to create extensions: plain latitude/longitude columns do
    return True


# Engines and URLs ---------------------------------------------------------------------------------


def database_url(url_or_path: str | Path) -> URL:
    """A full SQLAlchemy URL as given (plain postgresql:// means psycopg 3), or a path as a SQLite file URL."""
    if isinstance(url_or_path, str) and "://" in url_or_path:
        try:
            url = make_url(url_or_path)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open database {url_or_path}: {one_line(exc)}") from exc
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url
    return URL.create("sqlite", database=str(url_or_path))


def create_store_engine(url: URL) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", enable_sqlite_wal_and_foreign_keys)
    return engine


def enable_sqlite_wal_and_foreign_keys(dbapi_connection: Any, _connection_record: Any) -> None:
    """WAL lets readers work while a writer ingests; SQLite enforces foreign keys only when asked."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
    finally:
        cursor.close()


# Validation -----------------------------------------------------------------------------------------


def checked_date(value: date | str | None, name: str) -> date | None:
    """A date from a date or an ISO string; FilterError for anything else."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise FilterError(f"{name} must be a date YYYY-MM-DD, not {value!r}") from None
    raise FilterError(f"{name} must be a date YYYY-MM-DD, not {value!r}")


def checked_bbox(bbox: Any) -> tuple[float, float, float, float] | None:
    """(min_lon, min_lat, max_lon, max_lat) from a sequence or 'a,b,c,d'; FilterError if malformed."""
    if bbox is None:
        return None
    parts = bbox.split(",") if isinstance(bbox, str) else bbox
    try:
        values = tuple(float(v) for v in parts)
    except (TypeError, ValueError):
        raise FilterError(f"bbox must be four numbers min_lon,min_lat,max_lon,max_lat, not {bbox!r}") from None
    if len(values) != 4 or any(v != v for v in values):
        raise FilterError(f"bbox must be four numbers min_lon,min_lat,max_lon,max_lat, not {bbox!r}")
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise FilterError(f"bbox {values} is not min_lon <= max_lon in [-180, 180] and min_lat <= max_lat "
                          "in [-90, 90]")
    return values


def checked_filter(filters: EventFilter) -> EventFilter:
    if not isinstance(filters, EventFilter):
        raise FilterError(f"filters must be an EventFilter, not {type(filters).__name__}")
    start, end = checked_date(filters.start, "start"), checked_date(filters.end, "end")
    if start and end and start > end:
        raise FilterError(f"start {start} is after end {end}")
    for name in ("admin1", "event_type", "actor", "modality", "q"):
        value = getattr(filters, name)
        if value is not None and not isinstance(value, str):
            raise FilterError(f"{name} must be text, not {value!r}")
    if filters.modality and filters.modality not in ("occurred", "ongoing", "planned", "predicted", "denied",
                                                     "hypothetical"):
        raise FilterError(f"unknown modality {filters.modality!r}")
    return EventFilter(start=start, end=end, bbox=checked_bbox(filters.bbox), admin1=filters.admin1,
                       event_type=filters.event_type, actor=filters.actor, modality=filters.modality,
                       q=filters.q)


def check_page(limit: int, offset: int) -> None:
    for name, value, top in (("limit", limit, MAX_LIMIT), ("offset", offset, None)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0 or (top and value > top):
            bound = f"0..{top}" if top else ">= 0"
            raise FilterError(f"{name} must be an integer {bound}, not {value!r}")


def check_events_belong(document: Document, events: list[Event]) -> None:
    """Raise ValueError if an event names another document: it would be stored under the wrong one."""
    for item in events:
        if item.document_id != document.id:
            raise ValueError(
                f"event {item.event_type!r} has document_id {item.document_id!r}, not {document.id!r}"
            )


# Rows to records -------------------------------------------------------------------------------------


def event_from_row(row: Row, spans: list[Evidence]) -> Event:
    values = {name: getattr(row, name) for name in EVENT_COLUMNS}
    return Event(**values, cited_sources=json.loads(row.cited_sources), evidence=spans)


def mention_from_row(row: Row) -> corroborate.Mention:
    record = dict(row._mapping)
    record["cited_sources"] = json.loads(row.cited_sources)
    return corroborate.Mention(id=row.id, document_id=row.document_id, position=row.position,
                               event_date=parse_event_date(row.event_date), record=record)


def parse_event_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def canonical_from_row(row: Row, spans: list[Evidence]) -> dict:
    """Event.as_record() shape plus id, mentions (count), corroboration, sources and the fatalities range."""
    values = row._mapping
    record = {name: values.get(name) for name in ACLED_COLUMNS + EXTRA_COLUMNS}
    record["event_date"] = row.event_date.isoformat() if row.event_date else None
    record["cited_sources"] = json.loads(row.cited_sources)
    record["evidence"] = [span.as_dict() for span in spans]
    record.update(id=row.id, mentions=row.n_mentions, corroboration=row.corroboration,
                  sources=json.loads(row.sources), fatalities_low=row.fatalities_low,
                  fatalities_best=row.fatalities_best, fatalities_high=row.fatalities_high)
    return record


def mention_summary(row: Row, spans: list[Evidence]) -> dict:
    return {
        "mention_id": row.id,
        "document_id": row.document_id,
        "position": row.position,
        "outlet": row.outlet,
        "published": row.published.isoformat() if row.published else None,
        "title": row.title,
        "url": row.url,
        "event_date": row.event_date,
        "sub_event_type": row.sub_event_type,
        "actor1": row.actor1,
        "actor2": row.actor2,
        "location": row.location,
        "fatalities": row.fatalities,
        "modality": row.modality,
        "notes": row.notes,
        "evidence": [span.as_dict() for span in spans],
        "cited_sources": json.loads(row.cited_sources),
    }


def territory_row(change: dict) -> dict:
    return {
        "place": change["place"],
        "latitude": change["latitude"],
        "longitude": change["longitude"],
        "admin1": change["admin1"],
        "actor": change["actor"],
        "lost_by": change["lost_by"],
        "since": change["since"],
        "event_id": change["canonical_id"],
        "cue": change["cue"],
        "evidence": json.loads(change["evidence"]),
    }


def document_summary(row: Row) -> dict:
    summary = dict(row._mapping)
    summary["published"] = row.published.isoformat() if row.published else None
    return summary


def degrees_around(latitude: float, km: float) -> tuple[float, float]:
    """Half-widths in degrees (latitude, longitude) of a box `km` around a point."""
    from math import cos, radians

    dlat = km / 111.0
    return dlat, km / (111.0 * max(cos(radians(latitude)), 0.01))


def escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def one_line(exc: BaseException) -> str:
    """The first line of a (possibly DBAPI-wrapped) error, without SQLAlchemy's SQL and links."""
    original = getattr(exc, "orig", None) or exc
    lines = str(original).strip().splitlines()
    return lines[0] if lines else type(original).__name__
