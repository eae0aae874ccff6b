"""ACLED's taxonomy as data: data/taxonomy.toml, the lookups the code makes, and the errors an edited copy gets."""

import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from fieldreport import taxonomy
from fieldreport.errors import ConfigError
from fieldreport.events.triggers import load_patterns

DATA = Path(str(resources.files("fieldreport") / "data"))


def edited_rules(tmp_path: Path, old: str, new: str, name: str = "taxonomy.toml") -> Path:
    """A copy of the package's rules folder with one edit to one file."""
    folder = tmp_path / "rules"
    shutil.copytree(DATA, folder)
    text = (folder / name).read_text(encoding="utf-8")
    assert old in text
    (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def line_holding(path: Path, words: str, occurrence: int = 1) -> int:
    lines = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if words in line]
    return lines[occurrence - 1]


def test_the_shipped_taxonomy_is_acleds_six_types_and_25_sub_types():
    shipped = taxonomy.active()
    assert list(shipped.sub_types_by_type) == ["Battles", "Violence against civilians", "Explosions/Remote violence",
                                               "Riots", "Protests", "Strategic developments"]
    assert len(shipped.type_of) == 25
    assert taxonomy.event_type_of("Air/drone strike") == "Explosions/Remote violence"
    assert taxonomy.event_type_of("Non-violent transfer of territory") == "Strategic developments"
    assert taxonomy.is_territorial("Government regains territory") and not taxonomy.is_territorial("Armed clash")
    assert taxonomy.compatible("Armed clash", "Non-state actor overtakes territory")
    assert taxonomy.compatible("Attack", "Attack") and not taxonomy.compatible("Armed clash", "Attack")
    assert not taxonomy.compatible("Government regains territory", "Non-state actor overtakes territory")
    assert taxonomy.merge_strength("Government regains territory") > taxonomy.merge_strength("Armed clash")
    assert taxonomy.plover_of("Battles", "Armed clash") == taxonomy.PloverType("ASSAULT", "firearms")
    assert taxonomy.plover_of("Riots", "a sub-type PLOVER lacks") == taxonomy.PloverType("PROTEST", "riot")
    assert taxonomy.plover_of(None, None) == taxonomy.FALLBACK_PLOVER
    assert taxonomy.disorder_type_of("Battles", "Armed clash") == "Political violence"
    assert taxonomy.disorder_type_of("Riots", "Violent demonstration") == "Demonstrations"
    assert taxonomy.disorder_type_of("Riots", "Mob violence") == "Political violence"
    assert taxonomy.disorder_type_of(None, None) is None
    assert set(shipped.disorder_by_type) == set(shipped.sub_types_by_type)
    assert taxonomy.check(DATA) == []


def test_names_the_code_uses_are_checked():
    assert taxonomy.sub_type("Armed clash") == "Armed clash"
    assert {"Armed clash", "Sexual violence"} <= taxonomy.REQUIRED_SUB_TYPES  # events.coding asked for them
    with pytest.raises(ConfigError, match=r"taxonomy\.toml: no sub-event type 'Armed clashes' \(the code names it\)"):
        taxonomy.sub_type("Armed clashes")
    with pytest.raises(ConfigError, match="no event type 'Battle'"):
        taxonomy.event_type("Battle")
    taxonomy.REQUIRED_SUB_TYPES.discard("Armed clashes")
    taxonomy.REQUIRED_EVENT_TYPES.discard("Battle")


@pytest.mark.parametrize(("old", "new", "at_words", "occurrence", "message"), [
    ('"Riots" = ["Violent demonstration", "Mob violence"]', '"Riots" = ["Violent demonstration", "Armed clash"]',
     '"Riots" = ', 1, "sub-event type 'Armed clash' is listed under 'Battles' and 'Riots'; it belongs to one"),
    ('["Armed clash", "Government regains territory"]', '["Armed clash", "Government regains territories"]',
     '"Government regains territories"', 1, "a compatible pair names 'Government regains territories', which is "
     "no sub-event type of [event_types]"),
    ('"Grenade" = { event_type', '"Grenades" = { event_type', '"Grenades" =', 1,
     "PLOVER entry for 'Grenades', which is no sub-event type of [event_types]"),
    ('"Riots" = { event_type', '"Riot" = { event_type', '"Riot" =', 1,
     "PLOVER entry for 'Riot', which is no event type of [event_types]"),
    ('sub_event_types = ["Government regains territory"', 'sub_event_types = ["Government regains"',
     'sub_event_types = ["Government regains"', 1, "[territory] sub_event_types names 'Government regains'"),
    ('["Armed clash", "Government regains territory"]', '["Attack", "Government regains territory"]',
     '["Attack", "Government regains territory"]', 1, "spans two event types (Battles, Violence against civilians)"),
    ("[territory]", "[teritory]", "[teritory]", 1, "unknown table [teritory]"),
    ('"Violent demonstration" = "Demonstrations"', '"Violent demonstrations" = "Demonstrations"',
     '"Violent demonstrations" =', 1, "disorder type for 'Violent demonstrations', which is no sub-event type"),
    ('"Protests" = "Demonstrations"', '"Protests" = 6', '"Protests" = 6', 1,
     "the disorder type of 'Protests' must be a name, not 6"),
    ('"Battles" = { event_type = "ASSAULT", mode = "" }', '"Battles" = { mode = "" }', '"Battles" = { mode', 1,
     """the PLOVER entry for 'Battles' must be { event_type = "...", mode = "..." }"""),
    ('strength = { "Government regains territory" = 3', 'strength = { "Government regains territory" = "high"',
     "strength = ", 1, "the strength of 'Government regains territory' must be a whole number"),
    ('"Battles" = ["Armed clash"', '"Battles" = "Armed clash" ["Armed clash"', '"Battles" = "Armed clash"', 1,
     "not valid TOML"),
])
def test_a_malformed_entry_names_the_file_the_line_and_the_fault(tmp_path, old, new, at_words, occurrence, message):
    folder = edited_rules(tmp_path, old, new)
    path = folder / "taxonomy.toml"
    where = f"{path}:{line_holding(path, at_words, occurrence)}: "
    with pytest.raises(ConfigError) as raised:
        taxonomy.taxonomy_at(str(path))
    assert str(raised.value).startswith(where) and message in str(raised.value)
    [problem] = [p for p in taxonomy.check(folder) if message in p]
    assert problem.startswith(where)


