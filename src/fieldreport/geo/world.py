"""Countries, continents and regions by name and by adjective, from the world supplement
(data/world_places.tsv): what 'Russia', 'Russian' and 'the Middle East' name."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.strings import get_string_id

from fieldreport.geo.gazetteer import WORLD_PLACES, name_key, world_rows


@dataclass(frozen=True)
class WorldPlace:
    """A country, continent or region from the world supplement."""

    kind: str  # country | continent | region
    code: str
    name: str
    latitude: float
    longitude: float
    population: int
    geonameid: int | None

    @property
    def area(self) -> tuple[str, str | None] | None:
        """(country, admin1 code) a region lies in, from its code 'SY.08' (or 'SY'); None when it spans
        several countries ('Levant') or is a country or continent."""
        if self.kind != "region" or not self.code:
            return None
        country, _, admin1_code = self.code.partition(".")
        return country, admin1_code or None


class WorldNames:
    """Countries, continents and regions by name and by adjective ('Russian', 'Americans')."""

    def __init__(self, path: Path = WORLD_PLACES) -> None:
        self.by_name: dict[str, WorldPlace] = {}
        self.by_adjective: dict[str, WorldPlace] = {}
        self.by_code: dict[str, WorldPlace] = {}
        self.adjective_first_words: set[str] = set()  # 'South' of 'South Korean', for a quick screen
        for kind, code, names, adjectives, lat, lon, population, geonameid in world_rows(path):
            names_list = names.split("|")
            place = WorldPlace(kind, code, names_list[0], float(lat), float(lon), int(population or 0),
                               int(geonameid) if geonameid else None)
            if kind == "country":
                self.by_code[code] = place
            for name in names_list:
                self.by_name.setdefault(name_key(name), place)
            for adjective in filter(None, adjectives.split("|")):
                self.by_adjective.setdefault(adjective, place)
                if adjective.endswith(("an", "ian", "ean")):  # 'Europeans', 'Central Americans'
                    self.by_adjective.setdefault(adjective + "s", place)
                if " " in adjective:
                    self.adjective_first_words.add(adjective.split()[0])
        # string hashes of the words that can open an adjective, to screen a document's words at once
        self.adjective_screen = frozenset(get_string_id(word) for word in
                                          self.adjective_first_words | self.by_adjective.keys())


@lru_cache(maxsize=1)
def default_world() -> WorldNames:
    return WorldNames()


def world_surface_names(path: Path = WORLD_PLACES) -> list[str]:
    """Every name and adjective in the world supplement, as written."""
    names: list[str] = []
    for fields in world_rows(path):
        names += fields[2].split("|") + [a for a in fields[3].split("|") if a]
    return names
