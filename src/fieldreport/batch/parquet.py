"""A shard's Parquet files: `<shard>.documents.parquet` (one row per document: its text and metadata, how
many events it gave, or why it gave none) and `<shard>.events.parquet` (one row per event, with the
columns and types of `fieldreport export --format parquet` for a single report's event, evidence as JSON,
and its position in its document). Both are written to temporary names and renamed into place.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from fieldreport.batch.shards import temporary_name
from fieldreport.batch.work import Coded
from fieldreport.export import parquet_schema
from fieldreport.model import ACLED_COLUMNS, EXTRA_COLUMNS, Document, Event

DOCUMENT_SCHEMA = pa.schema([
    pa.field("id", pa.string()), pa.field("text", pa.string()), pa.field("published", pa.date32()),
    pa.field("outlet", pa.string()), pa.field("title", pa.string()), pa.field("url", pa.string()),
    pa.field("origin", pa.string()), pa.field("events", pa.int32()), pa.field("error", pa.string()),
])
DOCUMENT_FIELDS = ("id", "text", "published", "outlet", "title", "url", "origin")
EVENT_SCHEMA = pa.schema([*(parquet_schema(pa).field(name) for name in ACLED_COLUMNS + EXTRA_COLUMNS),
                          pa.field("position", pa.int32())])


def shard_paths(folder: Path, name: str) -> tuple[Path, Path]:
    return folder / f"{name}.documents.parquet", folder / f"{name}.events.parquet"


def write_shard(folder: Path, name: str, documents: list[Document], coded: list[Coded]) -> dict[str, int]:
    """Write the shard's two files (each to a temporary name, then renamed); returns its counts."""
    document_rows = [{**{name: getattr(document, name) for name in DOCUMENT_FIELDS},
                      "events": len(result.events), "error": result.error}
                     for document, result in zip(documents, coded, strict=True)]
    event_rows = [{**event_row(event), "position": position}
                  for result in coded for position, event in enumerate(result.events)]
    paths = shard_paths(folder, name)
    tables = (pa.Table.from_pylist(document_rows, schema=DOCUMENT_SCHEMA),
              pa.Table.from_pylist(event_rows, schema=EVENT_SCHEMA))
    for path, table in zip(paths, tables, strict=True):
        pq.write_table(table, temporary_name(path))
    for path in paths:
        os.replace(temporary_name(path), path)
    return {"documents": len(documents), "events": len(event_rows),
            "failed": sum(result.error is not None for result in coded)}


def read_shard(folder: Path, name: str) -> Iterator[tuple[Document, Coded]]:
    """Each document of a shard with its events (in their order), or the reason it has none."""
    documents_path, events_path = shard_paths(folder, name)
    events: dict[str, list[Event]] = defaultdict(list)
    for row in pq.read_table(events_path).to_pylist():  # in document order, then position
        events[row["document_id"]].append(event_from_row(row))
    for row in pq.read_table(documents_path).to_pylist():
        document = Document(**{name: row[name] for name in DOCUMENT_FIELDS})
        own = events[document.id][:row["events"]]  # an id given twice in one shard: each its own events
        del events[document.id][:row["events"]]
        yield document, Coded(own, row["error"])


def event_row(event: Event) -> dict:
    """The event as extracted, typed for EVENT_SCHEMA: unlike an export row, no value is rounded or filled
    in (an unknown toll stays None), so that `load` stores what `extract` would have stored."""
    record = event.as_record()
    row = {name: record.get(name) for name in ACLED_COLUMNS + EXTRA_COLUMNS}
    row["event_date"] = date.fromisoformat(row["event_date"]) if row["event_date"] else None
    row["evidence"] = json.dumps(record.get("evidence") or [], ensure_ascii=False)
    return row


def event_from_row(row: dict) -> Event:
    record = dict(row)
    record["event_date"] = row["event_date"].isoformat() if row["event_date"] else None
    record["evidence"] = json.loads(row["evidence"] or "[]")
    return Event.from_record(record)
