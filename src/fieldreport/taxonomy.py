"""ACLED's event taxonomy, from data/taxonomy.toml: event types and their sub-event types, which
sub-event types merging folds into one event and which names it, which change territorial
control, their ACLED disorder types and their PLOVER types.

The file is read from the active rules folder (`fieldreport.rules.data_file`, so $FIELDREPORT_RULES
applies) once per process and checked as it is read: a malformed entry raises ConfigError naming
the file, the line and the fault. Names the code itself uses (`sub_type("Armed clash")`,
`event_type("Battles")`) are checked when the module naming them is imported, so a taxonomy that
lacks one stops fieldreport at start-up rather than coding events under a name it does not know;
`check(folder)` lists every problem of an edited copy, those names included. No NLP here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from fieldreport.errors import ConfigError
from fieldreport.rules import TomlLines, data_file, parsed_toml

FILE = "taxonomy.toml"
SECTIONS = {"event_types": (), "merging": ("compatible", "strength"), "territory": ("sub_event_types",),
            "plover": ("sub_event_type", "event_type"), "disorder": ("sub_event_type", "event_type")}

# The names the code uses, filled as modules ask for them, so that `check` can tell a copy that lacks one.
REQUIRED_EVENT_TYPES: set[str] = set()
REQUIRED_SUB_TYPES: set[str] = set()


@dataclass(frozen=True)
class PloverType:
    """A PLOVER event type and mode ('' when PLOVER gives none)."""

    event_type: str
    mode: str


FALLBACK_PLOVER = PloverType("COERCE", "")
T = TypeVar("T")


@dataclass(frozen=True)
class Taxonomy:
    source: str
    sub_types_by_type: dict[str, tuple[str, ...]]
    compatible_pairs: frozenset[frozenset[str]] = frozenset()
    strength: dict[str, int] = field(default_factory=dict)
    territorial: frozenset[str] = frozenset()
    plover_by_sub_type: dict[str, PloverType] = field(default_factory=dict)
    plover_by_type: dict[str, PloverType] = field(default_factory=dict)
    type_of: dict[str, str] = field(default_factory=dict)  # sub-event type -> its event type
    disorder_by_sub_type: dict[str, str] = field(default_factory=dict)
    disorder_by_type: dict[str, str] = field(default_factory=dict)

    def event_type_of(self, sub_type: str) -> str:
        if sub_type not in self.type_of:
            raise ConfigError(f"{self.source}: no sub-event type {sub_type!r}")
        return self.type_of[sub_type]


# Reading and checking ----------------------------------------------------------------------------


class Problems:
    """The faults found in one taxonomy text, each as 'file:line: what'."""

    def __init__(self, lines: TomlLines) -> None:
        self.lines = lines
        self.found: list[str] = []

    def add(self, what: str, *names: str, section: str | None = None, occurrence: int = 1) -> None:
        """Record a fault on the line of [section] that names `names` (see TomlLines.line_naming), else on the
        header of the table they name ([plover.sub_event_type]) or of the section."""
        line = self.lines.line_naming(*names, section=section, occurrence=occurrence) if names else None
        if line is None and section is not None and names:
            line = self.lines.header_line(f"{section}.{names[0]}")
        if line is None and section is not None:
            line = self.lines.header_line(section)
        self.found.append(f"{self.lines.at(line)}: {what}")


def parsed_taxonomy(text: str, path: str) -> tuple[Taxonomy, list[str]]:
    """The taxonomy a text describes (its valid entries) and its problems, each as 'file:line: what'."""
    try:
        data, lines = parsed_toml(text, path)
    except ConfigError as err:
        return Taxonomy(path, {}), [str(err)]
    problems = Problems(lines)
    unknown_keys(data, problems)
    sub_types_by_type = event_types_in(table(data, "event_types", problems), problems)
    type_of = {sub: kind for kind, subs in sub_types_by_type.items() for sub in subs}
    known = Known(type_of, problems)
    merging, plover = table(data, "merging", problems), table(data, "plover", problems)
    disorder = table(data, "disorder", problems)
    taxonomy = Taxonomy(
        source=path,
        sub_types_by_type=sub_types_by_type,
        compatible_pairs=known.pairs(merging.get("compatible", []), "merging"),
        strength=known.strengths(merging.get("strength", {}), "merging"),
        territorial=known.sub_types(table(data, "territory", problems).get("sub_event_types", []), "territory",
                                    "sub_event_types"),
        plover_by_sub_type=known.keyed(table(plover, "sub_event_type", problems), "plover.sub_event_type",
                                       type_of, "PLOVER entry", plover_type),
        plover_by_type=known.keyed(table(plover, "event_type", problems), "plover.event_type", sub_types_by_type,
                                   "PLOVER entry", plover_type),
        type_of=type_of,
        disorder_by_sub_type=known.keyed(table(disorder, "sub_event_type", problems), "disorder.sub_event_type",
                                         type_of, "disorder type", disorder_type),
        disorder_by_type=known.keyed(table(disorder, "event_type", problems), "disorder.event_type",
                                     sub_types_by_type, "disorder type", disorder_type),
    )
    if not sub_types_by_type:
        problems.add("no event types: [event_types] must list each event type with its sub-event types",
                     section="event_types")
    return taxonomy, problems.found


def unknown_keys(data: dict, problems: Problems) -> None:
    """Tables and keys the taxonomy does not read (a misspelt [teritory] would silently mean none)."""
    for name, value in data.items():
        if name not in SECTIONS:
            problems.add(f"unknown table [{name}] (want: {', '.join(SECTIONS)})", section=name)
        elif SECTIONS[name] and isinstance(value, dict):
            for key in value:
                if key not in SECTIONS[name]:
                    problems.add(f"unknown key {key!r} in [{name}] (want: {', '.join(SECTIONS[name])})", key,
                                 section=name)


def table(data: dict, name: str, problems: Problems) -> dict:
    value = data.get(name, {})
    if not isinstance(value, dict):
        problems.add(f"{name} must be a table", name)
        return {}
    return value


def event_types_in(section: dict, problems: Problems) -> dict[str, tuple[str, ...]]:
    """Event type -> its sub-event types; a sub-event type listed under a second type is a fault there."""
    by_type: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for kind, subs in section.items():
        if not is_string_list(subs) or not subs:
            problems.add(f"event type {kind!r} must list its sub-event types as strings", kind, section="event_types")
            continue
        kept = []
        for sub in subs:
            if sub in owner:
                problems.add(f"sub-event type {sub!r} is listed under {owner[sub]!r} and {kind!r}; it belongs to "
                             "one event type", sub, section="event_types", occurrence=2)
                continue
            owner[sub] = kind
            kept.append(sub)
        by_type[kind] = tuple(kept)
    return by_type


@dataclass
class Known:
    """Checks the entries that refer to the event types and sub-event types of [event_types]."""

    type_of: dict[str, str]
    problems: Problems

    def sub_types(self, names: object, section: str, key: str) -> frozenset[str]:
        if not is_string_list(names):
            self.problems.add(f"[{section}] {key} must be a list of sub-event types", key, section=section)
            return frozenset()
        return frozenset(name for name in names if self.is_sub_type(name, section, f"[{section}] {key} names"))

    def is_sub_type(self, name: str, section: str, role: str) -> bool:
        if name in self.type_of:
            return True
        self.problems.add(f"{role} {name!r}, which is no sub-event type of [event_types]", name, section=section)
        return False

    def pairs(self, entries: object, section: str) -> frozenset[frozenset[str]]:
        if not isinstance(entries, list):
            self.problems.add("compatible must be a list of [sub-event type, sub-event type] pairs", "compatible",
                              section=section)
            return frozenset()
        pairs = set()
        for pair in entries:
            if not is_string_list(pair) or len(pair) != 2:
                self.problems.add(f"compatible pair {pair!r} must be two sub-event types", "compatible",
                                  section=section)
                continue
            if not all([self.is_sub_type(name, section, "a compatible pair names") for name in pair]):
                continue
            types = sorted({self.type_of[name] for name in pair})
            if len(types) > 1:
                self.problems.add(f"compatible pair {pair!r} spans two event types ({', '.join(types)}); only "
                                  "events of one type merge", *pair, section=section)
                continue
            pairs.add(frozenset(pair))
        return frozenset(pairs)

    def strengths(self, entries: object, section: str) -> dict[str, int]:
        if not isinstance(entries, dict):
            self.problems.add("strength must be a table of sub-event type = whole number", "strength",
                              section=section)
            return {}
        strengths = {}
        for name, value in entries.items():
            if not self.is_sub_type(name, section, "strength names"):
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                self.problems.add(f"the strength of {name!r} must be a whole number, not {value!r}", "strength",
                                  name, section=section)
                continue
            strengths[name] = value
        return strengths

    def keyed(self, entries: dict, section: str, known: dict, entry: str, read: Callable[[str, object], T]
              ) -> dict[str, T]:
        """The values of [section] (PLOVER types, disorder types) read by `read`, keyed by the sub-event types
        (or event types) in `known`; `read` raises ValueError saying what is wrong with a value."""
        what = "sub-event type" if section.endswith("sub_event_type") else "event type"
        mapping = {}
        for name, value in entries.items():
            if name not in known:
                self.problems.add(f"{entry} for {name!r}, which is no {what} of [event_types]", name, section=section)
                continue
            try:
                mapping[name] = read(name, value)
            except ValueError as fault:
                self.problems.add(str(fault), name, section=section)
        return mapping


def plover_type(name: str, value: object) -> PloverType:
    if not isinstance(value, dict) or not isinstance(value.get("event_type"), str) \
            or not isinstance(value.get("mode", ""), str):
        raise ValueError(f"the PLOVER entry for {name!r} must be {{ event_type = \"...\", mode = \"...\" }}")
    return PloverType(value["event_type"], value.get("mode", ""))


def disorder_type(name: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"the disorder type of {name!r} must be a name, not {value!r}")
    return value


def is_string_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def required_problems(taxonomy: Taxonomy) -> list[str]:
    """The names the code uses that the taxonomy lacks."""
    missing = [f"{taxonomy.source}: no event type {name!r} (the code names it)"
               for name in sorted(REQUIRED_EVENT_TYPES) if name not in taxonomy.sub_types_by_type]
    missing += [f"{taxonomy.source}: no sub-event type {name!r} (the code names it)"
                for name in sorted(REQUIRED_SUB_TYPES) if name not in taxonomy.type_of]
    return missing


def check(folder: Path) -> list[str]:
    """Every problem with `folder`'s taxonomy.toml, as 'file:line: what' lines (empty when it is valid)."""
    path = Path(folder) / FILE
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return [f"{path}: cannot read the taxonomy ({err.__class__.__name__})"]
    taxonomy, problems = parsed_taxonomy(text, str(path))
    return problems + required_problems(taxonomy)


