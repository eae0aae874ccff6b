"""Geoparsing: every toponym in a document, resolved to coordinates with the evidence for the choice.

Recognition reuses the extractor's PlaceFinder (spaCy entities, gazetteer phrase matches, cue
patterns) with a world-wide name list, adds country adjectives ("Russian" -> Russia) and drops
names inside a person's name ("George Washington") or that are a named person's surname. The
shared PlaceResolver (geo/resolver.py) ranks each toponym's readings; `places` reports the best,
with the features of every candidate under `--explain`.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from multiprocessing.pool import AsyncResult

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from fieldreport.errors import FieldreportError
from fieldreport.geo.gazetteer import ADMIN1, ADMIN2, COUNTRY, LANDMARK, PLACE, Gazetteer, name_key
from fieldreport.geo.resolver import METROPOLIS, PlaceResolver
from fieldreport.geo.toponyms import Candidate, Toponym, sentence_start, toponym_of
from fieldreport.geo.world import WorldNames, default_world, world_surface_names
from fieldreport.mentions.actors import ActorFinder, default_dictionary
from fieldreport.mentions.places import (
    NAME_GLUE,
    PlaceFinder,
    PlaceMention,
    inside_person_name,
    make_mention,
    tokens_with,
    trim,
)
from fieldreport.model import Document
from fieldreport.nlp import load_pipeline, parsed_in_pieces

# Only the components recognition needs: NER has its own tok2vec; sentences come from our rule.
PIPES_FOR_PLACES = ("fieldreport_sentences", "ner")
# Gazetteer names matched as phrases world-wide: bigger places only, to keep "Reading" a verb.
WORLD_MIN_POPULATION = 100_000
# Documents per task for a worker process: smaller than one process's parsing batch, so that the
# workers finish together (32 left one idle for a third of a 100-article run; 16 costs little batching).
WORKER_BATCH = 16
TASKS_PER_WORKER = 2  # batches in flight per worker: enough to keep it busy, few enough to bound memory


class Geoparser:
    """Toponyms of documents with coordinates; `country` fixes the focus, else it is inferred per document."""

    def __init__(self, gazetteer: Gazetteer | None = None, nlp: Language | None = None,
                 country: str | None = None, world: WorldNames | None = None) -> None:
        self.gazetteer = gazetteer or Gazetteer()
        self.nlp = nlp or load_pipeline()
        self.world = world or default_world()
        self.country = country.upper() if country else None
        known = world_surface_names()
        known += self.gazetteer.names(min_population=WORLD_MIN_POPULATION)
        known += self.gazetteer.names(country="SY")
        if self.country and self.country != "SY":
            known += self.gazetteer.names(country=self.country)
        self.finder = PlaceFinder(self.nlp, list(dict.fromkeys(known)))
        self.actor_finder = ActorFinder(self.nlp, default_dictionary())
        self.resolver = PlaceResolver(self.gazetteer, self.world, self.country)

    # ------------------------------------------------------------ documents

    def places(self, document: Document) -> list[dict]:
        for _, result in self.places_many([document]):
            if isinstance(result, FieldreportError):
                raise result
            return result
        return []

    def places_many(self, documents: Iterable[Document], explain: bool = False, batch_size: int = 32,
                    n_process: int = 1) -> Iterator[tuple[Document, list[dict] | FieldreportError]]:
        """Toponym records per document, in order; a document that fails yields an error and the others go on.

        With `n_process` > 1, batches of documents are geoparsed whole (recognition and resolution) in
        that many forked worker processes, which share the loaded model and the gazetteer's cache.
        """
        if n_process <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            yield from self.places_here(documents, explain, batch_size)
            return
        gc.freeze()  # the workers' collector then leaves the inherited objects (and their shared pages) alone
        try:
            pool = multiprocessing.get_context("fork").Pool(n_process, initializer=start_worker, initargs=(self,))
        finally:
            gc.unfreeze()
        # Batches are read as workers need them (Pool.imap would read the whole input at once).
        in_flight: deque[tuple[list[Document], AsyncResult]] = deque()
        with pool:
            for batch in batches(documents, min(batch_size, WORKER_BATCH)):
                in_flight.append((batch, pool.apply_async(places_in_worker, ((batch, explain),))))
                if len(in_flight) >= TASKS_PER_WORKER * n_process:
                    yield from placed(*in_flight.popleft())
            while in_flight:
                yield from placed(*in_flight.popleft())

    def places_here(self, documents: Iterable[Document], explain: bool = False,
                    batch_size: int = 32) -> Iterator[tuple[Document, list[dict] | FieldreportError]]:
        """`places_many` in this process. A long text is parsed in pieces of CHUNK_CHARS, cut at line
        breaks, each resolved on its own; offsets are the document's."""
        disabled = [name for name in self.nlp.pipe_names if name not in PIPES_FOR_PLACES]
        with self.nlp.select_pipes(disable=disabled):
            for document, pieces in parsed_in_pieces(self.nlp, documents, batch_size):
                try:
                    yield document, [shifted_record(record(document.id, t, explain), offset)
                                     for doc, offset in pieces for t in self.toponyms(doc)]
                except Exception as error:  # noqa: BLE001 - one bad document must not stop a batch run
                    yield document, FieldreportError(
                        f"{document.origin or document.id}: geoparsing failed ({type(error).__name__}: {error})")

    # ------------------------------------------------------------ recognition and resolution

    def toponyms(self, doc: Doc) -> list[Toponym]:
        """Recognise, then resolve."""
        found = self.recognise(doc)
        self.resolver.resolve(found)
        return found

    def organisation_spans(self, doc: Doc) -> list[Span]:
        """Named armed groups ('Al-Nusra Front', 'Quneitra Operation Room') are not places; a group
        alias that is also a place name ('Turkey', 'Ankara') stays a place here."""
        return [m.span for m in self.actor_finder(doc)
                if m.actor is not None and not self.gazetteer.contains_name(m.span.text)]

    def recognise(self, doc: Doc) -> list[Toponym]:
        people = [e for e in doc.ents if e.label_ == "PERSON"]
        surnames = surnames_of(people)
        mentions = [self.known_head(m) for m in self.finder(doc, self.organisation_spans(doc))
                    if not inside_person_name(m.span, people)
                    and not (len(m.span) == 1 and m.cue is None and m.span.text in surnames)]
        taken = {i for m in mentions for i in range(m.span.start, m.span.end)}
        found = [toponym_of(m) for m in mentions]
        for span in self.adjective_spans(doc):
            if not any(i in taken for i in range(span.start, span.end)):
                found.append(Toponym(PlaceMention(span, span.text, source="adjective"), span.start_char,
                                     span.end_char, span.text, kind="adjective", sentence=sentence_start(span)))
        found.sort(key=lambda t: t.start)
        return found

    def known_head(self, mention: PlaceMention) -> PlaceMention:
        """The place at the head of a longer unknown name: 'Rapides Parish' of 'Rapides Parish Fire
        District', 'Minnesota' of 'Minnesota Highway Safety'. A one-word head must be prominent (a
        country, an admin1, a city of millions), and a name the gazetteer knows in another
        spelling, or whose tail goes on with an article ('Sabah al Khayr'), is kept whole."""
        span = mention.span
        if len(span) < 2 or self.is_known(mention.name) or self.gazetteer.lookup(mention.name, None, limit=1):
            return mention
        doc = span.doc
        for end in range(span.end - 1, span.start, -1):
            head_span = trim(doc[span.start:end])
            if head_span is None or head_span[-1].lower_ in NAME_GLUE or doc[end].lower_ in NAME_GLUE:
                continue
            head = make_mention(head_span, mention.source)
            if head is not None and self.is_known(head.name) and (
                    len(head.name.split()) >= 2 or self.is_prominent(head.name)):
                return head
        return mention

    def is_known(self, name: str) -> bool:
        return name_key(name) in self.world.by_name or self.gazetteer.contains_name(name)

    def is_prominent(self, name: str) -> bool:
        """A country, an admin1 or a city of millions spelled exactly so."""
        return name_key(name) in self.world.by_name or any(
            p.level in (COUNTRY, ADMIN1) or p.population >= METROPOLIS
            for p in self.gazetteer.lookup(name, None, limit=5, exact=True))

    def adjective_spans(self, doc: Doc) -> list[Span]:
        """Country and continent adjectives and demonyms: 'Russian', 'Americans', 'South Korean'."""
        spans = []
        adjectives = self.world.by_adjective
        for token in tokens_with(doc, ORTH, self.world.adjective_screen):
            if token.i + 1 < len(doc) and f"{token.text} {doc[token.i + 1].text}" in adjectives:
                spans.append(doc[token.i:token.i + 2])
            elif token.text in adjectives:
                spans.append(doc[token.i:token.i + 1])
        return spans


