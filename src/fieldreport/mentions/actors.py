"""Actor mentions: who the text names, normalised to canonical ACLED-style names from data/actors.toml
(read and checked by fieldreport.aliases, which has no NLP, so the store's filters share it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
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
    # How the text uses the name when it is not as a party: 'holder' ("IS-held town", "held by rebels"),
    # 'sponsor' ("Daesh-linked agency", "Russian-made missiles"), 'source' (the subject of a citation),
    # 'means' (who used a means of war: "Russian airstrikes"; it names who struck, not a side of a battle);
    # 'member' is used while finding mentions only: "X-linked" before another group's name is a sponsor,
    # before a common noun ("QSD-affiliated women") the name of the group they belong to
    qualifier: str | None = None

    @property
    def is_partisan(self) -> bool:
        return self.actor is None

    @property
    def can_act(self) -> bool:
        """False for a name that only qualifies something else: a place's holder, a sponsor, a cited source."""
        return self.qualifier is None


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
    qualifiers: dict[str, str] = field(default_factory=dict)  # 'held' -> holder, 'linked' -> sponsor
    state_words: set[str] = field(default_factory=set)  # 'government', 'regime': the state, before a means word
    means: set[str] = field(default_factory=set)  # lemmas of what forces strike with: 'plane', 'airstrike'
    anaphora: dict[str, set[str]] = field(default_factory=dict)  # 'pronouns' and 'nouns' that refer back

    def refers_back(self, subject: Token) -> bool:
        """'They recaptured the road', 'the bomber blew himself up': a subject standing for an actor named before."""
        if subject.lower_ in self.anaphora.get("pronouns", set()):
            return True
        return subject.lower_ in self.anaphora.get("nouns", set()) and any(
            c.dep_ == "det" and c.lower_ == "the" for c in subject.children)

    def force_named_by(self, word: str) -> Actor | None:
        """The military a word before a means of war names: 'government' (planes) the home state's, as
        'government forces' does; 'Russian' (airstrikes) Russia's, as 'Russian forces' does; 'coalition'
        (airstrikes) the coalition, as 'coalition forces' does."""
        name = self.aliases.get(f"{word.lower()} forces")
        return self.actors.get(name) if name else None

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
    state_words = {word.lower() for word in world.get("state_words", [])}
    generic_forces = {word.lower(): kind for kind in FORCE_KINDS for word in world.get(kind, [])}
    generic_forces.update(dict.fromkeys(state_words, "military"))
    qualifiers = {word.lower(): kind for kind, words in data.get("qualifiers", {}).items() for word in words}
    return ActorDictionary(actors, dict(names.aliases), dict(names.codes),
                           [label.lower() for label in partisan["labels"]], default,
                           label_sides, [cue.lower() for cue in attribution.get("before", [])],
                           [cue.lower() for cue in attribution.get("after", [])], generic_forces, qualifiers,
                           state_words, {word.lower() for word in world.get("means", [])},
                           {kind: {w.lower() for w in words} for kind, words in data.get("anaphora", {}).items()})


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
        named = {(span.start, span.end) for span in spans}
        mentions = []
        for span in filter_spans(spans + self.forces_by_means(doc)):
            name = span.label_
            actor = None if name == "__partisan__" else self.dictionary.actors[name]
            qualifier = qualifier_of(span, self.dictionary.qualifiers) if (span.start, span.end) in named else "means"
            mentions.append(ActorMention(span, actor, qualifier))
        mentions.sort(key=lambda m: m.span.start)
        for index, mention in enumerate(mentions):
            following = mentions[index + 1] if index + 1 < len(mentions) else None
            if mention.qualifier == "member":
                # 'the al-Qaeda-linked al-Nusra Front': Nusra acts; 'QSD-affiliated women': the name stands for them
                names_group = following is not None and following.span.start <= mention.span.end + 3 \
                    and following.actor is not None and not following.actor.generic \
                    and following.actor.inter not in NON_COMBATANTS
                mention.qualifier = "sponsor" if names_group else None
        return mentions

    def forces_by_means(self, doc: Doc) -> list[Span]:
        """'government planes', 'regime-bombardment', 'Russian airstrikes': a state word or a demonym that
        qualifies a means of war names the forces that used it, though the phrase is no alias."""
        spans = []
        for token in doc:
            actor = self.dictionary.force_named_by(token.text)  # a lookup: few words name a force
            if actor is not None and qualifies_means(token, self.dictionary.means):
                spans.append(Span(doc, token.i, token.i + 1, label=actor.name))
        return spans


def qualifies_means(token: Token, means: set[str]) -> bool:
    """The word modifies a means of war in the parse, or stands right before one ('government shelling',
    'regime-bombardment')."""
    head = token.head
    if token.dep_ in MEANS_MODIFIER_DEPS and head.i > token.i and head.lemma_.lower() in means:
        return True
    doc = token.doc
    at = token.i + 2 if token.i + 2 < len(doc) and doc[token.i + 1].text == "-" else token.i + 1
    if at >= len(doc):
        return False
    after = doc[at]
    return after.lemma_.lower() in means and (after.pos_ == "NOUN" or after.tag_ == "VBG")


NON_COMBATANTS = {5, 6, 7}  # rioters, protesters, civilians (ACLED inter codes)
MEANS_MODIFIER_DEPS = {"amod", "compound", "nmod", "npadvmod"}


def qualifier_of(span: Span, qualifiers: dict[str, str]) -> str | None:
    """'holder' or 'sponsor' when the name only qualifies what follows ('IS-held', 'Daesh-linked') or
    follows a holder's participle ('held by rebels', 'controlled by Syria's rebels')."""
    doc = span.doc
    if span.end + 1 < len(doc) and doc[span.end].text == "-":
        return qualifiers.get(doc[span.end + 1].lower_)
    by = span.root.head
    if by.lower_ == "by" and by.head.i != by.i and qualifiers.get(by.head.lower_) == "holder":
        return "holder"
    return None


@lru_cache(maxsize=1)
def default_dictionary() -> ActorDictionary:
    return load_actor_dictionary()
