"""The API under load, side by side with datasette serving the same SQLite table.

    python bench/api_load.py STORE [--fill 100000] [--clients 50] [--seconds 60] [--posts 20] [--workers 1]
                             [--pages 1] [--no-datasette]

STORE is a SQLite file, topped up with synthetic events as bench/api_latency.py does. Then:

1. `fieldreport serve --workers N` on 127.0.0.1; wrk (Debian package `wrk`) keeps `--clients`
   connections asking for a 100-event page (`GET /api/events?limit=100`, newest first) for
   `--seconds`, while `--posts` articles from ../shared/articles are POSTed one after another (each
   runs the real extractor). With `--pages N`, each request asks for one of the first N pages at random
   (`&offset=`), so that most answers are not the one the server kept from the request before.
2. datasette (`pip install datasette`) serving the same file, the same load on the equivalent
   query (`/DB/canonical_events.json?_size=100&_sort_desc=event_date&_shape=objects`, with the
   facet suggestions turned off and the row count kept, as ours counts), with no POSTs.

Prints requests/s, errors and p50/p95/p99 in milliseconds for each, and the POSTs' outcome.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from api_latency import fill, free_port

ARTICLES = Path(__file__).resolve().parents[1].parent / "shared" / "articles" / "articles.jsonl"
TOKEN = "bench-token"
WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format('{"requests": %d, "seconds": %.3f, "errors": %d, "p50": %.1f, "p95": %.1f, "p99": %.1f}\\n',
    summary.requests, summary.duration / 1e6, errors, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""

WRK_PAGES = """
request = function()
  return wrk.format(nil, wrk.path .. "&offset=" .. (math.random(%d) - 1) * 100)
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--fill", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--pages", type=int, default=1, help="fieldreport: ask for one of the first N pages")
    parser.add_argument("--no-datasette", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("error: needs wrk (apt-get install wrk)")
    print(f"store: {fill(str(args.store), args.fill, random.Random(7)):,} events; {args.clients} clients, "
          f"{args.seconds} s")
    results = {"fieldreport": load_fieldreport(args)}
    if not args.no_datasette:
        results["datasette"] = load_datasette(args)
    print(f"{'':12} {'req/s':>8} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, result in results.items():
        print(f"{name:12} {result['requests'] / result['seconds']:8.1f} {result['errors']:7d} {result['p50']:8.1f} "
              f"{result['p95']:8.1f} {result['p99']:8.1f}")


def load_fieldreport(args: argparse.Namespace) -> dict:
    port = free_port()
    command = [sys.executable, "-m", "fieldreport", "serve", "--db", str(args.store), "--port", str(port),
               "--token", TOKEN, "--workers", str(args.workers)]
    with running(command, f"http://127.0.0.1:{port}/api/events?limit=1") as base:
        posts = PostingThread(base, args.posts, args.seconds)
        posts.start()
        result = wrk(f"{base}/api/events?limit=100", args.clients, args.seconds, args.pages)
        posts.join()
    print(f"fieldreport: {posts.summary()}")
    return result


def load_datasette(args: argparse.Namespace) -> dict:
    port = free_port()
    name = args.store.stem
    command = [sys.executable, "-m", "datasette", "serve", str(args.store), "--port", str(port),
               "--setting", "sql_time_limit_ms", "10000"]
    with running(command, f"http://127.0.0.1:{port}/{name}.json") as base:
        query = "_size=100&_sort_desc=event_date&_shape=objects&_nosuggest=1&_nofacet=1"
        return wrk(f"{base}/{name}/canonical_events.json?{query}", args.clients, args.seconds)


class running:
    """A server subprocess, from when `ready_url` answers until the block ends."""

    def __init__(self, command: list[str], ready_url: str) -> None:
        self.command, self.ready_url = command, ready_url

    def __enter__(self) -> str:
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"error: {' '.join(self.command)} exited with {self.process.returncode}")
            try:
                httpx.get(self.ready_url, timeout=2).raise_for_status()
                return self.ready_url.split("/", 3)[0] + "//" + self.ready_url.split("/", 3)[2]
            except httpx.HTTPError:
                time.sleep(0.3)
        raise SystemExit(f"error: {self.command[2]} did not answer on {self.ready_url}")

    def __exit__(self, *exc_info: object) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wrk(url: str, clients: int, seconds: int, pages: int = 1) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
        if pages > 1:
            script.write(WRK_PAGES % pages)
    output = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", script.name,
                             url], capture_output=True, text=True, check=True).stdout
    Path(script.name).unlink()
    return json.loads(output.strip().splitlines()[-1])


class PostingThread(threading.Thread):
    """POSTs `count` real articles one after another over the run, each as a new document."""

    def __init__(self, base: str, count: int, seconds: int) -> None:
        super().__init__(daemon=True)
        self.base, self.count, self.seconds = base, count, seconds
        self.statuses: list[int] = []
        self.times: list[float] = []

    def run(self) -> None:
        lines = [json.loads(line) for line in ARTICLES.read_text(encoding="utf-8").splitlines() if line.strip()]
        stamp = time.time_ns()
        deadline = time.monotonic() + self.seconds
        with httpx.Client(timeout=300) as client:
            for index in range(self.count):
                if time.monotonic() > deadline:
                    break
                article = lines[index % len(lines)]
                body = {"text": article["text"], "id": f"load-{stamp}-{index}", "published": article.get("published")}
                began = time.monotonic()
                response = client.post(f"{self.base}/api/documents", json=body,
                                       headers={"Authorization": f"Bearer {TOKEN}"})
                self.statuses.append(response.status_code)
                self.times.append(time.monotonic() - began)

    def summary(self) -> str:
        if not self.times:
            return "no POST finished"
        return (f"{len(self.statuses)} POSTs during the load, statuses {sorted(set(self.statuses))}, "
                f"{sum(self.times) / len(self.times):.1f} s each on average")


if __name__ == "__main__":
    main()
