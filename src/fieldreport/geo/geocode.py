"""Resolving toponym mentions to coordinates, constrained by the governorate in context.

Precision follows ACLED's geo_precision: 1 the named place itself, 2 a nearby or enclosing named
place (a village missing from the gazetteer whose name contains a known town), 3 the governorate.
A place the gazetteer does not know falls back to the smallest known enclosing area and keeps its
raw name, so an event is never dropped for want of a point.
"""

from __future__ import annotations

from dataclasses import replace

from fieldreport.geo.distance import km_between
from fieldreport.geo.gazetteer import ADMIN1, Gazetteer, Place, name_key
from fieldreport.geo.keys import looks_alike, place_key
from fieldreport.geo.location import AREA_LEVELS, Location, location_from
from fieldreport.geo.resolver import MIN_FOREIGN_POPULATION
from fieldreport.geo.toponyms import ADMIN_CUES
from fieldreport.mentions.places import PlaceMention, city_of_quarter
from fieldreport.rules import word_set

NEAR_CONTEXT_KM = 25.0  # a place outside the governorate in context is accepted only this close to it
LOCAL_CUES = word_set("geo", "local_cues")

# The order the shared resolver (geoparse.PlaceResolver) put a mention's readings in: place key -> rank.
Ranking = dict[tuple, int]


class Geocoder:
    """Resolves PlaceMentions against a Gazetteer, given a country focus and a governorate in context."""

    def __init__(self, gazetteer: Gazetteer, country: str | None = "SY") -> None:
        self.gazetteer = gazetteer
        self.country = country
        self._memo: dict[tuple, object] = {}

    def memo(self, key: tuple, compute):
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
            return self.at_area_centre(location_from(place, mention.span.text, 3, mention))
        country = self.memo(("country", mention.name), lambda: self.gazetteer.country(mention.name))
        if country is not None:
            return location_from(country, mention.name, 3, mention)
        return None

    def admin1_named(self, name: str) -> Place | None:
        """The governorate a name spells, exactly or as a close variant: 'Sayda' is a town, not As-Sweida."""
        place = self.gazetteer.admin1(name, self.country)
        if place is None:
            return None
        return place if spells_admin1(self.gazetteer, name, place) or looks_alike(name, place.name) else None

    def names_admin_area(self, mention: PlaceMention) -> bool:
        """True when the mention is about a whole governorate or country rather than a town."""
        if mention.cue in ADMIN_CUES or mention.direction:
            return self.admin_area(mention) is not None
        return self.memo(("country", mention.name), lambda: self.gazetteer.country(mention.name)) is not None \
            and not self.gazetteer.lookup(mention.name, self.country)

    def names_admin_capital(self, mention: PlaceMention, place: Place) -> bool:
        """'Idlib', 'Hama': a bare name shared by a governorate and its capital is ambiguous."""
        area = self.memo(("admin1-of", mention.name, place.country),
                         lambda: self.gazetteer.admin1(mention.name, place.country))
        return area is not None and area.admin1_code == place.admin1_code and mention.cue is None

    def resolve(self, mention: PlaceMention, context: Location | None = None, strict: bool = True,
                ranking: Ranking | None = None) -> Location | None:
        """The best location for a mention; None only when neither it nor the context can be placed.

        With `strict`, the context is a governorate the text names (a section header, "in Idlib
        province"), and a candidate far outside it is refused; otherwise it only breaks ties. Among
        the candidates the context allows, the one `ranking` (the shared resolver's order) puts first wins.
        """
        if self.names_admin_area(mention):
            return self.admin_area(mention)
        place = self.best_candidate(mention.name, context, strict_context=strict,
                                    abroad=mention.cue not in LOCAL_CUES, ranking=ranking)
        if place is not None:
            precision = 2 if self.names_admin_capital(mention, place) else 1
            return location_from(place, mention.name if precision > 1 else place.name, precision, mention)
        admin = self.admin_area(mention)  # before the parts: 'Rural Damascus' is no 'Damascus'
        if admin is not None:
            return admin
        for part in name_parts(mention.name):
            place = self.best_candidate(part, context, strict=True, strict_context=strict)
            if place is not None:
                return location_from(place, mention.name, 2, mention)
        if context is not None and context.admin1_code:
            return self.enclosing(mention, context)
        return None

    def enclosing(self, mention: PlaceMention, context: Location) -> Location | None:
        """Fallback for a place the gazetteer lacks: the governorate around it, keeping its raw name."""
        code = (context.country_code or self.country, context.admin1_code)
        place = self.memo(("by-code", *code), lambda: self.gazetteer.admin1_by_code(*code))
        return self.at_area_centre(location_from(place, mention.span.text, 3, mention)) if place is not None else None

    def at_area_centre(self, location: Location) -> Location:
        """A governorate-level location moved from the governorate's seat to the middle of its places:
        an event somewhere in it lies nearer that on average (Hama, Aleppo and Idlib sit off-centre)."""
        centre = self.memo(("centre", location.country_code, location.admin1_code),
                           lambda: self.gazetteer.area_centre(location.country_code, location.admin1_code)
                           if location.country_code and location.admin1_code else None)
        return replace(location, latitude=centre[0], longitude=centre[1]) if centre else location

    def candidates(self, name: str, country: str | None, admin1_code: str | None = None) -> list[Place]:
        """Gazetteer candidates, keeping loose (variant-folded) matches only when they look alike."""
        return self.memo(("candidates", name, country, admin1_code),
                         lambda: self.fresh_candidates(name, country, admin1_code))

    def fresh_candidates(self, name: str, country: str | None, admin1_code: str | None) -> list[Place]:
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

    def best_candidate(self, name: str, context: Location | None, strict: bool = False, strict_context: bool = True,
                       abroad: bool = True, ranking: Ranking | None = None) -> Place | None:
        """The best gazetteer place for a name in the focus country; a large place abroad only when `abroad`."""
        code = context.admin1_code if context else None
        if code:
            inside = ranked(self.candidates(name, self.country, code), ranking)
            if inside:
                return inside[0]
        candidates = ranked(self.candidates(name, self.country), ranking)
        if strict_context and context is not None and context.latitude is not None:
            near = [p for p in candidates
                    if km_between(p.latitude, p.longitude, context.latitude, context.longitude) <= NEAR_CONTEXT_KM]
            if near or code:
                return near[0] if near else None
        if candidates:
            return None if strict and code else candidates[0]
        if strict or self.country is None or not abroad:
            return None
        # outside the country in focus only a large place spelled the same way ("Ankara", "Moscow")
        foreign = [p for p in ranked(self.candidates(name, None), ranking) if p.population >= MIN_FOREIGN_POPULATION
                   and name_key(p.name) == name_key(name)]
        return foreign[0] if foreign else None


def ranked(places: list[Place], ranking: Ranking | None) -> list[Place]:
    """`places` in the shared resolver's order; those it did not consider keep the gazetteer's order, after."""
    if not ranking:
        return places
    last = len(ranking)
    return sorted(places, key=lambda p: ranking.get(place_key(p), last))


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

