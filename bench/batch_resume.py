"""`fieldreport batch` killed with SIGKILL in the middle, then rerun: is the store after `load` the one an
uninterrupted run gives?

Runs `fieldreport batch` over the FA-KES dev articles (../shared/data/fa-kes-dev.csv, not in this
repository) as a subprocess in its own process group, kills the group (workers included) with SIGKILL
once --kill-after shards are in the manifest, reruns it to the end, and loads the folder into a SQLite
store; then does one uninterrupted run and loads that. Prints the time of each step and each table's
row count and checksum (every column but the time a document was stored) for both stores.

    python bench/batch_resume.py [--engine local|dask] [--workers 2] [--shard-size 25] [--kill-after 10]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from stores import store_checksums  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FAKES = ROOT.parent / "shared" / "data" / "fa-kes-dev.csv"
COLUMNS = ["--text-column", "article_content", "--id-column", "unit_id", "--date-column", "date"]


def fieldreport(*args: object) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "fieldreport", *map(str, args)], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def finished_shards(folder: Path) -> int:
    try:
        return len(json.loads((folder / "manifest.json").read_text())["shards"])
    except (FileNotFoundError, json.JSONDecodeError):
        return 0


def finished(process: subprocess.Popen, what: str) -> float:
    start = time.perf_counter()
    _, stderr = process.communicate()
    if process.returncode not in (0, 1):  # 1: some article was skipped (the summary says which)
        sys.exit(f"{what} failed:\n{stderr}")
    print(f"  {what}: {stderr.strip().splitlines()[-1]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shard-size", type=int, default=25)
    parser.add_argument("--kill-after", type=int, default=10, help="shards in the manifest before the kill")
    parser.add_argument("--data", type=Path, default=FAKES)
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"{args.data} is not here: this benchmark reads the FA-KES dev articles from ../shared/data")
    batch = ["batch", args.data, *COLUMNS, "--engine", args.engine, "--workers", args.workers,
             "--shard-size", args.shard_size, "-q"]
    with tempfile.TemporaryDirectory() as tmp:
        killed, whole = Path(tmp) / "killed", Path(tmp) / "whole"
        start = time.perf_counter()
        process = fieldreport(*batch, "--out", killed)
        while finished_shards(killed) < args.kill_after and process.poll() is None:
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        print(f"killed with SIGKILL after {time.perf_counter() - start:.1f} s, {finished_shards(killed)} shards "
              "in the manifest")
        rerun = finished(fieldreport(*batch, "--out", killed), "rerun")
        uninterrupted = finished(fieldreport(*batch, "--out", whole), "uninterrupted run")
        load_killed = finished(fieldreport("load", killed, "--db", Path(tmp) / "killed.db"), "load (killed + rerun)")
        finished(fieldreport("load", whole, "--db", Path(tmp) / "whole.db"), "load (uninterrupted)")
        print(f"rerun {rerun:.1f} s, uninterrupted run {uninterrupted:.1f} s, load {load_killed:.1f} s")
        sums = store_checksums(Path(tmp) / "killed.db"), store_checksums(Path(tmp) / "whole.db")
        for table in sums[1]:
            print(f"  {table:16} killed+rerun {sums[0][table][0]:6} rows {sums[0][table][1][:16]}   "
                  f"uninterrupted {sums[1][table][0]:6} rows {sums[1][table][1][:16]}")
        print("identical stores" if sums[0] == sums[1] else "STORES DIFFER")


if __name__ == "__main__":
    main()
