"""Where an event happened, as ACLED's location columns; no spaCy here (storage and merging read it).

Precision follows ACLED's geo_precision: 1 the named place itself, 2 a nearby or enclosing named
place, 3 the governorate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from fieldreport.geo.gazetteer import ADMIN1, COUNTRY
from fieldreport.geo.keys import PlacePoint

if TYPE_CHECKING:
    from fieldreport.mentions.places import PlaceMention

AREA_LEVELS = frozenset({ADMIN1, COUNTRY})  # a governorate or a country: resolved as an area, never as a point


class PlaceReading(PlacePoint, Protocol):
    """A gazetteer Place or a resolver Candidate, with what a Location copies from it."""

    @property
    def country(self) -> str | None: ...

    @property
    def country_name(self) -> str | None: ...

    @property
    def admin1_code(self) -> str | None: ...

    @property
    def admin1(self) -> str | None: ...

    @property
    def admin2(self) -> str | None: ...

    @property
    def level(self) -> str: ...


@dataclass
class Location:
    """Where an event happened, as ACLED columns, plus the mention it came from."""

    location: str
    latitude: float | None
    longitude: float | None
    geo_precision: int
    country: str | None
    admin1: str | None
    admin2: str | None
    level: str
    admin1_code: str | None = None
    country_code: str | None = None
    geonameid: int | None = None
    mention: PlaceMention | None = None

    @property
    def is_admin(self) -> bool:
        return self.level in AREA_LEVELS


def location_from(place: PlaceReading, raw_name: str, precision: int, mention: PlaceMention | None) -> Location:
    """The Location of a place at `precision`; below precision 1, or for an area, it keeps the text's name."""
    return Location(
        location=raw_name if precision > 1 or place.level in AREA_LEVELS else place.name,
        latitude=place.latitude, longitude=place.longitude, geo_precision=precision,
        country=place.country_name, admin1=place.admin1, admin2=place.admin2, level=place.level,
        admin1_code=place.admin1_code, country_code=place.country, geonameid=place.geonameid, mention=mention,
    )
