"""The store's tables and their migrations: persistence only (no NLP, no merging rules).

- `documents`, `events` (one row per event *as one document tells it*, a "mention"), `evidence`;
- `canonical_events`: the merged events that queries and exports read (merging/clusters.py decides
  which mentions tell one event; a canonical event's id is the id of its first mention in
  canonical order);
- `control_changes`: territorial control derived from canonical events (merging/territory.py);
- `learned_places`: places the gazetteer lacks that a report located ("Khan Tuman, in Aleppo's
  southern countryside"), with the sentence that located them, for later reports (geo/learned.py);
- `schema_version`: migrations in `MIGRATIONS` run in order when a store is opened.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import (
    BigInteger,
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
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import SAWarning, SQLAlchemyError
from sqlalchemy.schema import CreateIndex

from fieldreport.errors import StoreError

PG_MERGE_LOCK = 0x6669656C64  # pg_advisory_xact_lock key: one merging writer at a time


class Merger(Protocol):
    """What folds stored mentions into canonical events (merging.clusters.CrossReportMerger). The
    store calls it inside the transaction that wrote the mentions."""

    def merge(self, conn: Connection, new_ids: list[int]) -> None: ...

    def remerge_all(self, conn: Connection) -> None: ...


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
    Column("control", String),  # "gain" or "loss" of the place, from the trigger (NULL: none, or stored before v7)
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
    Column("control", String),  # from its mentions (merging/clusters.py)
    Column("cited_sources", Text, nullable=False, default="[]"),  # JSON list
    Column("actor1_text", String),
    Column("actor2_text", String),
    Column("n_mentions", Integer, nullable=False, default=1),
    Column("corroboration", Integer, nullable=False, default=1),
    Column("sources", Text, nullable=False, default="[]"),  # JSON list of outlets
    Column("explanation", Text, nullable=False, default="[]"),  # JSON list of lines
    Column("search_text", Text, nullable=False, default=""),  # all mentions' notes, for full text
    Column("review_status", String),  # NULL (not reviewed) or one of REVIEW_STATUSES (storage/reviews.py)
    # Lists are newest first (date, then id) and filter on dates and a box, and every list hides background
    # and rejected events (see below): with the id, a page is read in index order, however deep (100k events,
    # offset 99000: 42 -> 10 ms); with modality and review_status, counts read the index alone (a 90-day
    # window: 1.9 -> 0.2 ms; a box: 24 -> 5 ms).
    Index("ix_canonical_date_lat_lon", "event_date", "id", "latitude", "longitude", "modality", "review_status"),
    # Every list hides background and rejected events by default, so every count filters on these two:
    # a covering index makes that count read the index, not the rows (100k events: 22 ms -> 6 ms).
    Index("ix_canonical_modality_review", "modality", "review_status"),
)
# The admin1 and event type filters match case-insensitively, so their indexes are on lower(...). Then the date
# and id, the lists' order, and the visibility columns, so that a count reads the index alone (100k events, a
# governorate: 20 -> 1.1 ms; an event type: 16 -> 1.5 ms).
CASELESS_INDEXES = [
    Index(f"ix_canonical_lower_{name}_date", func.lower(canonical_table.c[column]), canonical_table.c.event_date,
          canonical_table.c.id, canonical_table.c.modality, canonical_table.c.review_status)
    for name, column in (("admin1", "admin1"), ("type", "event_type"))
]

REVIEW_STATUSES = ("confirmed", "corrected", "rejected")
STATUS_FIELD = "review_status"
reviews_table = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("mention_id", Integer, nullable=False),  # the event's id when it was reviewed: an anchor mention
    Column("reviewer", String, nullable=False),
    Column("reviewed_at", DateTime(timezone=True), nullable=False),
    Column("field", String, nullable=False),  # a canonical column, or review_status
    Column("before", Text),  # JSON
    Column("after", Text),  # JSON
    Index("ix_reviews_mention_id", "mention_id"),
)

store_revision_table = Table(  # one row; see add_store_revision
    "store_revision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("revision", BigInteger, nullable=False),
)

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

learned_places_table = Table(
    "learned_places",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String, nullable=False),  # as the report wrote it
    Column("name_key", String, nullable=False),  # the gazetteer's key of the name (geo.gazetteer.name_key)
    Column("country_code", String, nullable=False),
    Column("country", String),
    Column("admin1_code", String),
    Column("admin1", String),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("geo_precision", Integer, nullable=False),  # 2: at the town that locates it; 3: its governorate
    Column("located_by", String, nullable=False),  # the place the report located it by
    Column("evidence", Text, nullable=False),  # the sentence that located it
    Column("document_id", String),
    Column("learned_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("country_code", "name_key"),  # the first report to locate a place is kept
)

INGEST_TABLES = [documents_table, events_table, evidence_table]
# Event fields stored as plain columns; `cited_sources` and `evidence` need conversion.
EVENT_COLUMNS = [
    column.name for column in events_table.columns
    if column.name not in ("id", "position", "cited_sources", "canonical_id", "component_id")
]
CANONICAL_EXTRA = ["id", "mentions", "corroboration", "sources", "fatalities_low", "fatalities_best",
                   "fatalities_high"]




def create_ingest_tables(conn: Connection, _merger: Merger | None) -> None:
    """Version 1: documents, events and evidence (stores made before versioning already have them)."""
    metadata.create_all(conn, tables=INGEST_TABLES)


def add_canonical_events(conn: Connection, _merger: Merger | None) -> None:
    """Version 2: canonical events, control changes, the mention -> canonical link; merge what is stored."""
    for column in ("canonical_id", "component_id"):
        if not has_column(conn, "events", column):
            conn.execute(text(f"ALTER TABLE events ADD COLUMN {column} INTEGER"))
    for index in events_table.indexes:
        index.create(conn, checkfirst=True)
    metadata.create_all(conn, tables=[canonical_table, control_table])


def add_search_and_spatial_indexes(conn: Connection, _merger: Merger | None) -> None:
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


def merge_stored_mentions(conn: Connection, merger: Merger | None) -> None:
    """Version 4: merge the mentions of stores that were written before merging existed."""
    unmerged = list(conn.execute(select(events_table.c.id).where(events_table.c.canonical_id.is_(None))
                                 .order_by(events_table.c.id)).scalars())
    if unmerged:
        needed(merger, 4).merge(conn, unmerged)


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

def add_merge_components(conn: Connection, merger: Merger | None) -> None:
    """Version 5: stores merged at version 4 (before components were kept) get them, by merging anew."""
    if not has_column(conn, "events", "component_id"):
        conn.execute(text("ALTER TABLE events ADD COLUMN component_id INTEGER"))
        for index in events_table.indexes:
            index.create(conn, checkfirst=True)
        needed(merger, 5).remerge_all(conn)


def index_caseless_filters(conn: Connection, _merger: Merger | None) -> None:
    """Version 6: the admin1 and event type indexes on lower(...), which the filters can use (on the date
    alone: review_status comes at version 8; version 12 widens them)."""
    for old_name in ("ix_canonical_admin1_date", "ix_canonical_type_date"):
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {old_name}")
    for name, column in (("admin1", "admin1"), ("type", "event_type")):
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_canonical_lower_{name}_date ON canonical_events "
                             f"(lower({column}), event_date)")


def add_event_control(conn: Connection, _merger: Merger | None) -> None:
    """Version 7: the gain or loss of a place that an event's trigger tells (`control`), on mentions and
    canonical events. Older rows get NULL, which derives no control change: the control changes stored
    before stay until their events are merged again (a new report nearby, or `Store.remerge`), and are
    then dropped, since the evidence words they were read from are no longer re-matched."""
    for table in ("events", "canonical_events"):
        if not has_column(conn, table, "control"):
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN control VARCHAR"))


def add_reviews(conn: Connection, _merger: Merger | None) -> None:
    """Version 8: analysts' reviews (an audit table) and each canonical event's review status."""
    if not has_column(conn, "canonical_events", STATUS_FIELD):
        conn.execute(text(f"ALTER TABLE canonical_events ADD COLUMN {STATUS_FIELD} VARCHAR"))
    metadata.create_all(conn, tables=[reviews_table])


def add_learned_places(conn: Connection, _merger: Merger | None) -> None:
    """Version 9: places the gazetteer lacks, located by a report, for the reports that follow."""
    metadata.create_all(conn, tables=[learned_places_table])


def index_default_visibility(conn: Connection, _merger: Merger | None) -> None:
    """Version 10: the index on (modality, review_status) that the default lists' counts read."""
    visibility = next(index for index in canonical_table.indexes if index.name == "ix_canonical_modality_review")
    conn.execute(CreateIndex(visibility, if_not_exists=True))


