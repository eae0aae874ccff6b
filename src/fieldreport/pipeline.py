"""The extraction pipeline: a Document in, ACLED-style Events out, one stage per module.

    documents -> nlp (parse) -> actors, places, dates, sources (mentions) -> geocode
              -> triggers/events (per sentence) -> merge (per document) -> Events
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from spacy.tokens import Doc, Span

from fieldreport.errors import FieldreportError, LanguageError
from fieldreport.events.coding import SentenceContext, build_events
from fieldreport.events.triggers import default_patterns, load_patterns
from fieldreport.geo.distance import km_between
from fieldreport.geo.gazetteer import Gazetteer
from fieldreport.geo.geocode import Geocoder
from fieldreport.geo.learned import LearnedPlaces
from fieldreport.geo.location import Location
from fieldreport.geo.resolver import PlaceResolver
from fieldreport.geo.roles import event_places
from fieldreport.geo.toponyms import ADMIN_CUES, Toponym, toponym_as_written
from fieldreport.geo.world import world_surface_names
from fieldreport.mentions.actors import ActorFinder, ActorMention, default_dictionary, load_actor_dictionary
from fieldreport.mentions.dates import find_dates
from fieldreport.mentions.places import PlaceFinder
from fieldreport.mentions.sources import find_sources
from fieldreport.merging.retellings import merge_retellings
from fieldreport.merging.within import merge_drafts, split_by_place
from fieldreport.model import Document, Event
from fieldreport.nlp import is_one_piece, load_pipeline, parsed_in_pieces
from fieldreport.rules import word_set

MAX_HEADER_TOKENS = 4
# Towns read in a possessive written without its apostrophe ('Aleppos countryside'): this big, few
# people are called like them, unlike a village.
POSSESSIVE_POPULATION = 20_000
MAX_CONTAINMENT_GAP = 6  # tokens between a place and the area that holds it ("X, in the eastern countryside of Y")
CITY_PART_KM = 15.0  # how far from its city's point a neighbourhood of it may lie
CITY_PART_CUES = word_set("geo", "city_part_cues")
ENGLISH_FUNCTION_WORDS = word_set("language", "english_function_words")
MIN_WORDS_FOR_LANGUAGE = 40
MIN_ENGLISH_SHARE = 0.12  # English news: 0.21 and up (FA-KES); French, German, Spanish: 0.06 and below
# The country fieldreport codes the war of: a document is about it unless its places say otherwise.
HOME_COUNTRY = "SY"
# Seconds one document may take. Articles take well under one; a text of 1 MB about two minutes.
DEFAULT_TIME_LIMIT = 600.0


class ExtractionError(FieldreportError):
    """One document could not be processed; the message names it."""


class NotEnglish(ExtractionError, LanguageError):
    """One document has no English text (the extractor reads English only) and was skipped."""


class TimeLimitExceeded(ExtractionError):
    """One document took longer than the extractor's time limit and was skipped; the message names it."""


def over_time_limit(document: Document, seconds: float) -> TimeLimitExceeded:
    """The error of a document over the time limit, whichever check caught it (see ingest.extract_batch)."""
    return TimeLimitExceeded(f"{document.origin or document.id}: took over the time limit of {seconds:g} s: skipped")


