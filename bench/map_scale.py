"""How long the map page takes to draw a large store, in Debian's headless Chromium.

    python bench/map_scale.py STORE [--fill 100000] [--runs 3]

STORE is a SQLite file or a PostgreSQL URL, topped up with synthetic events as bench/api_latency.py
does. `fieldreport serve` runs on 127.0.0.1; each run opens the page afresh and times, from
navigation, until the map has drawn its first view (grid cells or events) and until the timeline is
drawn. Prints the times in seconds, the mode and how many cells or markers were on the map.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time

import httpx
from api_latency import fill, free_port

CHROMIUM = "/usr/bin/chromium"
DRAWN = "document.getElementById('status').dataset.mode && !('busy' in document.getElementById('status').dataset)"
TIMELINE = "document.querySelectorAll('#timeline .bar').length > 0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--fill", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"store: {fill(args.store, args.fill, random.Random(7)):,} events")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "fieldreport", "serve", "--db", args.store, "--host",
                               "127.0.0.1", "--port", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(url)
        first_paint, timeline = time_page(url, args.runs)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"first view drawn: median {statistics.median(first_paint):.2f} s (runs: "
          f"{', '.join(f'{t:.2f}' for t in first_paint)})")
    print(f"timeline drawn:   median {statistics.median(timeline):.2f} s")


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}api/events?limit=1", timeout=2).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit(f"fieldreport serve did not answer on {url}")


def time_page(url: str, runs: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    first_paint, timeline = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            began = time.perf_counter()
            page.goto(url)
            page.wait_for_function(DRAWN, timeout=60_000)
            first_paint.append(time.perf_counter() - began)
            page.wait_for_function(TIMELINE, timeout=60_000)
            timeline.append(time.perf_counter() - began)
            status = page.locator("#status")
            print(f"  {status.get_attribute('data-mode')}: {page.locator('.cell-marker, path.event-marker').count()}"
                  f" on the map; {status.inner_text()}")
            page.close()
        browser.close()
    return first_paint, timeline


if __name__ == "__main__":
    main()
