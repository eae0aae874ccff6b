"""The other names of actors and governorates, as the rules give them: actors.toml (canonical actor names,
their aliases and codes) and admin1_aliases.tsv (the spellings of each governorate).

No NLP here: the actor finder (mentions.actors) builds its matchers from these names, and the store's
filters use them to read `actor=Daesh` as the Islamic State and `admin1=Idlib` as Idleb. Both files are
read from the active rules folder once per process, like the other rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.abc import Traversable
from pathlib import Path

from fieldreport.errors import ConfigError
from fieldreport.rules import (
    WORD_GROUPS,
    Spot,
    Table,
    TomlLines,
    checked_toml,
    data_file,
    table_problems,
    toml_file_problems,
)

ACTORS = "actors.toml"
ADMIN1_ALIASES = "admin1_aliases.tsv"
FORCE_KINDS = {"military": "Military Forces of {}", "police": "Police Forces of {}"}
ACTOR_TABLE = Table({"name": str, "inter": int, "country": str, "side": str, "generic": bool, "aliases": list,
                     "codes": list}, required=("name",), many=True)
ACTORS_FILE = Table({"actor": ACTOR_TABLE,
                     "partisan": Table({"labels": list, "default": str, "default_inter": int, "default_side": str,
                                        "sides": WORD_GROUPS}, required=("labels", "default")),
                     "world": Table({"countries": WORD_GROUPS, **dict.fromkeys(FORCE_KINDS, list),
                                     "state_words": list, "means": list}),
                     "attribution": Table({"before": list, "after": list}),
                     "qualifiers": Table({"holder": list, "sponsor": list, "member": list}),
                     "anaphora": Table({"pronouns": list, "nouns": list})},
                    required=("actor", "partisan"))


# Actors ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActorNames:
    """Every canonical actor name of an actor file, with the words that stand for each."""

    aliases: dict[str, str]  # lower-case alias -> canonical name
    codes: dict[str, str]  # code as written ("SDF") -> canonical name
    world_forces: dict[str, str]  # state forces made from the [world] table: name -> country
    names: frozenset[str]  # the canonical names, the world forces' included

    def canonical(self, text: str) -> tuple[str, ...]:
        """The canonical names `text` stands for, as users write it: a canonical name in any case, an alias
        ("Daesh", "regime"), or a code as written or in capitals ("SDF", "sdf"); () for other text."""
        words = " ".join(text.split())
        found = {name for name in self.names if name.lower() == words.lower()}
        for name in (self.aliases.get(words.lower()), self.codes.get(words), self.codes.get(words.upper())):
            if name is not None:
                found.add(name)
        return tuple(sorted(found))


def plain_name(name: str) -> str:
    """The canonical name as prose writes it: 'HTS: Hayat Tahrir al Sham' -> 'hayat tahrir al sham',
    'Military Forces of Syria (2000-)' -> 'military forces of syria'."""
    return re.sub(r"^[A-Za-z]{2,6}:\s*", "", name).split("(")[0].strip().lower()


def name_code(name: str) -> list[str]:
    """The code an ACLED-style name opens with, which reports use as a name: 'JTW: National Liberation
    Front' -> ['JTW'], matched as written (so 'FaR' is never the word 'far')."""
    found = re.match(r"^([A-Za-z]{2,6}):", name)
    return [found.group(1)] if found else []


def actor_names(data: dict) -> ActorNames:
    """The names of an actor file that actor_problems found no fault with."""
    aliases: dict[str, str] = {}
    codes: dict[str, str] = {}
    for entry in data["actor"]:
        name = entry["name"]
        for alias in [plain_name(name), *entry.get("aliases", [])]:
            aliases[alias.lower()] = name
        for code in [*entry.get("codes", []), *name_code(name)]:
            codes.setdefault(code, name)
    written = [entry["name"] for entry in data["actor"]] + [data["partisan"]["default"]]
    world_forces = add_world_forces(data.get("world", {}), written, aliases)
    return ActorNames(aliases, codes, world_forces, frozenset(written) | frozenset(world_forces))