class Extractor:
    """Loads the model, dictionaries and gazetteer once; then extracts events from any number of documents."""

    def __init__(self, gazetteer: Gazetteer | None = None, model: str | None = None,
                 actors_path: Path | None = None, patterns_path: Path | None = None,
                 country: str | None = None, learned: LearnedPlaces | None = None,
                 time_limit: float | None = DEFAULT_TIME_LIMIT) -> None:
        """`country` fixes the country focus of every document; by default each document's places decide
        it (resolver.country_focus, read from HOME_COUNTRY). `learned` keeps the places the gazetteer
        lacks that a report located, for the reports after it (geo/learned.py; give it a store to keep
        them across runs); by default they last the run. A document that takes longer than `time_limit`
        seconds (None: no limit) is skipped with a TimeLimitExceeded, checked after each piece of its text (and,
        through `ingest`, by an alarm too: see ingest.extract_batch)."""
        self.time_limit = time_limit
        self.nlp = load_pipeline(model)
        self.gazetteer = gazetteer or Gazetteer()
        self.dictionary = load_actor_dictionary(actors_path) if actors_path else default_dictionary()
        self.patterns = load_patterns(patterns_path) if patterns_path else default_patterns()
        self.actor_finder = ActorFinder(self.nlp, self.dictionary)
        self.country = country.upper() if country else None
        home = self.country or HOME_COUNTRY
        self.place_finder = PlaceFinder(self.nlp, list(self.gazetteer.names(country=home)),
                                        self.gazetteer.names(country=home, min_population=POSSESSIVE_POPULATION),
                                        world_surface_names())
        self.geocoders: dict[str, Geocoder] = {}
        self.learned = learned if learned is not None else LearnedPlaces()
        self.resolver = PlaceResolver(self.gazetteer, country=self.country, home=HOME_COUNTRY)

    def extract(self, document: Document) -> list[Event]:
        for _, events in self.extract_many([document]):
            if isinstance(events, FieldreportError):
                raise events
            return events
        return []

    def extract_many(self, documents: Iterable[Document], batch_size: int = 16) -> Iterator[
            tuple[Document, list[Event] | ExtractionError]]:
        """Events per document, parsing in batches. A document that fails yields an ExtractionError
        in place of its events (a TimeLimitExceeded when it took over `time_limit`), and the others go on."""
        for document, pieces in parsed_in_pieces(self.nlp, documents, batch_size):
            yield document, self.events_or_error(document, pieces)

    def events_or_error(self, document: Document, pieces: Iterator[tuple[Doc, int]]) -> list[Event] | ExtractionError:
        """The events of one document, piece by piece: each piece's Doc is dropped once its events are
        out, so a long text never has more than one piece parsed at a time."""
        name = document.origin or document.id
        started = time.monotonic()
        words = Counter()
        events: list[Event] = []
        failure: ExtractionError | None = None
        one_piece = is_one_piece(document.text)
        for doc, offset in pieces:
            words.update(english_word_counts(doc))
            if failure is None and (is_english(words) or not one_piece):  # a long text is told at its end
                try:
                    events.extend(shifted(self.events_from(document, doc), offset))
                except Exception as error:  # noqa: BLE001 - one bad document must not stop a batch run
                    failure = ExtractionError(f"{name}: extraction failed ({type(error).__name__}: {error})")
            del doc  # before the next piece is parsed
            if self.time_limit is not None and time.monotonic() - started > self.time_limit:
                return over_time_limit(document, self.time_limit)
        if not is_english(words):
            return NotEnglish(f"{name}: no English text: skipped")
        return failure or events

    def events_from(self, document: Document, doc: Doc) -> list[Event]:
        self.learned.begin_document()
        actors = self.actor_finder(doc)
        places = self.place_finder(doc, [m.span for m in actors])
        toponyms = [toponym_as_written(m) for m in places]
        focus = self.resolver.resolve(toponyms).country or HOME_COUNTRY
        actors = self.with_local_forces(actors, focus)
        geocoder = self.geocoder_for(focus)
        contexts = sentence_contexts(doc, document, actors, toponyms, geocoder)
        default_location = document_location(contexts, geocoder)
        drafts = build_events(doc, document.id, contexts, self.patterns, self.dictionary, document.published,
                              document.outlet, default_location)
        return [draft.event for draft in merge_retellings(split_by_place(merge_drafts(drafts), contexts))]

    def with_local_forces(self, actors: list[ActorMention], focus: str) -> list[ActorMention]:
        """In a report about another country than Syria, the unqualified 'army', 'troops' or 'police' that the
        dictionary reads as Syria's are that country's own forces ('Military Forces of Nigeria')."""
        if focus == HOME_COUNTRY:
            return actors
        country = self.gazetteer.country_name(focus)
        for mention in actors:
            mention.actor = self.dictionary.local_force(mention, country) or mention.actor
        return actors

    def geocoder_for(self, country: str) -> Geocoder:
        """One geocoder per focus country, so that its memo of gazetteer answers lasts the run."""
        if country not in self.geocoders:
            self.geocoders[country] = Geocoder(self.gazetteer, country, self.learned)
        return self.geocoders[country]


