"""The `fieldreport` command: bad input gets one line and never a traceback; storing is idempotent."""

import csv
import io
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from fieldreport.cli import app
from fieldreport.ingest import open_store

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = ("Field sources confirmed on Wednesday that the Syrian Army troops captured the village of "
          "Maseh in Southern Aleppo.\n")
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_bad_inputs_get_one_line_each_and_good_ones_still_run(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(SAMPLE, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    lines = tmp_path / "reports.jsonl"
    lines.write_text(json.dumps({"id": "r1", "text": SAMPLE, "published": "2018-01-18"}) + "\n"
                     + "{not json\n" + json.dumps({"id": "r3", "text": SAMPLE, "published": "2018-13-45"}) + "\n",
                     encoding="utf-8")
    result = run("extract", good, empty, binary, lines, tmp_path / "missing.txt", "--published", "2018-01-18",
                 "--format", "jsonl", "--db", tmp_path / "x.db")
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 4
    assert any("empty.txt" in e for e in errors) and any("blob.bin" in e for e in errors)
    assert any("reports.jsonl:2" in e for e in errors)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "reports.jsonl:3" in warnings[0] and "read as published 2018-01-18" in warnings[0]
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert {e["document_id"] for e in events} >= {"r1"}
    assert all(e["event_date"] == "2018-01-17" for e in events)


def test_nothing_processed_exits_non_zero(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    result = run("extract", empty, "--db", tmp_path / "x.db")
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 2 and "Traceback" not in result.output


def test_malformed_published_date_is_a_usage_error(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(SAMPLE, encoding="utf-8")
    result = run("extract", good, "--published", "the 18th", "--db", tmp_path / "x.db")
    assert result.exit_code == 2
    assert "does not parse" in result.output


def test_published_as_outlets_write_it_resolves_relative_days(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(SAMPLE, encoding="utf-8")
    for published in ("Thu January 18, 2018", "18.01.2018"):
        result = run("extract", good, "--published", published, "--format", "jsonl", "--db", tmp_path / "x.db")
        assert result.exit_code == 0, result.output
        events = [json.loads(line) for line in result.stdout.splitlines()]
        assert events and all(e["event_date"] == "2018-01-17" for e in events)


def test_date_order_decides_numeric_publication_dates(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(SAMPLE, encoding="utf-8")
    result = run("extract", good, "--published", "1/2/2018", "--date-order", "DMY", "--format", "jsonl",
                 "--db", tmp_path / "x.db")
    assert result.exit_code == 0, result.output
    assert {json.loads(line)["event_date"][:7] for line in result.stdout.splitlines()} == {"2018-01"}


def test_same_article_twice_is_stored_once(tmp_path):
    db = tmp_path / "store.db"
    first = run("extract", FIXTURES / "seed" / "article.txt", "--published", "2018-01-18", "--format", "jsonl",
                "--db", db)
    second = run("extract", FIXTURES / "seed" / "article.txt", "--published", "2018-01-18", "--format", "jsonl",
                 "--db", db)
    assert first.exit_code == second.exit_code == 0
    assert "already in" in second.stderr
    with open_store(db) as store:
        counts = store.counts()
        assert counts["documents"] == 1
        assert counts["events"] == len(first.stdout.splitlines()) > 0


def test_csv_has_acled_columns_and_table_prints(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(SAMPLE, encoding="utf-8")
    result = run("extract", good, "--published", "2018-01-18", "--format", "csv", "--db", tmp_path / "x.db")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and rows[0]["sub_event_type"] == "Government regains territory"
    assert list(rows[0])[:4] == ["event_date", "time_precision", "event_type", "sub_event_type"]
    table = run("extract", good, "--published", "2018-01-18", "--db", tmp_path / "y.db")
    assert "Government regains" in table.stdout


def test_unwritable_database_is_one_line(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(SAMPLE, encoding="utf-8")
    result = run("extract", good, "--db", tmp_path / "no" / "such" / "dir" / "x.db")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_a_report_in_another_language_is_skipped_with_its_reason(tmp_path):
    french = tmp_path / "depeche.txt"
    french.write_text("Des frappes aériennes ont tué vingt civils à Idleb, selon l'Observatoire syrien des droits "
                      "de l'homme, qui dispose d'un large réseau de sources dans le pays. Les combats se "
                      "poursuivent près de la ville, où les forces gouvernementales tentent de reprendre le "
                      "contrôle des quartiers tenus par les rebelles depuis plusieurs années.\n", encoding="utf-8")
    english = tmp_path / "good.txt"
    english.write_text(SAMPLE, encoding="utf-8")
    result = run("extract", french, english, "--published", "2018-01-18", "--format", "jsonl",
                 "--db", tmp_path / "x.db")
    assert result.exit_code == 0
    assert f"error: {french}: no English text: skipped" in result.stderr.splitlines()
    assert [json.loads(line)["document_id"] for line in result.stdout.splitlines()]


def test_an_article_with_no_events_gives_none_and_the_summary_says_so(tmp_path):
    calm = tmp_path / "calm.txt"
    calm.write_text("The foreign ministers met in Geneva on Tuesday to discuss reconstruction funding.\n",
                    encoding="utf-8")
    result = run("extract", calm, "--published", "2018-01-18", "--format", "jsonl", "--db", tmp_path / "x.db")
    assert result.exit_code == 0 and result.stdout == ""
    assert "1 document(s) processed, 1 of them with no events; 0 input(s) skipped" in result.stderr


def test_reading_commands_refuse_a_database_that_does_not_exist(tmp_path):
    missing = tmp_path / "typo.db"
    for command in (["serve"], ["export", "-f", "acled-csv"], ["territory"], ["events", "show", "1"]):
        result = runner.invoke(app, [*command, "--db", str(missing)])
        assert result.exit_code == 2, command
        assert result.stderr == f"error: --db {missing}: no such database (`fieldreport extract FILES --db " \
                                f"{missing}` makes one)\n"
    assert not missing.exists()


def test_malformed_options_are_one_line_naming_the_option(tmp_path):
    db = tmp_path / "events.db"
    open_store(db).close()
    for args, message in [
        (["territory", "--date", "2017-02-30"], "error: --date must be a date YYYY-MM-DD, not '2017-02-30'\n"),
        (["export", "-f", "geojson", "--start", "2018-13-01"], "error: --start must be a date YYYY-MM-DD, not "
                                                               "'2018-13-01'\n"),
        (["export", "-f", "geojson", "--start", "2018-02-01", "--end", "2018-01-01"],
         "error: --start 2018-02-01 is after --end 2018-01-01\n"),
        (["export", "-f", "geojson", "--modality", "rumoured"], "error: --modality 'rumoured' is none of "),
    ]:
        result = runner.invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == 2 and result.stderr.startswith(message) and result.stderr.count("\n") == 1, args


def test_serve_with_two_workers_answers_reads_and_ingests(tmp_path: Path) -> None:
    db = tmp_path / "served.db"
    open_store(db).close()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "fieldreport", "serve", "--db", str(db), "--port", str(port),
                               "--workers", "2", "--token", "t0k"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/events", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "serve --workers 2 did not start"
                time.sleep(0.3)
        posted = httpx.post(f"{base}/api/documents", json={"text": "The army shelled Harasta on Tuesday."},
                            headers={"Authorization": "Bearer t0k"}, timeout=120)
        assert posted.status_code == 201, posted.text
        assert httpx.get(f"{base}/api/events").json()["total"] == posted.json()["events"]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_gazetteer_learned_lists_the_places_reports_located(tmp_path):
    located = tmp_path / "located.txt"
    located.write_text("Regime forces captured the village of Zahrat Qwertyeh in Hama's northern countryside "
                       "on Monday.\n", encoding="utf-8")
    later = tmp_path / "later.txt"
    later.write_text("Rebels shelled the village of Zahrat Qwertyeh on Tuesday, killing two soldiers.\n",
                     encoding="utf-8")
    db = tmp_path / "x.db"
    assert run("extract", located, "--format", "jsonl", "--db", db).exit_code == 0
    events = [json.loads(line) for line in run("extract", later, "--format", "jsonl", "--db", db).stdout.splitlines()]
    assert events and {e["admin1"] for e in events} == {"Hama"}
    [place] = [json.loads(line) for line in run("gazetteer", "learned", "--db", db, "--format", "jsonl").stdout
               .splitlines()]
    assert (place["name"], place["admin1"], place["located_by"]) == ("Zahrat Qwertyeh", "Hama", "Hama")
    assert "northern countryside" in place["evidence"]
    table = run("gazetteer", "learned", "--db", db)
    assert table.exit_code == 0 and "Zahrat Qwertyeh" in table.stdout
    empty = run("gazetteer", "learned", "--db", tmp_path / "empty.db")
    assert empty.exit_code == 0 and "no learned places" in empty.stderr
