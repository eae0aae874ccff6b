"""`fieldreport export` and `fieldreport events show` over a real store."""

import csv
import inspect
import io
import json
import os
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from stores import DOUMA, report, save_all
from typer.testing import CliRunner

from fieldreport import taxonomy
from fieldreport.cli import app
from fieldreport.export import EXPORT_FORMATS, ExportFormat
from fieldreport.ingest import open_store
from fieldreport.storage import EventFilter

runner = CliRunner()


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
    assert result.exit_code == 2 and result.stderr.startswith("error: bbox must be four numbers")


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
from fieldreport.export import EXPORT_FORMATS, ExportFormat
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
