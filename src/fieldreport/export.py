"""Writing event records: JSON Lines, ACLED-style CSV, or a table for people."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from rich.console import Console
from rich.table import Table

from fieldreport.model import ACLED_COLUMNS, EXTRA_COLUMNS

TABLE_COLUMNS = ["event_date", "sub_event_type", "actor1", "actor2", "location", "admin1", "fatalities",
                 "modality", "cited_sources"]


def write_jsonl(records: Iterable[dict], out: TextIO) -> None:
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


class CsvWriter:
    """ACLED's columns first; lists joined with '; ' and evidence as JSON in its own column."""

    def __init__(self, out: TextIO) -> None:
        self.writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS + EXTRA_COLUMNS, extrasaction="ignore")
        self.writer.writeheader()

    def write(self, record: dict) -> None:
        row = dict(record)
        row["cited_sources"] = "; ".join(record.get("cited_sources") or [])
        row["evidence"] = json.dumps(record.get("evidence") or [], ensure_ascii=False)
        self.writer.writerow(row)


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
