"""Running a batch: shards not yet in the manifest are submitted to an engine, a few at a time (so memory
stays bounded whatever the inputs' size), and each finished shard is written, then recorded."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from fieldreport.batch.parquet import write_shard
from fieldreport.batch.shards import BatchError, Manifest, Shard, shards, writing
from fieldreport.batch.work import Coded, Engine, LocalEngine
from fieldreport.model import Document

SHARDS_IN_FLIGHT_PER_WORKER = 2  # one being coded, one waiting, per worker


@dataclass
class BatchSummary:
    written: int = 0
    resumed: int = 0  # shards an earlier run had finished
    documents: int = 0
    events: int = 0
    failed: int = 0  # documents extraction skipped (the reason is in the shard)


ShardDone = Callable[[Shard, list[Coded], dict[str, int]], None]


def open_engine(engine: str, workers: int = 1, scheduler: str | None = None, rules: Path | None = None) -> Engine:
    """`local` (this process or forked processes) or `dask` (a LocalCluster, or the cluster at `scheduler`)."""
    if engine == "dask":
        from fieldreport.batch.cluster import DaskEngine

        return DaskEngine(scheduler, workers, rules)
    from fieldreport.pipeline import Extractor

    return LocalEngine(Extractor(), workers)


def run_batch(documents: Iterable[Document], manifest: Manifest, start_engine: Callable[[], Engine],
              on_shard: ShardDone | None = None) -> BatchSummary:
    """Code every shard of `documents` that `manifest` does not list, write it to the manifest's folder and
    record it. The engine is started only when a shard is left to do."""
    summary = BatchSummary()
    engine: Engine | None = None
    pending: dict[Future, Shard] = {}

    def finish(done: Iterable[Future]) -> None:
        for future in done:
            shard = pending.pop(future)
            try:
                coded = future.result()
            except Exception as error:  # noqa: BLE001 - a worker that died (memory, a lost node), on any engine
                raise BatchError(f"{shard.name} failed on its worker ({type(error).__name__}: {error}); the "
                                 "finished shards are kept: run again to go on") from error
            counts = write_shard(manifest.folder, shard.name, shard.documents, coded)
            manifest.record(shard, counts)
            summary.written += 1
            summary.documents += counts["documents"]
            summary.events += counts["events"]
            summary.failed += counts["failed"]
            if on_shard is not None:
                on_shard(shard, coded, counts)

    with writing(manifest.folder):
        try:
            for shard in shards(documents, manifest.shard_size):
                if manifest.finished(shard):
                    summary.resumed += 1
                    continue
                engine = engine or start_engine()
                pending[engine.submit(shard.documents)] = shard
                if len(pending) >= SHARDS_IN_FLIGHT_PER_WORKER * engine.workers:
                    finish(engine.wait_any(pending)[0])
            while pending:
                finish(engine.wait_any(pending)[0])
        finally:
            if engine is not None:
                engine.close()
    return summary