# Tables whose every write changes what event lists answer (canonical rows; documents give `updated_at`).
REVISED_TABLES = ("canonical_events", "documents")


def add_store_revision(conn: Connection, _merger: Merger | None) -> None:
    """Version 11: a store revision that triggers raise on every write to REVISED_TABLES, whoever writes
    (any process, any tool): readers key their caches of counts and pages on it, so a cached answer is
    never served once the rows under it changed."""
    metadata.create_all(conn, tables=[store_revision_table])
    conn.exec_driver_sql("INSERT INTO store_revision (id, revision) SELECT 1, 0 WHERE NOT EXISTS "
                         "(SELECT 1 FROM store_revision)")
    bump = "UPDATE store_revision SET revision = revision + 1"
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("CREATE OR REPLACE FUNCTION fieldreport_bump_revision() RETURNS trigger AS "
                             f"$$ BEGIN {bump}; RETURN NULL; END $$ LANGUAGE plpgsql")
        for table in REVISED_TABLES:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_revision ON {table}")
            conn.exec_driver_sql(f"CREATE TRIGGER {table}_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                                 f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION fieldreport_bump_revision()")
        return
    for table in REVISED_TABLES:
        for operation in ("INSERT", "UPDATE", "DELETE"):
            conn.exec_driver_sql(f"CREATE TRIGGER IF NOT EXISTS {table}_revision_{operation.lower()} AFTER "
                                 f"{operation} ON {table} BEGIN {bump}; END")


