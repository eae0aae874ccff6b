"""Places the gazetteer lacks that reports locate: learned once, reused by the reports that follow.

"Khan Tuman, in Aleppo's southern countryside" or "the village of Rihan in Hama's northern
countryside" puts a village in a governorate. A later report that names the village with no
governorate ("Regime forces captured the village of Rihan") then gets that governorate rather than
none. Only names the gazetteer has no reading of in the country are learned or looked up, so a
learned place never overrides the gazetteer; the first report to locate a place is kept, with the
sentence that located it. With a store (`Store.learned_places`), they last across runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from fieldreport.geo.gazetteer import ADMIN1, name_key
from fieldreport.geo.location import Location
from fieldreport.mentions.places import PlaceMention
from fieldreport.storage.rows import LearnedPlace

MAX_NAME_WORDS = 4  # longer capitalised runs are rarely one village's name


class LearnedPlaceStore(Protocol):
    """Where learned places are kept between runs (storage.Store)."""

    def learned_places(self) -> list[LearnedPlace]: ...

    def add_learned_places(self, places: Sequence[LearnedPlace]) -> int: ...


class LearnedPlaces:
    """The places learned so far, by country and name; each new one is written to `store` at once.

    Without a store, what a report teaches serves that report only, unless `across_documents`: an
    extraction's result must not depend on which documents went before it in the same process, or
    batch runs (documents spread over workers) and test runs would code the same text differently.
    A store keeps them across reports on purpose, in the order the store received them.
    """

    def __init__(self, store: LearnedPlaceStore | None = None, across_documents: bool = False) -> None:
        self.store = store
        self.across_documents = across_documents or store is not None
        self.places: dict[tuple[str, str], LearnedPlace] = {}
        for place in store.learned_places() if store is not None else []:
            self.places.setdefault((place.country_code, place.name_key), place)

    def begin_document(self) -> None:
        """A new report begins: what the previous one taught is forgotten unless kept across documents."""
        if not self.across_documents:
            self.places.clear()

    def find(self, name: str, country: str | None) -> LearnedPlace | None:
        return self.places.get((country or "", name_key(name)))

    def learn(self, mention: PlaceMention, location: Location, located_by: Location,
              document_id: str | None = None) -> LearnedPlace | None:
        """Keep where a report put a place the gazetteer lacks (`location`, found by `located_by`);
        None when it is no name worth keeping or the place is known already."""
        if not learnable(mention, location):
            return None
        key = (location.country_code or "", name_key(mention.name))
        if not key[1] or key in self.places:
            return None
        place = LearnedPlace(
            name=mention.name, name_key=key[1], country_code=key[0], country=location.country,
            admin1_code=location.admin1_code, admin1=location.admin1, latitude=location.latitude,
            longitude=location.longitude, geo_precision=location.geo_precision,
            located_by=located_by.location, evidence=mention.span.sent.text.strip(), document_id=document_id,
        )
        self.places[key] = place
        if self.store is not None:
            self.store.add_learned_places([place])
        return place


def learnable(mention: PlaceMention, location: Location) -> bool:
    """A capitalised name of a few words, placed in a governorate of a country."""
    words = mention.name.split()
    return (bool(location.country_code and location.admin1_code) and 0 < len(words) <= MAX_NAME_WORDS
            and mention.name[0].isupper() and not any(c.isdigit() for c in mention.name))


def learned_location(place: LearnedPlace, mention: PlaceMention) -> Location:
    """Where a learned place lies, as the report that located it put it, under this mention's name."""
    return Location(
        location=mention.span.text, latitude=place.latitude, longitude=place.longitude,
        geo_precision=place.geo_precision, country=place.country, admin1=place.admin1, admin2=None,
        level=ADMIN1 if place.geo_precision >= 3 else "learned", admin1_code=place.admin1_code,
        country_code=place.country_code, mention=mention,
    )
