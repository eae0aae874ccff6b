"""Choosing where an event happened among the resolver's readings of its place, at ACLED's precision.

Precision follows ACLED's geo_precision: 1 the named place itself, 2 a nearby or enclosing named
place (a village missing from the gazetteer whose name contains a known town), 3 the governorate.
The candidates of a toponym are the shared resolver's (geo/resolver.py), in its order; the geocoder
keeps those in the focus country and the governorate in context. It asks the gazetteer only about
other names: a part of the name ('Armanaz' of 'Bireh Armanaz'), an admin area, the enclosing
governorate, and the governorate's own places of the name when the resolver took only the first
MAX_CANDIDATES. A place the gazetteer does not know falls back to the smallest known enclosing
area and keeps its raw name, so an event is never dropped for want of a point.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from spacy.tokens import Span

from fieldreport.geo.distance import km_between
from fieldreport.geo.gazetteer import ADMIN1, Gazetteer, Place, name_key
from fieldreport.geo.keys import looks_alike
from fieldreport.geo.learned import LearnedPlaces, learned_location
from fieldreport.geo.location import AREA_LEVELS, Location, PlaceReading, location_from
from fieldreport.geo.resolver import (
    CONTAINMENT_FILLERS,
    CONTAINMENT_GLUE,
    METROPOLIS,
    MIN_FOREIGN_POPULATION,
    NEIGHBOUR_LEVELS,
)
from fieldreport.geo.toponyms import ADMIN_CUES, Candidate, Toponym
from fieldreport.geo.world import default_world
from fieldreport.mentions.places import DIRECTIONS, PlaceMention, city_of_quarter
from fieldreport.rules import word_set

MAX_HOLDING_GAP = 6  # tokens between a place and the governorate it is said to lie in
HOLDING_WORDS = CONTAINMENT_GLUE | CONTAINMENT_FILLERS | ADMIN_CUES | word_set("geo", "holding_fillers") | {"-"}
DIRECTION_WORDS = frozenset(DIRECTIONS) | frozenset(word.replace("-", "") for word in DIRECTIONS)
BORDER_KM = 40.0  # a town abroad this close to a town of the focus country lies across its border
NEAR_CONTEXT_KM = 25.0  # a place outside the governorate in context is accepted only this close to it
LOCAL_CUES = word_set("geo", "local_cues")
CITY_PART_CUES = word_set("geo", "city_part_cues")
POINT_LEVELS = NEIGHBOUR_LEVELS  # a town, a district, a landmark: what an event's point can be
T = TypeVar("T")


@dataclass
class Readings:
    """The places a name may mean, best first: in the governorate in context, in the focus country,
    and (large, spelled the same way) abroad."""

    inside: list[PlaceReading] = field(default_factory=list)
    home: list[PlaceReading] = field(default_factory=list)
    abroad: list[PlaceReading] = field(default_factory=list)


class Geocoder:
    """Places the resolver's toponyms at ACLED precision, given a country focus and a governorate in context."""

    def __init__(self, gazetteer: Gazetteer, country: str | None = "SY", learned: LearnedPlaces | None = None) -> None:
        """`learned`: places the gazetteer lacks that reports located (geo/learned.py), asked only
        when the gazetteer has no reading of a name."""
        self.gazetteer = gazetteer
        self.country = country
        self.learned = learned
        self._memo: dict[tuple, Any] = {}

    def memo(self, key: tuple, compute: Callable[[], T]) -> T:
        """Gazetteer answers repeat across documents ('Idlib', 'Syria'); keep them for the run."""
        if key not in self._memo:
            if len(self._memo) > 100_000:
                self._memo.clear()
            self._memo[key] = compute()
        return self._memo[key]

    def admin_area(self, mention: PlaceMention) -> Location | None:
        """The governorate or country a mention names ("Southern Aleppo", "Idlib province", "Syria")."""
        place = None
        for name in dict.fromkeys([mention.span.text, mention.name]):  # 'Damascus countryside' is Rural Damascus
            place = place or self.memo(("admin1", name), lambda name=name: self.admin1_named(name))
        if place is not None:
            return self.at_area_centre(location_from(place, mention.span.text, 3, mention), mention.direction)
        country = self.memo(("country", mention.name), lambda: self.gazetteer.country(mention.name))
        if country is not None:
            return at_country_centre(location_from(country, mention.name, 3, mention))
        return None

    def admin1_named(self, name: str) -> Place | None:
        """The governorate a name spells, exactly or as a close variant: 'Sayda' is a town, not As-Sweida."""
        place = self.gazetteer.admin1(name, self.country)
        if place is None:
            return None
        return place if spells_admin1(self.gazetteer, name, place) or looks_alike(name, place.name) else None

    def names_admin_area(self, toponym: Toponym) -> bool:
        """True when the toponym is about a whole governorate or country rather than a town: a country
        name none of whose readings lies in the focus country, or a name with an admin cue or a direction."""
        mention = toponym.mention
        if mention.cue in ADMIN_CUES or mention.direction:
            return self.admin_area(mention) is not None
        return self.memo(("country", mention.name), lambda: self.gazetteer.country(mention.name)) is not None \
            and not any(c.country == self.country for c in toponym.candidates)

    def holding_admin1(self, toponyms: list[Toponym]) -> Location | None:
        """The governorate a place is said to lie in, ACLED's way: 'Tal Milh area in Hama', 'Sayda in
        Dar'a' (a bare name shared by a governorate and its seat is the governorate there)."""
        for place, area in zip(toponyms, toponyms[1:], strict=False):
            if not holds(place.mention.span, area.mention.span) or area.mention.cue not in (None, *ADMIN_CUES) \
                    or place.mention.cue in CITY_PART_CUES:  # 'the neighbourhood of X in Raqqa': the city
                continue
            location = self.admin_area(area.mention)
            if location is not None and location.level == ADMIN1 and location.country_code == self.country:
                return location
        return None

    def names_admin_capital(self, mention: PlaceMention, place: PlaceReading) -> bool:
        """'Idlib', 'Hama': a bare name shared by a governorate and its capital is ambiguous."""
        area = self.memo(("admin1-of", mention.name, place.country),
                         lambda: self.gazetteer.admin1(mention.name, place.country))
        return area is not None and area.admin1_code == place.admin1_code and mention.cue is None

    def resolve(self, toponym: Toponym, context: Location | None = None, strict: bool = True) -> Location | None:
        """The best location for a toponym; None only when neither it nor the context can be placed.

        With `strict`, the context is a governorate the text names (a section header, "in Idlib
        province"), and a candidate far outside it is refused; otherwise it only breaks ties. Among
        the candidates the context allows, the one the resolver ranks first wins.
        """
        mention = toponym.mention
        if self.names_admin_area(toponym):
            return self.admin_area(mention)
        region = self.region_reading(toponym)
        if region is not None:
            return location_from(region, toponym.text, 2, mention)
        if not toponym.read_as_its_city:
            place = self.chosen(self.readings_of(toponym, context), context, strict_context=strict,
                                abroad=mention.cue not in LOCAL_CUES)
            if place is not None:
                precision = 2 if self.names_admin_capital(mention, place) else 1
                return location_from(place, mention.name if precision > 1 else place.name, precision, mention)
        admin = self.admin_area(mention)  # before the parts: 'Rural Damascus' is no 'Damascus'
        if admin is not None:
            return admin
        place = self.part_place(toponym, context, strict)
        if place is not None:
            return location_from(place, mention.name, 2, mention)
        if context is not None and context.admin1_code and strict:
            return self.enclosing(mention, context)
        learned = self.learned.find(mention.name, self.country) if self.learned is not None else None
        if learned is not None:  # what an earlier report said of it, before the governorate talked of last
            return learned_location(learned, mention)
        if context is not None and context.admin1_code:
            return self.enclosing(mention, context)
        return None

    def region_reading(self, toponym: Toponym) -> PlaceReading | None:
        """The region a toponym names when the resolver reads it so and it lies in one governorate of the
        focus country ('Eastern Ghouta', 'the Qalamoun'): near the place, at ACLED's precision 2."""
        best = toponym.candidates[0] if toponym.candidates else None
        if best is None or best.level != "region" or best.country != self.country or not best.admin1_code:
            return None
        return best

    def learn(self, toponym: Toponym, location: Location, located_by: Location,
              document_id: str | None = None) -> None:
        """Keep where the report put a place the gazetteer lacks (no reading in the country), for the
        reports that follow."""
        if self.learned is not None and not any(c.country == self.country for c in toponym.candidates):
            self.learned.learn(toponym.mention, location, located_by, document_id)

    def part_place(self, toponym: Toponym, context: Location | None, strict: bool) -> PlaceReading | None:
        """The place a part of the name names: the city whose readings a 'City - Quarter' name took,
        else the longest trailing part the gazetteer knows ('Armanaz' of 'Bireh Armanaz')."""
        if toponym.read_as_its_city:
            return self.chosen(self.readings_of(toponym, context), context, strict=True, strict_context=strict)
        for part in name_parts(toponym.mention.name):
            place = self.chosen(self.gazetteer_readings(part, context), context, strict=True, strict_context=strict)
            if place is not None:
                return place
        return None

    def readings_of(self, toponym: Toponym, context: Location | None) -> Readings:
        """The toponym's point readings in the resolver's order, by where the focus and the context allow."""
        code = context.admin1_code if context else None
        name = toponym.mention.name
        points = [c for c in toponym.candidates if c.level in POINT_LEVELS]
        return Readings(
            inside=self.readings_in(toponym, points, code) if code else [],
            home=self.readings_in(toponym, points),
            abroad=[c for c in points if c.population >= MIN_FOREIGN_POPULATION and name_key(c.name) == name_key(name)
                    and self.pointed_abroad(toponym, c)],
        )

    def pointed_abroad(self, toponym: Toponym, candidate: Candidate) -> bool:
        """In a report that names places of the focus country, a town abroad is read for a name the country
        lacks only when the report points there: another of its places lies near it or in its country
        ('Isfahan, Iran'), it lies across the border ('Kilis'), or it is a capital or a city of millions that
        needs no pointer ('Ankara'). 'The Rayyan camp north of Azaz' is no town in Qatar."""
        if not toponym.focus_named or candidate.features.get("support", 0.0) > 0 \
                or candidate.feature_code == "PPLC" or candidate.population >= METROPOLIS or self.country is None:
            return True
        return self.memo(("border", candidate.latitude, candidate.longitude), lambda: self.gazetteer.has_place_near(
            self.country, candidate.latitude, candidate.longitude, BORDER_KM))

    def readings_in(self, toponym: Toponym, points: list[PlaceReading],
                    admin1_code: str | None = None) -> list[PlaceReading]:
        """The readings in the focus country (and the admin1). When the resolver took only the first
        MAX_CANDIDATES places of the name and none of them is there, the gazetteer's places there."""
        found = [c for c in points if c.country == self.country and admin1_code in (None, c.admin1_code)]
        if found or not toponym.capped:
            return found
        return self.places_named(toponym.read_as or toponym.mention.name, self.country, admin1_code)

    def gazetteer_readings(self, name: str, context: Location | None) -> Readings:
        """The gazetteer's places of another name than a toponym's (a part of it), in the same pools."""
        code = context.admin1_code if context else None
        return Readings(inside=self.places_named(name, self.country, code) if code else [],
                        home=self.places_named(name, self.country))

    def chosen(self, readings: Readings, context: Location | None, strict: bool = False, strict_context: bool = True,
               abroad: bool = True) -> PlaceReading | None:
        """The best reading in the focus country that the context allows; a large place abroad only when
        `abroad` and the country has none. `strict` (a part of a name) refuses a reading outside the context."""
        if readings.inside:
            return readings.inside[0]
        code = context.admin1_code if context else None
        if strict_context and context is not None and context.latitude is not None:
            near = [p for p in readings.home
                    if km_between(p.latitude, p.longitude, context.latitude, context.longitude) <= NEAR_CONTEXT_KM]
            if near or code:
                return near[0] if near else None
        if readings.home:
            return None if strict and code else readings.home[0]
        if strict or self.country is None or not abroad:
            return None
        # outside the country in focus only a large place spelled the same way ("Ankara", "Moscow")
        return readings.abroad[0] if readings.abroad else None

    def enclosing(self, mention: PlaceMention, context: Location) -> Location | None:
        """Fallback for a place the gazetteer lacks: the governorate around it, keeping its raw name."""
        code = (context.country_code or self.country, context.admin1_code)
        place = self.memo(("by-code", *code), lambda: self.gazetteer.admin1_by_code(*code))
        return self.at_area_centre(location_from(place, mention.span.text, 3, mention)) if place is not None else None

    def at_area_centre(self, location: Location, direction: str | None = None) -> Location:
        """A governorate-level location moved from the governorate's seat to the median of its places
        (on the side a `direction` gives: 'northeastern Hama'): an event somewhere in it lies nearer
        that on average (Hama, Aleppo and Idlib sit off-centre)."""
        centre = self.memo(("centre", location.country_code, location.admin1_code, direction),
                           lambda: self.gazetteer.places_median(location.country_code, location.admin1_code, direction)
                           if location.country_code and location.admin1_code else None)
        return replace(location, latitude=centre[0], longitude=centre[1]) if centre else location

    def places_named(self, name: str, country: str | None, admin1_code: str | None = None) -> list[Place]:
        """The gazetteer's points of a name in a country (and admin1), kept for the run."""
        return self.memo(("places", name, country, admin1_code),
                         lambda: self.fresh_places_named(name, country, admin1_code))

    def fresh_places_named(self, name: str, country: str | None, admin1_code: str | None) -> list[Place]:
        """The gazetteer's points of a name, keeping loose (variant-folded) matches only when they look alike."""
        found = [p for p in self.gazetteer.lookup(name, country, admin1_code) if p.level not in AREA_LEVELS]
        if self.gazetteer.contains_name(name):
            return found
        return [place for place in found if looks_alike(name, place.name)]

    def admin_of(self, location: Location) -> Location | None:
        """The governorate that contains a location, as a precision-3 Location."""
        if not location.admin1_code:
            return None
        place = self.gazetteer.admin1_by_code(location.country_code or self.country, location.admin1_code)
        return location_from(place, place.admin1 or place.name, 3, None) if place else None


