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

The TOML data files (`actors.toml`, `event_patterns.toml`) are checked by their loaders; the
helpers at the end of this module give their errors a line (`TomlLines`, `table_problems`).
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
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
# The modules that read word lists when imported; `rules check` imports them to fill REQUIRED.
LIST_READERS = ("fieldreport.pipeline", "fieldreport.geo.geoparse")
# The folders word lists were read from in this process (one, unless tests read copies).
READ_FROM: set[str] = set()


@dataclass(frozen=True)
class WordList:
    name: str
    kind: str
    line: int
    entries: dict[str, str | int | None]


@lru_cache(maxsize=1)
def package_rules_dir() -> Traversable:
    """The rules that ship with fieldreport (cached: finding a package's files is slow, and the taxonomy
    asks for its file on every question)."""
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


# The whole rules folder --------------------------------------------------------------------------------------------

def declare_lists() -> None:
    """Import the modules that read word lists, so that REQUIRED names every list the code needs. They read the
    package's own lists while importing (an active copy may be the broken one being checked)."""
    saved = os.environ.pop(ENV_VAR, None)
    try:
        for module in LIST_READERS:
            importlib.import_module(module)
    finally:
        if saved is not None:
            os.environ[ENV_VAR] = saved


def copy_rules(target: Path) -> int:
    """Copy the package's rules into `target` (new or empty) for editing; the number of files copied."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ConfigError(f"{target}: already exists and is not empty; give a new folder")
    with resources.as_file(package_rules_dir()) as source:
        shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    return sum(1 for path in target.rglob("*") if path.is_file())


# TOML data files: errors with a line ---------------------------------------------------------------------------

DECODE_AT = re.compile(r"\s*\(at line (\d+), column \d+\)$")
TYPE_NAMES = {str: "text", int: "a whole number", bool: "true or false", list: "a list", dict: "a table",
              float: "a number"}


@dataclass(frozen=True)
class Table:
    """What a TOML table may hold: key -> str, int, bool, list (a list of texts) or a Table of its own.
    `others`: the type of any key not named (None: such a key is an error); `many`: an array of tables
    (`[[trigger]]`)."""

    keys: dict[str, object]
    required: tuple[str, ...] = ()
    others: object = None
    many: bool = False


WORD_GROUPS = Table({}, others=list)  # a table of named word lists, as [instruments] or [partisan.sides]


@dataclass(frozen=True)
class Spot:
    """Where a fault is: the `index`-th table `name` (dotted, `partisan.sides`; None for the top of the file)
    and, if the fault is one value's, its key."""

    table: str | None
    index: int = 0
    key: str | None = None
    many: bool = False

    def child(self, key: str) -> Spot:
        return Spot(f"{self.table}.{key}" if self.table else key)

    def described(self) -> str:
        if self.table is None:
            return "the file"
        return f"[[{self.table}]] #{self.index + 1}" if self.many else f"[{self.table}]"


Problem = tuple[Spot, str]


@dataclass(frozen=True)
class TomlLines:
    """The lines of a TOML file, to name the line of an error its parser cannot see (a missing key, a wrong
    type, a value that names something unknown)."""

    path: str
    lines: tuple[str, ...]

    @classmethod
    def of(cls, path: str, text: str) -> TomlLines:
        return cls(path, tuple(text.splitlines()))

    def at(self, line: int | None) -> str:
        """'path:line', or the path alone when the line is unknown."""
        return f"{self.path}:{line}" if line else self.path

    def headers(self) -> Iterator[tuple[int, str]]:
        """(line, dotted name) of each table header."""
        for number, line in enumerate(self.lines, start=1):
            header = table_header(without_comment(line))
            if header is not None:
                yield number, header

    def table_line(self, name: str, index: int = 0) -> int | None:
        """The line of the `index`-th `[[name]]` table (or of `[name]`), counting from 0."""
        found = [number for number, header in self.headers() if header == name]
        return found[index] if index < len(found) else None

    def header_line(self, section: str) -> int | None:
        """The line of the table header [section] (or [[section]], or the first [section.sub])."""
        return next((number for number, header in self.headers()
                     if header == section or header.startswith(f"{section}.")), None)

    def key_line(self, start: int | None, key: str) -> int | None:
        """The line that sets `key` in the table opening on line `start` (at the top of the file when None)."""
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range((start or 0) + 1, len(self.lines) + 1):
            line = without_comment(self.lines[number - 1])
            if table_header(line) is not None:
                return None
            if pattern.match(line):
                return number
        return None

    def lines_naming(self, names: tuple[str, ...], section: str | None = None) -> list[int]:
        """Numbers of the lines that hold each of `names` as a quoted string or a bare key, outside comments,
        within the table [section] or its sub-tables (a dotted name, as in its header) when one is given."""
        patterns = [re.compile(rf"""(["']){re.escape(name)}\1|^\s*{re.escape(name)}\s*=""") for name in names]
        found = []
        current: str | None = None
        for number, raw in enumerate(self.lines, start=1):
            line = without_comment(raw)
            header = table_header(line)
            if header is not None:
                current = header
                continue
            if section is not None and not (current == section or (current or "").startswith(f"{section}.")):
                continue
            if all(pattern.search(line) for pattern in patterns):
                found.append(number)
        return found

    def line_naming(self, *names: str, section: str | None = None, occurrence: int = 1) -> int | None:
        """The line of the `occurrence`-th mention of all `names` together (see lines_naming), else of the first
        of them alone that is mentioned; None when no line names any."""
        for wanted in (names, *((name,) for name in names)):
            lines = self.lines_naming(wanted, section)
            if len(lines) >= occurrence:
                return lines[occurrence - 1]
            if lines:
                return lines[-1]
        return None

    def line_of(self, spot: Spot) -> int | None:
        start = self.table_line(spot.table, spot.index) if spot.table else None
        if spot.key is None:
            return start
        return self.key_line(start, spot.key) or self.table_line(spot.child(spot.key).table or "") or start

    def located(self, problems: list[Problem]) -> list[str]:
        """Each problem as 'file:line: what' ('file: what' when no line can be told), in line order."""
        found = sorted(((self.line_of(spot) or 0, what) for spot, what in problems), key=lambda found: found[0])
        return [f"{self.at(line)}: {what}" for line, what in found]


