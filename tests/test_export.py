"""`fieldreport export` and `fieldreport events show` over a real store."""

import csv
import inspect
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from stores import DOUMA, report, save_all
from typer.testing import CliRunner

from fieldreport import taxonomy
from fieldreport.cli import app
from fieldreport.errors import StoreError
from fieldreport.export import EXPORT_FORMATS, ExportFormat, export_events
from fieldreport.ingest import open_store
from fieldreport.storage import EventFilter

runner = CliRunner()
# The header of a CSV downloaded from ACLED, in its order.
ACLED_HEADER = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]
ACLED_DOWNLOAD = Path(__file__).resolve().parents[2] / "shared" / "data" / "acled-syria-battles-dev.csv"


@pytest.fixture
def filled(store_url):
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {"fatalities": 3}), report("b", "SOHR", {"fatalities": 5}),
                 report("c", "AFP", {**DOUMA, "event_date": "2018-02-03", "event_type": "Explosions/Remote violence",
                                     "sub_event_type": "Air/drone strike", "notes": "Jets struck Douma."}))
    return store_url


def run(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_acled_csv_has_merged_columns_and_honours_filters(filled):
    result = run("export", "--format", "acled-csv", "--db", filled)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["location"] for r in rows] == ["Douma", "Saraqib"]
    assert rows[1]["mentions"] == "2" and rows[1]["fatalities_low"] == "3" and rows[1]["fatalities_high"] == "5"
    filtered = run("export", "-f", "acled-csv", "--db", filled, "--bbox", "36,33,37,34", "--q", "jets")
    assert [r["location"] for r in csv.DictReader(io.StringIO(filtered.stdout))] == ["Douma"]


def test_the_acled_csv_loads_with_pandas_with_acleds_columns_in_acleds_order(filled, tmp_path):
    out = tmp_path / "events.csv"
    before = int(time.time())
    assert run("export", "-f", "acled-csv", "--db", filled, "-o", out).exit_code == 0
    frame = pd.read_csv(out, keep_default_na=False)
    assert list(frame.columns[:len(ACLED_HEADER)]) == ACLED_HEADER
    assert list(frame.columns[len(ACLED_HEADER):len(ACLED_HEADER) + 2]) == ["id", "document_id"]
    douma, saraqib = frame.to_dict("records")
    assert douma["event_id_cnty"] == f"SYR{douma['id']}" and douma["iso"] == 760 and douma["region"] == "Middle East"
    assert (douma["year"], douma["disorder_type"], douma["interaction"]) == (2018, "Political violence", 12)
    assert douma["fatalities"] == 0 and saraqib["fatalities"] == 3  # no death reported is 0, as ACLED writes it
    assert saraqib["source"] == "SANA; SOHR"
    assert before - 5 <= douma["timestamp"] <= time.time() + 5
    assert frame["fatalities"].dtype.kind == "i" and frame["latitude"].dtype.kind == "f"


def test_the_acled_header_is_the_one_acled_downloads_have():
    if not ACLED_DOWNLOAD.exists():
        pytest.skip(f"{ACLED_DOWNLOAD} is not here")
    assert list(pd.read_csv(ACLED_DOWNLOAD, nrows=0).columns) == ACLED_HEADER


