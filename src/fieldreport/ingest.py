"""One way in: read documents, extract their events and save each document with its events, merged
with what the store already holds, in one transaction. The CLI's `extract` and `ingest`, the API's
POST and the batch runs all go through `Ingest`.

A document whose id is stored is not extracted again: with the same text it is "already stored", with
another text it is a conflict (ConflictError naming the stored hash). With `processes` > 1, batches of
new documents are extracted in that many forked worker processes that share the loaded model; this
process alone writes the store. A document whose extraction takes longer than the extractor's
`time_limit` is skipped with a TimeLimitExceeded (see `extract_batch`), and the others go on.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING

from fieldreport.errors import ConflictError, FieldreportError
from fieldreport.merging.clusters import open_store
from fieldreport.model import Document, Event, content_id
from fieldreport.storage.store import Store

if TYPE_CHECKING:
    from fieldreport.pipeline import Extractor

__all__ = ["Ingest", "Outcome", "open_store"]

# Documents checked against the store and extracted together: one parsing batch in this process, one task
# for a worker process (small enough that the workers finish together).
CHUNK = 16
TASKS_PER_WORKER = 2  # chunks in flight per worker: enough to keep it busy, few enough to bound memory

Result = list[Event] | FieldreportError


@dataclass
class Outcome:
    """What became of one document: its events, and whether it was new to the store."""

    document: Document
    events: list[Event] = field(default_factory=list)
    stored: bool = False
    error: FieldreportError | None = None

    @property
    def status(self) -> str:
        """'new', 'already stored' or 'skipped' (then `error` says why)."""
        if self.error is not None:
            return "skipped"
        return "new" if self.stored else "already stored"


class Ingest:
    """Extracts events and saves documents into a store; the extractor is loaded on first use.

    Use it as a context manager with `processes` > 1 to fork the workers up front (before the caller
    starts threads of its own, such as a progress display); `many` otherwise forks them for its run.
    """

    def __init__(self, store: Store, extractor: Extractor | None = None, processes: int = 1) -> None:
        """`extractor` (by default one loaded on first use, with the store's learned places) holds the time
        limit of a document's extraction (`Extractor(time_limit=)`)."""
        self.store = store
        self.extractor = extractor
        self.processes = processes
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Ingest:
        if self.processes > 1 and self.pool is None and "fork" in multiprocessing.get_all_start_methods():
            self.pool = forked_pool(self.loaded_extractor(), self.processes)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def loaded_extractor(self) -> Extractor:
        if self.extractor is None:  # the spaCy model takes seconds: not for a store that only reads
            from fieldreport.geo.learned import LearnedPlaces
            from fieldreport.pipeline import Extractor

            self.extractor = Extractor(learned=LearnedPlaces(self.store))  # villages this store has learned
        return self.extractor

    def one(self, document: Document) -> Outcome:
        """Extract and save one document; a document already stored is not extracted again."""
        known = self.known(document)
        if known is not None:
            return known
        [result] = extract_batch(self.loaded_extractor(), [document])
        return self.saved(document, result)

    def many(self, documents: Iterable[Document], batch_size: int = CHUNK) -> Iterator[Outcome]:
        """An Outcome per document, new ones extracted in batches (in the worker processes, if any) and
        saved here in turn; a document that fails comes back with its error and the others go on.
        Outcomes of documents already stored come first within their chunk of CHUNK documents."""
        if self.processes > 1 and self.pool is None and "fork" in multiprocessing.get_all_start_methods():
            with self:
                yield from self.many(documents, batch_size)
            return
        in_flight: deque[tuple[list[Document], Future]] = deque()
        for chunk in chunks(documents, CHUNK):
            fresh = []
            for document in chunk:
                known = self.known(document)
                if known is None:
                    fresh.append(document)
                else:
                    yield known
            if not fresh:
                continue
            if self.pool is None:
                results = extract_batch(self.loaded_extractor(), fresh, batch_size)
                yield from map(self.saved, fresh, results)
                continue
            in_flight.append((fresh, self.pool.submit(extract_in_worker, fresh)))
            if len(in_flight) >= TASKS_PER_WORKER * self.processes:
                yield from self.saved_when_done(*in_flight.popleft())
        while in_flight:
            yield from self.saved_when_done(*in_flight.popleft())

    def known(self, document: Document) -> Outcome | None:
        """The outcome of a document whose id is already stored (the same text, or a conflict); None if new."""
        stored_hash = self.store.stored_hash(document.id)
        if stored_hash is None:
            return None
        if stored_hash != content_id(document.text):
            return Outcome(document, error=conflict(document, stored_hash))
        return Outcome(document)

    def saved(self, document: Document, result: Result) -> Outcome:
        if isinstance(result, FieldreportError):
            return Outcome(document, error=result)
        if self.store.save(document, result):
            return Outcome(document, result, stored=True)
        return self.known(document) or Outcome(document)  # stored meanwhile by another writer, or same text

    def saved_when_done(self, documents: list[Document], future: Future) -> Iterator[Outcome]:
        try:
            results = future.result()
        except BrokenProcessPool:
            raise FieldreportError("a worker process died (out of memory?); what was stored is kept: "
                                   "run again to go on") from None
        yield from map(self.saved, documents, results)


def conflict(document: Document, stored_hash: str) -> ConflictError:
    return ConflictError(f"{document.origin or document.id}: id {document.id!r} is already stored with another "
                         f"text (stored hash {stored_hash}, this text {content_id(document.text)}); "
                         "give it another id", stored_hash)


def chunks(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """Lists of `size` documents (the last may be shorter), read lazily."""
    iterator = iter(documents)
    while chunk := list(islice(iterator, size)):
        yield chunk


# Extraction with a time limit -----------------------------------------------------------------------------------

class OverTime(BaseException):
    """Raised by the alarm signal: a BaseException, so that the extractor's per-document `except Exception`
    lets it through to `extract_batch`."""


def extract_batch(extractor: Extractor, documents: list[Document], batch_size: int = CHUNK) -> list[Result]:
    """Events (or the error) of each document, in order, parsed in batches.

    One setting limits a document's extraction: the extractor's `time_limit`, with one error
    (pipeline.over_time_limit). The extractor checks it after each piece of a text, which is all a thread
    (a Dask worker's) can do; but a piece holds up to 100,000 characters, and one huge sentence in it can
    take far longer than the limit without ever reaching that check. So in a process's main thread (this
    one, a forked worker's, the API's job worker's), where signals are delivered, the same limit also arms
    an alarm around each document's turn, which stops it wherever it is. A parsing batch is timed as a
    whole, so when one runs over, the documents not yet done are taken again one at a time, and only one
    that is over the limit alone is skipped."""
    time_limit = extractor.time_limit
    if time_limit is None or threading.current_thread() is not threading.main_thread():
        return [result for _, result in extractor.extract_many(documents, batch_size)]
    results: list[Result] = []
    with alarm_raises_overtime():
        try:
            results.extend(result for _, result in timed(extractor.extract_many(documents, batch_size), time_limit))
        except OverTime:
            results.extend(extracted_alone(extractor, document, time_limit) for document in documents[len(results):])
    return results


def extracted_alone(extractor: Extractor, document: Document, time_limit: float) -> Result:
    from fieldreport.pipeline import over_time_limit  # loaded already: it made `extractor`

    try:
        for _, result in timed(extractor.extract_many([document], 1), time_limit):
            return result
    except OverTime:
        pass
    return over_time_limit(document, time_limit)


def timed(items: Iterator, seconds: float) -> Iterator:
    """The items of `items`, each of which must come within `seconds` (else OverTime is raised)."""
    while True:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            item = next(items)
        except StopIteration:
            return
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        yield item


@contextmanager
def alarm_raises_overtime() -> Iterator[None]:
    def over_time(_signum: int, _frame: object) -> None:
        raise OverTime

    previous = signal.signal(signal.SIGALRM, over_time)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# Worker processes -----------------------------------------------------------------------------------------------

def forked_pool(extractor: Extractor, processes: int) -> ProcessPoolExecutor:
    """`processes` forked workers, each with the parent's loaded extractor. They are started here, before the
    caller starts any thread, and with the inherited objects frozen so that the workers' garbage collector
    leaves them (and the memory pages they share with the parent) alone."""
    gc.freeze()
    try:
        pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"),
                                   initializer=start_worker, initargs=(extractor, os.getpid()))
        pool.submit(int).result()  # a forking pool starts all its workers with its first task
    finally:
        gc.unfreeze()
    return pool


# The extractor a worker process inherited from `forked_pool` (set once, by the initializer).
_worker: Extractor | None = None


def start_worker(extractor: Extractor, parent: int) -> None:
    """Pool initializer: keep the inherited extractor, with a gazetteer connection of the worker's own."""
    global _worker
    extractor.gazetteer.reopen()
    _worker = extractor
    threading.Thread(target=exit_when_orphaned, args=(parent,), daemon=True).start()


def exit_when_orphaned(parent: int) -> None:
    """Leave when the parent is gone (killed with -9, say): a worker would otherwise wait for tasks forever,
    holding its copy of the model."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def extract_in_worker(documents: list[Document]) -> list[Result]:
    assert _worker is not None, "start_worker runs first"
    return extract_batch(_worker, documents)
