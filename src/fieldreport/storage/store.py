"""The event store: documents, their events (mentions) and evidence, merged events, control changes.

SQLAlchemy Core over a SQLite file (default; WAL) or PostgreSQL (`postgresql://` or
`postgresql+psycopg://` URLs; PostGIS when the extension is available); the tables are in
schema.py. Persistence only: which mentions tell one event is decided by a `Merger`
(merging.clusters), which `save` calls inside the document's transaction, so a crash anywhere
leaves the database as it was before that document.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Integer, and_, bindparam, cast, func, or_, select, text, true
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from fieldreport.aliases import admin1_spellings
from fieldreport.errors import StoreError
from fieldreport.model import Document, Event, Evidence, Mention, content_id
from fieldreport.storage.cache import RevisionCache
from fieldreport.storage.connection import create_store_engine, database_url, one_line
from fieldreport.storage.filters import EventFilter, FilterError, check_page, checked_date, checked_filter, escape_like
from fieldreport.storage.reviews import reapply_reviews, review_event, reviews_of
from fieldreport.storage.rows import (
    LearnedPlace,
    canonical_from_row,
    canonical_records,
    document_summary,
    event_from_row,
    learned_place_from_row,
    mention_from_row,
    mention_summary,
    territory_row,
)
from fieldreport.storage.schema import (
    EVENT_COLUMNS,
    PG_MERGE_LOCK,
    Merger,
    canonical_table,
    control_table,
    documents_table,
    events_table,
    evidence_table,
    has_column,
    learned_places_table,
    migrate,
    store_revision_table,
)

DEFAULT_DB = "fieldreport.db"


class Store:
    """Documents and their events in one database; a document is stored once, whatever its id."""

    def __init__(self, url_or_path: str | Path = DEFAULT_DB, merger: Merger | None = None) -> None:
        """Open a SQLite file path or a full SQLAlchemy URL, migrating the schema to the current version.

        `merger` folds each saved document's mentions into canonical events in the same transaction
        (fieldreport.ingest.open_store passes the cross-report one); without it, `save` stores mentions only."""
        self.merger = merger
        self._counts = RevisionCache()  # matches per filter, at one store revision
        url = database_url(url_or_path)
        self.name = str(url_or_path) if url.drivername.startswith("sqlite") else url.render_as_string()
        try:
            self.engine = create_store_engine(url)
            self.dialect = self.engine.dialect.name
            migrate(self.engine, merger)
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

    def stored_hash(self, document_id: str) -> str | None:
        """The content hash of the text stored under `document_id`; None when no document has that id."""
        query = select(documents_table.c.content_hash).where(documents_table.c.id == document_id)
        with self._reading() as conn:
            return conn.execute(query).scalar_one_or_none()

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
                new_ids = self._insert_events(conn, document.id, events)
                if self.merger is not None:
                    self.merger.merge(conn, new_ids)
                    reapply_reviews(conn)
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
                self.require_merger().remerge_all(conn)
                reapply_reviews(conn)
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

    def query_events(self, filters: EventFilter | None = None, limit: int = 100, offset: int = 0,
                     evidence: bool = True) -> tuple[list[dict], int]:
        """One page of canonical events (newest first) matching `filters`, and how many match in all.

        `evidence=False` leaves each event's evidence spans out (the `evidence` key too): lists that do not
        show them need not read them. The count is kept per store revision, so paging through one filter
        counts once until the store changes."""
        filters = checked_filter(filters or EventFilter())
        check_page(limit, offset)
        conditions = self._conditions(filters)
        # The page's ids first, then their rows: skipping `offset` events then reads an index, not the rows
        # (100k events, offset 10000: 40 -> 2.5 ms), and the first page costs the same.
        ids_of_page = (select(canonical_table.c.id).where(*conditions).order_by(*self._newest_first())
                       .limit(limit).offset(offset))
        page = select(canonical_table).where(canonical_table.c.id.in_(ids_of_page)).order_by(*self._newest_first())
        with self._reading() as conn:
            revision = read_revision(conn)  # before the rows: a count kept under it is never older than it
            rows = conn.execute(page).all()
            count = self._counts.get(revision, dataclasses.astuple(filters), lambda: conn.execute(
                select(func.count()).select_from(canonical_table).where(*conditions)).scalar_one())
            ids = [row.id for row in rows]
            updated = updated_times(conn, ids)
            spans = evidence_by_event(conn, ids) if evidence else None
        return canonical_records(rows, spans, updated), count

    def revision(self) -> int:
        """The store's revision: it grows with every write to the events or documents, by any process."""
        with self._reading() as conn:
            return read_revision(conn)

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

    def grid_counts(self, filters: EventFilter | None, cell_degrees: float) -> list[dict]:
        """Matching placed events counted per square cell of `cell_degrees` (the map's zoomed-out view, so
        that it never has to draw every event): per cell the count, fatalities, mean point, the bounds
        of its events and its most frequent event type. Grouped in SQL: the rows never leave the
        database."""
        filters = checked_filter(filters or EventFilter())
        if not 0 < cell_degrees <= 90:
            raise FilterError(f"cell must be between 0 and 90 degrees, not {cell_degrees!r}")
        c = canonical_table.c
        column = self._cell_index(c.longitude, 180, cell_degrees), self._cell_index(c.latitude, 90, cell_degrees)
        query = (select(*(index.label(name) for index, name in zip(column, ("x", "y"), strict=True)), c.event_type,
                        func.count().label("count"), func.coalesce(func.sum(c.fatalities), 0).label("fatalities"),
                        func.avg(c.latitude).label("latitude"), func.avg(c.longitude).label("longitude"),
                        func.min(c.latitude).label("south"), func.max(c.latitude).label("north"),
                        func.min(c.longitude).label("west"), func.max(c.longitude).label("east"))
                 .where(c.latitude.is_not(None), c.longitude.is_not(None), *self._conditions(filters))
                 .group_by(*column, c.event_type))
        with self._reading() as conn:
            rows = conn.execute(query).all()
        return cells_from_groups(rows)

    def _cell_index(self, column: ColumnElement, offset: float, size: float) -> ColumnElement:
        shifted = (column + offset) / size
        if self.dialect == "sqlite":  # CAST truncates, which is floor for the shifted (non-negative) value
            return cast(shifted, Integer)
        return func.floor(shifted)

    def iter_events(self, filters: EventFilter | None = None, batch: int = 1000) -> Iterator[dict]:
        """Every canonical event matching `filters`, newest first, streamed in batches (for exports)."""
        filters = checked_filter(filters or EventFilter())
        query = select(canonical_table).where(*self._conditions(filters)).order_by(*self._newest_first())
        with self._reading() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch).execute(query)
            for rows in result.partitions(batch):
                ids = [row.id for row in rows]
                spans, updated = evidence_by_event(conn, ids), updated_times(conn, ids)
                yield from canonical_records(rows, spans, updated)

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
            updated = updated_times(conn, [event_id])
        record = canonical_from_row(row, spans.get(row.id, []), updated.get(event_id))
        record["mentions"] = [mention_summary(m, spans.get(m.id, [])) for m in mention_rows]
        record["explanation"] = json.loads(row.explanation)
        return record

    def review(self, event_id: int, reviewer: str, status: str | None = None,
               changes: dict[str, Any] | None = None) -> dict | None:
        """Confirm, reject or correct canonical event `event_id` as `reviewer`, in one transaction with its
        audit rows; returns the event as it now reads, or None if there is no such event. ReviewError
        (naming the field) for a correction the store refuses."""
        try:
            with self._writing() as conn:
                if not review_event(conn, event_id, reviewer, status, changes or {}):
                    return None
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write to database {self.name}: {one_line(exc)}") from exc
        return self.event(event_id)

    def reviews(self, event_id: int) -> list[dict]:
        """Who reviewed canonical event `event_id` (or a mention it now holds), when, and what changed."""
        with self._reading() as conn:
            return reviews_of(conn, event_id)

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
        """Who held each place on `on` (the latest control change on or before it; all dates if None). An
        event an analyst rejected changes no control."""
        on = checked_date(on, "on")
        rejected = select(canonical_table.c.id).where(canonical_table.c.review_status == "rejected")
        query = (select(control_table).where(control_table.c.canonical_id.not_in(rejected))
                 .order_by(control_table.c.since, control_table.c.canonical_id))
        if on is not None:
            query = query.where(control_table.c.since <= on)
        if admin1:
            query = query.where(func.lower(control_table.c.admin1).in_(admin1_spellings(admin1)))
        with self._reading() as conn:
            changes = [dict(row._mapping) for row in conn.execute(query)]
        return [territory_row(change) for change in latest_per_place(changes, on)]

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

    def learned_places(self) -> list[LearnedPlace]:
        """The places reports located that the gazetteer lacks, in the order they were learned."""
        with self._reading() as conn:
            rows = conn.execute(select(learned_places_table).order_by(learned_places_table.c.id))
            return [learned_place_from_row(row) for row in rows]

    def add_learned_places(self, places: Sequence[LearnedPlace]) -> int:
        """Keep newly learned places; a place already learned in its country keeps its first reading.
        Returns how many were new."""
        added = 0
        try:
            with self.engine.begin() as conn:
                for place in places:
                    known = conn.execute(select(learned_places_table.c.id).where(
                        learned_places_table.c.country_code == place.country_code,
                        learned_places_table.c.name_key == place.name_key)).first()
                    if known is None:
                        conn.execute(learned_places_table.insert().values(
                            **dataclasses.asdict(place), learned_at=datetime.now(UTC)))
                        added += 1
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write to database {self.name}: {one_line(exc)}") from exc
        return added

    def require_merger(self) -> Merger:
        if self.merger is None:
            raise StoreError(f"{self.name}: merging needs a store opened through fieldreport.ingest.open_store")
        return self.merger

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
            documents_table.insert(),
            {"id": document.id, "content_hash": content_hash, "published": document.published,
             "outlet": document.outlet, "title": document.title, "url": document.url, "origin": document.origin,
             "text": document.text, "ingested_at": datetime.now(UTC)},
        )

    def _insert_events(self, conn: Connection, document_id: str, events: list[Event]) -> list[int]:
        """Insert a document's events, then their evidence, each in one statement; the new events' ids in order."""
        if not events:
            return []
        rows = []
        for position, item in enumerate(events):
            values = {name: getattr(item, name) for name in EVENT_COLUMNS}
            values.update(document_id=document_id, position=position, cited_sources=json.dumps(item.cited_sources))
            rows.append(values)
        inserted = conn.execute(events_table.insert().returning(events_table.c.id, sort_by_parameter_order=True),
                                rows)
        ids = list(inserted.scalars())
        self._insert_evidence(conn, [{"event_id": event_id, **span.as_dict()}
                                     for event_id, item in zip(ids, events, strict=True) for span in item.evidence])
        return ids

    def _insert_evidence(self, conn: Connection, rows: list[dict]) -> None:
        if rows:
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
            conditions.append(func.lower(c.admin1).in_(filters.admin1_spellings or [filters.admin1.lower()]))
        if filters.event_type:
            conditions.append(func.lower(c.event_type) == filters.event_type.lower())
        if filters.modality:
            conditions.append(c.modality == filters.modality)
        if filters.hidden_modalities:
            conditions.append(c.modality.not_in(filters.hidden_modalities))
        if filters.actor:
            conditions.append(self._names_actor(filters.actor, filters.actor_names))
        if filters.q:
            conditions.append(self._matches_text(filters.q))
        conditions.append(review_condition(c.review_status, filters.review))
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

    def _names_actor(self, written: str, names: tuple[str, ...]) -> ColumnElement:
        """Events with one of `names` (the canonical actors the words stand for) on either side or among the
        associated actors, or whose source wrote just these words for an actor; without such names, events with
        `written` in an actor's name or in the source's words for it."""
        c = canonical_table.c
        words = " ".join(written.split()).lower()
        if names:
            associated = [func.lower(column).like(f"%{escape_like(name.lower())}%", escape="\\")
                          for column in (c.assoc_actor_1, c.assoc_actor_2) for name in names]
            as_written = [func.lower(column) == words for column in (c.actor1_text, c.actor2_text)]
            return or_(c.actor1.in_(names), c.actor2.in_(names), *associated, *as_written)
        pattern = f"%{escape_like(words)}%"
        return or_(*(func.lower(column).like(pattern, escape="\\") for column in
                     (c.actor1, c.actor2, c.assoc_actor_1, c.assoc_actor_2, c.actor1_text, c.actor2_text)))

    def _matches_text(self, query: str) -> ColumnElement:
        """Every word of `query` in the notes of a mention (full text: whole words, stemmed), or in the location
        or an actor's name or words (part of them)."""
        words = re.findall(r"\w+", query)
        if not words:
            raise FilterError(f"full-text query {query!r} has no words")
        c = canonical_table.c
        named = (c.location, c.actor1, c.actor2, c.actor1_text, c.actor2_text)
        return and_(*(or_(self._in_notes(word), *(func.lower(column).like(f"%{escape_like(word.lower())}%",
                                                                         escape="\\") for column in named))
                      for word in words))

    def _in_notes(self, word: str) -> ColumnElement:
        """Events whose notes hold `word`, through the full-text index (an IN subquery, so that an OR with
        other columns still reads the index once)."""
        if self.dialect == "sqlite":
            return text("canonical_events.id IN (SELECT rowid FROM canonical_fts WHERE canonical_fts MATCH :fts)"
                        ).bindparams(bindparam("fts", f'"{word}"', unique=True))
        if self.dialect == "postgresql":
            return text("canonical_events.id IN (SELECT id FROM canonical_events WHERE to_tsvector('english', "
                        "search_text) @@ plainto_tsquery('english', :fts))").bindparams(
                bindparam("fts", word, unique=True))
        return func.lower(canonical_table.c.search_text).like(f"%{escape_like(word.lower())}%", escape="\\")


