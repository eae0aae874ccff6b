"""A batch run's inputs, read as a stream: JSON Lines line by line and CSV row by row, so a backfill file
of any size is never held in memory (the 20 MB limit applies to each document, not to the file). Other
files (text, HTML) are one document each, read as `extract` reads them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fieldreport.documents import (
    JSONL_SUFFIXES,
    MAX_BYTES,
    document_from_json_line,
    format_megabytes,
    normalise_newlines,
    optional_str,
    parse_published,
    read_documents,
)
from fieldreport.errors import InputError, InputWarning
from fieldreport.model import Document

CSV_SUFFIXES = {".csv"}


@dataclass(frozen=True)
class CsvColumns:
    """Which CSV columns hold a document's text, id and publication date. Without `id` or `date`, a column
    named id (or published, then date) is used when there is one; outlet, title and url are read from
    columns of those names."""

    text: str = "text"
    id: str | None = None
    date: str | None = None


DEFAULT_ID_COLUMNS = ("id",)
DEFAULT_DATE_COLUMNS = ("published", "date")


def input_documents(paths: list[Path], columns: CsvColumns = CsvColumns(), published: date | None = None,
                    outlet: str | None = None, date_order: str | None = None,
                    ) -> Iterator[Document | InputError | InputWarning]:
    """The documents of `paths` in order, with an InputError (yielded, not raised) for each that cannot be
    read. `published` and `outlet` are defaults for documents that do not carry their own."""
    for path in paths:
        suffix = path.suffix.lower()
        if suffix in CSV_SUFFIXES:
            yield from csv_documents(path, columns, published, outlet, date_order)
        elif suffix in JSONL_SUFFIXES:
            yield from json_lines_documents(path, published, outlet, date_order)
        else:
            yield from read_documents(path, published, outlet, date_order)


def json_lines_documents(path: Path, published: date | None, outlet: str | None,
                         date_order: str | None) -> Iterator[Document | InputError | InputWarning]:
    """One document per non-blank line, as `extract` reads a JSON Lines file, but streamed."""
    try:
        with path.open("rb") as lines:
            for number, raw in enumerate(lines, start=1):
                origin = f"{path}:{number}"
                line = decoded_line(origin, raw)
                if isinstance(line, InputError):
                    yield line
                elif line.strip():
                    yield from document_from_json_line(origin, line, published, outlet, date_order)
    except OSError as exc:
        yield InputError(f"{path}: cannot read ({exc.strerror or exc})")


def decoded_line(origin: str, raw: bytes) -> str | InputError:
    if len(raw) > MAX_BYTES:
        return InputError(f"{origin}: {format_megabytes(len(raw))} is over the {format_megabytes(MAX_BYTES)} limit")
    try:
        return raw.decode("utf-8-sig" if origin.endswith(":1") else "utf-8")
    except UnicodeDecodeError as exc:
        return InputError(f"{origin}: not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})")


def csv_documents(path: Path, columns: CsvColumns, published: date | None, outlet: str | None,
                  date_order: str | None) -> Iterator[Document | InputError | InputWarning]:
    """One document per row with a non-empty text column; the file is skipped whole when it lacks a column
    asked for."""
    csv.field_size_limit(2 * MAX_BYTES)
    try:
        with path.open(encoding="utf-8-sig", newline="") as rows:
            reader = csv.DictReader(rows)
            chosen = csv_columns(path, reader.fieldnames or [], columns)
            if isinstance(chosen, InputError):
                yield chosen
                return
            for row in reader:
                yield from document_from_csv_row(f"{path}:{reader.line_num}", row, chosen, published, outlet,
                                                 date_order)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        yield InputError(f"{path}: cannot read as UTF-8 CSV ({exc})")


def csv_columns(path: Path, header: list[str], columns: CsvColumns) -> CsvColumns | InputError:
    """The columns to read, checked against the header: a column asked for must be there."""
    for option, name in (("--text-column", columns.text), ("--id-column", columns.id),
                         ("--date-column", columns.date)):
        if name is not None and name not in header:
            return InputError(f"{path}: no column {name!r} (columns: {', '.join(header)}); choose one with {option}")
    return CsvColumns(columns.text, columns.id or next((n for n in DEFAULT_ID_COLUMNS if n in header), None),
                      columns.date or next((n for n in DEFAULT_DATE_COLUMNS if n in header), None))


def document_from_csv_row(origin: str, row: dict, columns: CsvColumns, published: date | None,
                          outlet: str | None, date_order: str | None) -> Iterator[Document | InputError | InputWarning]:
    text = row.get(columns.text) or ""
    if not text.strip():
        yield InputError(f"{origin}: column {columns.text!r} is empty")
        return
    if len(text) > MAX_BYTES:
        yield InputError(f"{origin}: text is over the {format_megabytes(MAX_BYTES)} limit")
        return
    row_published = published
    written = optional_str(row.get(columns.date)) if columns.date else None
    if written:
        try:
            row_published = parse_published(written, date_order)
        except ValueError as exc:
            yield InputWarning(f"{origin}: {exc}; read without it" if published is None
                               else f"{origin}: {exc}; read as published {published}")
    yield Document(
        text=normalise_newlines(text),
        id=(optional_str(row.get(columns.id)) or "") if columns.id else "",
        published=row_published,
        outlet=optional_str(row.get("outlet")) or outlet,
        title=optional_str(row.get("title")),
        url=optional_str(row.get("url")),
        origin=origin,
    )
