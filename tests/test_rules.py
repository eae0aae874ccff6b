"""The rules as data: every fault of an edited copy names its file and line. Real files in tmp_path."""

from pathlib import Path

import pytest

from fieldreport.errors import ConfigError
from fieldreport.events.triggers import load_patterns
from fieldreport.mentions.actors import load_actor_dictionary
from fieldreport.rules import check_rules, copy_rules, parse_word_file


@pytest.fixture
def copy(tmp_path) -> Path:
    """A fresh copy of the installed rules."""
    folder = tmp_path / "rules"
    copy_rules(folder)
    return folder


def line_of(path: Path, text: str) -> int:
    """The number of the first line of `path` that is exactly `text`."""
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_bad_header_is_named_by_its_line():
    with pytest.raises(ConfigError, match=r"^words/x\.txt:3: unknown kind 'sett'"):
        parse_word_file("# a comment\n\n[cues: sett]\nvillage\n", "words/x.txt")


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
    _, problems = check_rules(copy)
    assert f"{patterns}:{rank_line}: [[trigger]] #2: `rank` must be a whole number, not text" in problems


def test_a_toml_syntax_error_names_its_line(copy):
    patterns = copy / "event_patterns.toml"
    replace_in(patterns, 'rank = 1\n', 'rank = \n')
    with pytest.raises(ConfigError, match=rf"^{patterns}:{line_of(patterns, 'rank = ')}: not valid TOML"):
        load_patterns(patterns)
