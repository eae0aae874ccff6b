"""Ingest speed: `fieldreport ingest --processes 1` and `--processes 2` against a bare spaCy parse.

Reads articles from a CSV through the CSV reader (default: the FA-KES dev set in ../shared/data) or a
JSON Lines file, then for each process count ingests them into a fresh SQLite store (extraction in the
workers, merging and writing here) and prints articles/s, the scaling against one process, and the
ratio per process to a bare `nlp.pipe` of the same texts with the same model in one process. Model
loading and forking the workers are excluded from the timings.

    python bench/ingest_speed.py [--limit 200] [--input FILE] [--text-column article_content]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import spacy

from fieldreport.documents import CsvColumns, read_documents
from fieldreport.ingest import Ingest, open_store
from fieldreport.model import Document
from fieldreport.nlp import DEFAULT_MODEL
from fieldreport.pipeline import Extractor

ROOT = Path(__file__).resolve().parents[1]
FAKES = ROOT.parent / "shared" / "data" / "fa-kes-dev.csv"


def articles(path: Path, columns: CsvColumns, limit: int) -> list[Document]:
    documents = [item for item in read_documents(path, columns=columns, date_order="MDY")
                 if isinstance(item, Document)]
    return documents[:limit]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the workers count once they have exited)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def ingest_seconds(extractor: Extractor, documents: list[Document], processes: int) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (this process and the workers) and documents stored."""
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "bench.db") as store:
        with Ingest(store, extractor, processes=processes) as ingest:
            start, cpu = time.perf_counter(), cpu_seconds()
            stored = sum(outcome.stored for outcome in ingest.many(documents))
            wall = time.perf_counter() - start
        return wall, cpu_seconds() - cpu, stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", type=Path, default=FAKES)
    parser.add_argument("--text-column", default="article_content")
    parser.add_argument("--id-column", default="unit_id")
    parser.add_argument("--limit", type=int, default=200)
    args = parser.parse_args()
    columns = CsvColumns(args.text_column, args.id_column, "date")
    documents = articles(args.input, columns, args.limit)
    words = sum(len(d.text.split()) for d in documents)
    print(f"articles: {len(documents)} from {args.input.name}, {words:,} words")

    bare = spacy.load(DEFAULT_MODEL)
    start, cpu = time.perf_counter(), cpu_seconds()
    for _ in bare.pipe((d.text for d in documents), batch_size=16):
        pass
    bare_rate, bare_cpu = len(documents) / (time.perf_counter() - start), cpu_seconds() - cpu
    print(f"bare spaCy nlp.pipe, 1 process : {bare_rate:8.2f} articles/s, "
          f"{bare_cpu / len(documents) * 1000:5.0f} ms CPU per article")

    extractor = Extractor()
    rates = {}
    for processes in (1, 2):
        seconds, cpu, stored = ingest_seconds(extractor, documents, processes)
        rates[processes] = len(documents) / seconds
        print(f"ingest --processes {processes}          : {rates[processes]:8.2f} articles/s, "
              f"{cpu / len(documents) * 1000:5.0f} ms CPU per article ({stored} stored; "
              f"{rates[processes] / processes / bare_rate:.2f} of a bare parse per process)")
    print(f"scaling 2 processes / 1         : {rates[2] / rates[1]:8.2f}x")
    print(f"load average (1 min) at the end : {os.getloadavg()[0]:8.2f} (on {os.cpu_count()} CPUs: over that, "
          "the figures measure the other processes too)")


if __name__ == "__main__":
    main()
