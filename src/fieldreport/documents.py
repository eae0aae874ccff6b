"""Reading input files into Documents: plain text, JSON Lines, CSV with a text column and HTML pages.

`read_documents` yields an InputError (it does not raise it) for each file or line it cannot read,
so one bad line never stops the others; the caller decides whether to report and carry on.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import dateparser
import trafilatura

from fieldreport.errors import InputError, InputWarning
from fieldreport.model import Document

DATE_ORDERS = ("DMY", "MDY", "YMD")
MAX_BYTES = 20 * 1024 * 1024  # documented limit; larger files are skipped with an error

JSONL_SUFFIXES = {".jsonl", ".ndjson"}
HTML_SUFFIXES = {".html", ".htm"}
CSV_SUFFIXES = {".csv"}
TEXT_SUFFIXES = {".txt", ".text"}
# The files a folder given as input is read for (others, such as images or notes, are left alone).
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES
HTML_STARTS = ("<!doctype html", "<html")
SNIFF_BYTES = 8192
MAX_CONTROL_SHARE = 0.10
MAX_NON_ASCII_SHARE_CP1252 = 0.30
TEXT_CONTROLS = set("\t\n\r\f\v")
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class CsvColumns:
    """Which CSV columns hold a document's text, id and publication date. Without `id` or `date`, a column
    named id (or published, then date) is used when there is one."""

    text: str = "text"
    id: str | None = None
    date: str | None = None


DEFAULT_ID_COLUMNS = ("id",)
DEFAULT_DATE_COLUMNS = ("published", "date")


def read_documents(
    path: Path, published: date | None = None, outlet: str | None = None, date_order: str | None = None,
    columns: CsvColumns | None = None,
) -> Iterator[Document | InputError | InputWarning]:
    """Yield one Document per readable document in `path`, or an InputError per unreadable one.

    `published` and `outlet` are defaults for documents that do not carry their own. A document whose
    own publication date does not parse is still read, with the default date, after an InputWarning.
    A .csv file is read row by row, a .jsonl (or .ndjson) file line by line (no size limit for the file,
    MAX_BYTES for one text).
    """
    path = Path(path)
    if path.suffix.lower() in CSV_SUFFIXES and path.is_file():
        yield from documents_from_csv(path, columns or CsvColumns(), published, outlet, date_order)
        return
    if path.suffix.lower() in JSONL_SUFFIXES and path.is_file() and stream_encoding(path) != "utf-16":
        yield from documents_from_json_lines_file(path, published, outlet, date_order)
        return
    text = read_text(path)
    if isinstance(text, InputError):
        yield text
        return
    if is_json_lines(path, text):
        yield from documents_from_json_lines(path, text, published, outlet, date_order)
    elif is_html(path, text):
        yield document_from_html(path, text, published, outlet)
    else:
        yield Document(text=text, published=published, outlet=outlet, origin=str(path))


def parse_published(value: str, date_order: str | None = None) -> date:
    """The date of a publication date as outlets write it: ISO first (2018-01-18, a full ISO datetime),
    else any form dateparser reads with a day, a month and a year ("7:58 AM ET, Sat January 3, 2015",
    "17.05.2017"). Numeric forms such as 7/10/2016 follow `date_order` (DMY, MDY or YMD; dateparser's
    default reads the month first). ValueError for anything else, "yesterday" included."""
    cleaned = str(value).strip()
    for parse in (date.fromisoformat, lambda text: datetime.fromisoformat(text).date()):
        try:
            return parse(cleaned)
        except ValueError:
            pass
    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False}
    if date_order:
        settings["DATE_ORDER"] = checked_date_order(date_order)
    has_year = re.search(r"\b\d{4}\b", cleaned)  # never 'yesterday' or 'Monday': relative to when?
    parsed = dateparser.parse(cleaned, settings=settings) if has_year else None
    if parsed is None:
        raise ValueError(f"published date {value!r} does not parse (want a day, month and year, "
                         "such as 2018-01-18)")
    return parsed.date()


def checked_date_order(value: str) -> str:
    order = value.strip().upper()
    if order not in DATE_ORDERS:
        raise ValueError(f"date order {value!r} is not one of {', '.join(DATE_ORDERS)}")
    return order


def read_text(path: Path) -> str | InputError:
    """The decoded, newline-normalised text of a file, or the InputError saying why there is none."""
    if not path.exists():
        return InputError(f"{path}: no such file")
    if path.is_dir():
        return InputError(f"{path}: is a directory, not a file")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            limit = format_megabytes(MAX_BYTES)
            return InputError(f"{path}: {format_megabytes(size)} is over the {limit} limit")
        data = path.read_bytes()
    except OSError as exc:
        return InputError(f"{path}: cannot read ({exc.strerror or exc})")
    text = decode_bytes(path, data)
    if isinstance(text, InputError):
        return text
    if not text.strip():
        return InputError(f"{path}: file is empty")
    return normalise_newlines(text)


def format_megabytes(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.0f} MB" if megabytes.is_integer() else f"{megabytes:.1f} MB"


def decode_bytes(path: Path, data: bytes) -> str | InputError:
    """Decode as UTF-8 (BOM stripped), UTF-16 when it has a BOM, or cp1252 when that is clearly text."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            return InputError(f"{path}: has a UTF-16 byte order mark but is not valid UTF-16 ({exc.reason})")
    if b"\x00" in data[:SNIFF_BYTES]:
        return InputError(f"{path}: looks binary (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        return decode_cp1252_fallback(path, data, utf8_error)
    if control_share(text) > MAX_CONTROL_SHARE:
        return InputError(f"{path}: looks binary (many control characters), not text")
    return text


def decode_cp1252_fallback(path: Path, data: bytes, utf8_error: UnicodeDecodeError) -> str | InputError:
    """Accept a Windows-1252 file, which many newsroom and Office exports still are.

    This is the one place we guess an encoding. It is accepted only when every byte is defined in
    cp1252 and the result reads like Western text (few control characters, mostly ASCII), so a file
    in another legacy encoding is refused rather than silently turned into mojibake.
    """
    bad_byte = data[utf8_error.start]
    not_utf8 = f"{path}: not UTF-8 (byte 0x{bad_byte:02x} at offset {utf8_error.start})"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return InputError(f"{not_utf8}; not Windows-1252 either; re-save it as UTF-8")
    if control_share(text) > MAX_CONTROL_SHARE or non_ascii_share(text) > MAX_NON_ASCII_SHARE_CP1252:
        return InputError(f"{not_utf8}; does not look like Windows-1252 text either; re-save it as UTF-8")
    return text


def control_share(text: str) -> float:
    """The share of control characters (other than tabs and line breaks) in the start of `text`."""
    sample = text[:SNIFF_BYTES]
    if not sample:
        return 0.0
    controls = sum(1 for char in sample if char not in TEXT_CONTROLS and unicodedata.category(char) == "Cc")
    return controls / len(sample)


def non_ascii_share(text: str) -> float:
    sample = text[:SNIFF_BYTES]
    if not sample:
        return 0.0
    return sum(1 for char in sample if ord(char) > 127) / len(sample)


def normalise_newlines(text: str) -> str:
    """Turn \\r\\n and lone \\r into \\n and change nothing else, so offsets match what the user sees."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_json_lines(path: Path, text: str) -> bool:
    return path.suffix.lower() in JSONL_SUFFIXES or text.lstrip().startswith("{")


def is_html(path: Path, text: str) -> bool:
    return path.suffix.lower() in HTML_SUFFIXES or text.lstrip()[:20].lower().startswith(HTML_STARTS)


def documents_from_json_lines(
    path: Path, text: str, published: date | None, outlet: str | None, date_order: str | None = None
) -> Iterator[Document | InputError | InputWarning]:
    """One Document (or InputError) per non-blank line of `{"id", "text", "published", "outlet", ...}`,
    after an InputWarning when the line's own date does not parse."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield from document_from_json_line(f"{path}:{number}", line, published, outlet, date_order)


def documents_from_json_lines_file(
    path: Path, published: date | None, outlet: str | None, date_order: str | None = None
) -> Iterator[Document | InputError | InputWarning]:
    """`documents_from_json_lines` streamed from a file, as `stream_encoding` judges it (not UTF-16): each line
    is read, decoded and given up in turn, and one that does not decode or is over MAX_BYTES is skipped with
    an InputError naming it while the others are read."""
    encoding = stream_encoding(path)
    if isinstance(encoding, InputError):
        yield encoding
        return
    number = 0
    try:
        with path.open("rb") as file:
            for raw in file:
                if len(raw) > MAX_BYTES:
                    number += 1
                    yield InputError(f"{path}:{number}: {format_megabytes(len(raw))} is over the "
                                     f"{format_megabytes(MAX_BYTES)} limit")
                    continue
                try:
                    text = raw.decode(encoding)
                except UnicodeDecodeError as exc:
                    number += 1
                    yield InputError(f"{path}:{number}: not {encoding.removesuffix('-sig').upper()} "
                                     f"(byte 0x{raw[exc.start]:02x} at offset {exc.start})")
                    continue
                for line in normalise_newlines(text).removesuffix("\n").split("\n"):  # a lone \r ends a line too
                    number += 1
                    if line.strip():
                        yield from document_from_json_line(f"{path}:{number}", line, published, outlet, date_order)
    except OSError as exc:
        yield InputError(f"{path}: cannot read ({exc.strerror or exc})")


def documents_from_csv(
    path: Path, columns: CsvColumns, published: date | None, outlet: str | None, date_order: str | None = None
) -> Iterator[Document | InputError | InputWarning]:
    """One Document (or InputError) per row of a CSV file with a header row, read as it streams past; a
    malformed row or a byte that does not decode stops the file there with an InputError naming the line."""
    encoding = stream_encoding(path)
    if isinstance(encoding, InputError):
        yield encoding
        return
    csv.field_size_limit(2 * MAX_BYTES)  # the default (128 KB) is shorter than many articles; rows over
    line = 1                             # MAX_BYTES are refused one by one below
    try:
        with path.open(encoding=encoding, newline="") as file:
            reader = csv.DictReader(file, strict=True)  # a stray quote is an error, not a merged row
            chosen = csv_columns(path, reader.fieldnames, columns)
            if isinstance(chosen, InputError):
                yield chosen
                return
            line = reader.line_num + 1
            for row in reader:
                yield from document_from_csv_row(f"{path}:{line}", row, chosen, published, outlet, date_order)
                line = reader.line_num + 1
    except UnicodeDecodeError as exc:
        name = encoding.removesuffix("-sig").upper()
        yield InputError(f"{path}:{line}: not {name} ({exc.reason}); the rest of the file is not read")
    except csv.Error as exc:
        yield InputError(f"{path}:{line}: malformed CSV ({exc}); the rest of the file is not read")
    except OSError as exc:
        yield InputError(f"{path}: cannot read ({exc.strerror or exc})")


def stream_encoding(path: Path) -> str | InputError:
    """The encoding to read a CSV or JSON Lines file with, judged from its start as `decode_bytes` judges a
    whole file."""
    try:
        with path.open("rb") as file:
            head = file.read(SNIFF_BYTES)
    except OSError as exc:
        return InputError(f"{path}: cannot read ({exc.strerror or exc})")
    if not head.strip():
        return InputError(f"{path}: file is empty")
    if head.startswith(UTF16_BOMS):
        return "utf-16"
    if b"\x00" in head:
        return InputError(f"{path}: looks binary (NUL bytes), not text")
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":  # a character cut by the sniff's end
            return "utf-8-sig"
        fallback = decode_cp1252_fallback(path, head, exc)
        return fallback if isinstance(fallback, InputError) else "cp1252"
    return "utf-8-sig"


@dataclass(frozen=True)
class ChosenColumns:
    text: str
    id: str | None
    date: str | None


def csv_columns(path: Path, header: list[str] | None, columns: CsvColumns) -> ChosenColumns | InputError:
    """The columns to read, checked against the header: a column asked for must be there."""
    if not header:
        return InputError(f"{path}: no header row (want one naming the columns, with a '{columns.text}' column)")
    for option, name in (("--text-column", columns.text), ("--id-column", columns.id),
                         ("--date-column", columns.date)):
        if name is not None and name not in header:
            return InputError(f"{path}: no column {name!r} (columns: {', '.join(header)}); choose one with {option}")
    id_column = columns.id or next((name for name in DEFAULT_ID_COLUMNS if name in header), None)
    date_column = columns.date or next((name for name in DEFAULT_DATE_COLUMNS if name in header), None)
    return ChosenColumns(columns.text, id_column, date_column)


def document_from_csv_row(
    origin: str, row: dict, columns: ChosenColumns, published: date | None, outlet: str | None,
    date_order: str | None,
) -> Iterator[Document | InputError | InputWarning]:
    text = row.get(columns.text)
    if not isinstance(text, str) or not text.strip():
        yield InputError(f"{origin}: column {columns.text!r} is missing or empty")
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


def input_files(path: Path) -> list[Path]:
    """The document files of a folder (DOCUMENT_SUFFIXES, hidden ones left out, in name order), or `path`."""
    if not path.is_dir():
        return [path]
    return sorted(file for file in path.rglob("*") if file.is_file() and file.suffix.lower() in DOCUMENT_SUFFIXES
                  and not any(part.startswith(".") for part in file.relative_to(path).parts))


def count_documents(path: Path, columns: CsvColumns | None = None) -> int:
    """How many documents `read_documents` will give for `path` (each error counts as one), read cheaply:
    rows of a CSV, non-blank lines of JSON Lines, else 1. For a progress display."""
    try:
        if path.suffix.lower() in CSV_SUFFIXES:
            encoding = stream_encoding(path)
            if isinstance(encoding, InputError):
                return 1
            csv.field_size_limit(2 * MAX_BYTES)
            with path.open(encoding=encoding, newline="", errors="replace") as file:
                return max(sum(1 for _ in csv.reader(file)) - 1, 1)
        with path.open("rb") as file:
            head = file.read(SNIFF_BYTES)
            if not (path.suffix.lower() in JSONL_SUFFIXES or head.lstrip().startswith(b"{")):
                return 1
            file.seek(0)
            return max(sum(1 for line in file if line.strip()), 1)
    except (OSError, csv.Error):
        return 1


def document_from_json_line(
    origin: str, line: str, published: date | None, outlet: str | None, date_order: str | None = None
) -> Iterator[Document | InputError | InputWarning]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        yield InputError(f"{origin}: not valid JSON ({exc.msg})")
        return
    if not isinstance(record, dict):
        yield InputError(f"{origin}: not a JSON object")
        return
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        yield InputError(f"{origin}: 'text' is missing or empty (want a non-empty string)")
        return
    line_published = published
    if record.get("published") not in (None, ""):
        try:
            line_published = parse_published(str(record["published"]), date_order)
        except ValueError as exc:
            yield InputWarning(f"{origin}: {exc}; read without it" if published is None
                               else f"{origin}: {exc}; read as published {published}")
    yield Document(
        text=normalise_newlines(text),
        id=optional_str(record.get("id")) or "",
        published=line_published,
        outlet=optional_str(record.get("outlet")) or outlet,
        title=optional_str(record.get("title")),
        url=optional_str(record.get("url")),
        origin=origin,
    )


def optional_str(value: object) -> str | None:
    """`value` as a string, or None when it is missing or blank."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def document_from_html(
    path: Path | str, html: str, published: date | None, outlet: str | None, url: str | None = None
) -> Document | InputError:
    """The page's main text via trafilatura; the page's date is used when no `published` was given.
    `path` is the file (or address) the page came from, `url` its address when it was fetched."""
    extracted = trafilatura.extract(html, url=url, output_format="json", with_metadata=True)
    page = json.loads(extracted) if extracted else {}
    text = page.get("text") or ""
    if not text.strip():
        return InputError(f"{path}: no article text found in the HTML")
    return Document(
        text=normalise_newlines(text),
        published=published or page_date(page),
        outlet=outlet or optional_str(page.get("source-hostname")),
        title=optional_str(page.get("title")),
        url=url or optional_str(page.get("source")),
        origin=str(path),
    )


def page_date(page: dict) -> date | None:
    """The publication date trafilatura found in the page (not `filedate`, which is today)."""
    try:
        return parse_published(page["date"]) if page.get("date") else None
    except ValueError:
        return None