def surnames_of(people: list[Span]) -> set[str]:
    """Surnames of the people the document names in full: a later bare 'Bush' or 'Pawlenty' is that
    person, not a place. First names are left alone: 'Virginia Smith' says nothing about Virginia."""
    return {person[-1].text for person in people if len(person) >= 2 and person[-1].is_title}


def confidence(candidates: list[Candidate]) -> float:
    """Softmax probability of the best candidate over the scores."""
    if not candidates:
        return 0.0
    scores = [c.score for c in candidates]
    total = sum(math.exp(score - scores[0]) for score in scores)
    return round(1 / total, 3)


def level_of(candidate: Candidate) -> str:
    if candidate.level in (COUNTRY, ADMIN1, ADMIN2, LANDMARK, "continent", "region"):
        return candidate.level
    return PLACE


def record(document_id: str, toponym: Toponym, explain: bool = False) -> dict:
    """The JSON record of one toponym; null coordinates and a reason when it could not be placed."""
    best = toponym.candidates[0] if toponym.candidates else None
    out: dict = {
        "document_id": document_id, "start": toponym.start, "end": toponym.end, "text": toponym.text,
        "kind": toponym.kind, "source": toponym.mention.source, "relation": toponym.relation,
        "name": best.name if best else toponym.mention.name,
        "geonameid": best.geonameid if best else None,
        "latitude": round(best.latitude, 5) if best else None,
        "longitude": round(best.longitude, 5) if best else None,
        "feature_class": best.feature_class if best else None,
        "feature_code": best.feature_code if best else None,
        "level": level_of(best) if best else None,
        "admin1": best.admin1 if best else (toponym.within.admin1 if toponym.within else None),
        "country": best.country_name if best else (toponym.within.country_name if toponym.within else None),
        "confidence": confidence(toponym.candidates),
        "candidates_considered": len(toponym.candidates),
        "reason": None if best else unresolved_reason(toponym),
    }
    if explain:
        out["candidates"] = [
            {"name": c.name, "geonameid": c.geonameid, "country": c.country, "admin1": c.admin1, "variant": c.loose,
             "level": level_of(c), "latitude": round(c.latitude, 5), "longitude": round(c.longitude, 5),
             "score": round(c.score, 3), "features": {k: round(v, 3) for k, v in c.features.items()}}
            for c in toponym.candidates
        ]
    return out


