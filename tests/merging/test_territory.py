"""Territorial control from stored events: who held each place on a date, and why."""

from datetime import date
from importlib import resources

import pytest
from stores import report, save_all
from typer.testing import CliRunner

from fieldreport.cli import app
from fieldreport.errors import ConfigError
from fieldreport.events.triggers import load_patterns
from fieldreport.ingest import open_store
from fieldreport.merging.territory import control_change
from fieldreport.model import Document, Evidence

ARMY, HTS = "Military Forces of Syria (2000-)", "HTS: Hayat Tahrir al Sham"


def test_latest_change_on_or_before_the_date_names_the_holder(store_url):
    with open_store(store_url) as store:
        save_all(store,
                 report("a", "SANA", {"sub_event_type": "Non-state actor overtakes territory", "actor1": HTS,
                                      "actor2": ARMY, "event_date": "2018-01-05", "control": "gain"}),
                 report("b", "SOHR", {"sub_event_type": "Government regains territory", "event_date": "2018-01-17",
                                      "control": "gain"}),
                 report("c", "AFP", {"event_date": "2018-01-10"}),  # a clash: no change
                 report("d", "AP", {"sub_event_type": "Government regains territory", "location": "Douma",
                                    "latitude": 33.57, "longitude": 36.40, "admin1": "Rural Damascus",
                                    "event_date": "2018-03-01", "control": "gain"}),
                 report("e", "DPA", {"sub_event_type": "Government regains territory", "location": "Aleppo",
                                     "latitude": 36.20, "longitude": 37.16, "admin1": "Aleppo",
                                     "event_date": "2018-04-01"}))  # no control told: no change
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
             "actor2": None, "control": "loss"}
    spans = [{**Evidence(field, 10, 18, "withdrew").as_dict(), "document_id": "x"}
             for field in ("event_type", "sub_event_type", "control")]
    change = control_change(event, spans)
    assert (change["actor"], change["lost_by"], change["cue"]) == (None, HTS, "withdrew")
    assert [span["field"] for span in change["evidence"]] == ["event_type", "sub_event_type"]
    assert control_change({**event, "modality": "planned"}, spans) is None
    assert control_change({**event, "control": None}, spans) is None  # the words alone change nothing


def test_territory_command_prints_holders(tmp_path):
    db = tmp_path / "t.db"
    with open_store(db) as store:
        save_all(store, report("b", "SOHR", {"sub_event_type": "Government regains territory", "control": "gain"}))
    result = CliRunner().invoke(app, ["territory", "--date", "2018-02-01", "--db", str(db), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert '"place": "Saraqib"' in result.stdout and '"since": "2018-01-17"' in result.stdout
    bad = CliRunner().invoke(app, ["territory", "--date", "01/02/2018", "--db", str(db)])
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --date must be a date")


CAPTURE = ("On January 17, HTS fighters captured the town of Saraqib in Idlib province after clashes with Syrian "
           "army troops.")
WITHDRAWAL = "On January 20, HTS fighters withdrew from Saraqib in Idlib province."
UNDONE = ("On January 21, IS militants briefly captured the village of Khasham in Deir ez-Zor before being repelled "
          "by the SDF.")


def extracted(extractor, text: str, document_id: str) -> tuple[Document, list]:
    document = Document(text=text, id=document_id, published=date(2018, 1, 25), outlet=document_id)
    return document, extractor.extract(document)


def test_the_trigger_that_coded_the_event_tells_the_gain_or_loss(extractor):
    [capture] = extracted(extractor, CAPTURE, "capture")[1]
    assert (capture.sub_event_type, capture.actor1, capture.control) == ("Non-state actor overtakes territory", HTS,
                                                                         "gain")
    told = [(e.text, e.start) for e in capture.evidence if e.field == "control"]
    assert told == [("captured", CAPTURE.index("captured"))]
    [withdrawal] = extracted(extractor, WITHDRAWAL, "withdrawal")[1]
    assert (withdrawal.sub_event_type, withdrawal.control) == ("Non-violent transfer of territory", "loss")
    assert [e.text for e in withdrawal.evidence if e.field == "control"] == ["withdrew"]
    undone = extracted(extractor, UNDONE, "undone")[1]
    assert {e.sub_event_type for e in undone} == {"Armed clash"}  # won and lost again: no change of hands
    assert all(e.control is None and all(s.field != "control" for s in e.evidence) for e in undone)


def test_a_store_tells_who_held_a_place_from_the_reports_triggers(store_url, extractor):
    with open_store(store_url) as store:
        for text, name in ((CAPTURE, "capture"), (WITHDRAWAL, "withdrawal"), (UNDONE, "undone")):
            assert store.save(*extracted(extractor, text, name))
        [held] = store.territory(date(2018, 1, 18))
        assert (held["place"], held["actor"], held["lost_by"], held["cue"]) == ("Sarāqib", HTS, None, "captured")
        [left] = store.territory(date(2018, 1, 31))
        assert (left["place"], left["actor"], left["lost_by"], left["cue"]) == ("Sarāqib", None, HTS, "withdrew")
        assert {record["control"] for record in store.query_events()[0]} == {"gain", "loss", None}


def test_a_control_that_is_neither_gain_nor_loss_names_its_line(tmp_path):
    source = resources.files("fieldreport") / "data" / "event_patterns.toml"
    text = source.read_text(encoding="utf-8").replace('control = "loss"', 'control = "lost"', 1)
    path = tmp_path / "event_patterns.toml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index('control = "lost"') + 1
    with pytest.raises(ConfigError, match=f"^{path}:{line}: control 'lost' must be one of gain, loss$"):
        load_patterns(path)
