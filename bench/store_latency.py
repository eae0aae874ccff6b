"""Query latency of the event store at scale: bbox + 30-day filters over synthetic merged events.

Generates N synthetic canonical events (default 1,000,000: random points in Syria's bounding box,
dates 2011-2023) with bulk inserts into a temporary SQLite file and, when FIELDREPORT_TEST_PG is
set (a PostgreSQL admin URL, as for the tests), into a fresh PostgreSQL database; then times 200
`Store.query_events` calls with a random bbox (0.2-1.5 degrees a side) and a 30-day window and
prints p50/p95 in ms. No data is read from ../shared.

    python bench/store_latency.py [--events 1000000] [--queries 200] [--seed 6]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from stores import PG_ENV, fresh_postgres_database  # noqa: E402

from fieldreport.ingest import open_store  # noqa: E402
from fieldreport.storage import EventFilter, Store  # noqa: E402

SYRIA = (35.7, 32.3, 42.4, 37.3)  # min_lon, min_lat, max_lon, max_lat
FIRST, LAST = date(2011, 1, 1), date(2023, 12, 31)
SUBTYPES = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
            ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
            ("Violence against civilians", "Attack"), ("Battles", "Government regains territory")]
ADMIN1 = ["Idleb", "Aleppo", "Hama", "Homs", "Rural Damascus", "Deir ez Zor", "Raqqa", "Daraa"]
BATCH = 50_000


def synthetic_events(count: int, rng: random.Random) -> Iterator[dict]:
    span = (LAST - FIRST).days
    for event_id in range(1, count + 1):
        event_type, sub_event_type = rng.choice(SUBTYPES)
        fatalities = rng.choice([None, 0, 1, 2, 5, 12])
        yield {
            "id": event_id, "event_date": FIRST + timedelta(days=rng.randrange(span + 1)), "time_precision": 1,
            "event_type": event_type, "sub_event_type": sub_event_type,
            "actor1": "Military Forces of Syria (2000-)", "actor2": "Opposition Rebels (Syria)",
            "country": "Syria", "admin1": rng.choice(ADMIN1), "location": f"place {event_id % 5000}",
            "latitude": round(rng.uniform(SYRIA[1], SYRIA[3]), 5),
            "longitude": round(rng.uniform(SYRIA[0], SYRIA[2]), 5), "geo_precision": 1,
            "fatalities": fatalities, "fatalities_low": fatalities, "fatalities_best": fatalities,
            "fatalities_high": fatalities, "notes": "", "modality": "occurred", "cited_sources": "[]",
            "n_mentions": 1, "corroboration": 1, "sources": "[]", "explanation": "[]", "search_text": "",
        }


def load(store: Store, count: int, seed: int) -> float:
    start = time.perf_counter()
    batch: list[dict] = []
    for row in synthetic_events(count, random.Random(seed)):
        batch.append(row)
        if len(batch) == BATCH:
            store.bulk_insert_canonical(batch)
            batch = []
    if batch:
        store.bulk_insert_canonical(batch)
    with store.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return time.perf_counter() - start


def random_filter(rng: random.Random) -> EventFilter:
    width, height = rng.uniform(0.2, 1.5), rng.uniform(0.2, 1.5)
    min_lon, min_lat = rng.uniform(SYRIA[0], SYRIA[2] - width), rng.uniform(SYRIA[1], SYRIA[3] - height)
    start = FIRST + timedelta(days=rng.randrange((LAST - FIRST).days - 30))
    return EventFilter(start=start, end=start + timedelta(days=29),
                       bbox=(min_lon, min_lat, min_lon + width, min_lat + height))


def time_queries(store: Store, queries: int, seed: int) -> tuple[float, float, float]:
    rng = random.Random(seed + 1)
    timings, matched = [], []
    store.query_events(random_filter(rng))  # warm the connection pool
    for _ in range(queries):
        filters = random_filter(rng)
        start = time.perf_counter()
        _, total = store.query_events(filters, limit=100)
        timings.append((time.perf_counter() - start) * 1000)
        matched.append(total)
    cuts = statistics.quantiles(timings, n=100)
    return cuts[49], cuts[94], statistics.mean(matched)


def bench(name: str, url: str, args: argparse.Namespace) -> None:
    with open_store(url) as store:
        seconds = load(store, args.events, args.seed)
        print(f"{name}: loaded {store.canonical_count():,} events in {seconds:.1f} s", flush=True)
        p50, p95, matched = time_queries(store, args.queries, args.seed)
    print(f"{name}: {args.queries} query_events(bbox + 30 days, limit 100): p50 {p50:.1f} ms, p95 {p95:.1f} ms "
          f"(mean {matched:.0f} matching events)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench("sqlite", str(Path(tmp) / "latency.db"), args)
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        print(f"postgresql: skipped ({PG_ENV} is not set)")
        return 0
    for url in fresh_postgres_database(admin_url):
        bench("postgresql", url, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
