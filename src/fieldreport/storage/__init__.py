"""Persistence: documents, mentions, evidence, canonical events and control changes in SQLite or
PostgreSQL. Importing it loads no NLP; merging rules come in through `schema.Merger`."""

from fieldreport.storage.connection import database_url
from fieldreport.storage.filters import MAX_LIMIT, REVIEW_FILTERS, EventFilter, FilterError
from fieldreport.storage.reviews import ReviewError
from fieldreport.storage.rows import LearnedPlace
from fieldreport.storage.schema import REVIEW_STATUSES, Merger
from fieldreport.storage.store import DEFAULT_DB, Store

__all__ = ["DEFAULT_DB", "MAX_LIMIT", "REVIEW_FILTERS", "REVIEW_STATUSES", "EventFilter", "FilterError",
           "LearnedPlace", "Merger", "ReviewError", "Store", "database_url"]