def test_check_lists_every_problem_and_the_names_the_code_needs(tmp_path):
    folder = edited_rules(tmp_path, '"Battles" = ["Armed clash"', '"Battles" = ["Armed clashes"')
    path = folder / "taxonomy.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("[territory]", "[teritory]"), encoding="utf-8")
    problems = taxonomy.check(folder)
    assert [p.split(": ", 1)[1] for p in problems] == [
        "unknown table [teritory] (want: event_types, merging, territory, plover, disorder)",
        "a compatible pair names 'Armed clash', which is no sub-event type of [event_types]",
        "a compatible pair names 'Armed clash', which is no sub-event type of [event_types]",
        "PLOVER entry for 'Armed clash', which is no sub-event type of [event_types]",
        "no sub-event type 'Armed clash' (the code names it)",
    ]
    assert problems[0].startswith(f"{path}:{line_holding(path, '[teritory]')}: ")
    plover_line = line_holding(path, '"Armed clash" = {')
    assert problems[3].startswith(f"{path}:{plover_line}: ")
    assert problems[4].startswith(f"{path}: ")
    assert taxonomy.check(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere' / 'taxonomy.toml'}: cannot read the "
                                                    "taxonomy (FileNotFoundError)"]


def test_the_rules_folder_in_the_environment_is_read(tmp_path, monkeypatch):
    folder = edited_rules(tmp_path, '"Grenade" = { event_type = "ASSAULT", mode = "explosion" }',
                          '"Grenade" = { event_type = "ASSAULT", mode = "grenade" }')
    monkeypatch.setenv("FIELDREPORT_RULES", str(folder))
    assert taxonomy.plover_of("Explosions/Remote violence", "Grenade").mode == "grenade"
    monkeypatch.delenv("FIELDREPORT_RULES")
    assert taxonomy.plover_of("Explosions/Remote violence", "Grenade").mode == "explosion"


def test_a_sub_type_the_code_names_missing_from_the_taxonomy_stops_the_import(tmp_path):
    folder = edited_rules(tmp_path, '"Mob violence"]', '"Mob attack"]')
    path = folder / "taxonomy.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('"Mob violence" =', '"Mob attack" ='), encoding="utf-8")
    assert taxonomy.parsed_taxonomy(path.read_text(encoding="utf-8"), str(path))[1] == []  # valid, but for the code
    env = {**os.environ, "FIELDREPORT_RULES": str(folder), "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run([sys.executable, "-c", "import fieldreport.events.coding"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert f"ConfigError: {folder / 'taxonomy.toml'}: no sub-event type 'Mob violence' (the code names it)" \
        in result.stderr


def test_patterns_name_sub_types_of_the_taxonomy_under_their_own_type(tmp_path):
    folder = edited_rules(tmp_path, 'event = "Riots / Mob violence"', 'event = "Battles / Mob violence"',
                          "event_patterns.toml")
    path = folder / "event_patterns.toml"
    with pytest.raises(ConfigError) as raised:
        load_patterns(path)
    assert str(raised.value) == (f"{path}:{line_holding(path, 'Battles / Mob violence')}: event "
                                 "'Battles / Mob violence' is not 'Riots / Mob violence'")
    text = path.read_text(encoding="utf-8").replace("Battles / Mob violence", "Riots / Mob violence")
    path.write_text(text.replace('"Grenade" = [', '"Grenades" = ['), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"event_patterns\.toml:\d+: \[instruments\] group 'Grenades' is no "
                                          "sub-event type of the taxonomy"):
        load_patterns(path)
