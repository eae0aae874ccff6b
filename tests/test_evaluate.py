"""`fieldreport evaluate` on the seed gold file and on small coded files in each supported format."""

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fieldreport.cli import app
from fieldreport.errors import InputError
from fieldreport.evaluate import actor_key, detect_format, evaluate, label_scores

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()
NOTES = [
    ("On 17 January 2018, the Syrian Army troops stormed militants' positions in Harasta in Rural Damascus "
     "and imposed control over several buildings.", "Government regains territory",
     "Military Forces of Syria (2000-)", "Opposition Rebels (Syria)", "Rural Damascus", 33.5587, 36.3652, 0),
    ("On 17 January 2018, unknown gunmen shot and killed an HTS commander near Armanaz in Idleb. 1 fatality.",
     "Armed clash", "Unidentified Armed Group (Syria)", "HTS: Hayat Tahrir al Sham", "Idleb", 36.0836, 36.5031, 1),
]



def write_acled(path: Path) -> Path:
    columns = ["event_id_cnty", "event_date", "sub_event_type", "actor1", "actor2", "admin1", "latitude",
               "longitude", "geo_precision", "fatalities", "notes"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for n, (note, sub, a1, a2, admin1, lat, lon, deaths) in enumerate(NOTES):
            writer.writerow([f"SYR{n}", "17 January 2018", sub, a1, a2, admin1, lat, lon, 1, deaths, note])
    return path


def test_seed_gold_file(extractor):
    report = evaluate(FIXTURES / "seed" / "gold.json", extractor).as_dict()
    assert report["format"] == "gold" and report["gold_events"] == 10
    assert report["fields"]["event found"]["share"] >= 0.8
    assert report["sub_event_type"]["accuracy"] >= 0.8


def test_acled_csv_scores_every_field(tmp_path, extractor):
    report = evaluate(write_acled(tmp_path / "acled.csv"), extractor).as_dict()
    assert report["format"] == "acled" and report["items"] == 2
    fields = report["fields"]
    assert fields["event found"]["share"] == 1.0
    assert fields["admin1"]["share"] == 1.0
    assert fields["actor1"]["total"] == 2 and fields["fatalities exact"]["share"] == 1.0
    assert report["sub_event_type"]["accuracy"] == 1.0
    assert report["point_error_km"]["within_25km"] == 1.0


def test_case_tsv_rejects_non_conflict_items(tmp_path, extractor):
    path = tmp_path / "case.tsv"
    path.write_text("id\tEventSnippet\tSubType\n"
                    "1\tPolice arrested three protesters in the capital on Monday.\tARREST\n"
                    "2\tA strong earthquake struck the coastal province, destroying hundreds of homes.\t"
                    "NATURAL_DISASTER\n", encoding="utf-8")
    report = evaluate(path, extractor).as_dict()
    assert report["format"] == "case" and report["items"] == 2
    assert report["fields"]["rejected non-ACLED"]["total"] == 1


def test_missing_columns_name_the_format(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text("notes,sub_event_type,event_date\nsomething,Armed clash,17 January 2018\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"looks like ACLED but lacks columns: actor1"):
        detect_format(path)
    result = runner.invoke(app, ["evaluate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "broken.csv" in result.stderr


def test_unknown_format(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a gold file"):
        detect_format(path)


def test_cli_json_output(tmp_path):
    result = runner.invoke(app, ["evaluate", str(write_acled(tmp_path / "a.csv")), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["items"] == 2


def test_actor_names_normalise_like_acled():
    assert actor_key("Military Forces of Syria (2000-) 5th Assault Corps") == "military forces of syria"
    assert actor_key("HTS: Hayat Tahrir al Sham") == "hayat tahrir al sham"


def test_label_scores_weight_by_support():
    scores = label_scores([("A", "A"), ("A", "B"), ("B", "B"), ("A", "A")])
    assert scores["accuracy"] == 0.75
    assert 0 < scores["macro_f1"] < scores["weighted_f1"] <= 1


def test_associated_actors_are_matched_one_by_one():
    from fieldreport.evaluate import actor_matches
    from fieldreport.model import Event

    event = Event(document_id="x", event_type="Battles", sub_event_type="Armed clash",
                  actor1="Military Forces of Turkey (2016-)",
                  assoc_actor_1="JWS: Syrian National Army; Operation Peace Spring")
    assert actor_matches("Operation Peace Spring", event, "acled")
    assert not actor_matches("Islamic State (Syria)", event, "acled")


def test_actor_pair_must_stand_on_opposite_sides():
    from fieldreport.evaluate import GoldEvent, pair_on_opposite_sides
    from fieldreport.model import Event

    event = Event(document_id="x", event_type="Battles", sub_event_type="Armed clash",
                  actor1="Military Forces of Syria (2000-)", actor2="HTS: Hayat Tahrir al Sham",
                  assoc_actor_1="NDF: National Defence Forces")
    opponents = GoldEvent(actor1="HTS: Hayat Tahrir al Sham", actor2="Military Forces of Syria (2000-)")
    allies = GoldEvent(actor1="Military Forces of Syria (2000-)", actor2="NDF: National Defence Forces")
    assert pair_on_opposite_sides(opponents, event) is True
    assert pair_on_opposite_sides(allies, event) is False
    assert pair_on_opposite_sides(GoldEvent(actor1="HTS: Hayat Tahrir al Sham"), event) is None
