"""Actor mentions: who the text names, normalised to canonical ACLED-style names from data/actors.toml
(read and checked by fieldreport.aliases, which has no NLP, so the store's filters share it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from fieldreport.aliases import FORCE_KINDS, actor_file, actor_names


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


def load_actor_dictionary(path: Path | None = None) -> ActorDictionary:
    """Read the analyst-editable actor file (by default the active rules' actors.toml); a malformed entry raises
    ConfigError naming the file, its line and what is wrong."""
    return dictionary_from(actor_file(path))


def dictionary_from(data: dict) -> ActorDictionary:
    """The actor dictionary of an actor file that actor_problems found no fault with."""
    names = actor_names(data)
    actors = {}
    for entry in data["actor"]:
        actor = Actor(entry["name"], entry.get("inter"), entry.get("country"), entry.get("side"),
                      entry.get("generic", False))
        actors[actor.name] = actor
    partisan = data["partisan"]
    default = Actor(partisan["default"], partisan.get("default_inter"), None, partisan.get("default_side"))
    label_sides: dict[str, set[str]] = {}
    for side, labels in partisan.get("sides", {}).items():
        for label in labels:
            label_sides.setdefault(label.lower(), set()).add(side)
    actors[default.name] = default
    for name, country in names.world_forces.items():
        actors.setdefault(name, Actor(name, 1, country))
    world = data.get("world", {})
    attribution = data.get("attribution", {})
    generic_forces = {word.lower(): kind for kind in FORCE_KINDS for word in world.get(kind, [])}
    return ActorDictionary(actors, dict(names.aliases), dict(names.codes),
                           [label.lower() for label in partisan["labels"]], default,
                           label_sides, [cue.lower() for cue in attribution.get("before", [])],
                           [cue.lower() for cue in attribution.get("after", [])], generic_forces)


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
