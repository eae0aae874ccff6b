"""The gazetteer, against the real index built from GeoNames cities500 and admin1.json (no mocks)."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from fieldreport.errors import GazetteerError
from fieldreport.geo.gazetteer import (
    DEFAULT_PATH,
    Gazetteer,
    Place,
    build_gazetteer,
    default_gazetteer_path,
    import_places,
    loose_key,
    name_key,
)

# (news spelling, GeoNames id, admin1 code) of Syrian populated places.
SYRIAN_PLACES = [
    ("Harasta", 169897, "08"),
    ("Arbin", 169372, "08"),
    ("Arbeen", 169372, "08"),
    ("Afrin", 174186, "09"),
    ("Manbij", 167357, "09"),
    ("Hasaka", 173811, "01"),
    ("Deir Ezzur", 170794, "07"),
    ("Deir ez-Zor", 170794, "07"),
    ("Armanaz", 172988, "12"),
    ("Idlib", 169389, "12"),
    ("Aleppo", 170063, "09"),
    ("Hama", 170017, "10"),
    ("Quneitra", 173334, "03"),
    ("Jandariseh", 169190, "09"),
    ("Jinderes", 169190, "09"),
    ("al-Zaman", 163747, "09"),
    ("Abu al-Dhohour", 174611, "12"),
    ("al-Hamidiyeh", 173842, "14"),
    ("Raqqa", 172955, "04"),
    ("Raqqah", 172955, "04"),
    ("Ar Raqqah", 172955, "04"),
    ("Daraa", 170905, "06"),
    ("Dar'a", 170905, "06"),
    ("Deraa", 170905, "06"),
    ("Palmyra", 163808, "11"),
    ("Tadmur", 163808, "11"),
    ("Maarat al-Numan", 167611, "12"),
    ("Ma'arrat al-Nu'man", 167611, "12"),
    ("Maarrat an Numan", 167611, "12"),
    ("Tal Abyad", 163750, "04"),
    ("Tell Abyad", 163750, "04"),
    ("Kobani", 172256, "09"),
    ("Ayn al Arab", 172256, "09"),
    ("Saraqib", 164816, "12"),
    ("Khan Shaykhun", 168325, "12"),
    ("Khan Sheikhoun", 168325, "12"),
    ("Damascus", 170654, "13"),
    ("Qusair", 173322, "11"),
    ("al-Rastan", 172946, "11"),
    ("Salamieh", 164947, "10"),
    ("Skelbiyeh", 163921, "10"),
    ("Mhardeh", 166742, "10"),
    ("Jisr al-Shughour", 169023, "12"),
    ("Tal Rifaat", 163476, "09"),
    ("Azaz", 172082, "09"),
    ("Ras al-Ain", 165509, "01"),
    ("Qamishlo", 173377, "01"),
    ("al-Mayadeen", 173480, "07"),
    ("Albu Kamal", 174448, "07"),
    ("Douma", 170592, "08"),
    ("Zabadani", 172059, "08"),
    ("Kafr Nabl", 168661, "12"),
    ("Ain Issa", 172134, "04"),
    ("Sheikh Maskin", 164328, "06"),
    ("Dmeir", 170589, "08"),
]

ADMIN1_ALIASES = [
    ("Idlib", "12", "Idleb"),
    ("Idleb", "12", "Idleb"),
    ("Edlib", "12", "Idleb"),
    ("Idlib province", "12", "Idleb"),
    ("Rif Dimashq", "08", "Rural Damascus"),
    ("Rural Damascus", "08", "Rural Damascus"),
    ("Damascus countryside", "08", "Rural Damascus"),
    ("Reef Damascus", "08", "Rural Damascus"),
    ("Damascus", "13", "Damascus"),
    ("Hasaka", "01", "Al Hasakeh"),
    ("Al-Hasakah", "01", "Al Hasakeh"),
    ("Hassakeh", "01", "Al Hasakeh"),
    ("Deir Ezzur", "07", "Deir ez Zor"),
    ("Deir al-Zour", "07", "Deir ez Zor"),
    ("Dayr az Zawr", "07", "Deir ez Zor"),
    ("Dara", "06", "Dara"),
    ("Daraa governorate", "06", "Dara"),
    ("Dar'a", "06", "Dara"),
    ("Sweida", "05", "As Sweida"),
    ("Suwayda", "05", "As Sweida"),
    ("Raqqa", "04", "Ar Raqqa"),
    ("Latakia", "02", "Lattakia"),
    ("Tartus", "14", "Tartous"),
    ("Hama", "10", "Hama"),
    ("the province of Homs", "11", "Homs"),
    ("Quneitra province", "03", "Quneitra"),
    ("Kuneitra", "03", "Quneitra"),
    ("Halab", "09", "Aleppo"),
]

COUNTRIES = [
    ("Syria", "SY"), ("Turkey", "TR"), ("Türkiye", "TR"), ("Iraq", "IQ"), ("Lebanon", "LB"), ("Jordan", "JO"),
    ("Israel", "IL"), ("Iran", "IR"), ("Russia", "RU"), ("United States", "US"), ("US", "US"), ("U.S.", "US"),
    ("USA", "US"), ("America", "US"), ("UK", "GB"), ("Britain", "GB"), ("France", "FR"), ("Germany", "DE"),
    ("Egypt", "EG"), ("Saudi Arabia", "SA"), ("Yemen", "YE"), ("Libya", "LY"), ("Afghanistan", "AF"),
    ("Palestine", "PS"), ("China", "CN"), ("Ukraine", "UA"),
]

VILLAGE = "\t".join([
    "99000001", "Māsah", "Masah", "Maseh,Masah,ماسح", "36.05", "37.05", "P", "PPL", "SY", "", "09",
    "", "", "", "1200", "", "350", "Asia/Damascus", "2024-01-01",
])


def first_populated_place(places: list[Place]) -> Place:
    return next(p for p in places if p.level == "populated place")


def place_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM places").fetchone()[0]


@pytest.fixture
def gazetteer_copy(tmp_path: Path) -> Path:
    """A private copy of the real gazetteer, for tests that write to it."""
    copy = tmp_path / "gazetteer.sqlite"
    shutil.copyfile(default_gazetteer_path(), copy)
    return copy


# ---------------------------------------------------------------- keys


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Ar Raqqah", "raqqah"),
        ("al-Zaman", "zaman"),
        ("Ma‘arrat an Nu‘mān", "maarrat numan"),
        ("Ma'arrat al-Nu'man", "maarrat numan"),
        ("Deir ez-Zor", "deir zor"),
        ("  Tall  aḑ Ḑamān ", "tall daman"),
        ("Al", "al"),
    ],
)
def test_name_key_folds_case_diacritics_apostrophes_and_articles(name: str, key: str) -> None:
    assert name_key(name) == key


@pytest.mark.parametrize(
    ("news", "geonames"),
    [
        ("Khan Sheikhoun", "Khān Shaykhūn"),
        ("Jandariseh", "Jindayris"),
        ("Deir Ezzur", "Dayr az Zawr"),
        ("Tal Abyad", "Tell Abyad"),
        ("al-Hamidiyeh", "Al Ḩamīdīyah"),
        ("Abu al-Dhohour", "Abū az̧ Z̧uhūr"),
        ("Djarablous", "Jarābulus"),
        ("Maarat al-Numan", "Ma‘arrat an Nu‘mān"),
    ],
)
def test_loose_key_matches_transliteration_variants(news: str, geonames: str) -> None:
    assert loose_key(news) == loose_key(geonames)


@pytest.mark.parametrize(("one", "other"), [("Salma", "Salamiyah"), ("Sadad", "Shaddadah"), ("Hama", "Homs")])
def test_loose_key_keeps_distinct_names_apart(one: str, other: str) -> None:
    assert loose_key(one) != loose_key(other)


# ---------------------------------------------------------------- lookup


@pytest.mark.parametrize(("name", "geonameid", "admin1_code"), SYRIAN_PLACES)
def test_news_spellings_resolve_to_the_right_syrian_place(
    gazetteer: Gazetteer, name: str, geonameid: int, admin1_code: str
) -> None:
    place = first_populated_place(gazetteer.lookup(name, country="SY"))
    assert (place.geonameid, place.admin1_code) == (geonameid, admin1_code)
    assert place.country == "SY" and place.country_name == "Syria"


def test_admin1_code_is_a_strict_filter(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("al-Hamidiyeh", country="SY", admin1_code="03") == []
    tartus = gazetteer.lookup("al-Hamidiyeh", country="SY", admin1_code="14")
    assert [p.geonameid for p in tartus] == [173842]


def test_country_is_a_strict_filter(gazetteer: Gazetteer) -> None:
    assert {p.country for p in gazetteer.lookup("Tripoli")} >= {"LY", "LB"}
    assert {p.country for p in gazetteer.lookup("Tripoli", country="LB")} == {"LB"}


def test_ranking_puts_regions_before_places_and_exact_before_loose(gazetteer: Gazetteer) -> None:
    idlib = gazetteer.lookup("Idlib", country="SY")
    assert [p.level for p in idlib[:2]] == ["admin1", "populated place"]
    assert gazetteer.lookup("Syria")[0].level == "country"
    daraa = gazetteer.lookup("Daraa", country="SY")
    assert daraa[1].geonameid == 170905  # exact alternate name, before Darayya (loose key only)


def test_lookup_result_carries_acled_style_admin1(gazetteer: Gazetteer) -> None:
    harasta = first_populated_place(gazetteer.lookup("Harasta", country="SY"))
    assert harasta.admin1 == "Rural Damascus"
    assert harasta.feature_class == "P" and harasta.feature_code == "PPLA3"
    assert harasta.population == 37348
    assert 33.5 < harasta.latitude < 33.6 and 36.3 < harasta.longitude < 36.4


def test_lookup_limit_and_unknown_names(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.lookup("San Jose", limit=3)) == 3
    assert gazetteer.lookup("Xqzzyville") == []
    assert gazetteer.lookup("  ") == []


def test_short_skeletons_need_a_close_spelling(gazetteer: Gazetteer) -> None:
    # 'Shirawa' (an Afrin district, not in cities500) shares the skeleton 'xr' with 'Sharra'.
    assert gazetteer.lookup("Shirawa", country="SY") == []


# ---------------------------------------------------------------- admin1 and countries


@pytest.mark.parametrize(("name", "code", "display"), ADMIN1_ALIASES)
def test_admin1_aliases(gazetteer: Gazetteer, name: str, code: str, display: str) -> None:
    region = gazetteer.admin1(name, country="SY")
    assert region is not None
    assert (region.admin1_code, region.admin1, region.name) == (code, display, display)
    assert (region.level, region.feature_class, region.feature_code) == ("admin1", "A", "ADM1")


def test_all_fourteen_syrian_governorates_exist(gazetteer: Gazetteer) -> None:
    codes = [f"{n:02d}" for n in range(1, 15)]
    regions = [gazetteer.admin1_by_code("SY", code) for code in codes]
    assert all(regions)
    assert [r.admin1_code for r in regions] == codes


def test_admin1_point_is_its_seat(gazetteer: Gazetteer) -> None:
    aleppo = gazetteer.admin1("Aleppo", country="SY")
    city = first_populated_place(gazetteer.lookup("Aleppo", country="SY"))
    assert (aleppo.latitude, aleppo.longitude) == (city.latitude, city.longitude)
    rural = gazetteer.admin1("Rural Damascus")  # no PPLA in SY.08: the mean of its places
    assert 32.5 < rural.latitude < 34.5 and 35.5 < rural.longitude < 37.5


def test_admin1_outside_syria_uses_admin1_json_names(gazetteer: Gazetteer) -> None:
    nineveh = gazetteer.admin1("Nineveh province")
    assert (nineveh.country, nineveh.admin1_code, nineveh.admin1) == ("IQ", "15", "Nineveh")
    assert gazetteer.admin1("Aleppo", country="IQ") is None
    assert gazetteer.admin1("Nowhere Governorate") is None


@pytest.mark.parametrize(("name", "code"), COUNTRIES)
def test_countries(gazetteer: Gazetteer, name: str, code: str) -> None:
    country = gazetteer.country(name)
    assert country is not None
    assert (country.country, country.level, country.feature_code) == (code, "country", "PCLI")
    assert country.admin1_code is None


def test_country_point_is_the_capital(gazetteer: Gazetteer) -> None:
    syria = gazetteer.country("Syria")
    damascus = first_populated_place(gazetteer.lookup("Damascus", country="SY"))
    assert (syria.name, syria.country_name) == ("Syria", "Syria")
    assert (syria.latitude, syria.longitude) == (damascus.latitude, damascus.longitude)
    assert gazetteer.country("Narnia") is None


# ---------------------------------------------------------------- names for phrase matching


def test_contains_name_is_exact_up_to_normalisation(gazetteer: Gazetteer) -> None:
    assert gazetteer.contains_name("Ma'arrat al-Nu'man")
    assert gazetteer.contains_name("KHAN SHAYKHUN")
    assert not gazetteer.contains_name("Jandariseh")  # loose match only
    assert not gazetteer.contains_name("")


def test_names_are_latin_surfaces_of_the_country(gazetteer: Gazetteer) -> None:
    names = set(gazetteer.names("SY"))
    assert {"Harasta", "Kobani", "Palmyra", "Idleb", "Rural Damascus", "Syria"} <= names
    assert all(any("a" <= c.lower() <= "z" for c in n) for n in names)
    assert not {"hrsta", "DEZ", "حرستا"} & names  # machine transliterations, codes, Arabic script
    big = set(gazetteer.names("SY", min_population=100_000))
    assert "Aleppo" in big and "Harasta" not in big


# ---------------------------------------------------------------- import


def test_import_adds_a_village_that_lookup_finds(gazetteer_copy: Path, tmp_path: Path) -> None:
    dump = tmp_path / "SY.txt"
    dump.write_text(VILLAGE + "\n", encoding="utf-8")
    before = place_count(gazetteer_copy)
    assert Gazetteer(gazetteer_copy).lookup("Maseh", country="SY") == []

    assert import_places(dump, db=gazetteer_copy) == 1

    assert place_count(gazetteer_copy) == before + 1
    with Gazetteer(gazetteer_copy) as gaz:
        village = gaz.lookup("Maseh", country="SY")[0]
        assert (village.geonameid, village.admin1, village.population) == (99000001, "Aleppo", 1200)
        assert gaz.lookup("Masah", country="SY", admin1_code="09")[0].geonameid == 99000001
        assert gaz.admin1("Aleppo").admin1_code == "09"  # regions were rebuilt, still there


def test_import_replaces_a_place_with_the_same_geonameid(gazetteer_copy: Path, tmp_path: Path) -> None:
    dump = tmp_path / "SY.txt"
    dump.write_text(VILLAGE + "\n", encoding="utf-8")
    import_places(dump, db=gazetteer_copy)
    renamed = VILLAGE.replace("Māsah\tMasah\tMaseh,Masah,ماسح", "Tall Masah\tTall Masah\t")
    dump.write_text(renamed + "\n", encoding="utf-8")
    before = place_count(gazetteer_copy)

    import_places(dump, db=gazetteer_copy)

    assert place_count(gazetteer_copy) == before
    with Gazetteer(gazetteer_copy) as gaz:
        assert gaz.lookup("Tall Masah", country="SY")[0].geonameid == 99000001
        assert not gaz.contains_name("Maseh")


def test_a_repeated_geonameid_in_one_file_keeps_the_last_line(gazetteer_copy: Path, tmp_path: Path) -> None:
    dump = tmp_path / "SY.txt"
    dump.write_text(f"{VILLAGE}\n{VILLAGE.replace('1200', '1500')}\n", encoding="utf-8")
    before = place_count(gazetteer_copy)

    assert import_places(dump, db=gazetteer_copy) == 2

    assert place_count(gazetteer_copy) == before + 1
    with Gazetteer(gazetteer_copy) as gaz:
        assert [p.population for p in gaz.lookup("Maseh", country="SY")] == [1500]


@pytest.mark.parametrize(
    ("bad_line", "problem"),
    [
        ("\t".join(["99000002", "Broken", "Broken", "", "36.1"]), "expected 19 tab-separated columns, got 5"),
        (VILLAGE.replace("99000001", "99000002").replace("36.05", "north"), "latitude 'north' is not a number"),
        (VILLAGE.replace("99000001", "99000002").replace("37.05", "237.05"), "longitude 237.05 is out of range"),
        (VILLAGE.replace("99000001", "x1"), "geonameid 'x1' is not a number"),
        (VILLAGE.replace("99000001", "99000002").replace("\tSY\t", "\tSYR\t"), "country code 'SYR' is not two"),
    ],
)
def test_malformed_import_names_the_line_and_changes_nothing(
    gazetteer_copy: Path, tmp_path: Path, bad_line: str, problem: str
) -> None:
    dump = tmp_path / "SY.txt"
    dump.write_text(f"{VILLAGE}\n{bad_line}\n", encoding="utf-8")
    before = place_count(gazetteer_copy)

    with pytest.raises(GazetteerError, match=f"^{dump}:2: {problem}"):
        import_places(dump, db=gazetteer_copy)

    assert place_count(gazetteer_copy) == before
    with Gazetteer(gazetteer_copy) as gaz:
        assert gaz.lookup("Maseh", country="SY") == []  # the good first line was rolled back too


def test_import_of_a_missing_file_or_into_a_missing_gazetteer(gazetteer_copy: Path, tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="cannot read"):
        import_places(tmp_path / "absent.txt", db=gazetteer_copy)
    dump = tmp_path / "SY.txt"
    dump.write_text(VILLAGE + "\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="gazetteer not found at"):
        import_places(dump, db=tmp_path / "absent.sqlite")


# ---------------------------------------------------------------- opening and building


def test_missing_gazetteer_raises(tmp_path: Path) -> None:
    missing = tmp_path / "nope.sqlite"
    with pytest.raises(GazetteerError, match=r"gazetteer not found at .*nope\.sqlite: run `make setup`"):
        Gazetteer(missing)


def test_a_file_that_is_not_a_gazetteer_raises(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database", encoding="utf-8")
    with pytest.raises(GazetteerError, match="not a fieldreport gazetteer"):
        Gazetteer(junk)


def test_default_path_reads_the_environment_each_call(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FIELDREPORT_GAZETTEER", raising=False)
    assert default_gazetteer_path() == DEFAULT_PATH
    assert DEFAULT_PATH.parts[-3:] == ("share", "fieldreport", "gazetteer.sqlite")
    monkeypatch.setenv("FIELDREPORT_GAZETTEER", str(tmp_path / "g.sqlite"))
    assert default_gazetteer_path() == tmp_path / "g.sqlite"


def write_small_sources(tmp_path: Path, lines: list[str]) -> tuple[Path, Path]:
    geonames = tmp_path / "cities.txt"
    geonames.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    admin1 = tmp_path / "admin1.json"
    admin1.write_text(json.dumps([{"code": "SY.09", "name": "Aleppo"}, {"code": "SY.12", "name": "Idlib"}]))
    return geonames, admin1


def test_build_from_small_sources(tmp_path: Path) -> None:
    seat = VILLAGE.replace("99000001", "99000003").replace("\tPPL\t", "\tPPLA\t").replace("36.05", "36.20")
    geonames, admin1 = write_small_sources(tmp_path, [VILLAGE, seat])
    out = tmp_path / "out" / "gaz.sqlite"

    # two places, plus one admin1 (SY.09; SY.12 has no places) and one country row
    assert build_gazetteer(geonames, admin1, out) == 4

    assert [p.name for p in out.parent.iterdir()] == ["gaz.sqlite"]  # no temporary file left
    with Gazetteer(out) as gaz:
        region = gaz.admin1("Halab")
        assert (region.admin1, region.latitude) == ("Aleppo", 36.20)  # seat = the PPLA
        assert gaz.country("Syria").latitude == pytest.approx(36.125)  # no PPLC: the mean
        assert gaz.lookup("Maseh")[0].admin1 == "Aleppo"


def test_build_adds_admin2_areas_unless_a_town_bears_the_name(tmp_path: Path) -> None:
    village = VILLAGE.replace("\t09\t\t", "\t09\t042\t")
    seat = village.replace("99000001", "99000002").replace("Māsah\tMasah\tMaseh,Masah,ماسح", "Jabal\tJabal\t")
    geonames, admin1 = write_small_sources(tmp_path, [village, seat])
    admin2 = tmp_path / "admin2.json"
    admin2.write_text(json.dumps([{"code": "SY.09.042", "name": "Jabal Saman District"},
                                  {"code": "SY.09.043", "name": "Empty District"},
                                  {"code": "SY.09.044", "name": "Jabal"}]))
    out = tmp_path / "gaz.sqlite"

    build_gazetteer(geonames, admin1, out, admin2_names=admin2)

    with Gazetteer(out) as gaz:
        district = gaz.lookup("Jabal Saman District")[0]
        assert (district.level, district.feature_code, district.admin1) == ("admin2", "ADM2", "Aleppo")
        assert district.latitude == pytest.approx(36.05)
        assert gaz.lookup("Empty District") == []  # no towns: no point to give it
        assert [p.level for p in gaz.lookup("Jabal")] == ["populated place"]  # the town stands for it


def test_failed_build_leaves_the_old_gazetteer(tmp_path: Path) -> None:
    geonames, admin1 = write_small_sources(tmp_path, [VILLAGE])
    out = tmp_path / "gaz.sqlite"
    build_gazetteer(geonames, admin1, out)
    geonames.write_text(VILLAGE + "\nbroken line\n", encoding="utf-8")

    with pytest.raises(GazetteerError, match=r"cities\.txt:2: expected 19"):
        build_gazetteer(geonames, admin1, out)

    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
    with Gazetteer(out) as gaz:
        assert gaz.lookup("Maseh")[0].geonameid == 99000001


def test_short_abbreviations_match_only_as_spelled(gazetteer: Gazetteer) -> None:
    assert gazetteer.admin1("Del.", "US").name == "Delaware"
    assert gazetteer.admin1("Da'el") is None and gazetteer.admin1("Khan") is None


def test_a_reopened_gazetteer_answers_as_before() -> None:
    gazetteer = Gazetteer(default_gazetteer_path())
    before = gazetteer.lookup("Aleppo", country="SY", limit=3)
    gazetteer.reopen()
    assert gazetteer.lookup("Harasta", country="SY", limit=3)[0].admin1 == "Rural Damascus"
    assert gazetteer.lookup("Aleppo", country="SY", limit=3) == before
    gazetteer.close()


def test_every_country_has_its_name_not_its_code(gazetteer: Gazetteer) -> None:
    """Countries outside the hand-kept list are named from the world supplement: 'South Africa', not 'ZA'."""
    assert gazetteer.lookup("Cape Town", None, exact=True)[0].country_name == "South Africa"
    assert gazetteer.lookup("Dublin", "IE", exact=True)[0].country_name == "Ireland"
