"""Answers kept for one store revision (see schema.add_store_revision): a read that finds the revision it
was kept under unchanged may reuse it; any write, from any process, raises the revision and so drops
every kept answer. Each process keeps its own; they agree because the revision is read from the database."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any


class RevisionCache:
    """At most `size` answers by key, all of one store revision; the oldest kept answer goes first.

    An answer is made once: requests that want it while it is being made wait for that one (after a write,
    fifty clients asking for the same page cost one query, not fifty at once)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.revision: int | None = None
        self.entries: dict[Hashable, Any] = {}
        self.making: dict[tuple[int, Hashable], Future] = {}
        self.lock = threading.Lock()  # sync routes run on a thread pool

    def get(self, revision: int, key: Hashable, make: Callable[[], Any],
            worth_keeping: Callable[[Any], bool] | None = None) -> Any:
        """The answer kept for `key` at `revision`, or `make()`'s, kept unless `worth_keeping` says not (a
        large one). `revision` must be read before `make` reads the rows: an answer is then never older
        than the revision it is kept under."""
        with self.lock:
            if revision == self.revision and key in self.entries:
                return self.entries[key]
            pending = self.making.get((revision, key))
            maker = pending is None
            if maker:
                pending = self.making[(revision, key)] = Future()
        if not maker:
            return pending.result()
        try:
            value = make()
        except BaseException as error:
            with self.lock:
                del self.making[(revision, key)]
            pending.set_exception(error)
            raise
        with self.lock:
            if worth_keeping is None or worth_keeping(value):
                self.keep(revision, key, value)
            del self.making[(revision, key)]
        pending.set_result(value)
        return value

    def keep(self, revision: int, key: Hashable, value: Any) -> None:
        """Keep `value`, unless the revision it was read at is older than the one kept (a slow reader). Called
        holding the lock."""
        if self.revision is None or revision > self.revision:
            self.revision, self.entries = revision, {}
        elif revision < self.revision:
            return
        if key not in self.entries and len(self.entries) >= self.size:
            del self.entries[next(iter(self.entries))]
        self.entries[key] = value