def holds(place: Span, area: Span) -> bool:
    """'X in Y', 'X front in Y', 'X village, in the Y', 'X in the eastern countryside of Y': only glue
    between a place and the area after it, and 'of' only after an area word ('countryside of')."""
    between = list(place.doc[place.end:area.start])
    if not 0 < len(between) <= MAX_HOLDING_GAP or not any(t.lower_ in ("in", ",") for t in between):
        return False
    for i, token in enumerate(between):
        word = token.lower_
        if word == "of" and not (i and between[i - 1].lower_ in ADMIN_CUES):
            return False
        if word != "of" and word not in HOLDING_WORDS and not is_direction_word(word):
            return False
    return True


def is_direction_word(word: str) -> bool:
    """'eastern', 'north', 'south-western': a direction the text gives inside an area."""
    return word.replace("-", "") in DIRECTION_WORDS


def at_country_centre(location: Location) -> Location:
    """A country named alone is placed at its centre, never at its capital's point: 'clashes in Syria'
    did not happen in Damascus (the gazetteer keeps countries at their capitals)."""
    country = default_world().by_code.get(location.country_code or "")
    return replace(location, latitude=country.latitude, longitude=country.longitude) if country else location


def spells_admin1(gazetteer: Gazetteer, name: str, area: Place) -> bool:
    """True when `name` is one of the admin1's own spellings, not a loose match ('Manara' is no 'Manyara')."""
    return any(p.level == ADMIN1 and p.admin1_code == area.admin1_code
               for p in gazetteer.lookup(name, area.country, exact=True))


def name_parts(name: str) -> list[str]:
    """Trailing parts of a multi-word name, longest first: 'Bireh Armanaz' -> ['Armanaz']; for a
    'City - Quarter' name, as ACLED writes them ('Aleppo - International Airport'), the city."""
    if " - " in name:
        city = city_of_quarter(name)
        return [city] if city else []
    words = name.split()
    return [" ".join(words[i:]) for i in range(1, len(words)) if len(" ".join(words[i:])) >= 4]

