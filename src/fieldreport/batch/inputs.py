"""A batch run's inputs, read as `extract` reads them (documents.read_documents): JSON Lines line by line and
CSV row by row, so a backfill file of any size is never held in memory (the 20 MB limit applies to each
document, not to the file). Other files (text, HTML) are one document each.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from fieldreport.documents import CsvColumns, read_documents
from fieldreport.errors import InputError, InputWarning
from fieldreport.model import Document

__all__ = ["CsvColumns", "input_documents"]


def input_documents(paths: list[Path], columns: CsvColumns | None = None, published: date | None = None,
                    outlet: str | None = None, date_order: str | None = None,
                    ) -> Iterator[Document | InputError | InputWarning]:
    """The documents of `paths` in order, with an InputError (yielded, not raised) for each that cannot be
    read. `published` and `outlet` are defaults for documents that do not carry their own."""
    for path in paths:
        yield from read_documents(path, published, outlet, date_order, columns)
