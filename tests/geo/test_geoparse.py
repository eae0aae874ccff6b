"""Geoparsing real text with the real spaCy model and gazetteer: `fieldreport places` and Geoparser."""

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fieldreport.cli import app
from fieldreport.errors import GazetteerError
from fieldreport.geo.gazetteer import Gazetteer, default_gazetteer_path, import_places
from fieldreport.geo.geoparse import Geoparser
from fieldreport.model import Document
from fieldreport.pipeline import Extractor

SYRIAN = ("Heavy clashes erupted near the village of Qwertzabad west of Aleppo, while Russian jets struck "
          "Idlib province. The army shelled Harasta in Damascus countryside.")
AMERICAN = ("Alexandria woman charged in connection with a fire. She was arrested in Alexandria, Louisiana, "
            "after the fire near Shreveport. Officers from Baton Rouge joined the search.")
FIELDS = {"document_id", "start", "end", "text", "name", "geonameid", "latitude", "longitude", "feature_class",
          "feature_code", "level", "admin1", "country", "confidence", "candidates_considered", "reason"}


@pytest.fixture(scope="module")
def geoparser(gazetteer: Gazetteer) -> Geoparser:
    return Geoparser(gazetteer)


def by_text(records: list[dict]) -> dict[str, dict]:
    return {r["text"]: r for r in records}


def test_offsets_point_at_the_toponym_in_the_text(geoparser: Geoparser) -> None:
    records = geoparser.places(Document(text=SYRIAN))
    assert records
    for r in records:
        assert SYRIAN[r["start"]:r["end"]] == r["text"]
        assert set(r) >= FIELDS


def test_syrian_places_resolve_in_syria(geoparser: Geoparser) -> None:
    found = by_text(geoparser.places(Document(text=SYRIAN)))
    assert found["Harasta"]["country"] == "Syria" and found["Harasta"]["admin1"] == "Rural Damascus"
    assert found["Idlib"]["level"] == "admin1"
    assert found["Russian"]["level"] == "country" and found["Russian"]["name"] == "Russia"
    assert found["Aleppo"]["relation"] == "west of"


def test_unknown_place_gets_a_reason_and_the_others_stay(geoparser: Geoparser) -> None:
    records = geoparser.places(Document(text=SYRIAN))
    unknown = by_text(records)["Qwertzabad"]
    assert unknown["latitude"] is None and unknown["longitude"] is None and unknown["reason"]
    assert sum(r["latitude"] is not None for r in records) >= 4


def test_country_focus_is_inferred_per_document(geoparser: Geoparser) -> None:
    found = by_text(geoparser.places(Document(text=AMERICAN)))
    assert found["Alexandria"]["country"] == "United States"
    assert found["Alexandria"]["admin1"] == "Louisiana"
    assert abs(found["Alexandria"]["latitude"] - 31.3) < 0.5
    syrian = by_text(geoparser.places(Document(text=SYRIAN)))
    assert syrian["Harasta"]["country"] == "Syria"


def test_a_capital_and_a_metropolis_outrank_the_homonymous_state(geoparser: Geoparser) -> None:
    found = by_text(geoparser.places(Document(text="Officials in Washington and New York met on Monday.")))
    assert found["Washington"]["admin1"] == "District of Columbia"
    assert found["New York"]["level"] == "populated place"


def test_an_exact_spelling_beats_a_variant_and_a_big_city_its_namesakes(geoparser: Geoparser) -> None:
    text = "Flights from London and Paris to Tokyo were cancelled on Monday."
    found = by_text(geoparser.places(Document(text=text)))
    assert found["London"]["country"] == "United Kingdom"
    assert found["Paris"]["country"] == "France"


def test_state_abbreviations_place_the_town(geoparser: Geoparser) -> None:
    found = by_text(geoparser.places(Document(text="A fire broke out in Louisville, Ky., on Sunday.")))
    assert found["Ky."]["admin1"] == "Kentucky"
    assert found["Louisville"]["admin1"] == "Kentucky"


def test_abbreviations_demonym_plurals_and_no_bare_directions(geoparser: Geoparser) -> None:
    text = "The EU and the US warned Europeans about the South. Meanwhile the Centre said nothing to us."
    found = by_text(geoparser.places(Document(text=text)))
    assert found["EU"]["name"] == "European Union" and found["US"]["country"] == "United States"
    assert found["Europeans"]["name"] == "Europe"
    assert not {"South", "Centre", "us"} & set(found)


