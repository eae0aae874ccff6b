"""`fieldreport batch` scaling: articles/s with 1 worker and with 2, the scaling efficiency, and each
worker's peak memory.

Runs the batch over the first N FA-KES dev articles (../shared/data/fa-kes-dev.csv, not in this
repository) on a Dask LocalCluster (and, with --engine local, in forked local processes). Cluster start
and model loading are left out of the timing: each worker first codes one article (a task pinned to it),
then the clock runs from the first shard submitted to the last shard written. Efficiency =
rate(2 workers) / (2 x rate(1 worker)); it needs 2 idle cores, so the machine's load average is printed
with each run, and the CPU time the workers spent (which other jobs on the machine do not inflate).

    python bench/batch_scaling.py [--articles 200] [--shard-size 10] [--engine dask|local|both]

Measured on a quiet 2-core VM (load average 1.0): Dask 1 worker 13.98 articles/s, 2 workers 25.37
(efficiency 0.91); 387 MB peak per worker. On a busy one (load 5.5-7.2) the same run gave 0.61, while the
workers' CPU time hardly moved: read the load average before the figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from fieldreport.batch import CsvColumns, Manifest, input_documents, run_batch
from fieldreport.model import Document

ROOT = Path(__file__).resolve().parents[1]
FAKES = ROOT.parent / "shared" / "data" / "fa-kes-dev.csv"
COLUMNS = CsvColumns(text="article_content", id="unit_id", date="date")


def fakes_articles(path: Path, count: int) -> list[Document]:
    articles = []
    for item in input_documents([path], COLUMNS):
        if isinstance(item, Document):
            articles.append(item)
        if len(articles) == count:
            break
    return articles


def timed_run(articles: list[Document], engine, shard_size: int, on_shard=None) -> float:
    with tempfile.TemporaryDirectory() as folder:
        manifest = Manifest.start(Path(folder), [FAKES], shard_size)
        start = time.perf_counter()
        summary = run_batch(articles, manifest, lambda: engine, on_shard)
        seconds = time.perf_counter() - start
    assert summary.documents == len(articles), summary
    return seconds


def dask_run(articles: list[Document], workers: int, shard_size: int) -> tuple[float, dict[str, int]]:
    from fieldreport.batch.cluster import DaskEngine, code_on_worker

    engine = DaskEngine(workers=workers)
    addresses = list(engine.client.scheduler_info()["workers"])
    warm = [engine.client.submit(code_on_worker, articles[:1], workers=[a], allow_other_workers=False, pure=False)
            for a in addresses]
    engine.client.gather(warm)
    peaks: dict[str, int] = {}
    cpu = {"before": sum(engine.client.run(cpu_seconds).values())}

    def measure(*_: object) -> None:  # after each shard: run_batch closes the engine when it is done
        peaks.update(engine.worker_peak_memory())
        cpu["after"] = sum(engine.client.run(cpu_seconds).values())

    seconds = timed_run(articles, engine, shard_size, measure)
    print(f"      workers' CPU time: {cpu['after'] - cpu['before']:.1f} s", end="; ")
    return seconds, peaks


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def local_run(articles: list[Document], workers: int, shard_size: int) -> tuple[float, dict[str, int]]:
    from fieldreport.batch.work import LocalEngine
    from fieldreport.pipeline import Extractor

    extractor = Extractor()
    extractor.extract(articles[0])
    engine = LocalEngine(extractor, workers)
    before = sum(os.times()[:4])
    seconds = timed_run(articles, engine, shard_size)
    print(f"      CPU time: {sum(os.times()[:4]) - before:.1f} s", end="; ")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN if workers > 1 else resource.RUSAGE_SELF).ru_maxrss * 1024
    return seconds, {"largest process": peak}  # with 2 workers: the larger of the two forked workers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--shard-size", type=int, default=10)
    parser.add_argument("--engine", choices=("dask", "local", "both"), default="dask")
    parser.add_argument("--data", type=Path, default=FAKES)
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"{args.data} is not here: this benchmark reads the FA-KES dev articles from ../shared/data")
    articles = fakes_articles(args.data, args.articles)
    words = sum(len(a.text.split()) for a in articles)
    print(f"{len(articles)} FA-KES articles, {words:,} words; shards of {args.shard_size}; {os.cpu_count()} cores")
    engines = ("local", "dask") if args.engine == "both" else (args.engine,)
    for engine in engines:
        rates = {}
        for workers in (1, 2):
            load = os.getloadavg()[0]
            seconds, peaks = (dask_run if engine == "dask" else local_run)(articles, workers, args.shard_size)
            rates[workers] = len(articles) / seconds
            memory = ", ".join(f"{peak / 2**20:,.0f} MB" for peak in peaks.values())
            print(f"{engine:5} {workers} worker(s): {seconds:6.1f} s, {rates[workers]:6.2f} articles/s, "
                  f"{words / seconds:8,.0f} words/s; peak memory per worker: {memory} "
                  f"(load average before: {load:.2f})")
        print(f"{engine:5} scaling efficiency (2 workers vs 1): {rates[2] / (2 * rates[1]):.2f}")


if __name__ == "__main__":
    main()