@lru_cache(maxsize=8)
def taxonomy_at(path: str) -> Taxonomy:
    """The taxonomy in the file at `path`; its first problem raises ConfigError."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read the taxonomy ({err.__class__.__name__})") from err
    taxonomy, problems = parsed_taxonomy(text, path)
    if problems:
        raise ConfigError(problems[0])
    return taxonomy


def active() -> Taxonomy:
    """The taxonomy of the active rules folder."""
    return taxonomy_at(str(data_file(FILE)))


# What the code asks --------------------------------------------------------------------------------


def sub_type(name: str) -> str:
    """`name`, once checked to be a sub-event type of the taxonomy: for sub-event types the code names."""
    REQUIRED_SUB_TYPES.add(name)
    found = active()
    if name not in found.type_of:
        raise ConfigError(f"{found.source}: no sub-event type {name!r} (the code names it)")
    return name


def sub_types(*names: str) -> frozenset[str]:
    return frozenset(sub_type(name) for name in names)


def event_type(name: str) -> str:
    """`name`, once checked to be an event type of the taxonomy: for event types the code names."""
    REQUIRED_EVENT_TYPES.add(name)
    found = active()
    if name not in found.sub_types_by_type:
        raise ConfigError(f"{found.source}: no event type {name!r} (the code names it)")
    return name


def event_types(*names: str) -> frozenset[str]:
    return frozenset(event_type(name) for name in names)


def event_type_of(sub_event_type: str) -> str:
    """The event type a sub-event type belongs to."""
    return active().event_type_of(sub_event_type)


def is_sub_type(name: str) -> bool:
    return name in active().type_of


def is_territorial(sub_event_type: str | None) -> bool:
    """True for the sub-event types that code a change of territorial control."""
    return sub_event_type in active().territorial


def compatible(a: str | None, b: str | None) -> bool:
    """True when two events of these sub-event types may be one event (same type, or a listed pair)."""
    return a == b or frozenset({a, b}) in active().compatible_pairs


def merge_strength(sub_event_type: str | None) -> int:
    """How strongly a sub-event type names a merged event: the highest wins."""
    return active().strength.get(sub_event_type, 0)


def plover_of(event_type_name: str | None, sub_event_type: str | None) -> PloverType:
    """The PLOVER type of a sub-event type, else of its event type, else COERCE."""
    found = active()
    return (found.plover_by_sub_type.get(sub_event_type) or found.plover_by_type.get(event_type_name)
            or FALLBACK_PLOVER)


def disorder_type_of(event_type_name: str | None, sub_event_type: str | None) -> str | None:
    """ACLED's disorder type of a sub-event type, else of its event type; None when the taxonomy gives none."""
    found = active()
    return found.disorder_by_sub_type.get(sub_event_type) or found.disorder_by_type.get(event_type_name)