def test_derived_columns_follow_the_taxonomy_and_the_inter_codes(tmp_path):
    url = str(tmp_path / "derived.db")
    with open_store(url) as store:
        save_all(store, report("p", "AFP", {"event_type": "Protests", "sub_event_type": "Excessive force against "
                                            "protesters", "actor1": "Police Forces of Syria (2000-)", "inter1": 1,
                                            "actor2": "Protesters (Syria)", "inter2": 6, "latitude": 35.123456789,
                                            "longitude": 36.987654321}),
                 report("v", "SOHR", {**DOUMA, "event_type": "Violence against civilians", "sub_event_type": "Attack",
                                      "actor1": "Unidentified Armed Group (Syria)", "inter1": 3,
                                      "actor2": "Civilians (Syria)", "inter2": 7, "fatalities": 2,
                                      "event_date": "2019-03-01"}))
    rows = list(csv.DictReader(io.StringIO(run("export", "-f", "acled-csv", "--db", url).stdout)))
    attack, protest = rows
    assert (attack["disorder_type"], attack["interaction"], attack["civilian_targeting"]) == (
        "Political violence", "37", "Civilian targeting")
    assert (protest["disorder_type"], protest["interaction"], protest["civilian_targeting"]) == (
        "Political violence; Demonstrations", "16", "")
    assert (protest["latitude"], protest["longitude"]) == ("35.12346", "36.98765")


def test_a_failed_export_leaves_no_file_and_keeps_the_earlier_one(tmp_path):
    def failing_store():
        yield {"location": "Saraqib", "event_date": "2018-01-17"}
        raise StoreError("cannot read database events.db: disk I/O error")

    for fmt in ("acled-csv", "parquet"):
        out = tmp_path / f"events.{fmt}"
        with pytest.raises(StoreError):
            export_events(failing_store(), fmt, out, sys.stdout)
        assert list(tmp_path.iterdir()) == []
    earlier = tmp_path / "events.csv"
    earlier.write_text("kept\n", encoding="utf-8")
    with pytest.raises(StoreError):
        export_events(failing_store(), "acled-csv", earlier, sys.stdout)
    assert earlier.read_text(encoding="utf-8") == "kept\n" and list(tmp_path.iterdir()) == [earlier]


