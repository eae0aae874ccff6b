"""Resolution: the candidate readings of each toponym, ranked once for `places` and `extract` alike.

Candidates are the places spelled exactly like the mention; transliteration variants only in
Arabic-script countries the document is about. Each candidate is scored on features an analyst can
read in `places --explain`: name match, population, feature level, the document's country focus
(each distinct name votes by its prior readings), containment ("X, Louisiana", "X in Idlib
province"), admin1s named in the sentence or the document, and distance to the other places' best
readings (ranked twice). The extractor's geocoder then chooses among these ranked readings what
ACLED's precision and the governorate in context allow.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from fieldreport.geo.distance import EARTH_RADIUS_KM, km_between
from fieldreport.geo.gazetteer import ADMIN1, ADMIN2, COUNTRY, LANDMARK, PLACE, Gazetteer, Place, name_key
from fieldreport.geo.keys import looks_alike, place_key, vowels_respelled
from fieldreport.geo.toponyms import ADMIN_CUES, NAME_SUFFIXES, Candidate, Toponym
from fieldreport.geo.world import WorldNames, WorldPlace, default_world
from fieldreport.mentions.places import PlaceMention, city_of_quarter
from fieldreport.rules import word_set

MAX_CANDIDATES = 30  # places of one spelling taken from the gazetteer, world-wide and again in a focus country
NEIGHBOUR_LEVELS = frozenset({PLACE, ADMIN2, LANDMARK})  # readings small enough to locate the others
MIN_VARIANT_SHARE = 0.2  # variant spellings are looked up in a country with this share of the document
# Where place names are romanised from Arabic script, so transliteration variants are expected.
ARABIC_SCRIPT_COUNTRIES = word_set("geo", "arabic_script_countries")
# With a home country, another becomes a document's focus only on this many votes, more than one
# name's worth: one village name that is also a town abroad ('Sayda', 'Safa') must not move a Syrian
# report to Lebanon or Jordan, while Maiduguri, Bama and Borno (1.99 votes) make a Nigerian one.
MIN_FOCUS_VOTES = 1.5
FOCUS_SHARPNESS = 3.0  # how strongly a mention's country vote follows its best prior reading
METROPOLIS = 1_000_000  # a city this big is what its bare name means, not the homonymous admin1
MIN_FOREIGN_POPULATION = 50_000  # a place abroad this big may be read for a name the focus country lacks
CONTAINMENT_GLUE = word_set("geo", "containment_glue")
CONTAINMENT_FILLERS = word_set("geo", "containment_fillers")
SUPPORT_KM = 100.0  # a reading of another name this close supports a candidate
SUPPORT_BLOCK = 512  # readings compared with all the others at once
SHARP_FOCUS = 0.6  # a country with this share of the document's place names is what it is about
LEVEL_PRIOR = {COUNTRY: 1.0, ADMIN1: 0.8, ADMIN2: 0.5, "continent": 1.0, "region": 0.9}
CODE_PRIOR = {"PPLC": 0.7, "PPLA": 0.6, "PPLA2": 0.4, "PPLA3": 0.3}


class PlaceResolver:
    """Candidates for recognised toponyms and their ranking: the one resolver behind `places` and the
    events of `extract` (whose geocoder keeps ACLED's precision levels and governorate context on top)."""

    def __init__(self, gazetteer: Gazetteer, world: WorldNames | None = None, country: str | None = None,
                 home: str | None = None) -> None:
        """`country` fixes every document's focus; else each document's places decide it, read from
        the `home` country if one is given (`country_focus`)."""
        self.gazetteer = gazetteer
        self.world = world or default_world()
        self.country = country.upper() if country else None
        self.home = home.upper() if home else None

    def resolve(self, found: list[Toponym]) -> Focus:
        """Rank each toponym's candidates, best first, in place; the document's country focus.

        Gathers the candidates, infers the focus from them (`country_focus`), adds transliteration
        variants in the Arabic-script countries it holds, then scores every candidate."""
        for toponym in found:
            self.gather(toponym)
        focus = country_focus(found, self.country, self.home)
        shares, focus_admin1 = focus.shares, focus.admin1
        for variant_country in sorted(c for c, share in shares.items()
                                      if share >= MIN_VARIANT_SHARE and c in ARABIC_SCRIPT_COUNTRIES):
            for toponym in found:
                self.add_variants(toponym, variant_country)
        drop_small_places_abroad(found, shares)
        drop_lone_respellings(found)
        link_containment(found)
        mark_support(found)
        unambiguous = [(t, t.candidates[0]) for t in found if len(t.candidates) == 1]
        self.rank(found, shares, focus_admin1, unambiguous)
        self.rank(found, shares, focus_admin1, [(t, t.candidates[0]) for t in found if t.candidates])
        mark_focus_named(found, focus.country)
        return focus

    @staticmethod
    def rank(found: list[Toponym], shares: dict[str, float], focus_admin1: tuple[str, str] | None,
             picks: list[tuple[Toponym, Candidate]]) -> None:
        """Score and sort each toponym's candidates given `picks`, the readings taken for the others.

        Run twice: first with the unambiguous mentions as the only neighbours, then with every other
        mention's best reading, so that 'Arlington' next to 'Alexandria' and 'Fairfax' settles in Virginia.
        """
        neighbours = Neighbours([(name_key(t.mention.name), c) for t, c in picks if c.level in NEIGHBOUR_LEVELS])
        admins = AdminIndex(found)
        for toponym in found:
            key = name_key(toponym.mention.name)
            around = admins.around(toponym, key)
            for candidate in toponym.candidates:
                candidate.features.update(context_features(toponym, key, candidate, around, shares, focus_admin1,
                                                           neighbours))
            toponym.candidates.sort(key=lambda c: -c.score)

    def gather(self, toponym: Toponym) -> None:
        """The toponym's candidates (world entries and gazetteer places it may name, with their prior
        features), the name they are read as and whether the gazetteer had more than MAX_CANDIDATES."""
        name = toponym.mention.name
        if toponym.kind == "adjective":
            place = self.world.by_adjective.get(toponym.text) or self.world.by_adjective.get(name)
            toponym.candidates = [self.world_candidate(place)] if place else []
            return
        found: list[Candidate] = []
        world = self.world.by_name.get(name_key(name)) or self.world.by_adjective.get(name)
        if world is None and toponym.mention.direction:  # 'Eastern Ghouta': the direction is part of its name
            world = self.world.by_name.get(name_key(toponym.mention.span.text))
        if world is not None:
            found.append(self.world_candidate(world))
        seen = {c.country for c in found if c.level == COUNTRY}
        read_as, places = self.gazetteer_places(name)
        areas = [p for p in places if p.level in (ADMIN1, COUNTRY)
                 and (p.level == ADMIN1 or (world is None and p.country not in seen))]
        points = [p for p in places if p.level not in (ADMIN1, COUNTRY)]
        for place in areas + points:
            found.append(self.place_candidate(place))
        for candidate in found:
            candidate.features.update(prior_features(name, candidate, toponym.mention))
        if world is not None:
            found[0].features["name"] = 1.0  # matched one of its names exactly
        demote_areas_named_like_their_seat(found, toponym.mention)
        mark_dominant(found)
        toponym.candidates = found
        toponym.read_as = read_as if read_as != name else None
        toponym.capped = len(places) >= MAX_CANDIDATES

    def gazetteer_places(self, name: str) -> tuple[str, list[Place]]:
        """Gazetteer places spelled exactly like the mention, and the name they are places of:
        'Deir-ez-Zor - Al-Joura' (a city and its quarter) falls back to the city, 'Homs City' to Homs."""
        exact = self.gazetteer.lookup(name, None, limit=MAX_CANDIDATES, exact=True)
        city = city_of_quarter(name)
        if not exact and city:
            return self.gazetteer_places(city)
        head, _, last = name.rpartition(" ")
        if not exact and head and last in NAME_SUFFIXES:
            return self.gazetteer_places(head)
        return name, exact

    def add_variants(self, toponym: Toponym, country: str) -> None:
        """Add the places of a country the document is about that the mention names in another
        transliteration ('Khan Sheikhoun' for 'Khān Shaykhūn'), marked `loose`.

        Only in countries whose names are romanised from Arabic script, where such variants are the
        rule; elsewhere 'Lyndon' is no reading of 'London'.
        """
        if toponym.kind == "adjective":
            return
        name = toponym.mention.name if toponym.candidates else unglued_article(toponym.mention.name)
        known = {place_key(c) for c in toponym.candidates}
        looked_up = self.gazetteer.lookup(name, country, limit=MAX_CANDIDATES)
        toponym.capped |= len(looked_up) >= MAX_CANDIDATES
        places = [p for p in looked_up if p.level != COUNTRY]
        city = city_of_quarter(name)
        if not places and city:
            places = [p for p in self.gazetteer.lookup(city, country) if p.level != COUNTRY]
        respelled: set[tuple] = set()
        if not self.gazetteer.contains_name(name):
            respelled = {place_key(p) for p in places
                         if not looks_alike(name, p.name) and vowels_respelled(name, p.name)}
            places = [p for p in places if looks_alike(name, p.name) or place_key(p) in respelled]
        for place in places:
            candidate = self.place_candidate(place, loose=True)
            candidate.respelled = place_key(candidate) in respelled or name != toponym.mention.name
            if place_key(candidate) not in known:
                candidate.features.update(prior_features(name, candidate, toponym.mention))
                toponym.candidates.append(candidate)

    def world_candidate(self, place: WorldPlace) -> Candidate:
        country = self.world.by_code.get(place.code) if place.kind == "country" else None
        candidate = Candidate(
            name=place.name, latitude=place.latitude, longitude=place.longitude,
            level=COUNTRY if place.kind == "country" else place.kind,
            country=place.code if country else None, country_name=place.name if country else None,
            feature_class="A" if country else "L", feature_code="PCLI" if country else place.kind.upper()[:4],
            population=place.population, geonameid=place.geonameid,
        )
        if place.area is not None:  # 'Eastern Ghouta', 'Qalamoun': a region inside one country (and admin1)
            code, admin1_code = place.area
            holder = self.world.by_code.get(code)
            area = self.gazetteer.admin1_by_code(code, admin1_code) if admin1_code else None
            candidate.country, candidate.country_name = code, holder.name if holder else code
            candidate.admin1_code = admin1_code if area else None
            candidate.admin1 = (area.admin1 or area.name) if area else None
        return candidate

    def place_candidate(self, place: Place, loose: bool = False) -> Candidate:
        lat, lon = place.latitude, place.longitude
        if place.level in (ADMIN1, COUNTRY):
            centre = self.gazetteer.area_centre(place.country, place.admin1_code if place.level == ADMIN1 else None)
            lat, lon = centre or (lat, lon)
        return Candidate(
            name=place.name, latitude=lat, longitude=lon, level=place.level, country=place.country,
            country_name=place.country_name, admin1_code=place.admin1_code, admin1=place.admin1,
            admin2=place.admin2,
            feature_class=place.feature_class, feature_code=place.feature_code, population=place.population,
            geonameid=place.geonameid, loose=loose,
        )


GLUED_ARTICLE = re.compile(r"^(?:Al|El)(?=[bcdfghjklmnpqrstvwxz][a-z]{3,}$)")


def unglued_article(name: str) -> str:
    """A name with the Arabic article written onto it, 'Alshadadi', 'Alhassakeh', read as 'Al Shadadi': the
    article is dropped from the name's key when it stands apart, never when glued on ('Aleppo')."""
    return GLUED_ARTICLE.sub(r"\g<0> ", name) if " " not in name else name


@dataclass(frozen=True)
class Focus:
    """What a document is about: each country's share of its place names, the country it is about
    (None when nothing says), and the admin1 of that country it names most (None when none twice)."""

    shares: dict[str, float]
    country: str | None
    admin1: tuple[str, str] | None


def country_focus(found: list[Toponym], fixed: str | None = None, home: str | None = None) -> Focus:
    """The country focus of a document: the one rule for `places` and `extract`.

    Each distinct name spreads one vote over its readings by their prior scores (`prior_weights`):
    a name with one reading votes 1 for its country, while 'London' votes mostly for England, not
    for the small namesakes that the United States has of almost every big city. A name repeated
    votes once, or its likeliest reading would outvote the places around it. The document is about
    the country with most votes, and each country's share is its part of the votes; a `fixed`
    country has them all.

    `home` is the country the reader works on (`extract`: Syria; `places`: none). With it,
    - a name with a reading at home votes among its home readings only ('Palmyra' in a Syrian
      report is the Syrian one, not one of the American Palmyras);
    - another country is the focus only on MIN_FOCUS_VOTES votes and more than home has
      (a Nigerian report naming Maiduguri, Bama and Borno is about Nigeria), else home is;
    - the focus has every share: the geocoder reads the whole document in that one country.
    Without a home, the shares stay spread ('Washington' and 'Paris' in one story).
    """
    countries, admins = focus_votes(found, home)
    country = fixed or leading_country(countries, home)
    if fixed or home:
        shares = {country: 1.0}
    else:
        total = sum(countries.values())
        shares = {c: n / total for c, n in countries.items()}
    in_focus = [(region, n) for region, n in admins.most_common() if region[0] == country and n >= 2]
    return Focus(shares, country, in_focus[0][0] if in_focus else None)


def focus_votes(found: list[Toponym], home: str | None = None) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """The votes of the document's distinct names (`country_focus`), by country and by admin1."""
    countries: Counter[str] = Counter()
    admins: Counter[tuple[str, str]] = Counter()
    distinct = {name_key(t.mention.name): t for t in found}
    for toponym in distinct.values():
        at_home = [c for c in toponym.candidates if home and c.country == home]
        for candidate, weight in prior_weights(at_home or toponym.candidates):
            if candidate.country:
                countries[candidate.country] += weight
            if candidate.country and candidate.admin1_code:
                admins[(candidate.country, candidate.admin1_code)] += weight
    return countries, admins


def leading_country(votes: Counter[str], home: str | None) -> str | None:
    """The country with most votes; with a `home`, another country only on MIN_FOCUS_VOTES and more
    votes than home has."""
    if home is None:
        return max(votes, key=votes.__getitem__, default=None)
    best = max(votes, key=lambda code: (votes[code], code == home), default=home)
    return best if votes[best] >= MIN_FOCUS_VOTES else home


def prior_weights(candidates: list[Candidate]) -> list[tuple[Candidate, float]]:
    """Each candidate's share of its mention's vote: a softmax of the prior scores, sharpened by
    FOCUS_SHARPNESS."""
    if not candidates:
        return []
    scores = [c.score for c in candidates]
    top = max(scores)
    weights = [math.exp(FOCUS_SHARPNESS * (score - top)) for score in scores]
    total = sum(weights)
    return [(c, w / total) for c, w in zip(candidates, weights, strict=True)]


def drop_lone_respellings(found: list[Toponym]) -> None:
    """A reading that differs from the name in its vowels only ('Diriyah' for Darayya), or that reads it with
    its article unglued ('Alsaba' as 'Al Saba'), is kept unless the document's other names have exact readings
    and none lies near it or in its admin1: 'Diriyah and Mandour neighbourhoods of Raqqa' is no Darayya, by
    Damascus; 'Basira in Deir ez Zor countryside' is Al Busayrah."""
    exact = [(name_key(t.mention.name), c) for t in found for c in t.candidates
             if not c.loose and c.level in (ADMIN1, "region", *NEIGHBOUR_LEVELS) and c.country]
    for toponym in found:
        key = name_key(toponym.mention.name)
        others = [c for other, c in exact if other != key]
        if others and any(c.respelled for c in toponym.candidates):
            toponym.candidates = [c for c in toponym.candidates if not c.respelled or any(
                near_or_within(c, other) for other in others)]


def near_or_within(candidate: Candidate, other: Candidate) -> bool:
    """Within SUPPORT_KM of another reading, or in the admin1 it is."""
    if other.level == ADMIN1:
        return (other.country, other.admin1_code) == (candidate.country, candidate.admin1_code)
    return km_between(candidate.latitude, candidate.longitude, other.latitude, other.longitude) <= SUPPORT_KM


def mark_focus_named(found: list[Toponym], country: str | None) -> None:
    """`focus_named`: whether another name of the document is read in the focus country, which makes
    it a report about that country ('Azaz' beside 'the Rayyan camp')."""
    at_home = Counter(name_key(t.mention.name) for t in found if t.candidates and t.candidates[0].country == country)
    for toponym in found:
        key = name_key(toponym.mention.name)
        toponym.focus_named = country is not None and sum(at_home.values()) > at_home[key]


def link_containment(found: list[Toponym]) -> None:
    """'Alexandria, Louisiana', 'Maaraba town in Dara countryside': the second names the first's area.

    When that area is named as one ('Dara countryside', 'Idlib province'), readings of the first in
    other countries are dropped: a village the gazetteer lacks is left unplaced, with a reason,
    rather than put on a foreign namesake.
    """
    for current, following in zip(found, found[1:], strict=False):
        doc = current.mention.span.doc
        between = doc[current.mention.span.end:following.mention.span.start]
        if len(between) > 4:
            continue
        words = {t.lower_ for t in between if t.lower_ not in CONTAINMENT_FILLERS}
        if not words or not words <= CONTAINMENT_GLUE:
            continue
        areas = [c for c in following.candidates if c.level in (ADMIN1, COUNTRY)]
        if areas and any(c.level not in (ADMIN1, COUNTRY, "continent", "region") for c in current.candidates):
            current.within = areas[0]
            if following.mention.cue in ADMIN_CUES and areas[0].level == ADMIN1:
                current.candidates = [c for c in current.candidates if c.country == areas[0].country]


def demote_areas_named_like_their_seat(found: list[Candidate], mention: PlaceMention) -> None:
    """A bare 'Aleppo' or 'New York' is the city: an admin1 that shares its name with a city in it, a
    capital ('Washington') or a city of millions keeps its level prior only with an admin cue ('province')
    or a direction ('northern')."""
    if mention.cue in ADMIN_CUES or mention.direction:
        return
    cities = {(c.country, c.admin1_code) for c in found if c.level == PLACE and c.feature_code in CODE_PRIOR}
    capital_or_metropolis = any(c.level == PLACE and (c.feature_code == "PPLC" or c.population >= METROPOLIS)
                                for c in found)
    for candidate in found:
        seat_named_alike = (candidate.country, candidate.admin1_code) in cities
        if candidate.level == ADMIN1 and (capital_or_metropolis or seat_named_alike):
            candidate.features["level"] = 0.0
            candidate.features["population"] /= 2  # summed over the area: not how often its name means it


def drop_small_places_abroad(found: list[Toponym], shares: dict[str, float]) -> None:
    """In a document clearly about one country, a village abroad is no reading of a name the country
    lacks ('Bada' in a Syrian report is not Bada in Siberia): left unplaced, with its reason."""
    focus = max(shares, key=shares.__getitem__, default=None)
    if focus is None or shares[focus] < SHARP_FOCUS:
        return
    for toponym in found:
        toponym.candidates = [c for c in toponym.candidates if c.country == focus or c.level != PLACE
                              or c.population >= MIN_FOREIGN_POPULATION]


def mark_support(found: list[Toponym]) -> None:
    """`support`: the share of the document's other place names with some reading near a candidate
    (within SUPPORT_KM, or an area holding it or held by it): 'Arlington' beside 'Mansfield' is the
    pair in Texas, though neither is the likeliest reading alone. Every reading of every name counts,
    so the choice is joint rather than one name at a time; numpy keeps the all-pairs distances cheap.
    The share is scaled by how plausible the reading is alone (its prior score against the name's
    best), so support breaks near ties and does not put 'Washington' beside 'New York' in New Jersey."""
    for toponym in found:
        for candidate in toponym.candidates:
            candidate.features["support"] = 0.0
    groups: dict[str, int] = {}
    rows: list[tuple[int, Candidate]] = []
    for toponym in found:  # each distinct name once: a name repeated brings the same readings
        key = name_key(toponym.mention.name)
        if toponym.candidates and key not in groups:  # a name with no reading can support nothing
            groups[key] = len(groups)
            rows += [(groups[key], candidate) for candidate in toponym.candidates]
    if len(groups) < 2:
        return
    best_prior: dict[int, float] = {}
    for group, candidate in rows:
        best_prior[group] = max(best_prior.get(group, -math.inf), candidate.score)
    lat = np.radians([c.latitude for _, c in rows])
    lon = np.radians([c.longitude for _, c in rows])
    country = np.array([c.country or "" for _, c in rows])
    admin1 = np.array([f"{c.country}.{c.admin1_code}" for _, c in rows])
    is_country = (np.array([c.level for _, c in rows]) == COUNTRY) & (country != "")
    is_admin1 = np.array([c.level for _, c in rows]) == ADMIN1
    group_of = np.array([g for g, _ in rows])
    members = np.zeros((len(rows), len(groups)))
    members[np.arange(len(rows)), group_of] = 1.0
    supported = np.zeros((len(rows), len(groups)), dtype=bool)
    for start in range(0, len(rows), SUPPORT_BLOCK):  # blocks of rows bound the memory of a long document
        block = slice(start, start + SUPPORT_BLOCK)
        near = arc_km(lat[block, None], lon[block, None], lat[None, :], lon[None, :]) <= SUPPORT_KM
        same_country = country[block, None] == country[None, :]
        same_admin1 = admin1[block, None] == admin1[None, :]
        near |= (is_country[block, None] | is_country[None, :]) & same_country  # a country holds its places
        near |= (is_admin1[block, None] | is_admin1[None, :]) & same_admin1  # and so does an admin1
        supported[block] = (near.astype(float) @ members) > 0
    supported[np.arange(len(rows)), group_of] = False
    shares = supported.sum(axis=1) / (len(groups) - 1)
    support: dict[tuple, float] = {}
    for (group, candidate), share in zip(rows, shares, strict=True):
        plausible = math.exp(candidate.score - best_prior[group])  # a hamlet near New York is no 'Washington'
        support[(group, place_key(candidate))] = float(share) * plausible
    for toponym in found:
        group = groups.get(name_key(toponym.mention.name))
        for candidate in toponym.candidates:
            candidate.features["support"] = support.get((group, place_key(candidate)), 0.0)


def arc_km(lat1: np.ndarray | float, lon1: np.ndarray | float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle km between points in radians, broadcast over numpy arrays (distance.km_between, vectorised)."""
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def mark_dominant(found: list[Candidate]) -> None:
    """The reading that dwarfs all others ('China' the country, not China, Texas; London, England) gets
    `dominance`: 1 at a hundred times the population of the next, 0 for a close call or the others."""
    by_size = sorted(found, key=lambda c: -c.population)
    for candidate in found:
        candidate.features["dominance"] = 0.0
    if len(by_size) >= 2:
        ratio = (by_size[0].population + 1) / (by_size[1].population + 1)
        by_size[0].features["dominance"] = min(1.0, max(0.0, math.log10(ratio) / 2))
    elif by_size:
        by_size[0].features["dominance"] = 1.0


def prior_features(name: str, candidate: Candidate, mention: PlaceMention) -> dict[str, float]:
    """Features of a candidate alone: how well the name matches, how big and how important it is."""
    level = LEVEL_PRIOR.get(candidate.level, CODE_PRIOR.get(candidate.feature_code, 0.2))
    if candidate.level == LANDMARK:
        level = 0.1
    cue = 1.0 if (mention.cue in ADMIN_CUES or mention.direction) and candidate.level == ADMIN1 else 0.0
    population = 1.0 if candidate.level in ("continent", "region") else math.log10(candidate.population + 1) / 7
    return {
        "name": fuzz.ratio(name_key(name), name_key(candidate.name)) / 100,
        "population": min(population, 1.0),
        "level": level,
        "cue": cue,
    }


@dataclass(frozen=True)
class AdminsNamed:
    """(country, admin1 code) of the admin1s the other mentions read as, in the sentence and in the document."""

    sentence: frozenset[tuple[str, str]]
    document: frozenset[tuple[str, str]]


class AdminIndex:
    """The admin1 readings of a document's mentions by name and sentence, read once per ranking pass
    (a long document has thousands of mentions; asking each of them about all others is quadratic)."""

    def __init__(self, found: list[Toponym]) -> None:
        self.by_name: dict[str, set[tuple[str, str]]] = {}
        self.by_sentence: dict[int, dict[str, set[tuple[str, str]]]] = {}
        for toponym in found:
            if toponym.candidates and toponym.candidates[0].level == ADMIN1:
                best = toponym.candidates[0]
                key, region = name_key(toponym.mention.name), (best.country, best.admin1_code)
                self.by_name.setdefault(key, set()).add(region)
                self.by_sentence.setdefault(toponym.sentence, {}).setdefault(key, set()).add(region)
        self.documents: dict[str, frozenset[tuple[str, str]]] = {}

    def around(self, toponym: Toponym, key: str) -> AdminsNamed:
        """Other names only: 'Montana' read as the state must not pull its own other mentions into it."""
        if key not in self.documents:
            self.documents[key] = frozenset(r for name, regions in self.by_name.items() if name != key for r in regions)
        in_sentence = self.by_sentence.get(toponym.sentence, {})
        return AdminsNamed(frozenset(r for name, regions in in_sentence.items() if name != key for r in regions),
                           self.documents[key])


class Neighbours:
    """The readings taken for the document's mentions, each with its name: a candidate's distance to the
    nearest reading of another name (numpy over all of them; kept per point, since a name repeated
    brings the same candidates) and whether an area holds one."""

    def __init__(self, anchors: list[tuple[str, Candidate]]) -> None:
        self.keys = np.array([key for key, _ in anchors], dtype=object)
        self.latitude = np.radians([c.latitude for _, c in anchors])
        self.longitude = np.radians([c.longitude for _, c in anchors])
        self.countries: Counter[str] = Counter(c.country for _, c in anchors if c.country)
        self.admin1s: Counter[tuple] = Counter((c.country, c.admin1_code) for _, c in anchors if c.country)
        self.own: dict[str, tuple[Counter[str], Counter[tuple]]] = {}
        for key, c in anchors:
            countries, admin1s = self.own.setdefault(key, (Counter(), Counter()))
            if c.country:
                countries[c.country] += 1
                admin1s[(c.country, c.admin1_code)] += 1
        self.nearest: dict[tuple[float, float, str], float | None] = {}

    def nearest_km(self, latitude: float, longitude: float, key: str) -> float | None:
        point = (latitude, longitude, key)
        if point not in self.nearest:
            others = self.keys != key
            if not others.any():
                self.nearest[point] = None
            else:
                self.nearest[point] = float(arc_km(math.radians(latitude), math.radians(longitude),
                                                   self.latitude[others], self.longitude[others]).min())
        return self.nearest[point]

    def held_by(self, area: Candidate, key: str) -> bool:
        """True when a reading of another name lies in the country or admin1 `area`."""
        countries, admin1s = self.own.get(key, (Counter(), Counter()))
        if area.level == COUNTRY:
            return self.countries[area.country] > countries[area.country]
        region = (area.country, area.admin1_code)
        return self.admin1s[region] > admin1s[region]


def context_features(toponym: Toponym, key: str, candidate: Candidate, admins: AdminsNamed,
                     shares: dict[str, float], focus_admin1: tuple[str, str] | None,
                     neighbours: Neighbours) -> dict[str, float]:
    """Features from the rest of the document: focus country and admin1, containment, neighbours."""
    within = toponym.within
    contained = 0.0
    if within is not None and candidate.country == within.country:
        contained = 1.0 if within.level == COUNTRY or candidate.admin1_code == within.admin1_code else 0.3
    region = (candidate.country, candidate.admin1_code)
    nearest = neighbours.nearest_km(candidate.latitude, candidate.longitude, key)
    if candidate.level in (COUNTRY, ADMIN1) and neighbours.held_by(candidate, key):
        nearest = 0.0  # an area is near the places it holds, wherever its point is
    return {
        "focus": shares.get(candidate.country or "", 0.0),
        "focus_admin1": 1.0 if focus_admin1 and (candidate.country, candidate.admin1_code) == focus_admin1
        and candidate.level != ADMIN1 else 0.0,
        "contained": contained,
        "sentence_admin": 1.0 if region in admins.sentence and candidate.level != ADMIN1 else 0.0,
        "document_admin": 1.0 if region in admins.document and candidate.level != ADMIN1 else 0.0,
        "proximity": 0.0 if nearest is None else max(0.0, 1 - nearest / 500),
    }


