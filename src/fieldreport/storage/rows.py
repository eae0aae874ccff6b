"""Database rows to the records the store returns (Event, Mention, and plain dicts for the API)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Row

from fieldreport.model import ACLED_COLUMNS, EXTRA_COLUMNS, Event, Evidence, Mention
from fieldreport.storage.schema import EVENT_COLUMNS

# A canonical event's record starts with the Event.as_record() fields, each a canonical column but the
# evidence (EXTRA_COLUMNS' last), which follows them.
RECORD_COLUMNS = [name for name in ACLED_COLUMNS + EXTRA_COLUMNS if name != "evidence"]
pick_record_columns = itemgetter(*RECORD_COLUMNS)


def event_from_row(row: Row, spans: list[Evidence]) -> Event:
    values = {name: getattr(row, name) for name in EVENT_COLUMNS}
    return Event(**values, cited_sources=json.loads(row.cited_sources), evidence=spans)


def mention_from_row(row: Row) -> Mention:
    record = dict(row._mapping)
    record["cited_sources"] = json.loads(row.cited_sources)
    return Mention(id=row.id, document_id=row.document_id, position=row.position,
                               event_date=parse_event_date(row.event_date), record=record)


def parse_event_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def canonical_from_row(row: Row, spans: list[Evidence] | None, updated_at: datetime | str | None) -> dict:
    """Event.as_record() shape plus id, mentions (count), corroboration, sources, the fatalities range and
    `updated_at` (when the last report telling it was stored); without `evidence` when `spans` is None."""
    return canonical_record(row._asdict(), spans, updated_at)


def canonical_records(rows: Sequence[Row], spans: dict[int, list[Evidence]] | None,
                      updated: dict[int, Any]) -> list[dict]:
    """canonical_from_row for a page of rows of one query, their evidence by id (None: left out) and their
    `updated_at` by id; the rows' field names are read once, not per row (a page reads 100)."""
    if not rows:
        return []
    fields = rows[0]._fields
    return [canonical_record(values, None if spans is None else spans.get(values["id"], []),
                             updated.get(values["id"]))
            for values in (dict(zip(fields, row, strict=True)) for row in rows)]


def canonical_record(values: dict, spans: list[Evidence] | None, updated_at: datetime | str | None) -> dict:
    record = dict(zip(RECORD_COLUMNS, pick_record_columns(values), strict=True))
    event_date = record["event_date"]
    record["event_date"] = event_date.isoformat() if event_date else None
    record["cited_sources"] = json_list(record["cited_sources"])
    if spans is not None:
        record["evidence"] = [span.as_dict() for span in spans]
    record.update(id=values["id"], mentions=values["n_mentions"], corroboration=values["corroboration"],
                  sources=json_list(values["sources"]), fatalities_low=values["fatalities_low"],
                  fatalities_best=values["fatalities_best"], fatalities_high=values["fatalities_high"],
                  review_status=values.get("review_status"), updated_at=stored_time(updated_at))
    return record


def json_list(text: str) -> list:
    """A stored JSON list; the empty one, most events' cited sources, without parsing."""
    return [] if text == "[]" else orjson.loads(text)


def stored_time(value: datetime | str | None) -> str | None:
    """A time the store wrote, as ISO 8601 in UTC (SQLite gives it back without its zone)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


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


@dataclass(frozen=True)
class LearnedPlace:
    """A place the gazetteer lacks, located by a report: its governorate (and, at geo_precision 2, the
    point of the town that locates it), what located it and the sentence that says so."""

    name: str
    name_key: str
    country_code: str
    country: str | None
    admin1_code: str | None
    admin1: str | None
    latitude: float | None
    longitude: float | None
    geo_precision: int
    located_by: str
    evidence: str
    document_id: str | None = None


def learned_place_from_row(row: Row) -> LearnedPlace:
    values = row._mapping
    return LearnedPlace(**{name: values[name] for name in LearnedPlace.__dataclass_fields__})