def test_geojson_and_plover(filled):
    collection = json.loads(run("export", "-f", "geojson", "--db", filled, "--admin1", "Idleb").stdout)
    [feature] = collection["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [36.8067, 35.8623]}
    assert feature["properties"]["corroboration"] == 2
    plover = [json.loads(line) for line in run("export", "-f", "plover-jsonl", "--db", filled).stdout.splitlines()]
    assert [(p["event_type"], p["mode"]) for p in plover] == [("ASSAULT", "aerial"), ("ASSAULT", "firearms")]
    assert {"ASSAULT", "COERCE", "PROTEST", "AGREE", "MOBILIZE"} <= {
        v.event_type for v in taxonomy.active().plover_by_sub_type.values()}


def test_parquet_needs_an_output_file(filled, tmp_path):
    result = run("export", "-f", "parquet", "--db", filled)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "-o" in result.stderr
    out = tmp_path / "events.parquet"
    assert run("export", "-f", "parquet", "--db", filled, "-o", out, "--start", "2018-02-01").exit_code == 0
    table = pq.read_table(out)
    assert table.num_rows == 1 and table.column("location").to_pylist() == ["Douma"]


def test_malformed_filter_is_one_line(filled):
    result = run("export", "-f", "geojson", "--db", filled, "--bbox", "36,33,37")
    assert result.exit_code == 2 and result.stderr.startswith("error: --bbox must be four numbers")


def test_events_show_prints_mentions_and_why_they_merged(filled):
    with open_store(filled) as store:
        [saraqib] = store.query_events(EventFilter(admin1="Idleb"))[0]
    result = run("events", "show", saraqib["id"], "--db", filled)
    assert result.exit_code == 0
    assert "SANA" in result.stdout and "SOHR" in result.stdout and "why merged:" in result.stdout
    assert "evidence event_type [21:28]: 'clashes'" in result.stdout
    assert run("events", "show", 999999, "--db", filled).exit_code == 1
    absorbed = absorbed_mention(filled, saraqib["id"])
    followed = run("events", "show", absorbed, "--db", filled)
    assert followed.exit_code == 0 and f"merged into event {saraqib['id']}" in followed.stderr
    assert followed.stdout == result.stdout


def test_api_redirects_an_absorbed_event_id_to_the_event_that_holds_it(filled):
    from fastapi.testclient import TestClient

    from fieldreport.api import create_app

    with open_store(filled) as store:
        [saraqib] = store.query_events(EventFilter(admin1="Idleb"))[0]
    absorbed = absorbed_mention(filled, saraqib["id"])
    with TestClient(create_app(filled)) as client:
        moved = client.get(f"/api/events/{absorbed}", follow_redirects=False)
        assert moved.status_code == 307 and moved.headers["location"] == str(saraqib["id"])
        assert client.get(f"/api/events/{absorbed}").json()["id"] == saraqib["id"]


def absorbed_mention(url, event_id: int) -> int:
    """The id of the mention of a merged event whose id the event did not take."""
    with open_store(url) as store:
        [other] = [m["mention_id"] for m in store.event(event_id)["mentions"] if m["mention_id"] != event_id]
    return other


def write_places(records, out) -> int:
    """A format made up for the tests: place and date, tab-separated."""
    lines = [f"{record['location']}\t{record['event_date']}\n" for record in records]
    out.writelines(lines)
    return len(lines)


PLACES = ExportFormat("places", "text/tab-separated-values", ".tsv", write_places)
# The CLI with that format registered before it loads, as a new entry in export.py would be.
CLI_WITH_PLACES = f"""
import sys
from fieldreport.errors import StoreError
from fieldreport.export import EXPORT_FORMATS, ExportFormat, export_events
{inspect.getsource(write_places)}
EXPORT_FORMATS["places"] = ExportFormat("places", "text/tab-separated-values", ".tsv", write_places)
from fieldreport.cli import app
app(sys.argv[1:], prog_name="fieldreport")
"""


def test_a_registered_format_is_offered_by_the_cli_and_written_by_export(filled, tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "COLUMNS": "200"}

    def cli(*args) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", CLI_WITH_PLACES, *map(str, args)], env=env, capture_output=True,
                              text=True, timeout=120)

    assert "acled-csv|geojson|parquet|plover-jsonl|places" in cli("export", "--help").stdout
    out = tmp_path / "events.tsv"
    written = cli("export", "-f", "places", "--db", filled, "-o", out)
    assert written.returncode == 0, written.stderr
    assert out.read_text(encoding="utf-8") == "Douma\t2018-02-03\nSaraqib\t2018-01-17\n"
    assert written.stderr == f"2 events written to {out}\n"
    assert cli("export", "-f", "places", "--db", filled, "--q", "jets").stdout == "Douma\t2018-02-03\n"
    assert "places" not in run("export", "--help").stdout  # registered in that process only


def test_the_api_serves_every_registered_format_through_the_same_writers(filled, monkeypatch, tmp_path):
    from fastapi.testclient import TestClient

    from fieldreport.api import create_app

    monkeypatch.setitem(EXPORT_FORMATS, PLACES.name, PLACES)
    out = tmp_path / "idleb.csv"
    with TestClient(create_app(filled)) as client:
        places = client.get("/api/export", params={"format": "places", "start": "2018-02-01"})
        assert places.status_code == 200 and places.text == "Douma\t2018-02-03\n"
        assert places.headers["content-type"].startswith("text/tab-separated-values")
        assert places.headers["content-disposition"] == 'attachment; filename="events.tsv"'
        assert places.headers["x-total-count"] == "1"
        acled = client.get("/api/export", params={"format": "acled-csv", "admin1": "Idleb"})
        assert run("export", "-f", "acled-csv", "--db", filled, "--admin1", "Idleb", "-o", out).exit_code == 0
        assert acled.content == out.read_bytes()
        parquet = client.get("/api/export", params={"format": "parquet"})
        assert pq.read_table(io.BytesIO(parquet.content)).column("location").to_pylist() == ["Douma", "Saraqib"]
        unknown = client.get("/api/export", params={"format": "xml"})
        assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["query", "format"]