def updated_times(conn: Connection, canonical_ids: list[int]) -> dict[int, Any]:
    """When the last report telling each event was stored, by canonical id: read for one page of events, not
    per row of the page's query (where a correlated subquery ran for every row the sort saw)."""
    if not canonical_ids:
        return {}
    query = (select(events_table.c.canonical_id, func.max(documents_table.c.ingested_at))
             .join(documents_table, documents_table.c.id == events_table.c.document_id)
             .where(events_table.c.canonical_id.in_(canonical_ids)).group_by(events_table.c.canonical_id))
    return {canonical_id: time for canonical_id, time in conn.execute(query)}


def read_revision(conn: Connection) -> int:
    return conn.execute(select(store_revision_table.c.revision)).scalar_one()


# Queries that merging reads through --------------------------------------------------------------


def mentions_query() -> Select:
    return (select(events_table, documents_table.c.outlet, documents_table.c.published,
                   documents_table.c.title, documents_table.c.url)
            .join(documents_table, documents_table.c.id == events_table.c.document_id)
            .order_by(events_table.c.event_date, events_table.c.document_id, events_table.c.position))


def neighbour_mentions(conn: Connection, mention: Mention, km: float, days: int) -> list[Mention]:
    """Stored mentions of other documents of the same event type within `days` and `km`, at the same
    named location, or in the same governorate when either is placed only in its governorate
    (geo_precision 3): the candidates worth comparing."""
    if mention.event_date is None:
        return []
    window = timedelta(days=days)
    lat, lon = mention.get("latitude"), mention.get("longitude")
    located = lat is not None and lon is not None
    params = {"event_type": mention.get("event_type"), "location": mention.get("location"),
              "first_day": (mention.event_date - window).isoformat(),
              "last_day": (mention.event_date + window).isoformat(),
              "document_id": mention.document_id, "admin1": mention.get("admin1")}
    if located:
        dlat, dlon = degrees_around(lat, km)
        params.update(south=lat - dlat, north=lat + dlat, west=lon - dlon, east=lon + dlon)
    query = neighbour_query(params["event_type"] is None, params["location"] is None, located,
                            params["admin1"] is not None, (mention.get("geo_precision") or 3) >= 3)
    return [mention_from_row(row) for row in conn.execute(query, params)]