def table_header(line: str) -> str | None:
    """'plover.sub_event_type' for '[plover.sub_event_type]' or '[[trigger]]' -> 'trigger'; None for other lines."""
    stripped = line.strip()
    if not stripped.startswith("[") or not stripped.endswith("]"):
        return None
    inner = stripped.strip("[]")
    if "=" in inner or "," in inner:
        return None  # an array value continued on its own line, not a header
    return ".".join(part.strip().strip("\"'") for part in inner.split("."))


def without_comment(line: str) -> str:
    """The line up to a `#` that is not inside a string."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[:index]
    return line


def read_toml(source: Traversable) -> tuple[dict, TomlLines]:
    """A TOML data file and its lines; an unreadable file or a syntax error raises ConfigError naming the line."""
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise ConfigError(f"{source}: no such file") from err
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{source}: cannot read the file ({err.__class__.__name__})") from err
    return parsed_toml(text, str(source))


def parsed_toml(text: str, path: str) -> tuple[dict, TomlLines]:
    """The data of a TOML text and its lines; a syntax error raises ConfigError as 'path:line: what'."""
    try:
        return tomllib.loads(text), TomlLines.of(path, text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(decode_problem(path, err)) from err


def decode_problem(path: str, err: tomllib.TOMLDecodeError) -> str:
    message = str(err)
    found = DECODE_AT.search(message)
    if found is None:
        return f"{path}: not valid TOML ({message})"
    return f"{path}:{found.group(1)}: not valid TOML ({message[:found.start()]})"


TomlCheck = Callable[[dict, TomlLines], list[str]]


def checked_toml(source: Traversable, check: TomlCheck) -> dict:
    """A TOML data file that `check` finds no fault with; else ConfigError with the first 'file:line: what'."""
    data, lines = read_toml(source)
    problems = check(data, lines)
    if problems:
        more = f" (and {len(problems) - 1} more; `fieldreport rules check` lists them)" if len(problems) > 1 else ""
        raise ConfigError(problems[0] + more)
    return data


def toml_file_problems(source: Traversable, check: TomlCheck) -> list[str]:
    """Every fault of a TOML data file as 'file:line: what' lines (a syntax error stops at the first)."""
    try:
        data, lines = read_toml(source)
    except ConfigError as err:
        return [str(err)]
    return check(data, lines)


def table_problems(table: object, shape: Table, spot: Spot) -> list[Problem]:
    """Each fault of one table: a missing or unknown key, a value of the wrong type (tables inside, too)."""
    name = spot.described()
    if not isinstance(table, dict):
        return [(spot, f"{name} must be a table, not {type_name(table)}")]
    problems: list[Problem] = [(spot, f"{name} has no `{key}`") for key in shape.required if key not in table]
    for key, value in table.items():
        expected = shape.keys.get(key, shape.others)
        if expected is None:
            problems.append((replace(spot, key=key), unknown_key(spot, key, value, shape)))
        elif isinstance(expected, Table):
            problems += tables_problems(value, expected, spot.child(key))
        elif problem := value_problem(key, value, expected):
            problems.append((replace(spot, key=key), f"{name}: {problem}"))
    return problems


def unknown_key(spot: Spot, key: str, value: object, shape: Table) -> str:
    known = ", ".join(shape.keys)
    if spot.table is None and isinstance(value, dict | list):
        return f"unknown table [{key}] (known: {known})"
    return f"{spot.described()}: unknown key `{key}` (known: {known})"


def tables_problems(value: object, shape: Table, spot: Spot) -> list[Problem]:
    """The faults of a table, or of each table of an array (`[[trigger]]`)."""
    if not shape.many:
        return table_problems(value, shape, spot)
    if not isinstance(value, list):
        return [(spot, f"`{spot.table}` must be written as [[{spot.table}]] tables, not {type_name(value)}")]
    return [problem for index, item in enumerate(value)
            for problem in table_problems(item, shape, replace(spot, index=index, many=True))]


def value_problem(key: str, value: object, expected: object) -> str | None:
    """What is wrong with one value, or None: a text, a whole number, true or false, a list of texts."""
    if expected is list:
        if not isinstance(value, list):
            return f"`{key}` must be a list of texts, not {type_name(value)}"
        wrong = next((item for item in value if not isinstance(item, str)), None)
        return None if wrong is None else f"`{key}` must be a list of texts; {wrong!r} is {type_name(wrong)}"
    if type(value) is not expected:
        return f"`{key}` must be {TYPE_NAMES[expected]}, not {type_name(value)}"
    return None


def type_name(value: object) -> str:
    return TYPE_NAMES.get(type(value), type(value).__name__)
