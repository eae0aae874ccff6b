"""Shards and the manifest of a batch run's output folder.

Shard k holds documents k*N .. k*N+N-1 of the inputs, so the same inputs and shard size give the same
shards on every run. The manifest (manifest.json) lists the shards whose files are complete; it is
rewritten (to a temporary name, then renamed) only after a shard's files are in place, so a run killed
at any moment leaves a manifest that names only finished shards, and the rerun does the others.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from fieldreport.errors import FieldreportError
from fieldreport.model import Document

MANIFEST = "manifest.json"
LOCK = ".lock"
MANIFEST_FORMAT = "fieldreport-batch/1"


class BatchError(FieldreportError):
    """A batch folder that cannot be written, resumed or loaded as asked."""


@dataclass
class Shard:
    index: int
    documents: list[Document]

    @property
    def name(self) -> str:
        return f"shard-{self.index:05d}"

    def fingerprint(self) -> str:
        """A hash of the shard's document ids and texts: a rerun over changed inputs is refused, not mixed."""
        digest = hashlib.sha256()
        for document in self.documents:
            digest.update(f"{document.id}\0{document.text}\0".encode())
        return digest.hexdigest()[:16]


def shards(documents: Iterable[Document], size: int) -> Iterator[Shard]:
    """`documents` in consecutive shards of `size` (the last may be smaller)."""
    if size < 1:
        raise BatchError(f"shard size must be at least 1, not {size}")
    stream = iter(documents)
    index = 0
    while chunk := list(islice(stream, size)):
        yield Shard(index, chunk)
        index += 1


@dataclass
class Manifest:
    """What a batch folder holds: the run's inputs and shard size, and each finished shard's counts."""

    folder: Path
    inputs: list[str]
    shard_size: int
    shards: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def start(cls, folder: Path, inputs: list[Path], shard_size: int) -> Manifest:
        """The folder's manifest, to resume; a new one when the folder has none. A folder written from
        other inputs or with another shard size is a BatchError: its shards would not line up."""
        names = [str(path.resolve()) for path in inputs]
        if not (folder / MANIFEST).exists():
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise BatchError(f"cannot create {folder}: {exc.strerror or exc}") from exc
            return cls(folder, names, shard_size)
        found = cls.read(folder)
        if found.inputs != names or found.shard_size != shard_size:
            raise BatchError(f"{folder} holds a run over other inputs or another shard size "
                             f"({len(found.inputs)} input(s), shards of {found.shard_size}); give another --out")
        return found

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BatchError(f"{folder}: no {MANIFEST}: not the output folder of `fieldreport batch`") from None
        except (OSError, ValueError) as exc:
            raise BatchError(f"{path}: cannot read ({exc})") from exc
        if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
            raise BatchError(f"{path}: not a {MANIFEST_FORMAT} manifest")
        return cls(folder, data["inputs"], data["shard_size"], data["shards"])

    def finished(self, shard: Shard) -> bool:
        """Whether `shard` was written by an earlier run (over the same documents, or BatchError)."""
        entry = self.shards.get(shard.name)
        if entry is not None and entry["fingerprint"] != shard.fingerprint():
            raise BatchError(f"{self.folder}: {shard.name} was written from other documents; the inputs "
                             "changed since that run: give another --out")
        return entry is not None

    def record(self, shard: Shard, counts: dict[str, int]) -> None:
        """Add a shard whose files are in place, and rewrite the manifest atomically."""
        self.shards[shard.name] = {"fingerprint": shard.fingerprint(), **counts}
        data = {"format": MANIFEST_FORMAT, "inputs": self.inputs, "shard_size": self.shard_size,
                "shards": dict(sorted(self.shards.items()))}
        replace_atomically(self.folder / MANIFEST, json.dumps(data, indent=1).encode())

    def shard_names(self) -> list[str]:
        return sorted(self.shards)


@contextmanager
def writing(folder: Path) -> Iterator[None]:
    """Hold the folder for one run: a second run on it is refused (the lock goes with the process, even
    after kill -9), and files a killed run left half-written are removed."""
    with (folder / LOCK).open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BatchError(f"{folder}: another batch run is writing it") from None
        for stale in folder.glob(".*.tmp"):
            stale.unlink()
        yield


def temporary_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def replace_atomically(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file and rename it to `path`: readers see the old or the new file."""
    temporary = temporary_name(path)
    with temporary.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
