"""Generality check on real coded reports: the ACLED Syria battle notes in ../shared/data.

Runs the extractor over the first N notes of `acled-syria-battles-dev.csv` (each note one
document, no publication date: ACLED notes carry absolute dates) and prints the share of notes
that yield at least one event, and for the first factual event of each note how often the
sub-event type, admin1, actors and fatalities agree with ACLED's coding. ACLED's rows are read
from ../shared at run time and never copied into the project (ACLED terms of use).

    python bench/acled_notes.py [--limit 500] [--csv PATH]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

from fieldreport.model import Document
from fieldreport.pipeline import Extractor

DEFAULT_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "acled-syria-battles-dev.csv"


def fold(name: str | None) -> str:
    return "".join(c for c in (name or "").lower() if c.isalnum())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=500)
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    args = parser.parse_args()
    if not args.csv.exists():
        print(f"{args.csv} not found: this benchmark needs ../shared/data (not shipped with the project)",
              file=sys.stderr)
        return 1
    with args.csv.open(encoding="utf-8") as handle:
        rows = [row for _, row in zip(range(args.limit), csv.DictReader(handle), strict=False)]
    documents = [Document(text=row["notes"], id=row["event_id_cnty"]) for row in rows]
    extractor = Extractor()
    start = time.perf_counter()
    results = dict((doc.id, events) for doc, events in extractor.extract_many(documents))
    seconds = time.perf_counter() - start
    tally, confusion = Counter(), Counter()
    for row in rows:
        events = [e for e in results.get(row["event_id_cnty"], []) if e.is_factual] or \
            results.get(row["event_id_cnty"], [])
        if not events:
            continue
        tally["with event"] += 1
        first = events[0]
        confusion[(row["sub_event_type"], first.sub_event_type)] += 1
        tally["sub_event_type"] += first.sub_event_type == row["sub_event_type"]
        tally["admin1"] += fold(first.admin1) == fold(row["admin1"])
        wanted = {row["actor1"], row["actor2"]}
        tally["actor1"] += row["actor1"] in {first.actor1, first.actor2}
        tally["actor2"] += row["actor2"] in {first.actor1, first.actor2}
        tally["both actors"] += wanted <= {first.actor1, first.actor2}
        tally["fatalities"] += (first.fatalities or 0) == int(row["fatalities"] or 0)
        tally["date"] += first.event_date == time.strftime("%Y-%m-%d", time.strptime(row["event_date"], "%d %B %Y"))
    n = len(rows)
    print(f"{n} ACLED notes, {seconds:.1f} s ({n / seconds:.1f} notes/s)")
    print(f"notes with at least one event: {tally['with event']}/{n} = {tally['with event'] / n:.1%}")
    for name in ("sub_event_type", "admin1", "actor1", "actor2", "both actors", "fatalities", "date"):
        print(f"{name:>15} agrees with ACLED: {tally[name] / n:.1%} of all notes")
    print("sub-event type, ACLED -> fieldreport (first event):")
    for (gold, got), count in confusion.most_common(12):
        print(f"  {count:5}  {gold} -> {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
