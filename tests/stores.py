"""Store helpers shared by the tests.

The `store_url` fixture: every store test runs against a SQLite file and a real PostgreSQL server.

PostgreSQL tests need FIELDREPORT_TEST_PG, a URL of a server's admin database that may create
databases (CI: postgresql://postgres@127.0.0.1:55432/postgres); without it they are skipped. Each
test gets a fresh database, dropped afterwards.
"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from fieldreport.model import Document, Event, Evidence
from fieldreport.storage import Store, database_url

PG_ENV = "FIELDREPORT_TEST_PG"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "events.db")
        return
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL server to test against")
    yield from fresh_postgres_database(admin_url)


def fresh_postgres_database(admin_url: str) -> Iterator[str]:
    admin = create_engine(database_url(admin_url), isolation_level="AUTOCOMMIT")
    name = f"fieldreport_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield database_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


SARAQIB = {"location": "Saraqib", "latitude": 35.8623, "longitude": 36.8067, "admin1": "Idleb"}
DOUMA = {"location": "Douma", "latitude": 33.5711, "longitude": 36.4022, "admin1": "Rural Damascus"}


def report(document_id: str, outlet: str, *events: dict, published: date = date(2018, 1, 18)) -> tuple:
    """A document and its events; each dict overrides the fields of a Saraqib clash on 2018-01-17."""
    text = f"Report {document_id} by {outlet}: clashes in Saraqib."
    document = Document(text=text, id=document_id, published=published, outlet=outlet)
    made = []
    for overrides in events:
        values = dict(
            event_type="Battles", sub_event_type="Armed clash", event_date="2018-01-17", time_precision=1,
            actor1="Military Forces of Syria (2000-)", inter1=1, actor2="HTS: Hayat Tahrir al Sham", inter2=2,
            country="Syria", geo_precision=1, fatalities=None, source=outlet,
            notes=f"{outlet}: the army clashed with HTS in Saraqib.", **SARAQIB,
        )
        values.update(overrides)
        made.append(Event(document_id=document_id, evidence=[Evidence("event_type", 21, 28, "clashes")], **values))
    return document, made


def save_all(store: Store, *reports: tuple) -> None:
    for document, events in reports:
        assert store.save(document, events) is True


SYRIA_BOX = (35.7, 32.3, 42.4, 37.3)  # min_lon, min_lat, max_lon, max_lat
SYNTHETIC_TYPES = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
                   ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
                   ("Violence against civilians", "Attack"), ("Protests", "Peaceful protest")]


def synthetic_events(count: int, rng: random.Random) -> Iterator[dict]:
    """Canonical event rows for Store.bulk_insert_canonical, spread over Syria and 2012-2019; one in a
    hundred has hundreds of dead (the map's marker sizes must stay capped)."""
    for event_id in range(1, count + 1):
        event_type, sub_event_type = rng.choice(SYNTHETIC_TYPES)
        fatalities = rng.choice([0, 0, 1, 3, 12]) if rng.random() > 0.01 else rng.randrange(100, 900)
        notes = f"Synthetic {sub_event_type.lower()} number {event_id}."
        yield {"id": event_id, "event_date": date(2012, 1, 1) + timedelta(days=rng.randrange(2900)),
               "time_precision": 1, "event_type": event_type, "sub_event_type": sub_event_type,
               "actor1": "Military Forces of Syria (2000-)", "country": "Syria", "admin1": "Aleppo",
               "location": f"Place {event_id % 3000}", "latitude": round(rng.uniform(SYRIA_BOX[1], SYRIA_BOX[3]), 5),
               "longitude": round(rng.uniform(SYRIA_BOX[0], SYRIA_BOX[2]), 5), "geo_precision": 1,
               "fatalities": fatalities, "fatalities_best": fatalities, "notes": notes, "modality": "occurred",
               "search_text": notes}


def store_checksums(db: Path) -> dict[str, tuple[int, str]]:
    """Rows and a hash of every table's rows (ids included), leaving out when they were written."""
    conn = sqlite3.connect(db)
    try:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                 "AND name NOT LIKE 'sqlite_%' AND name != 'schema_version'")]
        sums = {}
        for table in sorted(tables):
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] != "ingested_at"]
            rows = sorted(repr(row) for row in conn.execute(f"SELECT {', '.join(columns)} FROM {table}"))
            sums[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return sums
    finally:
        conn.close()
