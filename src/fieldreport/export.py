"""Writing event records: JSON Lines, ACLED's CSV, GeoJSON, Parquet, PLOVER JSON Lines, or a
table for people. The writers take records one at a time, so exports of a large store never hold it
in memory.

The ACLED CSV has ACLED's own 31 columns in ACLED's order (`ACLED_EXPORT_COLUMNS`), so a script
written for an ACLED download reads it unchanged, followed by ours (id, evidence, mention counts...).
Columns the extractor does not code are derived where they can be: `year`, `disorder_type` (from
taxonomy.toml), `interaction` (from the inter codes), `iso` and `region` (from data/countries.tsv),
`event_id_cnty` (ISO alpha-3 and our id) and `timestamp` (when a report of the event was last
stored); `fatalities` is 0 where no death is reported, as ACLED writes it.

The export formats are one registry, `EXPORT_FORMATS` (name -> ExportFormat): `fieldreport export`
offers its names as --format choices and writes through them, and the API's GET /api/export serves
them; a new format is one entry there.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, BinaryIO, TextIO

from rich.console import Console
from rich.table import Table

from fieldreport import taxonomy
from fieldreport.errors import FieldreportError
from fieldreport.model import ACLED_COLUMNS, EXTRA_COLUMNS
from fieldreport.rules import data_file

TABLE_COLUMNS = ["event_date", "sub_event_type", "actor1", "actor2", "location", "admin1", "fatalities",
                 "modality", "cited_sources"]


def write_jsonl(records: Iterable[dict], out: TextIO) -> None:
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


# Columns that merged (canonical) events add to Event.as_record().
MERGED_COLUMNS = ["id", "mentions", "corroboration", "sources", "fatalities_low", "fatalities_best",
                  "fatalities_high", "review_status"]


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


# ACLED's export header, in ACLED's order.
ACLED_EXPORT_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]
# Ours, after ACLED's: the event id, its provenance and the merged event's counts.
OWN_EXPORT_COLUMNS = ["id", *EXTRA_COLUMNS, *[name for name in MERGED_COLUMNS if name != "id"]]
EXPORT_COLUMNS = ACLED_EXPORT_COLUMNS + OWN_EXPORT_COLUMNS
COORDINATE_DECIMALS = 5  # about a metre; more is float noise
CIVILIANS = 7  # ACLED's inter code for civilians


@dataclass(frozen=True)
class Country:
    iso3: str
    iso_numeric: int
    region: str


@lru_cache(maxsize=4)
def countries_in(path: str) -> dict[str, Country]:
    """Lower-case country name (and ISO alpha-2 code) -> its codes and ACLED region, from a countries.tsv."""
    found: dict[str, Country] = {}
    lines = [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line and line[0] != "#"]
    for line in lines[1:]:  # after the header
        iso2, iso3, numeric, region, names = line.split("\t")
        country = Country(iso3, int(numeric), region)
        for name in [iso2, *names.split("|")]:
            found.setdefault(name.lower(), country)
    return found


def country_of(name: str | None) -> Country | None:
    return countries_in(str(data_file("countries.tsv"))).get(name.lower()) if name else None


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's interaction code: the two inter codes, lower first (13); one actor alone is its code and 0 (10)."""
    codes = sorted(code for code in (inter1, inter2) if code)
    if not codes:
        return None
    return codes[0] * 10 + (codes[1] if len(codes) > 1 else 0)


def civilian_targeting(record: dict, disorder: str | None) -> str | None:
    """'Civilian targeting' for political violence with civilians as one side, as ACLED marks it."""
    if disorder and "Political violence" in disorder and CIVILIANS in (record.get("inter1"), record.get("inter2")):
        return "Civilian targeting"
    return None


def rounded(value: float | None) -> float | None:
    return round(value, COORDINATE_DECIMALS) if value is not None else None


def unix_time(value: str | None) -> int | None:
    """Seconds since 1970 of an ISO 8601 time (a time without its zone is UTC, as the store writes them)."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())


def acled_row(record: dict) -> dict:
    """An event record as a row of ACLED's export (typed: numbers stay numbers, unknown is None), followed by
    our own columns."""
    disorder = taxonomy.disorder_type_of(record.get("event_type"), record.get("sub_event_type"))
    country = country_of(record.get("country"))
    event_date = record.get("event_date")
    event_id = record.get("id")
    sources = record.get("sources")
    row = {name: record.get(name) for name in EXPORT_COLUMNS}
    row.update(
        event_id_cnty=f"{country.iso3}{event_id}" if country and event_id is not None else None,
        year=int(str(event_date)[:4]) if event_date else None,
        disorder_type=disorder,
        interaction=interaction(record.get("inter1"), record.get("inter2")),
        civilian_targeting=civilian_targeting(record, disorder),
        iso=country.iso_numeric if country else None,
        region=country.region if country else None,
        latitude=rounded(record.get("latitude")),
        longitude=rounded(record.get("longitude")),
        source="; ".join(sources) if isinstance(sources, list) and sources else record.get("source"),
        fatalities=record.get("fatalities") or 0,
        timestamp=unix_time(record.get("updated_at")),
    )
    return row


def write_acled_csv(records: Iterable[dict], out: TextIO) -> int:
    """ACLED's CSV: `fieldreport export --format acled-csv`, GET /api/export and GET /api/events?format=csv."""
    return write_csv((acled_row(record) for record in records), out, EXPORT_COLUMNS)


def geojson_feature(record: dict) -> dict:
    """A GeoJSON Feature: the point (or no geometry when unplaced), and the record's fields as properties;
    coordinates rounded to COORDINATE_DECIMALS."""
    lon, lat = rounded(record.get("longitude")), rounded(record.get("latitude"))
    geometry = {"type": "Point", "coordinates": [lon, lat]} if None not in (lon, lat) else None
    properties = {**record, "latitude": lat, "longitude": lon}
    return {"type": "Feature", "id": record.get("id"), "geometry": geometry, "properties": properties}


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
    """Parquet with the ACLED CSV's columns, in row groups of `batch` events; lists stay lists, evidence is a JSON
    string."""
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
    ints = {"year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision", "fatalities",
            "timestamp", "id", "mentions", "corroboration", "fatalities_low", "fatalities_best", "fatalities_high"}
    lists = {"cited_sources", "sources"}
    fields = []
    for name in EXPORT_COLUMNS:
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
    """The ACLED CSV's row, typed, with the outlets and cited sources as lists."""
    row = acled_row(record)
    row["sources"] = record.get("sources")
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
    """Write `records` in `fmt` to `out_path` (or stdout); returns how many were written.

    A file is written under a temporary name beside `out_path` and renamed to it once complete, so an
    export that fails (a store error, a full disk, Ctrl-C) leaves no partial file, and an earlier file of
    that name stays as it was."""
    check_export_target(fmt, out_path)
    chosen = export_format(fmt)
    if out_path is None:
        return chosen.write(records, stdout)
    temporary = out_path.with_name(f".{out_path.name}.{secrets.token_hex(4)}.part")
    # os.open with 0o666 rather than tempfile.mkstemp (0o600): the file gets the user's usual permissions.
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") if chosen.binary else \
                os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            count = chosen.write(records, out)
        os.replace(temporary, out_path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return count


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
