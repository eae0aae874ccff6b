"""The rules directory: word lists, cue lists and the other data files an analyst can edit.

The rules are read from the package's own `data/` folder, or from the folder named by
$FIELDREPORT_RULES (which `--rules DIR` sets), once per process: the modules that use a list read
it when they are imported. `fieldreport rules check DIR` validates an edited copy first.

Word lists (`data/words/<concern>.txt`) use a line format, written here rather than taken from
TOML because an analyst edits one word per line and every error must name its line:

    # What the file is for (the header comment).
    [list_name]            a set of words or phrases, one per line
    [list_name: map]       `key = value` lines (values are strings)
    [list_name: int map]   `key = value` lines (values are integers)

`#` starts a comment anywhere on a line. Entries are lower-cased unless the list is declared
`[name: cased]` (or `cased map`), for names matched as written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from fieldreport.errors import ConfigError

ENV_VAR = "FIELDREPORT_RULES"
KINDS = ("set", "cased", "map", "cased map", "int map")

# What the code asks for: (file, list) -> kind. Filled as modules declare their lists, so that
# `rules check` can tell a copy that lacks a list the code needs.
REQUIRED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class WordList:
    name: str
    kind: str
    line: int
    entries: dict[str, str | int | None]


def rules_dir() -> Traversable:
    """The active rules folder: $FIELDREPORT_RULES if set, else the package's data folder."""
    chosen = os.environ.get(ENV_VAR)
    return Path(chosen) if chosen else resources.files("fieldreport") / "data"


def data_file(name: str) -> Traversable:
    """A data file of the active rules folder (`actors.toml`, `words/places.txt`)."""
    return rules_dir() / name


def word_set(concern: str, name: str) -> frozenset[str]:
    """The words of list `name` in `words/<concern>.txt` of the active rules folder."""
    found = required_list(concern, name, "set", "cased")
    return frozenset(found.entries)


def word_map(concern: str, name: str) -> dict[str, str]:
    """The `key = value` pairs of map `name` in `words/<concern>.txt`."""
    found = required_list(concern, name, "map", "cased map")
    return {key: str(value) for key, value in found.entries.items()}


def int_map(concern: str, name: str) -> dict[str, int]:
    found = required_list(concern, name, "int map")
    return {key: int(value) for key, value in found.entries.items()}


def required_list(concern: str, name: str, *kinds: str) -> WordList:
    REQUIRED[(concern, name)] = kinds[0]
    return list_in(read_word_file(str(rules_dir()), concern), concern, name, kinds)


def list_in(lists: dict[str, WordList], concern: str, name: str, kinds: tuple[str, ...]) -> WordList:
    path = words_path(Path(str(rules_dir())), concern)
    if name not in lists:
        raise ConfigError(f"{path}: no list [{name}] (the code needs it)")
    found = lists[name]
    if found.kind not in kinds:
        raise ConfigError(f"{path}:{found.line}: [{name}] is a {found.kind} list; the code reads it as {kinds[0]}")
    return found


def words_path(folder: Path, concern: str) -> Path:
    return folder / "words" / f"{concern}.txt"


@lru_cache(maxsize=64)
def read_word_file(folder: str, concern: str) -> dict[str, WordList]:
    path = words_path(Path(folder), concern)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read the word list ({err.__class__.__name__})") from err
    return parse_word_file(text, str(path))


def parse_word_file(text: str, path: str) -> dict[str, WordList]:
    """Lists by name; a malformed line raises ConfigError naming the file, the line and the fault."""
    lists: dict[str, WordList] = {}
    current: WordList | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{path}:{number}"
        if line.startswith("["):
            current = header(line, where)
            if current.name in lists:
                raise ConfigError(f"{where}: list [{current.name}] is defined twice (first on line "
                                  f"{lists[current.name].line})")
            lists[current.name] = current
            continue
        if current is None:
            raise ConfigError(f"{where}: entry {line!r} comes before any [list] header")
        key, value = entry(line, current, where)
        if key in current.entries:
            raise ConfigError(f"{where}: {key!r} is listed twice in [{current.name}]")
        current.entries[key] = value
    return lists


def header(line: str, where: str) -> WordList:
    if not line.endswith("]"):
        raise ConfigError(f"{where}: a list header is written [name] or [name: kind], not {line!r}")
    name, _, kind = (part.strip() for part in line[1:-1].partition(":"))
    kind = kind or "set"
    if not name.replace("_", "").isalnum():
        raise ConfigError(f"{where}: list name {name!r} must be letters, digits and _")
    if kind not in KINDS:
        raise ConfigError(f"{where}: unknown kind {kind!r} for [{name}] (one of: {', '.join(KINDS)})")
    return WordList(name, kind, int(where.rsplit(":", 1)[1]), {})


def entry(line: str, current: WordList, where: str) -> tuple[str, str | int | None]:
    cased = current.kind.startswith("cased")
    if not current.kind.endswith("map"):
        if "=" in line:
            raise ConfigError(f"{where}: [{current.name}] is a word list; {line!r} looks like a map entry")
        return (line if cased else line.lower()), None
    key, equals, value = (part.strip() for part in line.partition("="))
    if not equals or not key or not value:
        raise ConfigError(f"{where}: [{current.name}] is a map; write `key = value`, not {line!r}")
    key = key if cased else key.lower()
    if current.kind == "int map":
        try:
            return key, int(value)
        except ValueError:
            raise ConfigError(f"{where}: the value of {key!r} must be a whole number, not {value!r}") from None
    return key, value


def check_word_files(folder: Path) -> list[str]:
    """Every problem with the word lists of `folder`, as 'file:line: what' lines (empty when valid)."""
    problems = []
    concerns = {concern for concern, _ in REQUIRED}
    present = {path.stem for path in (folder / "words").glob("*.txt")} if (folder / "words").is_dir() else set()
    for concern in sorted(concerns | present):
        try:
            lists = parse_word_file(words_path(folder, concern).read_text(encoding="utf-8"),
                                    str(words_path(folder, concern)))
        except OSError as err:
            problems.append(f"{words_path(folder, concern)}: cannot read the word list ({err.__class__.__name__})")
            continue
        except ConfigError as err:
            problems.append(str(err))
            continue
        for (wanted_concern, name), kind in sorted(REQUIRED.items()):
            if wanted_concern != concern:
                continue
            if name not in lists:
                problems.append(f"{words_path(folder, concern)}: no list [{name}] (the code needs it)")
            elif lists[name].kind.replace("cased map", "map").replace("cased", "set") != kind.replace(
                    "cased map", "map").replace("cased", "set"):
                problems.append(f"{words_path(folder, concern)}:{lists[name].line}: [{name}] is a "
                                f"{lists[name].kind} list; the code reads it as {kind}")
    return problems
