"""Loading a batch folder into a store: each finished shard, in order, each document saved with its
events through `Ingest.saved`, the path `extract` and the API take, so merging is the same; a document
already stored is not stored again, so loading twice stores once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from fieldreport.batch.parquet import read_shard
from fieldreport.batch.shards import Manifest
from fieldreport.errors import FieldreportError
from fieldreport.ingest import Ingest, Outcome


def load_shards(folder: Path, ingest: Ingest) -> Iterator[Outcome]:
    """One Outcome per document of the folder's finished shards: stored, already stored, or the error that
    kept extraction from it in the batch run."""
    for name in Manifest.read(folder).shard_names():
        for document, coded in read_shard(folder, name):
            yield ingest.saved(document, coded.events if coded.error is None else FieldreportError(coded.error))
