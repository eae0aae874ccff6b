"""Offline gazetteer: GeoNames places, admin1 regions and countries in a SQLite index.

Every name is indexed under two keys. `name_key` is exact up to case, diacritics, apostrophes
and Arabic articles ("Ar Raqqah" -> "raqqah"); `loose_key` folds the transliteration variants
that English news uses for Arabic names down to a consonant skeleton per word
("Khan Sheikhoun" and "Khān Shaykhūn" -> "kn xkn"). Lookups try the exact key first; a loose
match must also be spelled close enough to the query (rapidfuzz ratio after vowel folding).
"""

from __future__ import annotations

import csv
import functools
import itertools
import json
import math
import os
import re
import sqlite3
import statistics
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from anyascii import anyascii
from rapidfuzz import fuzz

from fieldreport.aliases import admin1_alias_groups
from fieldreport.errors import ConfigError, GazetteerError
from fieldreport.geo.distance import km_between

DEFAULT_PATH = Path(sys.prefix) / "share" / "fieldreport" / "gazetteer.sqlite"
ENV_VAR = "FIELDREPORT_GAZETTEER"
ALIASES_PATH = Path(__file__).parent.parent / "data" / "admin1_aliases.tsv"
WORLD_PLACES = Path(__file__).parent.parent / "data" / "world_places.tsv"  # country names beyond COUNTRY_NAMES
SCHEMA_VERSION = "1"
GEONAMES_COLUMNS = 19
_BATCH_SIZE = 5000

# A loose-key match must also be this similar (rapidfuzz ratio of exact keys) to the query.
LOOSE_MIN_RATIO = 75
SHORT_LOOSE_MIN_RATIO = 85

COUNTRY, ADMIN1, ADMIN2, PLACE, LANDMARK = "country", "admin1", "admin2", "populated place", "landmark"
# Sort rank of a county or district: after the towns, which usually give it its name.
ADMIN2_RANK = 6

# Display name first, then other names the country goes by in English news.
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "SY": ("Syria", "Syrian Arab Republic"),
    "TR": ("Turkey", "Türkiye", "Turkiye"),
    "IQ": ("Iraq",),
    "LB": ("Lebanon",),
    "JO": ("Jordan",),
    "IL": ("Israel",),
    "IR": ("Iran", "Islamic Republic of Iran"),
    "RU": ("Russia", "Russian Federation"),
    "US": ("United States", "United States of America", "USA", "U.S.A.", "US", "U.S.", "America"),
    "GB": ("United Kingdom", "UK", "U.K.", "Britain", "Great Britain"),
    "FR": ("France",),
    "DE": ("Germany",),
    "EG": ("Egypt",),
    "SA": ("Saudi Arabia", "Saudi", "KSA"),
    "YE": ("Yemen",),
    "LY": ("Libya",),
    "AF": ("Afghanistan",),
    "PS": ("Palestine", "Palestinian Territories", "Palestinian Territory"),
    "CN": ("China", "People's Republic of China"),
    "UA": ("Ukraine",),
    "AE": ("United Arab Emirates", "UAE", "Emirates"),
    "QA": ("Qatar",),
    "KW": ("Kuwait",),
    "BH": ("Bahrain",),
    "OM": ("Oman",),
    "CY": ("Cyprus",),
    "GR": ("Greece",),
    "AM": ("Armenia",),
    "AZ": ("Azerbaijan",),
    "GE": ("Georgia",),
    "PK": ("Pakistan",),
    "IN": ("India",),
    "SD": ("Sudan",),
    "SS": ("South Sudan",),
    "TN": ("Tunisia",),
    "DZ": ("Algeria",),
    "MA": ("Morocco",),
    "ML": ("Mali",),
    "NE": ("Niger",),
    "NG": ("Nigeria",),
    "TD": ("Chad",),
    "SO": ("Somalia",),
    "ET": ("Ethiopia",),
    "ER": ("Eritrea",),
    "KE": ("Kenya",),
    "CD": ("Democratic Republic of Congo", "DR Congo", "DRC"),
    "CF": ("Central African Republic", "CAR"),
    "BF": ("Burkina Faso",),
    "MZ": ("Mozambique",),
    "IT": ("Italy",),
    "ES": ("Spain",),
    "NL": ("Netherlands", "Holland"),
    "BE": ("Belgium",),
    "CH": ("Switzerland",),
    "AT": ("Austria",),
    "SE": ("Sweden",),
    "NO": ("Norway",),
    "DK": ("Denmark",),
    "FI": ("Finland",),
    "PL": ("Poland",),
    "BY": ("Belarus",),
    "KZ": ("Kazakhstan",),
    "UZ": ("Uzbekistan",),
    "TM": ("Turkmenistan",),
    "TJ": ("Tajikistan",),
    "KG": ("Kyrgyzstan",),
    "JP": ("Japan",),
    "KR": ("South Korea", "Republic of Korea"),
    "KP": ("North Korea", "DPRK"),
    "CA": ("Canada",),
    "MX": ("Mexico",),
    "BR": ("Brazil",),
    "AU": ("Australia",),
    "ID": ("Indonesia",),
    "MY": ("Malaysia",),
    "MM": ("Myanmar", "Burma"),
    "BD": ("Bangladesh",),
    "VE": ("Venezuela",),
    "CO": ("Colombia",),
}

# Arabic article forms (English, French and other transcriptions); dropped before another word.
ARTICLES = frozenset({
    "al", "el", "il", "ul", "ad", "ed", "ud", "ar", "er", "ur", "as", "es", "us", "ash", "esh", "ush", "ech",
    "at", "et", "ut", "ath", "eth", "az", "ez", "uz", "adh", "edh", "an", "en", "un",
    "edd", "ett", "ess", "err", "ezz", "enn",  # French: "Ain ett Tine", "Maarret enn Naamane"
    "ehl", "ehd", "ehs", "ehz", "ehr", "eht", "ehn",  # Russian: "Ehl'-Kunejtra"
})
# Words for a mound ("Tall Abyad"): news sometimes drops them ("al-Zaman" for "Tall ad Daman").
MOUND_WORDS = frozenset({"tall", "tell", "tal", "tel", "til"})
# Generic words after an admin1 name ("Idlib province", "Damascus Governorate").
ADMIN1_WORDS = frozenset({"province", "provinces", "governorate", "governorates", "muhafazat", "region"})

