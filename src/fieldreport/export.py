"""Writing event records: JSON Lines, ACLED-style CSV, GeoJSON, Parquet, PLOVER JSON Lines, or a
table for people. The writers take records one at a time, so exports of a large store never hold it
in memory.

The export formats are one registry, `EXPORT_FORMATS` (name -> ExportFormat): `fieldreport export`
offers its names as --format choices and writes through them, and the API's GET /api/export serves
them; a new format is one entry there.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, BinaryIO, TextIO

from rich.console import Console
from rich.table import Table

from fieldreport import taxonomy
from fieldreport.errors import FieldreportError
from fieldreport.model import ACLED_COLUMNS, EXTRA_COLUMNS

TABLE_COLUMNS = ["event_date", "sub_event_type", "actor1", "actor2", "location", "admin1", "fatalities",
                 "modality", "cited_sources"]


def write_jsonl(records: Iterable[dict], out: TextIO) -> None:
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


# Columns that merged (canonical) events add to Event.as_record().
MERGED_COLUMNS = ["id", "mentions", "corroboration", "sources", "fatalities_low", "fatalities_best",
                  "fatalities_high"]


class CsvWriter:
    """ACLED's columns first; lists joined with '; ' and evidence as JSON in its own column."""

    def __init__(self, out: TextIO, columns: list[str] | None = None) -> None:
        self.writer = csv.DictWriter(out, fieldnames=columns or ACLED_COLUMNS + EXTRA_COLUMNS, extrasaction="ignore")
        self.writer.writeheader()

    def write(self, record: dict) -> None:
        row = dict(record)
        row["cited_sources"] = "; ".join(record.get("cited_sources") or [])
        row["evidence"] = json.dumps(record.get("evidence") or [], ensure_ascii=False)
        if isinstance(record.get("sources"), list):
            row["sources"] = "; ".join(record["sources"])
        self.writer.writerow(row)


def write_csv(records: Iterable[dict], out: TextIO, columns: list[str]) -> int:
    """CSV with `columns`, one row per record; returns how many were written."""
    writer = CsvWriter(out, columns)
    count = 0
    for record in records:
        writer.write(record)
        count += 1
    return count


def write_acled_csv(records: Iterable[dict], out: TextIO) -> int:
    return write_csv(records, out, ACLED_COLUMNS + EXTRA_COLUMNS + MERGED_COLUMNS)


def geojson_feature(record: dict) -> dict:
    """A GeoJSON Feature: the point (or no geometry when unplaced), and the record's fields as properties."""
    lon, lat = record.get("longitude"), record.get("latitude")
    geometry = {"type": "Point", "coordinates": [lon, lat]} if None not in (lon, lat) else None
    return {"type": "Feature", "id": record.get("id"), "geometry": geometry, "properties": dict(record)}