def english_word_counts(doc: Doc) -> Counter:
    """How many words `doc` has ("words") and how many of them are English function words ("english")."""
    words = [token.lower_ for token in doc if token.is_alpha]
    return Counter(words=len(words), english=sum(word in ENGLISH_FUNCTION_WORDS for word in words))


def is_english(counts: Counter) -> bool:
    """False for a text long enough to tell (MIN_WORDS_FOR_LANGUAGE words) in which English function
    words are rare: a report in French, German or Arabic is skipped with a reason, not coded as empty."""
    if counts["words"] < MIN_WORDS_FOR_LANGUAGE:
        return True
    return counts["english"] / counts["words"] >= MIN_ENGLISH_SHARE


def shifted(events: list[Event], offset: int) -> list[Event]:
    """Move evidence spans from a piece's coordinates to the document's. New spans, not moved ones: the events
    of one listed set of places share their spans (merging.within.copy_at), which must move once."""
    if offset:
        for event in events:
            event.evidence = [replace(span, start=span.start + offset, end=span.end + offset)
                              for span in event.evidence]
    return events


def within(mentions: list[ActorMention], sentence: Span) -> list[ActorMention]:
    return [m for m in mentions if sentence.start <= m.span.start < sentence.end]


def sentence_contexts(doc: Doc, document: Document, actors: list[ActorMention], places: list[Toponym],
                      geocoder: Geocoder) -> list[SentenceContext]:
    """Each sentence with its actors, resolved places, dates and sources; section headers open sections.
    `places` are the document's toponyms with the shared resolver's ranked candidates."""
    dates = find_dates(doc, document.published)
    sources = find_sources(doc)
    contexts: list[SentenceContext] = []
    section, section_place, previous_admin = 0, None, None
    for sentence in (s for s in doc.sents if s.text.strip()):
        in_sentence = [t for t in places if sentence.start <= t.mention.start < sentence.end]
        header = header_location(sentence, in_sentence, geocoder)
        if header is not None:
            section, section_place, previous_admin = section + 1, header, header
            continue
        stated = sentence_admin(in_sentence, geocoder) or section_place
        admin = stated or previous_admin
        said_by = [s.span for s in sources if sentence.start <= s.span.start < sentence.end]
        resolved = resolve_places(in_sentence, admin, geocoder, strict=stated is not None, sources=said_by,
                                  document_id=document.id)
        contexts.append(SentenceContext(
            sentence=sentence, index=len(contexts), section=section,
            actors=within(actors, sentence), places=resolved, admin_context=admin,
            dates=[d for d in dates if sentence.start <= d.span.start < sentence.end],
            sources=[s for s in sources if sentence.start <= s.span.start < sentence.end],
        ))
        previous_admin = next((loc for loc in resolved if loc.admin1_code), admin)
    return contexts

