"""The Dask engine: the same `code_documents` on the workers of a Dask cluster, a LocalCluster of worker
processes on this machine or a running cluster given its scheduler's address. Each worker loads the model
once (per thread: the gazetteer's SQLite connection stays in the thread that opened it). Workers need
fieldreport installed, with its gazetteer, and the rules folder at the same path when --rules is given.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from distributed import Client, Future, LocalCluster, WorkerPlugin, get_worker, wait

from fieldreport.batch.shards import BatchError
from fieldreport.batch.work import Coded, code_documents
from fieldreport.model import Document
from fieldreport.rules import use_rules

if TYPE_CHECKING:
    from fieldreport.pipeline import Extractor


class ExtractorPlugin(WorkerPlugin):
    """Applies the run's rules folder on each worker; its extractors are loaded by the first shard."""

    name = "fieldreport-extractor"

    def __init__(self, rules: str | None = None) -> None:
        self.rules = rules

    def setup(self, worker: object) -> None:
        if self.rules:
            use_rules(Path(self.rules))
        self.local = threading.local()

    def extractor(self) -> Extractor:
        if not hasattr(self.local, "extractor"):
            from fieldreport.pipeline import Extractor

            self.local.extractor = Extractor()
        return self.local.extractor


def code_on_worker(documents: list[Document]) -> list[Coded]:
    plugin = get_worker().plugins[ExtractorPlugin.name]
    return code_documents(plugin.extractor(), documents)


class DaskEngine:
    """Shards submitted to a Dask cluster: `scheduler` (tcp://HOST:PORT) or else a LocalCluster of
    `workers` single-threaded worker processes, closed with the engine."""

    def __init__(self, scheduler: str | None = None, workers: int = 1, rules: Path | None = None) -> None:
        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="20s")
            except (OSError, ValueError) as error:
                raise BatchError(f"cannot reach the Dask scheduler at {scheduler} ({error})") from None
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        self.client.register_plugin(ExtractorPlugin(str(rules.resolve()) if rules else None))
        self.workers = max(1, sum(w["nthreads"] for w in self.client.scheduler_info()["workers"].values()))

    def submit(self, documents: list[Document]) -> Future:
        return self.client.submit(code_on_worker, documents, pure=False)

    def wait_any(self, futures: Collection[Future]) -> tuple[set[Future], set[Future]]:
        done, pending = wait(list(futures), return_when="FIRST_COMPLETED")
        return set(done), set(pending)

    def worker_peak_memory(self) -> dict[str, int]:
        """Each worker process's peak resident memory so far, in bytes."""
        return self.client.run(peak_rss)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def peak_rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports kilobytes
