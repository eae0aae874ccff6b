"""Merging across reports on real articles: FA-KES (642 Syrian-war articles from SANA, Al-Manar,
Etilaf, Reuters and others, 2011-2016) plus the seed dispatch.

Extracts events from every article into a temporary store (merging runs on save), then prints how
many mentions became how many events and 20 randomly chosen (seeded) merged events with the notes
of each mention, for a person to check by hand. The articles are read from ../shared at run time
and never copied into the project.

    python bench/merge_fakes.py [--csv PATH] [--seed-article PATH] [--sample 20] [--seed 6] [--limit N] [--db FILE]
    python bench/merge_fakes.py --db FILE --reuse --seed 13   # re-merge a kept store with the current code

`--reuse` skips extraction: the mentions stored in FILE by an earlier run are merged again, so a change
to merging alone can be checked in seconds (a change to extraction needs a fresh run).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from fieldreport.export import event_report_lines
from fieldreport.ingest import open_store
from fieldreport.merging.clusters import same_wording
from fieldreport.model import Document, Mention
from fieldreport.pipeline import Extractor
from fieldreport.storage import EventFilter, Store

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_CSV = SHARED / "data" / "fa-kes-dev.csv"
DEFAULT_SEED = SHARED / "seed" / "article.txt"
SEED_PUBLISHED = date(2018, 1, 18)


def fakes_documents(path: Path) -> list[Document]:
    """One Document per FA-KES row; `date` (7/10/2016, or "Sun 10 Jul 2016") is the publication date."""
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        return [Document(text=row["article_content"], id=f"fakes-{row['unit_id']}", outlet=row["source"] or None,
                         title=row["article_title"], published=parse_fakes_date(row["date"]),
                         origin=f"{path.name}:{row['unit_id']}")
                for row in csv.DictReader(handle) if row["article_content"].strip()]


def parse_fakes_date(value: str) -> date | None:
    for layout in ("%m/%d/%Y", "%a %d %b %Y"):
        try:
            return datetime.strptime(value.strip(), layout).date()
        except ValueError:
            continue
    return None


def ingest(store: Store, documents: list[Document]) -> tuple[int, int]:
    extractor = Extractor()
    stored = failed = 0
    for document, events in extractor.extract_many(documents):
        if isinstance(events, Exception):
            failed += 1
            print(f"error: {events}", file=sys.stderr)
        elif store.save(document, events):
            stored += 1
    return stored, failed


def merged_events(store: Store) -> list[dict]:
    return [record for record in store.iter_events(EventFilter()) if record["mentions"] > 1]


def copies_only(store: Store, record: dict) -> bool:
    """Whether every mention of a merged event carries the same wording: one story in several outlets (or
    stored twice), which says nothing about telling different accounts of one event apart."""
    told = [Mention(m["mention_id"], m["document_id"], m["position"], None, {"notes": m["notes"]})
            for m in store.event(record["id"])["mentions"]]
    return all(same_wording(a, b) for i, a in enumerate(told) for b in told[i + 1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--seed-article", type=Path, default=DEFAULT_SEED)
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--limit", type=int, help="Only the first N articles (default: all 642).")
    parser.add_argument("--db", help="Keep the store in this file (default: a temporary one).")
    parser.add_argument("--reuse", action="store_true",
                        help="Do not extract: merge again the mentions an earlier run kept in --db.")
    args = parser.parse_args()
    if args.reuse and not (args.db and Path(args.db).exists()):
        print("--reuse needs --db naming a store an earlier run kept", file=sys.stderr)
        return 1
    missing = [p for p in (args.csv, args.seed_article) if not p.exists()]
    if missing:
        print(f"{', '.join(map(str, missing))} not found: this benchmark needs ../shared (not shipped with the "
              "project)", file=sys.stderr)
        return 1
    documents = fakes_documents(args.csv)[:args.limit]
    documents.append(Document(text=args.seed_article.read_text(encoding="utf-8"), published=SEED_PUBLISHED,
                              outlet="seed", origin=args.seed_article.name))
    with tempfile.TemporaryDirectory() as tmp, open_store(args.db or str(Path(tmp) / "fakes.db")) as store:
        start = time.perf_counter()
        if args.reuse:
            store.remerge()
            print(f"{args.db}: stored mentions merged again in {time.perf_counter() - start:.0f} s")
        else:
            stored, failed = ingest(store, documents)
            print(f"{stored} documents stored ({failed} failed) in {time.perf_counter() - start:.0f} s")
        mentions, events = store.counts()["events"], store.canonical_count()
        merged = merged_events(store)
        copies = sum(copies_only(store, r) for r in merged)
        print(f"{mentions} mentions became {events} events; {len(merged)} events merge "
              f"{sum(r['mentions'] for r in merged)} mentions from 2+ documents "
              f"(largest: {max((r['mentions'] for r in merged), default=0)} mentions); "
              f"{len(merged) - copies} of them join differently worded reports, {copies} only copies of one story")
        for record in random.Random(args.seed).sample(merged, min(args.sample, len(merged))):
            print()
            print("\n".join(event_report_lines(store.event(record["id"]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