def resolve_places(toponyms: list[Toponym], context: Location | None, geocoder: Geocoder,
                   strict: bool, sources: list[Span] = (), document_id: str | None = None) -> list[Location]:
    """Resolve a sentence's toponyms that may be where an event happened (geo/roles.py: not a sponsor,
    talks, a speaker's place, a dateline...); one the gazetteer lacks takes the governorate of a
    resolved neighbour ("Karaj al-Abaseen ... near the town of Arbin"), else the context's, and is
    learned when the governorate or that neighbour is named right after it ("Rihan in Hama's northern
    countryside", "Umm Batna, near Khan Arnabeh")."""
    resolved = [context if strict and context is not None and context.mention is t.mention
                else geocoder.resolve(t, context, strict) for t in toponyms]  # 'Hama' of 'Tal Milh in Hama'
    placed = event_places([(t, loc) for t, loc in zip(toponyms, resolved, strict=True) if loc is not None],
                          {geocoder.country, HOME_COUNTRY}, sources)
    kept = {id(loc) for _, loc in placed}
    pairs = [(t, loc) for t, loc in zip(toponyms, resolved, strict=True) if loc is None or id(loc) in kept]
    toponyms, resolved = [t for t, _ in pairs], [loc for _, loc in pairs]
    resolved = city_parts_in_their_city(toponyms, resolved)
    anchors = [loc for loc in resolved if loc and (loc.geo_precision == 1 or loc.level == "region") and loc.admin1_code]
    for i, (toponym, location) in enumerate(zip(toponyms, resolved, strict=True)):
        fell_back = location is None or (location.geo_precision == 3 and location.level == "admin1"
                                         and not geocoder.names_admin_area(toponym))
        if fell_back and anchors:
            start = toponym.mention.start
            anchor = min(anchors, key=lambda a: (a.mention.start < start, abs(a.mention.start - start)))
            resolved[i] = geocoder.enclosing(toponym.mention, anchor)
            if resolved[i] is not None and located_in(toponym, anchor):  # 'Umm Batna, near Khan Arnabeh'
                geocoder.learn(toponym, resolved[i], anchor, document_id)
        elif fell_back and strict and location is not None and context is not None and located_in(toponym, context):
            geocoder.learn(toponym, location, context, document_id)
    return [loc for loc in resolved if loc]


def city_parts_in_their_city(toponyms: list[Toponym], resolved: list[Location | None]) -> list[Location | None]:
    """'the Shahba neighbourhood of Aleppo': a city's part lies in that city, not at a town of its name elsewhere."""
    placed = list(resolved)
    for i, toponym in enumerate(toponyms[:-1]):
        city, part = resolved[i + 1], resolved[i]
        if toponym.mention.cue not in CITY_PART_CUES or city is None or city.latitude is None \
                or not located_in(toponym, city):
            continue
        if part is None or part.latitude is None \
                or km_between(part.latitude, part.longitude, city.latitude, city.longitude) > CITY_PART_KM:
            placed[i] = city
    return placed


def located_in(toponym: Toponym, area: Location) -> bool:
    """True when the area is named right after the place: 'Khan Tuman, in Aleppo's southern countryside'."""
    if area.mention is None:
        return False
    gap = area.mention.span.start - toponym.mention.span.end
    return area.mention.span.doc is toponym.mention.span.doc and 0 <= gap <= MAX_CONTAINMENT_GAP

def header_location(sentence: Span, places: list[Toponym], geocoder: Geocoder) -> Location | None:
    """A section header is a short line of its own naming a place: 'Idlib', 'Aleppo'."""
    words = [t for t in sentence if not t.is_space]
    if not words or len(words) > MAX_HEADER_TOKENS or words[-1].is_punct or not places:
        return None
    if not ("\n" in sentence.text_with_ws or sentence.end == len(sentence.doc)):
        return None
    return geocoder.admin_area(places[0].mention) or geocoder.resolve(places[0])

def sentence_admin(places: list[Toponym], geocoder: Geocoder) -> Location | None:
    """A governorate the sentence itself names ('in Southeastern Idlib', 'Quneitra province'), or
    names as where another place lies ('Tal Milh area in Hama')."""
    held = geocoder.holding_admin1(places)
    if held is not None:
        return held
    for mention in (t.mention for t in places):
        if mention.direction or mention.cue in ADMIN_CUES:
            area = geocoder.admin_area(mention)
            if area is not None and area.level == "admin1":
                return area
    return None

def document_location(contexts: list[SentenceContext], geocoder: Geocoder) -> Location | None:
    """The document's most mentioned governorate, the last resort for an event with no place."""
    counts = Counter()
    first: dict[str, Location] = {}
    for ctx in contexts:
        for loc in ctx.places:
            if loc.admin1_code:
                counts[loc.admin1_code] += 1
                first.setdefault(loc.admin1_code, loc)
    if not counts:
        return None
    code = counts.most_common(1)[0][0]
    return geocoder.admin_of(first[code])