# Consonant folds for the loose key, applied in order: French and English spellings of the same
# Arabic letter meet (dj/j, ch/sh -> x, kh/k, q/k, th/t, dh/d); z folds onto d because ظ and ض are
# written z, d, dh or ḑ ("Zuhur"/"Duhur", "Zaman"/"Daman").
CONSONANT_FOLDS = (
    ("dzh", "j"), ("dj", "j"), ("tch", "x"), ("ch", "x"), ("sh", "x"), ("kh", "k"), ("gh", "g"),
    ("th", "t"), ("dh", "d"), ("ph", "f"), ("q", "k"), ("z", "d"),
)

# Vowel spellings folded only when comparing a loose match with the query ("Sheikhoun"/"Shaykhun").
VOWEL_FOLDS = (
    ("ou", "u"), ("oo", "u"), ("ee", "i"), ("ei", "i"), ("ey", "i"), ("ay", "i"), ("ai", "i"),
    ("ie", "i"), ("iy", "i"), ("o", "u"),
)

_APOSTROPHES = re.compile(r"['`]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ASSIMILATED_ARTICLE = re.compile(r"^[aeiu]([tdrzsnl])(?=\1[a-z]{2})")  # "ezzor" -> "zor"
_FRENCH_OU = re.compile(r"^ou(?=[aeiy])")  # "ouadi" -> "wadi"
_TA_MARBUTA = re.compile(r"(?<=[aeiouy])h$")  # "hamah" -> "hama"
_DOUBLED = re.compile(r"(.)\1+")
_INNER_VOWELS = re.compile(r"[aeiouyw]")
_NISBA = re.compile(r"(?:iy*|(?<=[^aeiouy])y+)[ae]h?$")
_FINAL_A = re.compile(r"[ae]h$")
_FRENCH_MUTE_E = re.compile(r"(?<=[^aeiouy])e$")
_CODE_LIKE = re.compile(r"[A-Z0-9]{1,5}|.*\d.*")

_RANK_OF_CODE = {"PPLC": 2, "PPLA": 2, "PPLA2": 3, "PPLA3": 4, "PPLA4": 5, "PPLA5": 5}
_DEAD_PLACE_CODES = frozenset({"PPLH", "PPLQ", "PPLW"})

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE countries(code TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE admin1(country TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, source_name TEXT NOT NULL,
                    PRIMARY KEY (country, code)) WITHOUT ROWID;
CREATE TABLE admin1_aliases(country TEXT NOT NULL, code TEXT NOT NULL, alias TEXT NOT NULL);
CREATE TABLE places(id INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT NOT NULL,
                    latitude REAL NOT NULL, longitude REAL NOT NULL, country TEXT NOT NULL,
                    admin1_code TEXT, feature_class TEXT NOT NULL, feature_code TEXT NOT NULL,
                    population INTEGER NOT NULL, level TEXT NOT NULL, rank INTEGER NOT NULL);
CREATE TABLE names(place_id INTEGER NOT NULL, surface TEXT NOT NULL, key TEXT NOT NULL,
                   loose TEXT NOT NULL, stem TEXT);
CREATE UNIQUE INDEX places_geonameid ON places(geonameid) WHERE geonameid IS NOT NULL;
"""
# Created after the bulk insert of a build, which is faster.
_INDEXES = """
CREATE INDEX names_place ON names(place_id);
CREATE INDEX places_region ON places(country, admin1_code, feature_code);
CREATE INDEX places_level ON places(level, country);
CREATE INDEX names_key ON names(key);
CREATE INDEX names_loose ON names(loose);
CREATE INDEX names_stem ON names(stem) WHERE stem IS NOT NULL;
"""
_PLACE_COLUMNS = (
    "p.id, p.name, p.latitude, p.longitude, p.country, coalesce(c.name, p.country), p.admin1_code, a.name, "
    "p.feature_class, p.feature_code, p.population, p.geonameid, p.level"
)
_PLACE_JOINS = (
    "LEFT JOIN countries c ON c.code = p.country "
    "LEFT JOIN admin1 a ON a.country = p.country AND a.code = p.admin1_code"
)
_PLACE_FROM = f"places p {_PLACE_JOINS}"


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float
    country: str
    country_name: str
    admin1_code: str | None
    admin1: str | None
    admin2: str | None
    feature_class: str
    feature_code: str
    population: int
    geonameid: int | None
    level: str


def default_gazetteer_path() -> Path:
    """The gazetteer file: $FIELDREPORT_GAZETTEER if set, else DEFAULT_PATH."""
    override = os.environ.get(ENV_VAR, "").strip()
    return Path(override) if override else DEFAULT_PATH


def side_centre(points: list[tuple[float, float]], direction: str) -> tuple[float, float]:
    """The middle of the part of the points' bounding box that a direction names: 'north' the middle of
    its northern half, 'southeast' of its south-eastern quarter ('northeastern Hama' is a part of the
    governorate's area, wherever its towns are)."""
    south, north = min(p[0] for p in points), max(p[0] for p in points)
    west, east = min(p[1] for p in points), max(p[1] for p in points)
    lat, lon = (south + north) / 2, (west + east) / 2
    lat += (north - south) / 4 * (("north" in direction) - ("south" in direction))
    lon += (east - west) / 4 * (("east" in direction) - ("west" in direction))
    return lat, lon


# ---------------------------------------------------------------- name keys


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Exact key: ASCII, lower case, no apostrophes or punctuation, Arabic articles dropped."""
    text = _APOSTROPHES.sub("", anyascii(unicodedata.normalize("NFC", name)).lower())
    return " ".join(_without_articles(_NON_ALNUM.sub(" ", text).split()))


@functools.lru_cache(maxsize=65536)
def loose_key(name: str) -> str:
    """Variant-folding key: per word, a consonant skeleton after transliteration folds."""
    return _loose_from_words(name_key(name).split())


def _without_articles(words: list[str]) -> list[str]:
    last = len(words) - 1
    return [word for i, word in enumerate(words) if i == last or word not in ARTICLES]


def _loose_from_words(words: list[str]) -> str:
    return " ".join(_consonant_skeleton(word, i > 0) for i, word in enumerate(words))


@functools.lru_cache(maxsize=1 << 17)
def _consonant_skeleton(word: str, after_first: bool) -> str:
    """'jandariseh' -> 'jndrs': keep the first letter (any vowel as 'a'), drop later vowels, y and w.

    A nisba ending (-iyeh, -iyah, -ieh, -iya) becomes a final 'y', so 'Salamiyeh' ('slmy') stays
    apart from 'Salma' ('slm').
    """
    word = _folded_consonants(word, after_first)
    nisba = _NISBA.search(word)
    has_nisba = nisba is not None and nisba.start() >= 2
    if has_nisba:
        word = word[: nisba.start()]
    word = _DOUBLED.sub(r"\1", _TA_MARBUTA.sub("", word))
    head = "a" if word[0] in "aeiou" else word[0]
    return head + _INNER_VOWELS.sub("", word[1:]) + ("y" if has_nisba else "")


def _folded_consonants(word: str, after_first: bool) -> str:
    if after_first:
        word = _ASSIMILATED_ARTICLE.sub(r"\1", word)
    word = _FRENCH_OU.sub("w", word)
    for spelling, folded in CONSONANT_FOLDS:
        word = word.replace(spelling, folded)
    return word


@functools.lru_cache(maxsize=65536)
def spelling_form(key: str) -> str:
    """The exact key with consonants and common vowel spellings folded ('arbeen', 'arbine' -> 'arbin').

    Used to compare a loose match with the query, so it is gentler than the skeleton.
    """
    words = []
    for i, word in enumerate(key.split()):
        word = _folded_consonants(word, i > 0)
        for spelling, folded in VOWEL_FOLDS:
            word = word.replace(spelling, folded)
        word = _DOUBLED.sub(r"\1", _FRENCH_MUTE_E.sub("", _FINAL_A.sub("a", word)))
        words.append("a" + word[1:] if word[0] in "aeiou" else word)
    return " ".join(words)


@functools.lru_cache(maxsize=65536)
def _similarity(query_key: str, other_key: str) -> float:
    return fuzz.ratio(spelling_form(query_key), spelling_form(other_key))


def _too_short_to_vary(key: str, other: str) -> bool:
    """Names of three letters or fewer ('Del.', 'Kan.', 'Ky.', 'Sur') match only as spelled: their
    consonant skeletons are shared by too many other words ('Da'el', 'Khan')."""
    return min(len(key.replace(" ", "")), len(other.replace(" ", ""))) <= 3


def _stem_key(words: list[str]) -> str | None:
    """Loose key without a leading mound word ("tall daman" -> "dmn"), or None."""
    if len(words) > 1 and words[0] in MOUND_WORDS:
        return _loose_from_words(words[1:])
    return None


def _admin1_core(name: str) -> str:
    """'Idlib province' / 'the governorate of Idlib' -> 'Idlib' (the generic words removed)."""
    words = [w for w in re.split(r"[\s\-]+", name.strip()) if w]
    core = [w for w in words if w.lower() not in ADMIN1_WORDS]
    if core and core[0].lower() == "the":
        core = core[1:]
    if core and core[0].lower() == "of":
        core = core[1:]
    return " ".join(core) if core else name


def _is_indexable_alternate(name: str) -> bool:
    """Latin-script, not a code ('DEZ'), not a machine transliteration in lower case ('hrsta')."""
    if not any(c.isupper() for c in name) or _CODE_LIKE.fullmatch(name):
        return False
    return name.isascii() or all(_is_latin_letter(c) for c in name if c.isalpha())


@functools.cache
def _is_latin_letter(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN") or unicodedata.category(char) == "Lm"


# ---------------------------------------------------------------- parsing sources


class _Row(NamedTuple):
    geonameid: int
    name: str
    asciiname: str
    alternates: tuple[str, ...]
    latitude: float
    longitude: float
    feature_class: str
    feature_code: str
    country: str
    admin1_code: str
    population: int
    origin: str  # FILE:LINE, for messages
    admin2_code: str = ""


def _geonames_rows(path: Path) -> Iterator[_Row]:
    """Rows of a GeoNames dump; a malformed line raises GazetteerError('FILE:LINE: problem')."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise GazetteerError(f"{path}: cannot read: {exc.strerror}") from exc
    with handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                raise GazetteerError(f"{path}:{number}: not UTF-8 text") from exc
            if line.strip():
                yield _parse_geonames_line(line, f"{path}:{number}")


def _parse_geonames_line(line: str, where: str) -> _Row:
    fields = line.split("\t")
    if len(fields) != GEONAMES_COLUMNS:
        raise GazetteerError(f"{where}: expected {GEONAMES_COLUMNS} tab-separated columns, got {len(fields)}")
    name = fields[1].strip()
    if not name:
        raise GazetteerError(f"{where}: empty name")
    country = fields[8].strip().upper()
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise GazetteerError(f"{where}: country code {fields[8]!r} is not two letters")
    return _Row(
        geonameid=_parse_number(int, fields[0], "geonameid", where),
        name=name,
        asciiname=fields[2].strip(),
        alternates=tuple(a.strip() for a in fields[3].split(",") if a.strip()),
        latitude=_parse_coordinate(fields[4], "latitude", 90.0, where),
        longitude=_parse_coordinate(fields[5], "longitude", 180.0, where),
        feature_class=fields[6].strip(),
        feature_code=fields[7].strip(),
        country=country,
        admin1_code=fields[10].strip(),
        population=_parse_number(int, fields[14], "population", where) if fields[14].strip() else 0,
        origin=where,
        admin2_code=fields[11].strip(),
    )


def _parse_number(kind: type, text: str, column: str, where: str) -> int | float:
    try:
        return kind(text.strip())
    except ValueError:
        raise GazetteerError(f"{where}: {column} {text!r} is not a number") from None


def _parse_coordinate(text: str, column: str, bound: float, where: str) -> float:
    value = float(_parse_number(float, text, column, where))
    if not -bound <= value <= bound:
        raise GazetteerError(f"{where}: {column} {value} is out of range")
    return value


def _level_and_rank(feature_class: str, feature_code: str) -> tuple[str, int]:
    """Level name and sort rank (lower is more important: country > admin1 > PPLA > PPLA2 ...)."""
    if feature_class == "A" and feature_code.startswith("PCL"):
        return COUNTRY, 0
    if feature_class == "A" and feature_code == "ADM1":
        return ADMIN1, 1
    if feature_class != "P":
        return LANDMARK, 8
    if feature_code in _DEAD_PLACE_CODES:
        return PLACE, 7
    return PLACE, _RANK_OF_CODE.get(feature_code, 6)


def _admin1_names(path: Path) -> dict[tuple[str, str], str]:
    """admin1.json as {(country, code): name}."""
    return {(country, admin1): name for (country, admin1, _), name in _admin_names(path, 2).items()}


def _admin2_names(path: Path) -> dict[tuple[str, str, str], str]:
    """admin2.json as {(country, admin1 code, admin2 code): name}."""
    return _admin_names(path, 3)


def _admin_names(path: Path, parts: int) -> dict[tuple[str, str, str], str]:
    """A JSON list of {code: 'US.CA[.059]', name} as {(country, admin1, admin2 or ''): name}."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
        pairs = [(str(entry["code"]), str(entry["name"])) for entry in entries]
    except OSError as exc:
        raise GazetteerError(f"{path}: cannot read: {exc.strerror}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise GazetteerError(f"{path}: not a JSON list of {{code, name}} objects") from exc
    names: dict[tuple[str, str, str], str] = {}
    for code, name in pairs:
        fields = code.split(".")
        if len(fields) != parts or not all(fields):
            shape = "COUNTRY.CODE" if parts == 2 else "COUNTRY.ADMIN1.CODE"
            raise GazetteerError(f"{path}: admin code {code!r} is not {shape}")
        names[(fields[0].upper(), fields[1], fields[2] if parts == 3 else "")] = name
    return names


def _admin1_aliases(path: Path) -> dict[tuple[str, str], list[str]]:
    """The analyst's alias TSV as {(country, code): [aliases, display name first]}."""
    try:
        return admin1_alias_groups(path)
    except ConfigError as exc:
        raise GazetteerError(str(exc)) from exc


# ---------------------------------------------------------------- writing the index


def build_gazetteer(
    geonames: Path, admin1_names: Path, out: Path | None = None, aliases: Path = ALIASES_PATH,
    admin2_names: Path | None = None,
) -> int:
    """Build the index from a GeoNames dump, admin1.json and optionally admin2.json; returns the number
    of places.

    An admin2 (county, district) becomes a place at the middle of its towns' bounding box, unless a
    town in its admin1 has the same name (the seat stands for it).

    The file is written next to `out` under a temporary name and renamed, so a reader never sees
    a half-built gazetteer.
    """
    out = Path(out) if out is not None else default_gazetteer_path()
    admin1 = _admin1_names(Path(admin1_names))
    admin2 = _admin2_names(Path(admin2_names)) if admin2_names is not None else {}
    alias_map = _admin1_aliases(Path(aliases))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        count = _write_new_index(tmp, Path(geonames), admin1, alias_map, admin2)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def _write_new_index(
    path: Path, geonames: Path, admin1: dict[tuple[str, str], str], aliases: dict[tuple[str, str], list[str]],
    admin2: dict[tuple[str, str, str], str],
) -> int:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        conn.execute("BEGIN")
        meta = [("schema", SCHEMA_VERSION), ("source", geonames.name)]
        conn.executemany("INSERT INTO meta VALUES (?, ?)", meta)
        _insert_admin1_names(conn, admin1, aliases)
        extents = _Admin2Extents()
        _insert_rows(conn, extents.watch(_geonames_rows(geonames)))
        for statement in _INDEXES.strip().rstrip(";").split(";\n"):
            conn.execute(statement)
        _refresh_regions(conn, _countries_in(conn))
        _insert_admin2_places(conn, admin2, extents)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        return conn.execute("SELECT count(*) FROM places").fetchone()[0]
    finally:
        conn.close()


class _Admin2Extents:
    """Bounding box, population and town names of each admin2, gathered while the rows stream past."""

    def __init__(self) -> None:
        self.boxes: dict[tuple[str, str, str], list[float]] = {}
        self.town_keys: dict[tuple[str, str], set[str]] = {}

    def watch(self, rows: Iterable[_Row]) -> Iterator[_Row]:
        for row in rows:
            if row.feature_class == "P":
                self.town_keys.setdefault((row.country, row.admin1_code), set()).add(name_key(row.name))
            if row.admin2_code and row.feature_class == "P":
                box = self.boxes.setdefault((row.country, row.admin1_code, row.admin2_code),
                                            [row.latitude, row.latitude, row.longitude, row.longitude, 0])
                box[0], box[1] = min(box[0], row.latitude), max(box[1], row.latitude)
                box[2], box[3] = min(box[2], row.longitude), max(box[3], row.longitude)
                box[4] += row.population
            yield row


def _insert_admin2_places(conn: sqlite3.Connection, admin2: dict[tuple[str, str, str], str],
                          extents: _Admin2Extents) -> None:
    """Counties and districts that have towns, named unlike any town of their admin1."""
    for (country, admin1_code, code), name in admin2.items():
        box = extents.boxes.get((country, admin1_code, code))
        if box is None or name_key(name) in extents.town_keys.get((country, admin1_code), set()):
            continue
        place_id = _insert_derived_place(conn, name, (box[0] + box[1]) / 2, (box[2] + box[3]) / 2, country,
                                         admin1_code, "ADM2", int(box[4]), ADMIN2)
        conn.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?)", _name_rows(place_id, [name, anyascii(name)]))


def import_places(path: Path, db: Path | None = None, columns: CsvColumns | None = None) -> int:
    """Add a user's GeoNames dump (19 columns, e.g. SY.txt) or a CSV of named points to an existing
    gazetteer; returns rows added.

    All or nothing: one transaction, so a malformed line leaves the gazetteer unchanged.
    A place whose geonameid is already present is replaced. A file is read as CSV when its name ends
    in .csv or `columns` is given (see `CsvColumns`).
    """
    db = Path(db) if db is not None else default_gazetteer_path()
    if not db.is_file():
        raise GazetteerError(_missing_message(db))
    path = Path(path)
    as_csv = columns is not None or path.suffix.lower() == ".csv"
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        _check_schema(conn, db)
        conn.execute("BEGIN IMMEDIATE")
        try:
            if as_csv:
                count, countries = _insert_csv_places(conn, path, columns)
            else:
                count, countries = _insert_rows(conn, _geonames_rows(path))
            _refresh_regions(conn, countries)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return count
    finally:
        conn.close()


@dataclass(frozen=True)
class CsvColumns:
    """Which CSV columns hold a place's name, coordinates and (optionally) admin1, country and precision.

    With `precision`, only rows whose value is at most `max_precision` are imported (ACLED
    geo_precision 1, UCDP where_prec 1: the named place itself, not an enclosing area).
    """

    name: str
    latitude: str = "latitude"
    longitude: str = "longitude"
    admin1: str | None = None
    country: str | None = None
    precision: str | None = None
    max_precision: int = 1


# Header sets of known exports, tried in order when no mapping is given.
KNOWN_CSV_LAYOUTS = (
    CsvColumns("where_coordinates", admin1="adm_1", country="country", precision="where_prec"),  # UCDP GED
    CsvColumns("location", admin1="admin1", country="country", precision="geo_precision"),  # ACLED
    CsvColumns("name", admin1="admin1", country="country"),
)
# Words UCDP and ACLED put after a place name ("Ein Laroz town", "Homs Governorate").
_PLACE_TYPE_WORDS = frozenset({"village", "town", "city", "area", "district", "subdistrict", "sub-district",
                               "neighbourhood", "neighborhood", "camp", "town/city", "governorate", "province",
                               "crossing"})
_PARENTHESES = re.compile(r"\s*\([^)]*\)")


def csv_columns_for(header: list[str], wanted: CsvColumns | None = None) -> CsvColumns:
    """The mapping to use: `wanted` if its columns exist, else the first known layout the header has."""
    present = set(header)
    layouts = [wanted] if wanted is not None else list(KNOWN_CSV_LAYOUTS)
    for layout in layouts:
        required = {layout.name, layout.latitude, layout.longitude}
        if required <= present:
            return CsvColumns(
                layout.name, layout.latitude, layout.longitude,
                layout.admin1 if layout.admin1 in present else None,
                layout.country if layout.country in present else None,
                layout.precision if layout.precision in present else None,
                layout.max_precision,
            )
    if wanted is not None:
        missing = sorted({wanted.name, wanted.latitude, wanted.longitude} - present)
        raise GazetteerError(f"no column {', '.join(missing)} in the header")
    raise GazetteerError("header has none of the known name/latitude/longitude column sets "
                         "(name,latitude,longitude; location,...; where_coordinates,...): give the columns")


def csv_place_name(raw: str) -> str:
    """'Ein Laroz town' -> 'Ein Laroz'; 'Kafr Nabl (Idlib)' -> 'Kafr Nabl'."""
    name = _PARENTHESES.sub("", raw).strip()
    words = name.split()
    while len(words) > 1 and words[-1].lower() in _PLACE_TYPE_WORDS:
        words.pop()
    return " ".join(words)


def _insert_csv_places(conn: sqlite3.Connection, path: Path, wanted: CsvColumns | None) -> tuple[int, set[str]]:
    """Insert the distinct named points of a CSV as populated places without a geonameid."""
    rows = list(_csv_rows(conn, path, wanted))
    existing = {
        (name_key(name), round(lat, 3), round(lon, 3))
        for name, lat, lon in conn.execute("SELECT name, latitude, longitude FROM places WHERE geonameid IS NULL")
    }
    last_id = conn.execute("SELECT coalesce(max(id), 0) FROM places").fetchone()[0]
    places, names = [], []
    for row in rows:
        identity = (name_key(row.name), round(row.latitude, 3), round(row.longitude, 3))
        if identity in existing:
            continue
        existing.add(identity)
        last_id += 1
        places.append((last_id, None, *_place_values(row)[1:]))
        names.extend(_name_rows(last_id, [row.name]))
    conn.executemany(f"INSERT INTO places VALUES ({', '.join('?' * 12)})", places)
    conn.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?)", names)
    return len(places), {p[5] for p in places} - {""}


def _csv_rows(conn: sqlite3.Connection, path: Path, wanted: CsvColumns | None) -> Iterator[_Row]:
    """Rows of a CSV as _Rows; a malformed line raises GazetteerError('FILE:LINE: problem')."""
    admin1_codes = _admin1_codes_by_key(conn)
    country_codes = _country_codes_by_key(conn)
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise GazetteerError(f"{path}: cannot read: {exc.strerror}") from exc
    with handle:
        reader = csv.DictReader(handle)
        try:
            columns = csv_columns_for(reader.fieldnames or [], wanted)
        except GazetteerError as error:
            raise GazetteerError(f"{path}:1: {error}") from None
        except (UnicodeDecodeError, csv.Error) as exc:
            raise GazetteerError(f"{path}:1: not a UTF-8 CSV file ({exc})") from exc
        try:
            for record in reader:
                where = f"{path}:{reader.line_num}"
                if None in record or any(value is None for value in record.values()):
                    raise GazetteerError(f"{where}: expected {len(reader.fieldnames)} columns")
                if columns.precision and not _precise_enough(record[columns.precision], columns, where):
                    continue
                yield _csv_row(record, columns, admin1_codes, country_codes, where)
        except UnicodeDecodeError as exc:
            raise GazetteerError(f"{path}:{reader.line_num + 1}: not UTF-8 text") from exc
        except csv.Error as exc:
            raise GazetteerError(f"{path}:{reader.line_num}: {exc}") from exc


def _precise_enough(value: str, columns: CsvColumns, where: str) -> bool:
    return _parse_number(int, value, columns.precision or "precision", where) <= columns.max_precision


def _csv_row(record: dict[str, str], columns: CsvColumns, admin1_codes: dict[str, list[tuple[str, str]]],
             country_codes: dict[str, str], where: str) -> _Row:
    name = csv_place_name(record[columns.name])
    if not name:
        raise GazetteerError(f"{where}: empty {columns.name}")
    country = ""
    if columns.country and record[columns.country].strip():
        value = record[columns.country].strip()
        country = country_codes.get(name_key(value)) or (value.upper() if len(value) == 2 else "")
        if not country:
            raise GazetteerError(f"{where}: unknown country {value!r}")
    admin1_code = ""
    if columns.admin1 and record[columns.admin1].strip():
        matches = [m for m in admin1_codes.get(name_key(_admin1_core(record[columns.admin1])), [])
                   if not country or m[0] == country]
        if matches:
            country, admin1_code = matches[0]
    return _Row(
        geonameid=0, name=name, asciiname=anyascii(name), alternates=(),
        latitude=_parse_coordinate(record[columns.latitude], columns.latitude, 90.0, where),
        longitude=_parse_coordinate(record[columns.longitude], columns.longitude, 180.0, where),
        feature_class="P", feature_code="PPL", country=country, admin1_code=admin1_code, population=0,
        origin=where,
    )


def _admin1_codes_by_key(conn: sqlite3.Connection) -> dict[str, list[tuple[str, str]]]:
    """{name key: [(country, admin1 code), ...]} of every admin1 name and alias in the gazetteer."""
    codes: dict[str, list[tuple[str, str]]] = {}
    for key, country, code in conn.execute(
        "SELECT DISTINCT n.key, p.country, p.admin1_code FROM names n JOIN places p ON p.id = n.place_id"
        " WHERE p.level = ?", (ADMIN1,)
    ):
        codes.setdefault(key, []).append((country, code))
    return codes


def _country_codes_by_key(conn: sqlite3.Connection) -> dict[str, str]:
    """{name key: country code} of the countries' names in the gazetteer and COUNTRY_NAMES."""
    codes = {name_key(name): code for code, names in COUNTRY_NAMES.items() for name in names}
    for key, country in conn.execute(
        "SELECT n.key, p.country FROM names n JOIN places p ON p.id = n.place_id WHERE p.level = ?", (COUNTRY,)
    ):
        codes.setdefault(key, country)
    return codes


def _insert_admin1_names(
    conn: sqlite3.Connection, admin1: dict[tuple[str, str], str], aliases: dict[tuple[str, str], list[str]]
) -> None:
    rows = [(*key, aliases.get(key, [name])[0], name) for key, name in admin1.items()]
    conn.executemany("INSERT INTO admin1 VALUES (?, ?, ?, ?)", rows)
    for key, names in aliases.items():
        conn.execute("INSERT OR IGNORE INTO admin1 VALUES (?, ?, ?, ?)", (*key, names[0], names[0]))
    conn.executemany(
        "INSERT INTO admin1_aliases VALUES (?, ?, ?)",
        [(*key, alias) for key, names in aliases.items() for alias in names],
    )


def _insert_rows(conn: sqlite3.Connection, rows: Iterable[_Row]) -> tuple[int, set[str]]:
    """Insert GeoNames rows in batches; a row replaces any place with the same geonameid.

    Returns the number of rows and the countries they are in.
    """
    last_id = conn.execute("SELECT coalesce(max(id), 0) FROM places").fetchone()[0]
    count, countries = 0, set()
    for batch in _batches(rows, _BATCH_SIZE):
        unique = list({row.geonameid: row for row in batch}.values())
        _delete_geonameids(conn, [row.geonameid for row in unique])
        places, names = [], []
        for place_id, row in enumerate(unique, start=last_id + 1):
            places.append((place_id, *_place_values(row)))
            alternates = [a for a in row.alternates if _is_indexable_alternate(a)]
            names.extend(_name_rows(place_id, [row.name, row.asciiname, *alternates]))
        conn.executemany(f"INSERT INTO places VALUES ({', '.join('?' * 12)})", places)
        conn.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?)", names)
        last_id += len(unique)
        count += len(batch)
        countries.update(row.country for row in unique)
    return count, countries - {""}


def _batches(items: Iterable[_Row], size: int) -> Iterator[list[_Row]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _place_values(row: _Row) -> tuple:
    """Column values of `places` after the id."""
    level, rank = _level_and_rank(row.feature_class, row.feature_code)
    return (row.geonameid, row.name, row.latitude, row.longitude, row.country, row.admin1_code or None,
            row.feature_class, row.feature_code, row.population, level, rank)


def _name_rows(place_id: int, surfaces: Iterable[str], min_key_length: int = 3) -> list[tuple]:
    """One names row per distinct exact key of the place, keeping an ASCII spelling when there is one.

    The first two surfaces (name, asciiname) are kept however short; later ones need `min_key_length`.
    """
    by_key: dict[str, str] = {}
    for i, surface in enumerate(surfaces):
        key = name_key(surface) if surface else ""
        if not key or (i > 1 and len(key.replace(" ", "")) < min_key_length):
            continue
        if key not in by_key or (not by_key[key].isascii() and surface.isascii()):
            by_key[key] = surface
    return [(place_id, surface, key, _loose_from_words(key.split()), _stem_key(key.split()))
            for key, surface in by_key.items()]


def _delete_geonameids(conn: sqlite3.Connection, geonameids: list[int]) -> None:
    old = conn.execute(
        "SELECT json_group_array(id) FROM places WHERE geonameid IN (SELECT value FROM json_each(?))",
        (json.dumps(geonameids),),
    ).fetchone()[0]
    if old != "[]":
        conn.execute("DELETE FROM names WHERE place_id IN (SELECT value FROM json_each(?))", (old,))
        conn.execute("DELETE FROM places WHERE id IN (SELECT value FROM json_each(?))", (old,))


def _countries_in(conn: sqlite3.Connection) -> set[str]:
    return {c for (c,) in conn.execute("SELECT DISTINCT country FROM places WHERE country != ''")}


def _refresh_regions(conn: sqlite3.Connection, countries: set[str]) -> None:
    """(Re)compute the admin1 and country rows of these countries from their places."""
    for country in sorted(countries):
        derived = conn.execute(
            "SELECT id FROM places WHERE country = ? AND geonameid IS NULL AND level IN (?, ?)",
            (country, COUNTRY, ADMIN1),
        ).fetchall()
        conn.executemany("DELETE FROM names WHERE place_id = ?", derived)
        conn.executemany("DELETE FROM places WHERE id = ?", derived)
        _insert_admin1_places(conn, country)
        _insert_country_place(conn, country)


def _insert_admin1_places(conn: sqlite3.Connection, country: str) -> None:
    seats = {
        code: (lat, lon)
        for code, lat, lon, _ in conn.execute(
            "SELECT admin1_code, latitude, longitude, max(population) FROM places"
            " WHERE country = ? AND feature_code IN ('PPLA', 'PPLC') AND feature_class = 'P'"
            " GROUP BY admin1_code",
            (country,),
        )
    }
    regions = conn.execute(
        "SELECT a.code, a.name, a.source_name, avg(p.latitude), avg(p.longitude), sum(p.population)"
        " FROM admin1 a JOIN places p ON p.country = a.country AND p.admin1_code = a.code"
        " WHERE a.country = ? AND p.level IN (?, ?) GROUP BY a.code",
        (country, PLACE, LANDMARK),
    ).fetchall()
    for code, name, source_name, mean_lat, mean_lon, population in regions:
        lat, lon = seats.get(code, (mean_lat, mean_lon))
        place_id = _insert_derived_place(conn, name, lat, lon, country, code, "ADM1", population, ADMIN1)
        aliases = [a for (a,) in conn.execute(
            "SELECT alias FROM admin1_aliases WHERE country = ? AND code = ?", (country, code))]
        surfaces = [name, source_name, _admin1_core(source_name), *aliases]
        conn.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?)", _name_rows(place_id, surfaces, 1))


def _insert_country_place(conn: sqlite3.Connection, country: str) -> None:
    names = COUNTRY_NAMES.get(country) or (_world_country_names().get(country, country),)
    conn.execute("INSERT OR REPLACE INTO countries VALUES (?, ?)", (country, names[0]))
    capital = conn.execute(
        "SELECT latitude, longitude FROM places WHERE country = ? AND feature_code = 'PPLC'"
        " ORDER BY population DESC LIMIT 1",
        (country,),
    ).fetchone()
    mean_lat, mean_lon, population = conn.execute(
        "SELECT avg(latitude), avg(longitude), sum(population) FROM places"
        " WHERE country = ? AND level IN (?, ?)",
        (country, PLACE, LANDMARK),
    ).fetchone()
    if mean_lat is None:
        return
    lat, lon = capital or (mean_lat, mean_lon)
    place_id = _insert_derived_place(conn, names[0], lat, lon, country, None, "PCLI", population, COUNTRY)
    if country in COUNTRY_NAMES:
        conn.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?)", _name_rows(place_id, names, 1))


def world_rows(path: Path = WORLD_PLACES) -> Iterator[list[str]]:
    """The rows of the world supplement (countries, continents, regions), its 8 tab-separated columns:
    kind, code, names, adjectives, latitude, longitude, population, geonameid."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 8:
            raise GazetteerError(f"{path}:{number}: expected 8 tab-separated columns")
        yield fields


@functools.lru_cache(maxsize=1)
def _world_country_names() -> dict[str, str]:
    """{code: English name} of every country in the world supplement, so that a country outside
    COUNTRY_NAMES is called 'South Africa' rather than 'ZA'."""
    return {fields[1]: fields[2].split("|")[0] for fields in world_rows() if fields[0] == "country"}


def _insert_derived_place(
    conn: sqlite3.Connection, name: str, lat: float, lon: float, country: str, admin1_code: str | None,
    feature_code: str, population: int, level: str,
) -> int:
    rank = {COUNTRY: 0, ADMIN1: 1, ADMIN2: ADMIN2_RANK}[level]
    return conn.execute(
        "INSERT INTO places (geonameid, name, latitude, longitude, country, admin1_code, feature_class,"
        " feature_code, population, level, rank) VALUES (NULL, ?, ?, ?, ?, ?, 'A', ?, ?, ?, ?)",
        (name, lat, lon, country, admin1_code, feature_code, population or 0, level, rank),
    ).lastrowid


# ---------------------------------------------------------------- reading the index


def _missing_message(path: Path) -> str:
    return f"gazetteer not found at {path}: run `make setup` or `fieldreport gazetteer build`"


def _check_schema(conn: sqlite3.Connection, path: Path) -> None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.DatabaseError:
        row = None
    if row is None or row[0] != SCHEMA_VERSION:
        raise GazetteerError(f"{path}: not a fieldreport gazetteer (schema {SCHEMA_VERSION}): rebuild it")


class Gazetteer:
    """Read-only access to a built gazetteer; one SQLite connection per instance."""

    _CACHE_LIMIT = 50_000

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_gazetteer_path()
        if not self.path.is_file():
            raise GazetteerError(_missing_message(self.path))
        try:
            self._conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise GazetteerError(f"{self.path}: cannot open gazetteer: {exc}") from exc
        _check_schema(self._conn, self.path)
        self._cache: dict[tuple, tuple[Place, ...]] = {}

    def close(self) -> None:
        self._conn.close()

    def country_name(self, code: str) -> str:
        """The name the gazetteer gives a country code ('NG' -> 'Nigeria'); the code itself when unknown."""
        row = self._conn.execute("SELECT name FROM countries WHERE code = ?", (code.upper(),)).fetchone()
        return row[0] if row else code

    def reopen(self) -> None:
        """A connection of its own for a forked worker process: an SQLite connection must not be used
        across a fork. The inherited one is kept, unused and unclosed, as it belongs to the parent."""
        self._inherited = self._conn
        self._conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def lookup(
        self, name: str, country: str | None = None, admin1_code: str | None = None, limit: int = 20,
        exact: bool = False,
    ) -> list[Place]:
        """Candidates for a surface name, best first.

        Exact-key matches, then loose-key matches (none with `exact`); if neither finds anything, names
        that differ by a leading "Tall"/"Tell". `country` and `admin1_code` are strict filters. Within a
        tier: country, admin1, PPLA/PPLC, PPLA2, PPLA3, other places, then landmarks; more populous first.
        """
        cache_key = ("lookup", name, country, admin1_code, limit, exact)
        if cache_key not in self._cache:
            where = _Filters(country.upper() if country else None, admin1_code or None, None)
            self._remember(cache_key, tuple(self._candidates(name_key(name), where, limit, exact=exact)))
        return list(self._cache[cache_key])

    def admin1(self, name: str, country: str | None = None) -> Place | None:
        """The admin1 region (governorate, province) called `name`; 'Idlib province' works too."""
        where = _Filters(country.upper() if country else None, None, ADMIN1)
        for candidate in dict.fromkeys([name, _admin1_core(name)]):
            found = self._candidates(name_key(candidate), where, 1, stem=False)
            if found:
                return found[0]
        return None

    def admin1_by_code(self, country: str, code: str) -> Place | None:
        row = self._conn.execute(
            f"SELECT {_PLACE_COLUMNS} FROM {_PLACE_FROM}"
            " WHERE p.country = ? AND p.admin1_code = ? AND p.level = ?"
            " ORDER BY p.geonameid IS NOT NULL LIMIT 1",
            (country.upper(), code, ADMIN1),
        ).fetchone()
        return _place(row) if row else None

    def country(self, name: str) -> Place | None:
        """The country called `name` ('Syria', 'US', 'Türkiye'), as a point at its capital."""
        found = self._candidates(name_key(name), _Filters(None, None, COUNTRY), 1, stem=False)
        return found[0] if found else None

    def area_centre(self, country: str, admin1_code: str | None = None) -> tuple[float, float] | None:
        """Middle of the bounding box of an admin1's (or a country's) places: closer to GeoNames' area
        points than the seat, which can lie at the edge (Sacramento for California)."""
        cache_key = ("centre", country, admin1_code)
        if cache_key not in self._cache:
            sql = ("SELECT (min(latitude) + max(latitude)) / 2, (min(longitude) + max(longitude)) / 2"
                   " FROM places WHERE country = ? AND level IN (?, ?)")
            params: list[object] = [country.upper(), PLACE, LANDMARK]
            if admin1_code:
                sql += " AND admin1_code = ?"
                params.append(admin1_code)
            row = self._conn.execute(sql, params).fetchone()
            self._remember(cache_key, (row if row and row[0] is not None else None,))
        return self._cache[cache_key][0]

    def places_median(self, country: str, admin1_code: str, direction: str | None = None) -> tuple[float, float] | None:
        """The median latitude and longitude of an admin1's places: where its towns are, which an event
        somewhere in it lies nearer on average than the middle of its bounding box (Homs and Rural
        Damascus reach far into the desert, where few events happen). With a `direction` ('north',
        'southeast'), the middle of that part of its area: 'northeastern Hama' (`side_centre`)."""
        cache_key = ("median", country, admin1_code, direction)
        if cache_key not in self._cache:
            rows = self._conn.execute(
                "SELECT latitude, longitude FROM places WHERE country = ? AND admin1_code = ? AND level IN (?, ?)",
                (country.upper(), admin1_code, PLACE, LANDMARK)).fetchall()
            middle = None
            if rows and direction and direction != "centre":
                middle = side_centre(rows, direction)
            elif rows:
                middle = (statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows))
            self._remember(cache_key, (middle,))
        return self._cache[cache_key][0]

    def has_place_near(self, country: str, latitude: float, longitude: float, km: float) -> bool:
        """True when the country has a populated place within `km` of the point (a town across its border)."""
        cache_key = ("near", country, round(latitude, 3), round(longitude, 3), km)
        if cache_key not in self._cache:
            dlat = km / 111.0
            dlon = km / (111.0 * max(math.cos(math.radians(latitude)), 0.01))
            rows = self._conn.execute(
                "SELECT latitude, longitude FROM places WHERE country = ? AND level = ?"
                " AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?",
                (country.upper(), PLACE, latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon),
            ).fetchall()
            self._remember(cache_key, (any(km_between(latitude, longitude, a, b) <= km for a, b in rows),))
        return bool(self._cache[cache_key][0])

    def contains_name(self, text: str) -> bool:
        """True if some place has exactly this normalised key (for fast phrase screening)."""
        key = name_key(text)
        cache_key = ("contains", key)
        if cache_key not in self._cache:
            row = self._conn.execute("SELECT 1 FROM names WHERE key = ? LIMIT 1", (key,)).fetchone()
            self._remember(cache_key, (row is not None,))
        return bool(self._cache[cache_key][0])

    def names(self, country: str | None = None, min_population: int = 0) -> Iterator[str]:
        """Distinct surface names (Latin script) of places, regions and countries, for a phrase matcher."""
        sql = "SELECT DISTINCT n.surface FROM places p JOIN names n ON n.place_id = p.id"
        sql += " WHERE p.population >= ?"
        params: list[object] = [min_population]
        if country:
            sql += " AND p.country = ?"
            params.append(country.upper())
        for (surface,) in self._conn.execute(sql, params):
            yield surface

    def _remember(self, key: tuple, value: tuple) -> None:
        if len(self._cache) >= self._CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = value

    def _candidates(self, key: str, where: _Filters, limit: int, stem: bool = True,
                    exact: bool = False) -> list[Place]:
        """Places for an exact key: exact matches first, then close loose matches, best first."""
        if not key or limit <= 0:
            return []
        if exact:
            return self._places(dict.fromkeys((i for i, _ in self._names_where(where, "n.key = ?", key)), 0), limit)
        return self._places(self._tiers(key, where, stem), limit)

    def _tiers(self, key: str, where: _Filters, stem: bool) -> dict[int, int]:
        """{place id: tier}: 0 same exact key, 1 same loose key and a close spelling, 2 the same without
        a leading "Tall" (tried only when tiers 0 and 1 are empty)."""
        loose = loose_key(key)
        floor = _similarity_floor(loose)
        tiers: dict[int, int] = {}
        for place_id, other in self._names_where(where, "(n.key = ? OR n.loose = ?)", key, loose):
            if other == key:
                tiers[place_id] = 0
            elif place_id not in tiers and not _too_short_to_vary(key, other) and _similarity(key, other) >= floor:
                tiers[place_id] = 1
        if tiers or not stem or key.split()[0] in MOUND_WORDS:
            return tiers
        return {
            place_id: 2
            for place_id, other in self._names_where(where, "n.stem = ?", loose)
            if _similarity(key, other.split(" ", 1)[1]) >= floor
        }

    def _names_where(self, where: _Filters, condition: str, *values: str) -> list[tuple[int, str]]:
        """(place id, exact key) of the names that meet `condition` in places that pass the filters."""
        sql, params = where.sql(
            f"SELECT n.place_id, n.key FROM names n JOIN places p ON p.id = n.place_id WHERE {condition}",
            list(values),
        )
        return self._conn.execute(sql, params).fetchall()

    def _places(self, tiers: dict[int, int], limit: int) -> list[Place]:
        """The places in `tiers`, best first: by tier, level rank, then population."""
        if not tiers:
            return []
        rows = self._conn.execute(
            f"SELECT {_PLACE_COLUMNS} FROM json_each(?) t JOIN places p ON p.id = t.key {_PLACE_JOINS}"
            " ORDER BY t.value, p.rank, p.population DESC, p.id LIMIT ?",
            (json.dumps(tiers), limit),
        )
        return [_place(row) for row in rows]


@dataclass(frozen=True)
class _Filters:
    """Strict filters on candidate places."""

    country: str | None
    admin1_code: str | None
    level: str | None

    def sql(self, sql: str, params: list[object]) -> tuple[str, list[object]]:
        for column in ("country", "admin1_code", "level"):
            value = getattr(self, column)
            if value:
                sql += f" AND p.{column} = ?"
                params.append(value)
        return sql, params


def _similarity_floor(loose: str) -> int:
    """Least rapidfuzz ratio for a loose match: a skeleton of one or two letters is too ambiguous alone."""
    return LOOSE_MIN_RATIO if len(loose.replace(" ", "")) >= 3 else SHORT_LOOSE_MIN_RATIO


def _place(row: tuple) -> Place:
    (_, name, lat, lon, country, country_name, admin1_code, admin1, fclass, fcode, population, geonameid,
     level) = row
    return Place(
        name=name, latitude=lat, longitude=lon, country=country, country_name=country_name,
        admin1_code=admin1_code, admin1=admin1, admin2=None, feature_class=fclass, feature_code=fcode,
        population=population, geonameid=geonameid, level=level,
    )
