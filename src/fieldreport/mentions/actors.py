"""Actor mentions: who the text names, normalised to canonical ACLED-style names from data/actors.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from fieldreport.errors import ConfigError


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
    """Read the analyst-editable actor file; a malformed file raises ConfigError naming it."""
    source = path or resources.files("fieldreport") / "data" / "actors.toml"
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
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
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as err:
        raise ConfigError(f"{source}: not a valid actor dictionary ({err})") from err
    actors[default.name] = default
    world = data.get("world", {})
    add_world_forces(world, actors, aliases)
    attribution = data.get("attribution", {})
    generic_forces = {word.lower(): kind for kind in FORCE_KINDS for word in world.get(kind, [])}
    return ActorDictionary(actors, aliases, codes, [label.lower() for label in partisan["labels"]], default,
                           label_sides, [cue.lower() for cue in attribution.get("before", [])],
                           [cue.lower() for cue in attribution.get("after", [])], generic_forces)


FORCE_KINDS = {"military": "Military Forces of {}", "police": "Police Forces of {}"}


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
