"""Actor mentions: who the text names, normalised to canonical ACLED-style names from data/actors.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib.abc import Traversable
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

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


@dataclass(frozen=True)
class Actor:
    name: str
    inter: int | None = None
    country: str | None = None
    side: str | None = None  # the bloc it fights for; actors of one side are allies, not opponents
    generic: bool = False  # a class of actor ("unidentified gunmen"), not a named group

    def allied_with(self, other: Actor | None) -> bool:
        return other is not None and (other.name == self.name or self.side is not None and self.side == other.side)


@dataclass
class ActorMention:
    """A stretch of text naming an actor. `actor` is None for a partisan label ("terrorists")."""

    span: Span
    actor: Actor | None

    @property
    def is_partisan(self) -> bool:
        return self.actor is None


@dataclass
class ActorDictionary:
    actors: dict[str, Actor]
    aliases: dict[str, str]  # lower-case alias -> canonical name
    codes: dict[str, str]  # case-sensitive code -> canonical name
    partisan_labels: list[str]
    partisan_default: Actor
    label_sides: dict[str, set[str]] = field(default_factory=dict)  # partisan label -> sides it may name
    attribution_before: list[str] = field(default_factory=list)  # "believed to be" [a group]
    attribution_after: list[str] = field(default_factory=list)  # [a group]"-suspected"
    generic_forces: dict[str, str] = field(default_factory=dict)  # 'army', 'police' -> military | police

    def local_force(self, mention: ActorMention, country: str) -> Actor | None:
        """The state force of `country` an unqualified 'army', 'soldiers' or 'police' names in a report about
        that country; None when the words qualify it ('Syrian army') or the country has no entry."""
        kind = self.generic_forces.get(mention.span.text.lower())
        if kind is None or mention.actor is None or mention.actor.country == country:
            return None
        return self.actors.get(FORCE_KINDS[kind].format(country))

    def may_name(self, label: str, actor: Actor) -> bool:
        """True when a partisan label can stand for this actor ('rebels' never names the Islamic State)."""
        sides = self.label_sides.get(label.lower())
        return sides is None or actor.side in sides


def plain_name(name: str) -> str:
    """The canonical name as prose writes it: 'HTS: Hayat Tahrir al Sham' -> 'hayat tahrir al sham',
    'Military Forces of Syria (2000-)' -> 'military forces of syria'."""
    return re.sub(r"^[A-Za-z]{2,6}:\s*", "", name).split("(")[0].strip().lower()


def name_code(name: str) -> list[str]:
    """The code an ACLED-style name opens with, which reports use as a name: 'JTW: National Liberation
    Front' -> ['JTW'], matched as written (so 'FaR' is never the word 'far')."""
    found = re.match(r"^([A-Za-z]{2,6}):", name)
    return [found.group(1)] if found else []


def load_actor_dictionary(path: Path | None = None) -> ActorDictionary:
    """Read the analyst-editable actor file (by default the active rules' actors.toml); a malformed entry raises
    ConfigError naming the file, its line and what is wrong."""
    return dictionary_from(checked_toml(path or data_file("actors.toml"), actor_problems))


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


def dictionary_from(data: dict) -> ActorDictionary:
    """The actor dictionary of an actor file that actor_problems found no fault with."""
    actors, aliases, codes = {}, {}, {}
    for entry in data["actor"]:
        actor = Actor(entry["name"], entry.get("inter"), entry.get("country"), entry.get("side"),
                      entry.get("generic", False))
        actors[actor.name] = actor
        for alias in [plain_name(actor.name), *entry.get("aliases", [])]:
            aliases[alias.lower()] = actor.name
        for code in [*entry.get("codes", []), *name_code(actor.name)]:
            codes.setdefault(code, actor.name)
    partisan = data["partisan"]
    default = Actor(partisan["default"], partisan.get("default_inter"), None, partisan.get("default_side"))
    label_sides: dict[str, set[str]] = {}
    for side, labels in partisan.get("sides", {}).items():
        for label in labels:
            label_sides.setdefault(label.lower(), set()).add(side)
    actors[default.name] = default
    world = data.get("world", {})
    add_world_forces(world, actors, aliases)
    attribution = data.get("attribution", {})
    generic_forces = {word.lower(): kind for kind in FORCE_KINDS for word in world.get(kind, [])}
    return ActorDictionary(actors, aliases, codes, [label.lower() for label in partisan["labels"]], default,
                           label_sides, [cue.lower() for cue in attribution.get("before", [])],
                           [cue.lower() for cue in attribution.get("after", [])], generic_forces)


FORCE_KINDS = {"military": "Military Forces of {}", "police": "Police Forces of {}"}
ACTOR_TABLE = Table({"name": str, "inter": int, "country": str, "side": str, "generic": bool, "aliases": list,
                     "codes": list}, required=("name",), many=True)
ACTORS_FILE = Table({"actor": ACTOR_TABLE,
                     "partisan": Table({"labels": list, "default": str, "default_inter": int, "default_side": str,
                                        "sides": WORD_GROUPS}, required=("labels", "default")),
                     "world": Table({"countries": WORD_GROUPS, **dict.fromkeys(FORCE_KINDS, list)}),
                     "attribution": Table({"before": list, "after": list})},
                    required=("actor", "partisan"))


def world_force_aliases(country: str, demonyms: list[str], words: list[str]) -> list[str]:
    """'Kenyan police', "Kenya's police": each demonym, and the country's name with "'s", before each word."""
    name = country.lower().removeprefix("the ")
    return [f"{prefix} {word}" for prefix in [*demonyms, f"{name}'s"] for word in words]


def add_world_forces(world: dict, actors: dict[str, Actor], aliases: dict[str, str]) -> None:
    """State forces of every country in the `[world]` table, inter 1; an actor written by hand with the same
    name keeps its entry (and inter), and an alias written by hand keeps its actor."""
    by_plain_name = {plain_name(name): name for name in actors}
    for country, demonyms in world.get("countries", {}).items():
        for kind, template in FORCE_KINDS.items():
            name = template.format(country)
            name = by_plain_name.get(plain_name(name), name)
            actors.setdefault(name, Actor(name, 1, country.removeprefix("the ")))
            for alias in world_force_aliases(country, demonyms, world.get(kind, [])):
                aliases.setdefault(alias.lower(), name)


class ActorFinder:
    """Finds actor mentions with two phrase matchers: aliases case-insensitively, codes exactly."""

    def __init__(self, nlp: Language, dictionary: ActorDictionary) -> None:
        self.dictionary = dictionary
        self.by_lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.by_orth = PhraseMatcher(nlp.vocab, attr="ORTH")
        for alias, name in dictionary.aliases.items():
            self.by_lower.add(name, [nlp.make_doc(alias)])
        for code, name in dictionary.codes.items():
            self.by_orth.add(name, [nlp.make_doc(code)])
        self.by_lower.add("__partisan__", [nlp.make_doc(label) for label in dictionary.partisan_labels])

    def __call__(self, doc: Doc) -> list[ActorMention]:
        spans = []
        for matcher in (self.by_lower, self.by_orth):
            for match_id, start, end in matcher(doc):
                spans.append(Span(doc, start, end, label=match_id))
        mentions = []
        for span in filter_spans(spans):
            name = span.label_
            actor = None if name == "__partisan__" else self.dictionary.actors[name]
            mentions.append(ActorMention(span, actor))
        return sorted(mentions, key=lambda m: m.span.start)


@lru_cache(maxsize=1)
def default_dictionary() -> ActorDictionary:
    return load_actor_dictionary()
