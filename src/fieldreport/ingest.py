"""One way in: read documents, extract their events and save each document with its events, merged
with what the store already holds, in one transaction. The CLI's `extract`, the API's POST and the
batch runs all go through `Ingest`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fieldreport.errors import FieldreportError
from fieldreport.merging.clusters import open_store
from fieldreport.model import Document, Event
from fieldreport.storage.store import Store

if TYPE_CHECKING:
    from fieldreport.pipeline import Extractor

__all__ = ["Ingest", "Outcome", "open_store"]


@dataclass
class Outcome:
    """What became of one document: its events, and whether it was new to the store."""

    document: Document
    events: list[Event] = field(default_factory=list)
    stored: bool = False
    error: FieldreportError | None = None


class Ingest:
    """Extracts events and saves documents into a store; the extractor is loaded on first use."""

    def __init__(self, store: Store, extractor: Extractor | None = None) -> None:
        self.store = store
        self.extractor = extractor

    def loaded_extractor(self) -> Extractor:
        if self.extractor is None:  # the spaCy model takes seconds: not for a store that only reads
            from fieldreport.geo.learned import LearnedPlaces
            from fieldreport.pipeline import Extractor

            self.extractor = Extractor(learned=LearnedPlaces(self.store))  # villages this store has learned
        return self.extractor

    def one(self, document: Document) -> Outcome:
        """Extract and save one document; a document already stored is not extracted again."""
        if self.store.has_document(document.id):
            return Outcome(document)
        return self.saved(document, self.loaded_extractor().extract(document))

    def saved(self, document: Document, result: list[Event] | FieldreportError) -> Outcome:
        """Save a document with the events extracted from it (here, or by a batch run's worker), merged
        with what the store holds; a document already stored is not stored again, and one whose
        extraction failed comes back with its error."""
        if isinstance(result, FieldreportError):
            return Outcome(document, error=result)
        return Outcome(document, result, self.store.save(document, result))

    def many(self, documents: Iterable[Document], batch_size: int = 16) -> Iterator[Outcome]:
        """Extract (parsing in batches) and save each document in turn; a document that fails comes
        back with its error and the others go on."""
        for document, events in self.loaded_extractor().extract_many(documents, batch_size):
            yield self.saved(document, events)
