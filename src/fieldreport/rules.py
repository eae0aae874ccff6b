"""The rules directory: word lists, cue lists and the other data files an analyst can edit.

The rules are read from the package's own `data/` folder, or from the folder named by
$FIELDREPORT_RULES (which `--rules DIR` sets). They are read once per process: a module that uses a
word list reads it when it is imported, and the actor and trigger files are read once and kept, so
changing $FIELDREPORT_RULES or a file afterwards has no effect until the next run (a running
`fieldreport serve` must be restarted). `fieldreport rules copy DIR` makes an editable copy and
`fieldreport rules check DIR` validates it.

Word lists (`data/words/<concern>.txt`) use a line format, written here rather than taken from
TOML because an analyst edits one word per line and every error must name its line:

    # What the file is for (the header comment).
    [list_name]            a set of words or phrases, one per line
    [list_name: ordered]   words whose order matters (a sequence), one per line
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
KINDS = ("set", "cased", "ordered", "map", "cased map", "int map")
# The kinds the code reads alike: a list the code reads as a set may be declared `cased`.
FAMILIES = {"set": ("set", "cased"), "ordered": ("ordered",), "map": ("map", "cased map"), "int map": ("int map",)}

# What the code asks for: (file, list) -> kind family. Filled as modules declare their lists, so that
# `rules check` can tell a copy that lacks a list the code needs.
REQUIRED: dict[tuple[str, str], str] = {}
# Ordered lists the code reads by position, with the number of entries they must have (the weekdays).
SIZES: dict[tuple[str, str], int] = {}
# The folders word lists were read from in this process (one, unless tests read copies).
READ_FROM: set[str] = set()


@dataclass(frozen=True)
class WordList:
    name: str
    kind: str
    line: int
    entries: dict[str, str | int | None]


def package_rules_dir() -> Traversable:
    """The rules that ship with fieldreport."""
    return resources.files("fieldreport") / "data"


def rules_dir() -> Traversable:
    """The active rules folder: $FIELDREPORT_RULES if set, else the package's data folder."""
    chosen = os.environ.get(ENV_VAR)
    return Path(chosen) if chosen else package_rules_dir()


def data_file(name: str) -> Traversable:
    """A data file of the active rules folder (`actors.toml`, `words/places.txt`)."""
    return rules_dir() / name


def use_rules(folder: Path) -> None:
    """Make `folder` the rules folder of this process. Rules are read once per process, so this must
    come before the pipeline modules are imported; a folder that does not exist is a ConfigError."""
    if not folder.is_dir():
        raise ConfigError(f"{folder}: no such rules folder (make one with `fieldreport rules copy {folder}`)")
    chosen = str(folder.resolve())
    earlier = READ_FROM - {chosen}
    if earlier:
        raise ConfigError(f"{folder}: this process already read its rules from {sorted(earlier)[0]}")
    os.environ[ENV_VAR] = chosen


def word_set(concern: str, name: str) -> frozenset[str]:
    """The words of list `name` in `words/<concern>.txt` of the active rules folder."""
    found = required_list(concern, name, "set")
    return frozenset(found.entries)


def word_sequence(concern: str, name: str, size: int | None = None) -> tuple[str, ...]:
    """The words of `[name: ordered]` in file order; `size` is how many the code reads by position."""
    if size is not None:
        SIZES[(concern, name)] = size
    found = required_list(concern, name, "ordered")
    return tuple(found.entries)


def word_map(concern: str, name: str) -> dict[str, str]:
    """The `key = value` pairs of map `name` in `words/<concern>.txt`, in file order."""
    found = required_list(concern, name, "map")
    return {key: str(value) for key, value in found.entries.items()}


def int_map(concern: str, name: str) -> dict[str, int]:
    """The `key = number` pairs of `[name: int map]` in `words/<concern>.txt`, in file order."""
    found = required_list(concern, name, "int map")
    return {key: int(value) for key, value in found.entries.items()}


def required_list(concern: str, name: str, family: str) -> WordList:
    REQUIRED[(concern, name)] = family
    folder = str(rules_dir())
    READ_FROM.add(folder)
    lists = read_word_file(folder, concern)
    problem = list_problem(lists, words_path(Path(folder), concern), concern, name)
    if problem:
        raise ConfigError(problem)
    return lists[name]


def list_problem(lists: dict[str, WordList], path: Path, concern: str, name: str) -> str | None:
    """What is wrong with list `name` as the code reads it, as 'file:line: what'; None when it is right."""
    if name not in lists:
        return f"{path}: no list [{name}] (the code needs it)"
    found, family = lists[name], REQUIRED[(concern, name)]
    if found.kind not in FAMILIES[family]:
        return f"{path}:{found.line}: [{name}] is a {found.kind} list; the code reads it as {family}"
    size = SIZES.get((concern, name))
    if size is not None and len(found.entries) != size:
        return f"{path}:{found.line}: [{name}] must have {size} entries, in order; it has {len(found.entries)}"
    return None


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
    concerns = {concern for concern, _ in REQUIRED} | set(word_files(folder))
    return [problem for concern in sorted(concerns) for problem in word_file_problems(folder, concern)]


def word_files(folder: Path) -> list[str]:
    """The concerns of the word files in `folder` (`words/places.txt` -> 'places')."""
    words = folder / "words"
    return sorted(path.stem for path in words.glob("*.txt")) if words.is_dir() else []


def word_file_problems(folder: Path, concern: str) -> list[str]:
    path = words_path(folder, concern)
    try:
        lists = parse_word_file(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as err:
        return [f"{path}: cannot read the word list ({err.__class__.__name__})"]
    except ConfigError as err:
        return [str(err)]
    found = (list_problem(lists, path, concern, name) for wanted, name in sorted(REQUIRED) if wanted == concern)
    return [problem for problem in found if problem]
