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


def ingest_seconds(extractor: Extractor, documents: list[Document], processes: int) -> tuple[float, int]:
    with (tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "bench.db") as store,
          Ingest(store, extractor, processes=processes) as ingest):
        start = time.perf_counter()
        stored = sum(outcome.stored for outcome in ingest.many(documents))
        return time.perf_counter() - start, stored


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
    start = time.perf_counter()
    for _ in bare.pipe((d.text for d in documents), batch_size=16):
        pass
    bare_rate = len(documents) / (time.perf_counter() - start)
    print(f"bare spaCy nlp.pipe, 1 process : {bare_rate:8.2f} articles/s")

    extractor = Extractor()
    rates = {}
    for processes in (1, 2):
        seconds, stored = ingest_seconds(extractor, documents, processes)
        rates[processes] = len(documents) / seconds
        print(f"ingest --processes {processes}          : {rates[processes]:8.2f} articles/s "
              f"({stored} stored; {rates[processes] / processes / bare_rate:.2f} of a bare parse per process)")
    print(f"scaling 2 processes / 1         : {rates[2] / rates[1]:8.2f}x")


if __name__ == "__main__":
    main()
