"""The `store_url` fixture: every store test runs against a SQLite file and a real PostgreSQL server.

PostgreSQL tests need FIELDREPORT_TEST_PG, a URL of a server's admin database that may create
databases (CI: postgresql://postgres@127.0.0.1:55432/postgres); without it they are skipped. Each
test gets a fresh database, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from fieldreport.storage.store import database_url

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
