"""What makes two readings one place, and two spellings one name; no spaCy here.

`place_key` identifies a place across gazetteer lookups and the resolver's readings; `looks_alike`
guards matches found only under the variant-folding key.
"""

from __future__ import annotations

from typing import Protocol

from rapidfuzz import fuzz

from fieldreport.geo.gazetteer import loose_key, name_key, spelling_form


class PlacePoint(Protocol):
    """A gazetteer Place or a resolver Candidate: a named point, with a GeoNames id when it has one."""

    @property
    def name(self) -> str: ...

    @property
    def latitude(self) -> float: ...

    @property
    def longitude(self) -> float: ...

    @property
    def geonameid(self) -> int | None: ...


def place_key(place: PlacePoint) -> tuple:
    """What identifies a place across lookups and readings: its GeoNames id, else (imported places and
    derived areas) its name and point."""
    if place.geonameid is not None:
        return (place.geonameid,)
    return place.name, round(place.latitude, 4), round(place.longitude, 4)


def looks_alike(mention: str, place: str) -> bool:
    """Guard for variant-folded matches: 'Jandariseh' ~ 'Jindayris' yes; 'Halbah' ~ 'Halab' (Aleppo) no,
    because a short consonant skeleton says too little; a different number of words says no."""
    a, b = name_key(mention), name_key(place)
    similarity = fuzz.ratio(a.replace(" ", ""), b.replace(" ", ""))
    if similarity >= 80:
        return True
    same_words = len(a.split()) == len(b.split())
    skeleton = loose_key(mention).replace(" ", "")
    if same_words and len(skeleton) >= 4 and skeleton == loose_key(place).replace(" ", ""):
        return True  # 'Ein Issa' ~ 'Ayn Isa': same consonants word by word
    return same_words and similarity >= 65 and len(skeleton) >= 5


VOWELS = frozenset("aeiou")
MIN_RESPELLED_LENGTH = 5  # shorter names differ in too few letters to tell a respelling from another name


def vowels_respelled(mention: str, place: str) -> bool:
    """'Basira' ~ 'Al Busayrah': the same consonants in the same places, only vowels written otherwise
    (after the common spellings are folded: 'ay' -> 'i', a final 'ah' -> 'a'). A vowel that moves makes
    another name ('Halbah' is no 'Halab')."""
    a, b = spelling_form(name_key(mention)), spelling_form(name_key(place))
    if len(a) != len(b) or len(a.replace(" ", "")) < MIN_RESPELLED_LENGTH:
        return False
    return all(x == y or (x in VOWELS and y in VOWELS) for x, y in zip(a, b, strict=True))