def shifted_record(out: dict, offset: int) -> dict:
    """A record of a piece of a long document, with offsets into the whole document."""
    out["start"] += offset
    out["end"] += offset
    return out


def unresolved_reason(toponym: Toponym) -> str:
    if toponym.within is not None:
        return f"not in the gazetteer; the text places it in {toponym.within.name}"
    return "not in the gazetteer"


def placed(batch: list[Document], result: AsyncResult) -> Iterator[tuple[Document, list[dict] | FieldreportError]]:
    return zip(batch, result.get(), strict=True)


def batches(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """Lists of `size` documents (the last may be shorter), read lazily."""
    iterator = iter(documents)
    while batch := list(islice(iterator, size)):
        yield batch


_worker_geoparser: Geoparser | None = None  # the geoparser a worker process inherited from `places_many`


def start_worker(geoparser: Geoparser) -> None:
    """Pool initializer: keep the inherited geoparser, with a gazetteer connection of the worker's own."""
    global _worker_geoparser
    geoparser.gazetteer.reopen()
    _worker_geoparser = geoparser


def places_in_worker(task: tuple[list[Document], bool]) -> list[list[dict] | FieldreportError]:
    """The records of one batch of documents, geoparsed in a worker process."""
    documents, explain = task
    assert _worker_geoparser is not None, "start_worker runs first"
    return [result for _, result in _worker_geoparser.places_here(documents, explain, len(documents))]
