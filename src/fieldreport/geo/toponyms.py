"""A toponym: a place mention in document coordinates, and the readings (candidates) the resolver
ranks for it, best first. Built from the PlaceFinder's mentions by `places` and by `extract` alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span

from fieldreport.mentions.places import PlaceMention, city_of_quarter
from fieldreport.rules import word_set

ADMIN_CUES = word_set("geo", "admin_cues")
NAME_SUFFIXES = word_set("geo", "name_suffixes")
RELATION_FILLERS = word_set("geo", "relation_fillers")
# 'northeast of' before 'east of', which ends it too
RELATIONS = tuple(sorted(word_set("geo", "relations"), key=lambda relation: (-len(relation), relation)))
# Chosen by coordinate search on held-apart articles (GeoWebNews 100-199, LGL 100-587, GeoVirus 100-228;
# bench/geoparse.py scores the first 100 of each), keeping the admin1 features the Syrian notes need
# ("X in Idlib countryside") and a `support` light enough that 'Washington' beside 'New York' stays
# the capital rather than the small Washington, New Jersey.
WEIGHTS = {"name": 4.0, "population": 2.0, "level": 1.0, "focus": 1.0, "focus_admin1": 1.0, "contained": 3.0,
           "sentence_admin": 1.0, "document_admin": 1.5, "proximity": 1.0, "cue": 1.5, "dominance": 0.5,
           "support": 1.5}


@dataclass
class Candidate:
    """One reading of a mention, with the features that scored it."""

    name: str
    latitude: float
    longitude: float
    level: str
    country: str | None
    country_name: str | None
    admin1_code: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    feature_class: str = "A"
    feature_code: str = ""
    population: int = 0
    geonameid: int | None = None
    loose: bool = False  # matched only as a variant transliteration of the mention
    respelled: bool = False  # a variant in its vowels or glued article ('Basira', 'Alshadadi'): kept if the text agrees
    features: dict[str, float] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return sum(WEIGHTS.get(name, 1.0) * value for name, value in self.features.items())


@dataclass
class Toponym:
    """A mention in document coordinates, its candidates (best first, once resolved) and the area a
    containment phrase puts it in."""

    mention: PlaceMention
    start: int
    end: int
    text: str
    kind: str = "toponym"  # toponym | adjective
    relation: str | None = None
    candidates: list[Candidate] = field(default_factory=list)
    within: Candidate | None = None  # the area a containment phrase puts it in
    sentence: int = 0  # token index where its sentence starts
    # the shorter name its candidates are read as when the gazetteer lacks its own: the city of
    # 'Aleppo - International Airport', 'Homs' of 'Homs City'
    read_as: str | None = None
    capped: bool = False  # the gazetteer had more places of the name than the resolver took (MAX_CANDIDATES)
    focus_named: bool = False  # another name of the document is read in its focus country

    @property
    def read_as_its_city(self) -> bool:
        """True when its candidates are the city of a 'City - Quarter' name: near the place, not the place."""
        return self.read_as is not None and self.read_as == city_of_quarter(self.mention.name)


def toponym_of(mention: PlaceMention) -> Toponym:
    """A Toponym whose offsets cover the name itself ('Aleppo' of 'Southern Aleppo'); a capitalised
    'City' or 'County' is part of the name ('New York City', 'Henderson County')."""
    span = mention.span
    last = span[-1].text
    if last in NAME_SUFFIXES and not mention.name.endswith(last):
        mention.name = f"{mention.name} {last}"
        mention.cue = mention.cue if mention.cue in ADMIN_CUES else None
    offset = span.text.find(mention.name)
    start = span.start_char + max(offset, 0)
    end = start + len(mention.name) if offset >= 0 else span.end_char
    text = span.text[offset:offset + len(mention.name)] if offset >= 0 else span.text
    return Toponym(mention, start, end, text, relation=relation_before(span), sentence=sentence_start(span))


def toponym_as_written(mention: PlaceMention) -> Toponym:
    """A Toponym over the mention's whole span, leaving the mention as the extractor found it."""
    span = mention.span
    return Toponym(mention, span.start_char, span.end_char, span.text, relation=relation_before(span),
                   sentence=sentence_start(span))


def sentence_start(span: Span) -> int:
    """Token index of the sentence start (cheaper than span.sent, which scans the document)."""
    i = span.start
    while i > 0 and not span.doc[i].is_sent_start:
        i -= 1
    return i


def relation_before(span: Span) -> str | None:
    """'west of', 'near', ... right before the mention (skipping RELATION_FILLERS: 'the town of')."""
    doc = span.doc
    start = span.start
    while start > 0 and doc[start - 1].lower_ in RELATION_FILLERS and not (
            doc[start - 1].lower_ == "of" and start > 1 and f"{doc[start - 2].lower_} of" in RELATIONS):
        start -= 1
    before = doc[max(0, start - 2):start].text.lower()
    return next((relation for relation in RELATIONS if before.endswith(relation)), None)