def index_visible_counts(conn: Connection, _merger: Merger | None) -> None:
    """Version 12: the date and box index and the caseless ones hold the id (the lists' order) and the
    visibility columns, so that the lists' pages and counts read the indexes alone."""
    date_index = next(index for index in canonical_table.indexes if index.name == "ix_canonical_date_lat_lon")
    for index in (date_index, *CASELESS_INDEXES):
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {index.name}")
        conn.execute(CreateIndex(index))


MIGRATIONS: list[tuple[int, Callable[[Connection, Merger | None], None]]] = [
    (1, create_ingest_tables),
    (2, add_canonical_events),
    (3, add_search_and_spatial_indexes),
    (4, merge_stored_mentions),
    (5, add_merge_components),
    (6, index_caseless_filters),
    (7, add_event_control),
    (8, add_reviews),
    (9, add_learned_places),
    (10, index_default_visibility),
    (11, add_store_revision),
    (12, index_visible_counts),
]


def migrate(engine: Engine, merger: Merger | None = None) -> int:
    """Apply pending migrations in order, in one transaction; returns the schema version. Two old
    migrations merge the stored mentions, and need `merger` for that."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MERGE_LOCK + 1})
        metadata.create_all(conn, tables=[schema_version_table])
        current = conn.execute(select(func.max(schema_version_table.c.version))).scalar() or 0
        for version, step in MIGRATIONS:
            if version > current:
                step(conn, merger)
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


def needed(merger: Merger | None, version: int) -> Merger:
    if merger is None:
        raise StoreError(f"the store needs migration {version}, which merges its events: open it through "
                         "fieldreport.ingest.open_store")
    return merger
