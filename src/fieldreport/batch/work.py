"""The work of a batch run: one pure function from documents to their events, and the local engine that
maps it over shards, in this process or in forked worker processes.

An engine has `submit(documents) -> Future` (of `code_documents`'s result), `wait_any(futures) -> (done,
pending)` and `close()`; the Dask engine (batch.cluster) has the same three.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from fieldreport.errors import FieldreportError
from fieldreport.ingest import extract_batch
from fieldreport.model import Document, Event

if TYPE_CHECKING:
    from collections.abc import Collection

    from fieldreport.pipeline import Extractor


@dataclass
class Coded:
    """What extraction made of one document: its events, or the reason it has none."""

    events: list[Event] = field(default_factory=list)
    error: str | None = None


def code_documents(extractor: Extractor, documents: list[Document]) -> list[Coded]:
    """Each document's events (or why it has none), in order, within the extractor's time limit as `ingest`
    holds it. Pure: a document gives the same events on any worker and in any shard, which is what lets a
    killed run be resumed shard by shard."""
    return [Coded(error=str(events)) if isinstance(events, FieldreportError) else Coded(events)
            for events in extract_batch(extractor, documents)]


class Engine(Protocol):
    workers: int

    def submit(self, documents: list[Document]) -> Future: ...

    def wait_any(self, futures: Collection[Future]) -> tuple[set[Future], set[Future]]: ...

    def close(self) -> None: ...


class LocalEngine:
    """Shards coded here (one worker) or in `workers` forked processes that share the model loaded here,
    as `places --processes` does; needs nothing beyond the standard library."""

    def __init__(self, extractor: Extractor, workers: int = 1) -> None:
        self.extractor = extractor
        self.workers = workers if "fork" in multiprocessing.get_all_start_methods() else 1
        self.pool: ProcessPoolExecutor | None = None
        if self.workers > 1:
            gc.freeze()  # the workers' collector then leaves the inherited objects (and their shared pages) alone
            try:
                self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"),
                                                initializer=start_worker, initargs=(extractor,))
                self.pool.submit(os.getpid).result()  # forks every worker now, while the collector is frozen
            finally:
                gc.unfreeze()

    def submit(self, documents: list[Document]) -> Future:
        if self.pool is not None:
            return self.pool.submit(code_in_worker, documents)
        future: Future = Future()
        try:
            future.set_result(code_documents(self.extractor, documents))
        except Exception as error:  # noqa: BLE001 - handed over as a worker process's would be
            future.set_exception(error)
        return future

    def wait_any(self, futures: Collection[Future]) -> tuple[set[Future], set[Future]]:
        done, pending = wait(futures, return_when=FIRST_COMPLETED)
        return done, pending

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


_worker_extractor: Extractor | None = None  # the extractor a forked worker process inherited from LocalEngine


def start_worker(extractor: Extractor) -> None:
    """Pool initializer: keep the inherited extractor, with a gazetteer connection of the worker's own."""
    global _worker_extractor
    extractor.gazetteer.reopen()
    _worker_extractor = extractor


def code_in_worker(documents: list[Document]) -> list[Coded]:
    assert _worker_extractor is not None, "start_worker runs first"
    return code_documents(_worker_extractor, documents)