def test_extract_takes_each_documents_country_focus(gazetteer: Gazetteer) -> None:
    extractor = Extractor(gazetteer)
    american = Document(text="Gunmen attacked a police checkpoint in Shreveport, Louisiana, killing two officers.")
    syrian = Document(text="Regime forces shelled Kafr Nabl in Idlib countryside, killing two civilians.")
    assert [(e.location, e.country) for e in extractor.extract(american)] == [("Shreveport", "United States")]
    assert [(e.admin1, e.country) for e in extractor.extract(syrian)] == [("Idleb", "Syria")]
    one_namesake = Document(text="Unknown gunmen shot and killed a man in Sayda town in Dar'a countryside.")
    assert {e.country for e in extractor.extract(one_namesake)} == {"Syria"}


def test_a_known_place_heads_a_longer_unknown_name(geoparser: Geoparser) -> None:
    text = "Deputies from the Rapides Parish Fire District met officials in Alexandria, Louisiana."
    found = by_text(geoparser.places(Document(text=text)))
    assert found["Rapides Parish"]["level"] == "admin2" and found["Rapides Parish"]["admin1"] == "Louisiana"


def test_a_bare_surname_of_a_named_person_is_not_a_place(geoparser: Geoparser) -> None:
    text = "Governor Tim Pawlenty spoke in Duluth. Later Pawlenty flew to Boston."
    found = by_text(geoparser.places(Document(text=text)))
    assert "Pawlenty" not in found and "Boston" in found


def test_a_surname_is_not_a_place(geoparser: Geoparser) -> None:
    records = geoparser.places(Document(text="George Washington visited the farm with Paris officials."))
    assert "Washington" not in by_text(records)


def test_explain_lists_the_ranking_features(geoparser: Geoparser) -> None:
    _, records = next(geoparser.places_many([Document(text=AMERICAN)], explain=True))
    alexandria = next(r for r in records if r["text"] == "Alexandria")
    assert len(alexandria["candidates"]) == alexandria["candidates_considered"] > 1
    assert {"population", "focus", "contained", "proximity", "level"} <= set(alexandria["candidates"][0]["features"])


def test_worker_processes_give_the_same_records_in_order(geoparser: Geoparser) -> None:
    documents = [Document(text=text, id=str(i)) for i, text in enumerate([SYRIAN, AMERICAN, "", SYRIAN] * 3)]
    here = list(geoparser.places_many(documents, batch_size=2))
    forked = list(geoparser.places_many(documents, batch_size=2, n_process=2))
    assert [d.id for d, _ in forked] == [d.id for d in documents]
    assert [records for _, records in forked] == [records for _, records in here]
    assert by_text(forked[1][1])["Alexandria"]["country"] == "United States" and forked[2][1] == []


def test_worker_processes_read_the_documents_as_they_need_them(geoparser: Geoparser) -> None:
    drawn = []

    def documents():
        for i in range(400):
            drawn.append(i)
            yield Document(text=SYRIAN, id=str(i))

    first, _ = next(geoparser.places_many(documents(), batch_size=2, n_process=2))
    assert first.id == "0" and len(drawn) <= 12  # the batches in flight (2 per worker) and the next one


def test_names_match_whatever_apostrophes_and_diacritics_the_text_uses(geoparser: Geoparser) -> None:
    for spelling in ("Dar'a", "Dar’a", "Darʿa"):
        found = by_text(geoparser.places(Document(text=f"Gunmen attacked a checkpoint near Tafas in {spelling} "
                                                       "province on Monday.")))
        assert found[spelling]["level"] == "admin1" and found[spelling]["country"] == "Syria", spelling


