"""The rules as data: an analyst copies them, edits the copy, checks it and runs with it; every fault names its
file and line. Real files in tmp_path, the real command line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fieldreport
from fieldreport.cli import app
from fieldreport.errors import ConfigError
from fieldreport.events.triggers import load_patterns
from fieldreport.mentions.actors import load_actor_dictionary
from fieldreport.model import Document
from fieldreport.rules import parse_word_file

runner = CliRunner()
SENTENCE = "Syrian army troops killed several rebels in the village of Maseh in Southern Aleppo on Wednesday.\n"


def run(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def copy(tmp_path) -> Path:
    """A fresh copy of the installed rules, made the way an analyst makes one."""
    folder = tmp_path / "rules"
    result = run("rules", "copy", folder)
    assert result.exit_code == 0, result.output
    return folder


def line_of(path: Path, text: str) -> int:
    """The number of the first line of `path` that is exactly `text`."""
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_fresh_copy_checks_ok_and_is_never_copied_over(copy):
    result = run("rules", "check", copy)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: ") and result.stdout.strip().endswith(" files")
    assert (copy / "words" / "places.txt").is_file() and (copy / "actors.toml").is_file()
    again = run("rules", "copy", copy)
    assert again.exit_code != 0 and "not empty" in again.stderr
    installed = run("rules", "check")  # the rules in use: here the installed ones
    assert installed.exit_code == 0 and installed.stdout == result.stdout


def test_a_malformed_word_list_line_is_named_by_file_and_line(copy):
    places = copy / "words" / "places.txt"
    replace_in(places, "\nvillages\n", "\nvillages = hamlets\n")
    bad_line = line_of(places, "villages = hamlets")
    result = run("rules", "check", copy)
    assert result.exit_code == 1
    assert f"error: {places}:{bad_line}: [cue_nouns_before] is a word list" in result.stderr


def test_a_bad_header_is_named_by_its_line():
    with pytest.raises(ConfigError, match=r"^words/x\.txt:3: unknown kind 'sett'"):
        parse_word_file("# a comment\n\n[cues: sett]\nvillage\n", "words/x.txt")


def test_rules_check_reports_a_list_the_code_needs_and_every_other_fault(copy):
    places = copy / "words" / "places.txt"
    replace_in(places, "[plural_cues]", "[plural_cue]")
    dates = copy / "words" / "dates.txt"
    replace_in(dates, "\nsunday\n", "\n")
    result = run("rules", "check", copy)
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert f"error: {places}: no list [plural_cues] (the code needs it)" in errors
    assert any(e.startswith(f"error: {dates}:") and "[weekdays] must have 7 entries" in e for e in errors)


def test_a_malformed_actor_entry_names_its_line(copy):
    actors = copy / "actors.toml"
    replace_in(actors, 'codes = ["SAA"]', 'codes = ["SAA"]\nalias = ["the syrian army"]')
    bad_line = line_of(actors, 'alias = ["the syrian army"]')
    with pytest.raises(ConfigError) as raised:
        load_actor_dictionary(actors)
    assert str(raised.value).startswith(f"{actors}:{bad_line}: [[actor]] #1: unknown key `alias`")


def test_a_malformed_trigger_entry_names_its_line_and_what_is_wrong(copy):
    patterns = copy / "event_patterns.toml"
    text = patterns.read_text(encoding="utf-8")
    header = "\n[[trigger]]\n"
    second = text.index(header, text.index(header) + 1) + 1
    entry = text[second:text.index(header, second) + 1]
    broken = entry.replace('event = "Battles / Armed clash"\n', "").replace("rank = 1", 'rank = "high"')
    patterns.write_text(text[:second] + broken + text[second + len(entry):], encoding="utf-8")
    header_line = text[:second].count("\n") + 1
    with pytest.raises(ConfigError, match=rf"^{patterns}:{header_line}: \[\[trigger\]\] #2 has no `event`"):
        load_patterns(patterns)
    rank_line = line_of(patterns, 'rank = "high"')
    result = run("rules", "check", copy)
    assert result.exit_code == 1
    assert f"error: {patterns}:{rank_line}: [[trigger]] #2: `rank` must be a whole number, not text" \
        in result.stderr.splitlines()


def test_a_toml_syntax_error_names_its_line(copy):
    patterns = copy / "event_patterns.toml"
    replace_in(patterns, 'rank = 1\n', 'rank = \n')
    result = run("rules", "check", copy)
    assert result.exit_code == 1
    assert f"error: {patterns}:{line_of(patterns, 'rank = ')}: not valid TOML" in result.stderr


def test_an_edited_copy_changes_what_extract_finds(copy, tmp_path, extractor):
    """ACLED codes 'several' as 10 dead; an analyst's copy that says 3 gives 3."""
    installed = extractor.extract(Document(SENTENCE))
    assert [e.fatalities for e in installed] == [10]
    replace_in(copy / "words" / "fatalities.txt", "\nseveral = 10\n", "\nseveral = 3\n")
    text = tmp_path / "report.txt"
    text.write_text(SENTENCE, encoding="utf-8")
    command = [sys.executable, "-m", "fieldreport", "extract", str(text), "--format", "jsonl",
               "--db", str(tmp_path / "x.db"), "--rules", str(copy)]
    environment = {**os.environ, "PYTHONPATH": str(Path(fieldreport.__file__).parents[1])}  # this fieldreport
    done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["fatalities"] for line in done.stdout.splitlines()] == [3]


def test_a_rules_folder_that_does_not_exist_is_one_line(tmp_path):
    result = run("extract", tmp_path / "report.txt", "--rules", tmp_path / "missing", "--db", tmp_path / "x.db")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "no such rules folder" in result.stderr


def test_rules_are_read_once_per_process(copy, tmp_path, extractor):
    """This process read the installed rules (the extractor fixture): another folder cannot take over now."""
    result = run("places", tmp_path / "report.txt", "--rules", copy)
    assert result.exit_code == 2
    assert "already read its rules" in result.stderr
