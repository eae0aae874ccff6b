"""Latency of `GET /api/events?bbox=...&start=...&end=...` over a filled store.

    python bench/api_latency.py STORE [--fill N] [--requests 200] [--transport uvicorn|asgi]

STORE is a SQLite file or a PostgreSQL URL. `--fill N` first tops the store up to N synthetic
canonical events (random points over Syria, 2011-2024) with Store.bulk_insert_canonical. The app
runs behind a real uvicorn on 127.0.0.1 (default) or in-process through httpx's ASGI transport;
requests go one at a time, each a random ~1 x 1 degree box and 90-day window, and the script
prints p50/p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from fieldreport.api import create_app
from fieldreport.ingest import open_store
from fieldreport.storage import Store
from fieldreport.storage.schema import canonical_table

SYRIA = (35.7, 32.3, 42.4, 37.3)  # min_lon, min_lat, max_lon, max_lat
FIRST_DAY, LAST_DAY = date(2011, 3, 15), date(2024, 12, 31)
EVENT_TYPES = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
               ("Explosions/Remote violence", "Air/drone strike"), ("Violence against civilians", "Attack"),
               ("Strategic developments", "Other"), ("Protests", "Peaceful protest")]
ADMIN1 = ["Aleppo", "Idleb", "Hama", "Homs", "Rural Damascus", "Dara", "Deir ez Zor", "Ar Raqqa"]
ACTORS = ["Military Forces of Syria (2000-)", "HTS: Hayat Tahrir al Sham", "QSD: Syrian Democratic Forces",
          "Military Forces of Turkey (2016-)", "Military Forces of Russia (2000-)"]
BATCH = 10_000
SYNTHETIC_IDS = 1_000_000_000


def synthetic_rows(first_id: int, count: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    """Canonical event rows for Store.bulk_insert_canonical, uniformly over Syria and the war's years."""
    days = (LAST_DAY - FIRST_DAY).days
    for event_id in range(first_id, first_id + count):
        event_type, sub_event_type = rng.choice(EVENT_TYPES)
        fatalities = rng.choice([0, 0, 0, 1, 2, 5, 12])
        notes = f"Synthetic {sub_event_type.lower()} number {event_id}."
        yield {
            "id": event_id, "document_id": None,
            "event_date": FIRST_DAY + timedelta(days=rng.randrange(days)), "time_precision": 1,
            "event_type": event_type, "sub_event_type": sub_event_type,
            "actor1": rng.choice(ACTORS), "actor2": rng.choice(ACTORS), "country": "Syria",
            "admin1": rng.choice(ADMIN1), "location": f"Place {event_id % 5000}",
            "latitude": round(rng.uniform(SYRIA[1], SYRIA[3]), 5),
            "longitude": round(rng.uniform(SYRIA[0], SYRIA[2]), 5), "geo_precision": 1,
            "fatalities": fatalities, "fatalities_low": fatalities, "fatalities_best": fatalities,
            "fatalities_high": fatalities, "source": "Synthetic", "notes": notes, "modality": "occurred",
            "cited_sources": "[]", "n_mentions": 1, "corroboration": 1, "sources": '["Synthetic"]',
            "explanation": "[]", "search_text": notes,
        }


def fill(store_url: str, wanted: int, rng: random.Random) -> int:
    """Top the store up to `wanted` canonical events; returns how many it holds."""
    with open_store(store_url) as store:
        have = store.canonical_count()
        rows = synthetic_rows(next_free_id(store), max(0, wanted - have), rng)
        while batch := [row for _, row in zip(range(BATCH), rows, strict=False)]:
            store.bulk_insert_canonical(batch)
        return store.canonical_count()


def next_free_id(store: Store) -> int:
    """Synthetic ids start at SYNTHETIC_IDS: a canonical id is its anchor mention's id, and the
    mentions a later ingest adds must not collide with them."""
    with store.engine.connect() as conn:
        highest = conn.execute(select(func.max(canonical_table.c.id))).scalar_one() or 0
    return max(highest + 1, SYNTHETIC_IDS)


def query_params(rng: random.Random) -> dict[str, str]:
    """A random ~1 x 1 degree box inside Syria and a 90-day window."""
    lon = rng.uniform(SYRIA[0], SYRIA[2] - 1)
    lat = rng.uniform(SYRIA[1], SYRIA[3] - 1)
    start = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days - 90))
    return {"bbox": f"{lon:.3f},{lat:.3f},{lon + 1:.3f},{lat + 1:.3f}", "start": start.isoformat(),
            "end": (start + timedelta(days=90)).isoformat(), "limit": "100"}


async def timed_requests(client: httpx.AsyncClient, n: int, rng: random.Random) -> tuple[list[float], list[int]]:
    """Milliseconds per request and the matching totals, requests sent one after another."""
    times, totals = [], []
    for _ in range(n):
        params = query_params(rng)
        began = time.perf_counter()
        response = await client.get("/api/events", params=params)
        times.append((time.perf_counter() - began) * 1000)
        response.raise_for_status()
        totals.append(response.json()["total"])
    return times, totals


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_over_uvicorn(store_url: str, n: int, rng: random.Random) -> tuple[list[float], list[int]]:
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(store_url), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        return asyncio.run(over_http(f"http://127.0.0.1:{port}", n, rng))
    finally:
        server.should_exit = True
        thread.join(timeout=10)


async def over_http(base_url: str, n: int, rng: random.Random) -> tuple[list[float], list[int]]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        await client.get("/api/events", params={"limit": "1"})  # warm up the connection and the pool
        return await timed_requests(client, n, rng)


async def over_asgi(store_url: str, n: int, rng: random.Random) -> tuple[list[float], list[int]]:
    transport = httpx.ASGITransport(app=create_app(store_url))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=30) as client:
        await client.get("/api/events", params={"limit": "1"})
        return await timed_requests(client, n, rng)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", help="SQLite file or PostgreSQL URL")
    parser.add_argument("--fill", type=int, default=0, help="top the store up to N synthetic events first")
    parser.add_argument("--requests", type=int, default=200, choices=range(1, 10_001), metavar="1..10000")
    parser.add_argument("--transport", choices=["uvicorn", "asgi"], default="uvicorn")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    if args.fill:
        began = time.perf_counter()
        held = fill(args.store, args.fill, rng)
        print(f"store holds {held:,} canonical events (filled in {time.perf_counter() - began:.0f} s)",
              file=sys.stderr)
    if args.transport == "uvicorn":
        times, totals = run_over_uvicorn(args.store, args.requests, rng)
    else:
        times, totals = asyncio.run(over_asgi(args.store, args.requests, rng))
    print(f"{len(times)} GET /api/events?bbox&start&end via {args.transport}: "
          f"p50 {percentile(times, 0.5):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
          f"max {max(times):.1f} ms; median match count {statistics.median(totals):.0f}")


if __name__ == "__main__":
    main()
