"""Batch runs for backfills: inputs split into shards of N documents, each shard coded by a worker that
loaded the model once and written as Parquet; `load` brings the shards into a store.

    inputs -> shards -> engine (local processes, or Dask) -> <shard>.documents/.events.parquet
           -> manifest.json (finished shards; a killed run resumes after them) -> load -> Ingest.saved -> store
"""

from fieldreport.batch.inputs import CsvColumns, input_documents
from fieldreport.batch.load import load_shards
from fieldreport.batch.run import BatchSummary, open_engine, run_batch
from fieldreport.batch.shards import BatchError, Manifest

__all__ = ["BatchError", "BatchSummary", "CsvColumns", "Manifest", "input_documents", "load_shards",
           "open_engine", "run_batch"]
