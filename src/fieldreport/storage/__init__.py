"""Persistence: documents, mentions, evidence, canonical events and control changes in SQLite or
PostgreSQL. Importing it loads no NLP; merging rules come in through `schema.Merger`."""

from fieldreport.storage.connection import database_url
from fieldreport.storage.filters import MAX_LIMIT, EventFilter, FilterError
from fieldreport.storage.rows import LearnedPlace
from fieldreport.storage.schema import Merger
from fieldreport.storage.store import DEFAULT_DB, Store

__all__ = ["DEFAULT_DB", "MAX_LIMIT", "EventFilter", "FilterError", "LearnedPlace", "Merger", "Store", "database_url"]