@cache
def neighbour_query(no_type: bool, no_location: bool, located: bool, in_admin1: bool, regional: bool) -> Select:
    """The query of `neighbour_mentions` for one shape of mention, with its values as parameters: built once
    per process, as building it anew for each mention took most of the time of loading a batch."""
    c = events_table.c

    def equal(column: ColumnElement, missing: bool) -> ColumnElement:  # == None is IS NULL, as a literal gave
        return column.is_(None) if missing else column == bindparam(column.key, type_=column.type)

    def between(column: ColumnElement, low: str, high: str) -> ColumnElement:
        return column.between(bindparam(low, type_=column.type), bindparam(high, type_=column.type))

    places = [equal(c.location, no_location)]
    if located:
        places.append(and_(between(c.latitude, "south", "north"), between(c.longitude, "west", "east")))
    if in_admin1:
        places.append(and_(equal(c.admin1, False),
                           true() if regional else or_(c.geo_precision >= 3, c.geo_precision.is_(None))))
    return mentions_query().where(and_(equal(c.event_type, no_type), between(c.event_date, "first_day", "last_day"),
                                       c.document_id != bindparam("document_id", type_=c.document_id.type),
                                       or_(*places)))


def load_mentions(conn: Connection, condition: ColumnElement) -> list[Mention]:
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