def world_force_aliases(country: str, demonyms: list[str], words: list[str]) -> list[str]:
    """'Kenyan police', "Kenya's police": each demonym, and the country's name with "'s", before each word."""
    name = country.lower().removeprefix("the ")
    return [f"{prefix} {word}" for prefix in [*demonyms, f"{name}'s"] for word in words]


def add_world_forces(world: dict, written: list[str], aliases: dict[str, str]) -> dict[str, str]:
    """State forces of every country in the `[world]` table (name -> country) not written by hand, and their
    aliases added to `aliases`; a hand-written actor of the same plain name is the force, and an alias written
    by hand keeps its actor."""
    by_plain_name = {plain_name(name): name for name in written}
    forces: dict[str, str] = {}
    for country, demonyms in world.get("countries", {}).items():
        for kind, template in FORCE_KINDS.items():
            name = by_plain_name.get(plain_name(template.format(country)), template.format(country))
            if name not in written:
                forces.setdefault(name, country.removeprefix("the "))
            for alias in world_force_aliases(country, demonyms, world.get(kind, [])):
                aliases.setdefault(alias.lower(), name)
    return forces


def actor_file(path: Path | Traversable | None = None) -> dict:
    """The actor file (by default the active rules' actors.toml), checked: a malformed entry raises
    ConfigError naming the file, its line and what is wrong."""
    return checked_toml(path or data_file(ACTORS), actor_problems)


@lru_cache(maxsize=4)
def actor_names_at(path: str) -> ActorNames:
    return actor_names(actor_file(Path(path)))


def active_actor_names() -> ActorNames:
    """The actor names of the active rules folder."""
    return actor_names_at(str(data_file(ACTORS)))


def actor_file_problems(source: Traversable) -> list[str]:
    """Every fault of an actor file, as 'file:line: what' lines."""
    return toml_file_problems(source, actor_problems)


def actor_problems(data: dict, lines: TomlLines) -> list[str]:
    problems = table_problems(data, ACTORS_FILE, Spot(None))
    entries = data.get("actor")
    first_line: dict[str, Spot] = {}
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        spot = Spot("actor", index, many=True)
        if not isinstance(entry, dict):
            continue
        inter = entry.get("inter")
        if type(inter) is int and not 1 <= inter <= 8:
            problems.append((replace(spot, key="inter"), f"{spot.described()}: `inter` must be an ACLED "
                                                          f"interaction code, 1 to 8, not {inter}"))
        name = entry.get("name")
        if isinstance(name, str) and name in first_line:
            problems.append((replace(spot, key="name"), f"{spot.described()}: actor {name!r} is defined twice "
                                                         f"(first on line {lines.line_of(first_line[name])})"))
        elif isinstance(name, str):
            first_line[name] = replace(spot, key="name")
    return lines.located(problems)


# Governorates -------------------------------------------------------------------------------------------


def admin1_alias_groups(path: Path) -> dict[tuple[str, str], list[str]]:
    """An admin1 alias file (country<TAB>admin1_code<TAB>alias lines after a header) as {(country, code):
    [aliases in file order, display name first]}; ConfigError naming the line of a malformed one."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    groups: dict[tuple[str, str], list[str]] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [part.strip() for part in line.split("\t")]
        if len(fields) != 3 or not all(fields):
            raise ConfigError(f"{path}:{number}: expected country<TAB>admin1_code<TAB>alias")
        groups.setdefault((fields[0].upper(), fields[1]), []).append(fields[2])
    return groups


@lru_cache(maxsize=4)
def admin1_spellings_at(path: str) -> dict[str, frozenset[str]]:
    """Lower-case spelling -> every lower-case spelling of the governorate(s) it names."""
    spellings: dict[str, frozenset[str]] = {}
    for aliases in admin1_alias_groups(Path(path)).values():
        group = frozenset(alias.lower() for alias in aliases)
        for spelling in group:
            spellings[spelling] = spellings.get(spelling, frozenset()) | group
    return spellings


def admin1_spellings(text: str) -> tuple[str, ...]:
    """Every lower-case spelling of the governorate `text` names ('idlib' -> 'idleb', 'idlib', ...), or just
    `text` lower-cased when the alias file does not know it."""
    words = " ".join(text.split()).lower()
    return tuple(sorted(admin1_spellings_at(str(data_file(ADMIN1_ALIASES))).get(words, {words})))