def write_geojson(records: Iterable[dict], out: TextIO, members: dict | None = None) -> int:
    """A FeatureCollection written feature by feature; `members` are written before the features (the API
    gives a page's `total` and `next_offset`)."""
    head = {"type": "FeatureCollection", **(members or {})}
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [\n')
    count = 0
    for count, record in enumerate(records, 1):
        if count > 1:
            out.write(",\n")
        out.write(json.dumps(geojson_feature(record), ensure_ascii=False))
    out.write("\n]}\n")
    return count


def plover_record(record: dict) -> dict:
    """A PLOVER/POLECAT-style event: type and mode, source and target actors, place, date, provenance."""
    kind = taxonomy.plover_of(record.get("event_type"), record.get("sub_event_type"))
    return {
        "id": record.get("id"),
        "event_date": record.get("event_date"),
        "event_type": kind.event_type,
        "mode": kind.mode or None,
        "context": [record.get("modality")] if record.get("modality") not in (None, "occurred") else [],
        "source_actor": record.get("actor1"),
        "source_actor_text": record.get("actor1_text"),
        "target_actor": record.get("actor2"),
        "target_actor_text": record.get("actor2_text"),
        "location": {name: record.get(name) for name in ("location", "admin1", "admin2", "country", "latitude",
                                                          "longitude", "geo_precision")},
        "fatalities": record.get("fatalities"),
        "fatalities_range": [record.get("fatalities_low"), record.get("fatalities_high")],
        "sources": record.get("sources") or ([record["source"]] if record.get("source") else []),
        "cited_sources": record.get("cited_sources") or [],
        "mentions": record.get("mentions"),
        "text": record.get("notes"),
        "acled_event_type": record.get("event_type"),
        "acled_sub_event_type": record.get("sub_event_type"),
    }


def write_plover_jsonl(records: Iterable[dict], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(plover_record(record), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_parquet(records: Iterable[dict], out: BinaryIO | Path, batch: int = 10_000) -> int:
    """Parquet in row groups of `batch` events; lists stay lists, evidence is a JSON string."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema(pa)
    count, rows = 0, []
    with pq.ParquetWriter(out, schema) as writer:
        for record in records:
            rows.append(parquet_row(record))
            if len(rows) == batch:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                count, rows = count + len(rows), []
        if rows or count == 0:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            count += len(rows)
    return count


def parquet_schema(pa):
    ints = {"time_precision", "inter1", "inter2", "geo_precision", "fatalities", "id", "mentions", "corroboration",
            "fatalities_low", "fatalities_best", "fatalities_high"}
    lists = {"cited_sources", "sources"}
    fields = []
    for name in ACLED_COLUMNS + EXTRA_COLUMNS + MERGED_COLUMNS:
        if name in ints:
            kind = pa.int64()
        elif name in ("latitude", "longitude"):
            kind = pa.float64()
        elif name == "event_date":
            kind = pa.date32()
        elif name in lists:
            kind = pa.list_(pa.string())
        else:
            kind = pa.string()
        fields.append(pa.field(name, kind))
    return pa.schema(fields)


def parquet_row(record: dict) -> dict:
    row = {name: record.get(name) for name in ACLED_COLUMNS + EXTRA_COLUMNS + MERGED_COLUMNS}
    row["event_date"] = date.fromisoformat(row["event_date"]) if row["event_date"] else None
    row["evidence"] = json.dumps(record.get("evidence") or [], ensure_ascii=False)
    return row


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def print_table(records: list[dict], console: Console) -> None:
    table = Table(show_lines=False, title=f"{len(records)} events")
    for name in TABLE_COLUMNS:
        table.add_column(name, overflow="fold")
    for record in records:
        table.add_row(*(cell(record.get(name)) for name in TABLE_COLUMNS))
    console.print(table)


class ExportError(FieldreportError):
    """An export that cannot be written as asked (Parquet to a terminal...)."""


@dataclass(frozen=True)
class ExportFormat:
    """A way to write event records: `write(records, out)` writes them to `out`, a text stream or, for a
    `binary` format, a byte stream, and returns how many it wrote."""

    name: str
    media_type: str
    suffix: str  # of a file in this format, with its dot
    write: Callable[[Iterable[dict], IO], int]
    binary: bool = False


EXPORT_FORMATS: dict[str, ExportFormat] = {fmt.name: fmt for fmt in (
    ExportFormat("acled-csv", "text/csv; charset=utf-8", ".csv", write_acled_csv),
    ExportFormat("geojson", "application/geo+json", ".geojson", write_geojson),
    ExportFormat("parquet", "application/vnd.apache.parquet", ".parquet", write_parquet, binary=True),
    ExportFormat("plover-jsonl", "application/x-ndjson", ".jsonl", write_plover_jsonl),
)}


def export_format(name: str) -> ExportFormat:
    """The registered format called `name`; ExportError names the others when there is none."""
    if name not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {name!r}; want one of {', '.join(EXPORT_FORMATS)}")
    return EXPORT_FORMATS[name]


def check_export_target(fmt: str, out_path: Path | None) -> None:
    chosen = export_format(fmt)
    if chosen.binary and out_path is None:
        raise ExportError(f"{chosen.name} is a binary file format: give -o FILE{chosen.suffix}")


def export_events(records: Iterable[dict], fmt: str, out_path: Path | None, stdout: TextIO) -> int:
    """Write `records` in `fmt` to `out_path` (or stdout); returns how many were written."""
    check_export_target(fmt, out_path)
    chosen = export_format(fmt)
    if out_path is None:
        return chosen.write(records, stdout)
    if chosen.binary:
        with out_path.open("wb") as binary_out:
            return chosen.write(records, binary_out)
    with out_path.open("w", encoding="utf-8", newline="") as out:
        return chosen.write(records, out)


def event_report_lines(event: dict) -> list[str]:
    """`fieldreport events show`: the merged event, each mention with its evidence, and why they merged."""
    fatalities = (f"{event['fatalities_best']} (range {event['fatalities_low']}-{event['fatalities_high']})"
                  if event.get("fatalities_best") is not None else "unknown")
    lines = [
        f"event {event['id']}: {event['event_date']} {event['event_type']} / {event['sub_event_type']}",
        f"  actors: {event.get('actor1') or '?'} vs {event.get('actor2') or '?'}",
        f"  place: {event.get('location')}, {event.get('admin1')} ({event.get('latitude')}, {event.get('longitude')}; "
        f"geo_precision {event.get('geo_precision')})",
        f"  fatalities: {fatalities}; modality: {event.get('modality')}",
        f"  corroboration: {event['corroboration']} outlet(s) ({', '.join(event.get('sources') or [])}), "
        f"{len(event['mentions'])} mention(s)",
        "mentions:",
    ]
    for mention in event["mentions"]:
        lines.append(f"  - {mention['outlet'] or '?'}, published {mention['published'] or '?'}, document "
                     f"{mention['document_id']} #{mention['position']}: {mention['event_date']} "
                     f"{mention['sub_event_type']} at {mention['location']}, fatalities {mention['fatalities']}")
        lines.append(f"    notes: {mention['notes']}")
        if mention["cited_sources"]:
            lines.append(f"    cited sources: {'; '.join(mention['cited_sources'])}")
        for span in mention["evidence"]:
            lines.append(f"    evidence {span['field']} [{span['start']}:{span['end']}]: {span['text']!r}")
    lines.append("why merged:")
    lines.extend(f"  {line}" for line in event["explanation"])
    return lines


TERRITORY_COLUMNS = ["place", "admin1", "actor", "lost_by", "since", "event_id", "cue"]


def print_territory(rows: list[dict], console: Console) -> None:
    table = Table(title=f"{len(rows)} places")
    for name in TERRITORY_COLUMNS:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(cell(row.get(name)) for name in TERRITORY_COLUMNS))
    console.print(table)