def review_condition(status: ColumnElement, wanted: str | None) -> ColumnElement:
    """Events of review status `wanted`; by default every event an analyst has not rejected."""
    if wanted is None:
        return or_(status.is_(None), status != "rejected")
    if wanted == "unreviewed":
        return status.is_(None)
    if wanted == "reviewed":
        return status.in_(("confirmed", "corrected"))
    if wanted == "any":
        return true()
    return status == wanted


def cells_from_groups(rows: Sequence) -> list[dict]:
    """One record per grid cell from rows grouped by cell and event type (see Store.grid_counts)."""
    cells: dict[tuple, dict] = {}
    for row in rows:
        cell = cells.setdefault((row.x, row.y), {"count": 0, "fatalities": 0, "latitude": 0.0, "longitude": 0.0,
                                                "south": row.south, "north": row.north, "west": row.west,
                                                "east": row.east, "types": {}})
        cell["count"] += row.count
        cell["fatalities"] += int(row.fatalities)
        cell["latitude"] += row.latitude * row.count
        cell["longitude"] += row.longitude * row.count
        cell["types"][row.event_type] = row.count
        for name, pick in (("south", min), ("north", max), ("west", min), ("east", max)):
            cell[name] = pick(cell[name], getattr(row, name))
    return [{**cell, "latitude": round(cell["latitude"] / cell["count"], 5),
             "longitude": round(cell["longitude"] / cell["count"], 5),
             "event_type": max(cell["types"], key=cell["types"].get)} for cell in cells.values()]


def latest_per_place(changes: list[dict], on: date | None) -> list[dict]:
    """The latest control change per place on or before `on` (all dates when None); `changes` in
    (since, canonical_id) order."""
    latest: dict[str, dict] = {}
    for change in changes:
        if on is None or change["since"] <= on:
            latest[change["place_key"]] = change
    return sorted(latest.values(), key=lambda c: (c["admin1"] or "", c["place"]))


def check_events_belong(document: Document, events: list[Event]) -> None:
    """Raise ValueError if an event names another document: it would be stored under the wrong one."""
    for item in events:
        if item.document_id != document.id:
            raise ValueError(
                f"event {item.event_type!r} has document_id {item.document_id!r}, not {document.id!r}"
            )


def degrees_around(latitude: float, km: float) -> tuple[float, float]:
    """Half-widths in degrees (latitude, longitude) of a box `km` around a point."""
    from math import cos, radians

    dlat = km / 111.0
    return dlat, km / (111.0 * max(cos(radians(latitude)), 0.01))


