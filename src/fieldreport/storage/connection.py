"""Engines and URLs: a SQLite file path or a SQLAlchemy URL (PostgreSQL through psycopg 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from fieldreport.errors import StoreError


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
    """WAL lets readers work while a writer ingests; SQLite enforces foreign keys only when asked. In WAL mode,
    synchronous=NORMAL syncs the log at checkpoints rather than at every commit (each ingested document is one):
    a committed document survives the process crashing, and only a power cut may lose the last ones."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
    finally:
        cursor.close()


def one_line(exc: BaseException) -> str:
    """The first line of a (possibly DBAPI-wrapped) error, without SQLAlchemy's SQL and links."""
    original = getattr(exc, "orig", None) or exc
    lines = str(original).strip().splitlines()
    return lines[0] if lines else type(original).__name__
