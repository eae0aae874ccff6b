"""Territorial control from stored events: who held each place on a date, and why."""

from datetime import date

from stores import report, save_all
from typer.testing import CliRunner

from fieldreport.cli import app
from fieldreport.ingest import open_store
from fieldreport.merging.territory import control_change
from fieldreport.model import Evidence

ARMY, HTS = "Military Forces of Syria (2000-)", "HTS: Hayat Tahrir al Sham"


def test_latest_change_on_or_before_the_date_names_the_holder(store_url):
    with open_store(store_url) as store:
        save_all(store,
                 report("a", "SANA", {"sub_event_type": "Non-state actor overtakes territory", "actor1": HTS,
                                      "actor2": ARMY, "event_date": "2018-01-05"}),
                 report("b", "SOHR", {"sub_event_type": "Government regains territory", "event_date": "2018-01-17"}),
                 report("c", "AFP", {"event_date": "2018-01-10"}),  # a clash: no change
                 report("d", "AP", {"sub_event_type": "Government regains territory", "location": "Douma",
                                    "latitude": 33.57, "longitude": 36.40, "admin1": "Rural Damascus",
                                    "event_date": "2018-03-01"}))
        assert store.territory(date(2018, 1, 1)) == []
        [saraqib] = store.territory(date(2018, 1, 12))
        assert (saraqib["place"], saraqib["actor"], saraqib["since"]) == ("Saraqib", HTS, date(2018, 1, 5))
        assert saraqib["evidence"] and saraqib["event_id"]
        later = {row["place"]: row["actor"] for row in store.territory(date(2018, 6, 1))}
        assert later == {"Saraqib": ARMY, "Douma": ARMY}
        assert [r["place"] for r in store.territory(admin1="rural damascus")] == ["Douma"]


def test_withdrawal_means_the_actor_lost_the_place():
    event = {"id": 7, "event_type": "Strategic developments", "sub_event_type": "Other", "modality": "occurred",
             "location": "Tall Damman", "admin1": "Aleppo", "event_date": date(2018, 1, 17), "actor1": HTS,
             "actor2": None}
    spans = [{**Evidence("event_type", 10, 17, "withdrew").as_dict(), "document_id": "x"}]
    change = control_change(event, spans)
    assert (change["actor"], change["lost_by"], change["cue"]) == (None, HTS, "withdrew")
    assert control_change({**event, "modality": "planned"}, spans) is None


def test_territory_command_prints_holders(tmp_path):
    db = tmp_path / "t.db"
    with open_store(db) as store:
        save_all(store, report("b", "SOHR", {"sub_event_type": "Government regains territory"}))
    result = CliRunner().invoke(app, ["territory", "--date", "2018-02-01", "--db", str(db), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert '"place": "Saraqib"' in result.stdout and '"since": "2018-01-17"' in result.stdout
    bad = CliRunner().invoke(app, ["territory", "--date", "01/02/2018", "--db", str(db)])
    assert bad.exit_code == 2 and bad.stderr.startswith("error: on must be a date")
