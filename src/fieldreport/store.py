"""The embedded event store: documents, their events and the evidence behind each field.

SQLAlchemy Core on a SQLite file by default. The schema uses only portable types and constraints
so the same tables can later live in PostgreSQL by passing a full database URL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
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
    create_engine,
    event,
    func,
    or_,
    select,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from fieldreport.errors import StoreError
from fieldreport.model import Document, Event, Evidence, content_id

DEFAULT_DB = "fieldreport.db"

metadata = MetaData()

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

events_table = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("event_date", String),
    Column("time_precision", Integer),
    Column("event_type", String, nullable=False),
    Column("sub_event_type", String, nullable=False),
    Column("actor1", String),
    Column("assoc_actor_1", String),
    Column("inter1", Integer),
    Column("actor2", String),
    Column("assoc_actor_2", String),
    Column("inter2", Integer),
    Column("country", String),
    Column("admin1", String),
    Column("admin2", String),
    Column("location", String),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("geo_precision", Integer),
    Column("fatalities", Integer),
    Column("source", Text),
    Column("notes", Text, nullable=False),
    Column("modality", String, nullable=False),
    Column("cited_sources", Text, nullable=False),  # JSON list of strings
    Column("actor1_text", String),
    Column("actor2_text", String),
    UniqueConstraint("document_id", "position"),
    Index("ix_events_document_id", "document_id"),
    Index("ix_events_event_date", "event_date"),
    Index("ix_events_admin1", "admin1"),
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

# Event fields stored as plain columns; `cited_sources` and `evidence` need conversion.
EVENT_COLUMNS = [
    column.name for column in events_table.columns
    if column.name not in ("id", "position", "cited_sources")
]


class Store:
    """Documents and their events in one database; a document is stored once, whatever its id."""

    def __init__(self, url_or_path: str | Path = DEFAULT_DB) -> None:
        """Open (creating tables if missing) a SQLite file path or a full SQLAlchemy URL."""
        url = database_url(url_or_path)
        self.name = str(url_or_path) if url.drivername.startswith("sqlite") else url.render_as_string()
        try:
            self.engine = create_store_engine(url)
            metadata.create_all(self.engine)
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
        """Store the document, its events and their evidence in ONE transaction.

        Returns False (and writes nothing) if a document with the same id or the same content hash
        is already stored: ingesting the same article twice stores it once. Any exception inside
        rolls back, so the database never holds a half-written document.
        """
        check_events_belong(document, events)
        content_hash = content_id(document.text)
        try:
            with self.engine.begin() as conn:
                if self._find_duplicate(conn, document.id, content_hash):
                    return False
                self._insert_document(conn, document, content_hash)
                for position, item in enumerate(events):
                    event_id = self._insert_event(conn, document.id, position, item)
                    self._insert_evidence(conn, event_id, item.evidence)
        except IntegrityError as exc:
            # Another writer stored the same document between our check and our insert.
            if self._reading_duplicate(document.id, content_hash):
                return False
            raise StoreError(f"cannot write to database {self.name}: {one_line(exc)}") from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write to database {self.name}: {one_line(exc)}") from exc
        return True

    def events(self, document_id: str | None = None) -> list[dict]:
        """Event records as Event.as_record() gives them, ordered by document then position."""
        query = select(events_table).order_by(events_table.c.document_id, events_table.c.position)
        if document_id is not None:
            query = query.where(events_table.c.document_id == document_id)
        with self._reading() as conn:
            rows = conn.execute(query).all()
            spans = self._evidence_by_event(conn, [row.id for row in rows])
        return [event_from_row(row, spans.get(row.id, [])).as_record() for row in rows]

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

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read database {self.name}: {one_line(exc)}") from exc

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

    def _evidence_by_event(self, conn: Connection, event_ids: list[int]) -> dict[int, list[Evidence]]:
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


def database_url(url_or_path: str | Path) -> URL:
    """A full SQLAlchemy URL as given, or a plain path as a SQLite file URL."""
    if isinstance(url_or_path, str) and "://" in url_or_path:
        try:
            return make_url(url_or_path)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open database {url_or_path}: {one_line(exc)}") from exc
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
    finally:
        cursor.close()


def check_events_belong(document: Document, events: list[Event]) -> None:
    """Raise ValueError if an event names another document: it would be stored under the wrong one."""
    for item in events:
        if item.document_id != document.id:
            raise ValueError(
                f"event {item.event_type!r} has document_id {item.document_id!r}, not {document.id!r}"
            )


def event_from_row(row: Row, spans: list[Evidence]) -> Event:
    values = {name: getattr(row, name) for name in EVENT_COLUMNS}
    return Event(**values, cited_sources=json.loads(row.cited_sources), evidence=spans)


def document_summary(row: Row) -> dict:
    summary = dict(row._mapping)
    summary["published"] = row.published.isoformat() if row.published else None
    return summary


def one_line(exc: BaseException) -> str:
    """The first line of a (possibly DBAPI-wrapped) error, without SQLAlchemy's SQL and links."""
    original = getattr(exc, "orig", None) or exc
    lines = str(original).strip().splitlines()
    return lines[0] if lines else type(original).__name__
