"""Peak memory of extracting one long document: 250 KB, 1 MB and 5 MB of text.

Each text is FA-KES article texts from ../shared/data/fa-kes-dev.csv joined by blank lines, repeated
until it reaches the size. Each size runs in a fresh process, so every peak is that document's alone;
the printed peak RSS includes the loaded model and gazetteer (printed too, as "loaded"). CPU seconds are
printed beside the wall clock, which on a shared machine depends on its other load.
Target (issue 14): under 1 GB for any document the reader accepts (its limit is 20 MB).

The data is read from ../shared at run time and never copied into the project (it is not shipped).

    python bench/memory.py [--sizes 250K 1M 5M] [--events-to DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

FAKES = Path(__file__).resolve().parents[2] / "shared" / "data" / "fa-kes-dev.csv"
UNITS = {"K": 1_000, "M": 1_000_000}


def size_of(label: str) -> int:
    label = label.strip().upper()
    return int(float(label[:-1]) * UNITS[label[-1]]) if label[-1] in UNITS else int(label)


def long_text(characters: int) -> str:
    """FA-KES article texts joined by blank lines, repeated, cut at `characters` (at a paragraph end)."""
    csv.field_size_limit(sys.maxsize)
    with FAKES.open(encoding="utf-8", newline="") as handle:
        articles = [row["article_content"].strip() for row in csv.DictReader(handle)]
    articles = [text for text in articles if text]
    parts, length, i = [], 0, 0
    while length < characters:
        text = articles[i % len(articles)]
        parts.append(text)
        length += len(text) + 2
        i += 1
    return "\n\n".join(parts)[:characters]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_one(label: str, events_to: Path | None) -> dict:
    """Extract one document of size `label` in this process; the figures as a dict."""
    from fieldreport.model import Document
    from fieldreport.pipeline import Extractor

    text = long_text(size_of(label))
    extractor = Extractor(time_limit=None)  # a 5 MB text takes longer than the default limit
    extractor.extract(Document(text="Regime forces shelled Harasta on Tuesday.", id="warm-up"))
    loaded = peak_mb()
    start, cpu_start = time.perf_counter(), time.process_time()
    events = extractor.extract(Document(text=text, id=f"memory-{label}"))
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    if events_to is not None:
        with (events_to / f"events-{label}.jsonl").open("w", encoding="utf-8") as out:
            for event in events:
                out.write(json.dumps(event.as_record(), ensure_ascii=False, sort_keys=True) + "\n")
    return {"size": label, "characters": len(text), "events": len(events), "seconds": round(seconds, 1),
            "cpu_seconds": round(cpu_seconds, 1), "loaded_mb": round(loaded), "peak_mb": round(peak_mb())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", default=["250K", "1M", "5M"])
    parser.add_argument("--events-to", type=Path, help="write each size's events here (to compare two versions)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not FAKES.exists():
        sys.exit(f"{FAKES} not found: this benchmark needs ../shared/data (not shipped with the project)")
    if args.one:
        print(json.dumps(measure_one(args.one, args.events_to)))
        return
    print(f"{'size':>6} {'characters':>11} {'events':>7} {'seconds':>8} {'CPU s':>7} {'loaded MB':>10} "
          f"{'peak RSS MB':>12}")
    for label in args.sizes:
        command = [sys.executable, __file__, "--one", label]
        if args.events_to:
            command += ["--events-to", str(args.events_to)]
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        if run.returncode != 0:
            print(f"{label:>6} failed (exit {run.returncode}): {run.stderr.strip().splitlines()[-1:]}")
            continue
        row = json.loads(run.stdout.strip().splitlines()[-1])
        print(f"{row['size']:>6} {row['characters']:>11,} {row['events']:>7,} {row['seconds']:>8} "
              f"{row['cpu_seconds']:>7} {row['loaded_mb']:>10,} {row['peak_mb']:>12,}", flush=True)


if __name__ == "__main__":
    main()
