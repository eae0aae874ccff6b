"""Ingestion for the API in a worker process, so that reads never wait on the extractor.

The extractor holds the interpreter for seconds per article; run in the API's own process (even on
a thread) it stalls every request. `IngestJobs` hands each POSTed document to one worker process
(started on first use, with the spawn method: the API's threads are not forked), which loads the
model once and writes through the one ingest path (`ingest.Ingest`). One worker also serialises
ingestion. The API awaits a job for a while and otherwise answers with the job's status address.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

from fieldreport.ingest import Ingest, open_store
from fieldreport.model import Document

KEPT_JOBS = 1000  # finished jobs remembered for their status address


@dataclass(frozen=True)
class JobResult:
    document_id: str
    stored: bool
    events: int


@lru_cache(maxsize=1)
def worker_ingest(db_url: str) -> Ingest:
    """The worker process's own store connection and extractor (one per process, made on its first job)."""
    return Ingest(open_store(db_url))


def ingest_in_worker(db_url: str, document: Document) -> JobResult:
    outcome = worker_ingest(db_url).one(document)
    return JobResult(document.id, outcome.stored, len(outcome.events))


class IngestJobs:
    """Documents queued for extraction in the worker process, by document id."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.executor: ProcessPoolExecutor | None = None
        self.jobs: OrderedDict[str, Future] = OrderedDict()

    def submit(self, document: Document) -> Future:
        """The job of `document`: a new one, or the one already queued or running for its id."""
        running = self.jobs.get(document.id)
        if running is not None and not running.done():
            return running
        if self.executor is None:
            self.executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        job = self.executor.submit(ingest_in_worker, self.db_url, document)
        self.jobs[document.id] = job
        self.jobs.move_to_end(document.id)
        while len(self.jobs) > KEPT_JOBS and next(iter(self.jobs.values())).done():
            self.jobs.popitem(last=False)
        return job

    async def wait(self, job: Future, seconds: float) -> JobResult | None:
        """The job's result if it finishes within `seconds` (its error raised), else None."""
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(job)), timeout=seconds)
        except TimeoutError:
            return None

    def state(self, document_id: str) -> str | None:
        """queued, running, done or failed; None for an id this process never queued."""
        job = self.jobs.get(document_id)
        if job is None:
            return None
        if not job.done():
            return "running" if job.running() else "queued"
        return "failed" if job.exception() is not None else "done"

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