def test_places_command_prints_jsonl_and_errors(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(SYRIAN, encoding="utf-8")
    result = CliRunner().invoke(app, ["places", str(article), str(tmp_path / "missing.txt"), "--format", "jsonl"])
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert {"Harasta", "Qwertzabad"} <= {r["text"] for r in records}
    assert "error:" in result.stderr and "missing.txt" in result.stderr


def test_places_command_prints_csv_and_keeps_explain_to_jsonl(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(SYRIAN, encoding="utf-8")
    result = CliRunner().invoke(app, ["places", str(article), "--format", "csv"])
    assert result.exit_code == 0
    rows = {row["text"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["Harasta"]["admin1"] == "Rural Damascus" and float(rows["Harasta"]["latitude"]) > 33
    assert rows["Qwertzabad"]["latitude"] == "" and rows["Qwertzabad"]["reason"]
    refused = CliRunner().invoke(app, ["places", str(article), "--format", "csv", "--explain"])
    assert refused.exit_code == 2 and "--explain needs --format jsonl" in refused.stderr


# ---------------------------------------------------------------- CSV import


@pytest.fixture
def gazetteer_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "gazetteer.sqlite"
    shutil.copyfile(default_gazetteer_path(), copy)
    return copy


def place_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM places").fetchone()[0]


def test_csv_import_adds_named_points_with_their_governorate(gazetteer_copy: Path, tmp_path: Path) -> None:
    ucdp = tmp_path / "places.csv"
    ucdp.write_text("where_coordinates,latitude,longitude,adm_1,where_prec\n"
                    "Teir Maaleh village,34.802462,36.707602,Homs Governorate,1\n"
                    "Idlib Governorate,35.9,36.6,Idlib Governorate,4\n", encoding="utf-8")
    assert import_places(ucdp, gazetteer_copy) == 1
    with Gazetteer(gazetteer_copy) as gaz:
        place = gaz.lookup("Teir Maaleh", country="SY")[0]
    assert (place.admin1, place.country, place.geonameid) == ("Homs", "SY", None)


def test_csv_import_with_named_columns(gazetteer_copy: Path, tmp_path: Path) -> None:
    points = tmp_path / "points.csv"
    points.write_text("place,lat,lon\nBab al-Hawa crossing,36.2297,36.6778\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["gazetteer", "import", str(points), "--name-column", "place",
                                      "--lat-column", "lat", "--lon-column", "lon"],
                                env={"FIELDREPORT_GAZETTEER": str(gazetteer_copy)})
    assert result.exit_code == 0, result.stderr
    with Gazetteer(gazetteer_copy) as gaz:
        assert gaz.lookup("Bab al-Hawa")[0].latitude == pytest.approx(36.2297)


def test_malformed_csv_names_the_line_and_changes_nothing(gazetteer_copy: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,latitude,longitude\nGoodplace,35.1,36.2\nBadplace,north,36.3\n", encoding="utf-8")
    before = place_count(gazetteer_copy)
    with pytest.raises(GazetteerError, match=r"bad\.csv:3: latitude"):
        import_places(bad, gazetteer_copy)
    assert place_count(gazetteer_copy) == before
    headless = tmp_path / "headless.csv"
    headless.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"headless\.csv:1"):
        import_places(headless, gazetteer_copy)


def test_governorates_written_with_hyphens_or_apostrophes_place_the_event(gazetteer: Gazetteer) -> None:
    extractor = Extractor(gazetteer)
    hyphens = Document(text="IS members ambushed a QSD vehicle in Jdid Ekeidat in Deir-ez-Zor.")
    apostrophe = Document(text="Unidentified gunmen attacked a regime checkpoint in the village of Zayzun in the "
                               "countryside of Dar'a.")
    assert {e.admin1 for e in extractor.extract(hyphens)} == {"Deir ez Zor"}
    assert {e.admin1 for e in extractor.extract(apostrophe)} == {"Dara"}


def test_a_governorate_name_is_not_read_as_its_capital_and_city_quarters_fall_back_to_the_city(
        gazetteer: Gazetteer) -> None:
    extractor = Extractor(gazetteer)
    rural = Document(text="Israeli warplanes carried out airstrikes on military facilities in Rural Damascus.")
    quarter = Document(text="Israeli warplanes struck Hezbollah positions in Aleppo - International Airport.")
    assert {(e.admin1, e.geo_precision) for e in extractor.extract(rural)} == {("Rural Damascus", 3)}
    assert {(e.admin1, e.geo_precision) for e in extractor.extract(quarter)} == {("Aleppo", 2)}


def test_a_governorate_level_event_sits_among_the_governorates_places_not_at_its_seat(
        gazetteer: Gazetteer) -> None:
    extractor = Extractor(gazetteer)
    [event] = extractor.extract(Document(text="Regime forces shelled villages in Hama countryside."))
    hama = gazetteer.admin1("Hama", "SY")
    assert event.geo_precision == 3 and event.admin1 == "Hama"
    assert (event.latitude, event.longitude) == gazetteer.places_median("SY", hama.admin1_code)
    assert (event.latitude, event.longitude) != (hama.latitude, hama.longitude)
    [rural] = extractor.extract(Document(text="Regime forces shelled villages in Rural Damascus."))
    rural_damascus = gazetteer.admin1("Rural Damascus", "SY")
    assert rural.longitude < gazetteer.area_centre("SY", rural_damascus.admin1_code)[1] - 0.3  # not in the desert


def test_a_town_spelled_like_a_governorate_variant_is_not_the_governorate(gazetteer: Gazetteer) -> None:
    extractor = Extractor(gazetteer)
    sayda = Document(text="Unknown gunmen shot and killed a man in Sayda town in Dar'a countryside.")
    countryside = Document(text="Regime forces clashed with rebels in Damascus countryside.")
    assert {e.admin1 for e in extractor.extract(sayda)} == {"Dara"}
    assert {e.admin1 for e in extractor.extract(countryside)} == {"Rural Damascus"}


def test_towns_named_together_are_read_together(geoparser: Geoparser) -> None:
    """Neither name alone says Texas; the pair of readings within a few miles of each other does."""
    found = by_text(geoparser.places(Document(
        text="Police in Arlington and Mansfield said the storm knocked out power to thousands of homes.")))
    assert found["Arlington"]["admin1"] == found["Mansfield"]["admin1"] == "Texas"


def test_a_direction_that_is_part_of_the_name_stays(geoparser: Geoparser) -> None:
    text = "Talks between North Korea and South Korea resumed, officials in West Virginia said."
    found = by_text(geoparser.places(Document(text=text)))
    assert found["North Korea"]["country"] == "North Korea" and found["South Korea"]["country"] == "South Korea"
    assert found["West Virginia"]["level"] == "admin1" and found["West Virginia"]["name"] == "West Virginia"


def test_a_place_and_its_area_written_with_a_comma_are_two_toponyms(geoparser: Geoparser) -> None:
    text = "The tour stops at Thruxton, Hampshire, then Donington Park, Leicestershire."
    found = by_text(geoparser.places(Document(text=text)))
    assert {"Thruxton", "Hampshire", "Leicestershire"} <= found.keys()
    assert found["Thruxton"]["country"] == "United Kingdom"


def test_a_village_a_syrian_report_names_is_not_put_on_a_hamlet_abroad(geoparser: Geoparser) -> None:
    """The gazetteer's only 'Bada' is a village in Siberia: in a report about Rural Damascus it stays unplaced."""
    text = "Regime forces shelled the villages of Bada and Harasta near Douma in Rural Damascus, killing two civilians."
    found = by_text(geoparser.places(Document(text=text)))
    assert found["Bada"]["latitude"] is None and found["Bada"]["reason"]
    assert found["Harasta"]["country"] == "Syria"


def test_a_long_text_is_geoparsed_in_pieces_with_the_documents_offsets(geoparser: Geoparser,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts longer than CHUNK_CHARS are parsed piece by piece (spaCy's memory grows with the text)."""
    import fieldreport.nlp as nlp

    text = "\n".join([SYRIAN, AMERICAN] * 6)
    whole = geoparser.places(Document(text=text))
    monkeypatch.setattr(nlp, "CHUNK_CHARS", 400)
    pieces = geoparser.places(Document(text=text))
    assert len(text) > 4 * 400 and len(pieces) >= len(whole) - 2
    for r in pieces:
        assert text[r["start"]:r["end"]] == r["text"]
    assert max(r["start"] for r in pieces) > len(text) - 400


def test_a_direction_in_a_governorate_moves_its_point_to_that_part(gazetteer: Gazetteer) -> None:
    extractor = Extractor(gazetteer)
    [whole] = extractor.extract(Document(text="Regime forces shelled villages in Hama countryside."))
    [north_east] = extractor.extract(Document(text="Regime forces shelled villages in Northeastern Hama."))
    assert north_east.admin1 == whole.admin1 == "Hama" and north_east.geo_precision == 3
    assert north_east.latitude > whole.latitude and north_east.longitude > whole.longitude
