"""Toponym recognition: spaCy's entities, gazetteer phrase matches and cue patterns, combined.

spaCy's small model labels many Syrian villages PERSON or ORG ("Bireh Armanaz", "Bab al-Hawa"),
so its labels alone are not trusted: a capitalised name after a place cue ("the village of X",
"near X", "X airbase") or one the gazetteer knows is a toponym whatever its entity label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy
from anyascii import anyascii
from spacy.attrs import LOWER, NORM, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from fieldreport.rules import word_map, word_sequence, word_set

DIRECTIONS = word_map("places", "directions")
CUE_NOUNS_BEFORE = word_set("places", "cue_nouns_before")
WHOLE_NAME_ENDINGS = word_set("places", "whole_name_endings")
CUE_NOUNS_AFTER = word_set("places", "cue_nouns_after")
CUE_SUFFIXES = tuple(f" {word}" for word in word_sequence("places", "cue_suffixes"))
NAME_GLUE = word_set("places", "name_glue")
PLACE_LABELS = {"GPE", "LOC", "FAC"}
NOT_NAMES = word_set("places", "not_names") | frozenset(word_sequence("dates", "weekdays"))
GENERIC_WORDS = word_set("places", "generic_words")
LIST_SEPARATORS = word_set("places", "list_separators")
PLURAL_CUES = word_set("places", "plural_cues")
NAME_HEADS = word_set("places", "name_heads")
RURAL_WORDS = frozenset({"rural"})  # 'rural Damascus': the countryside of the governorate named

NORM_CACHE_LIMIT = 200_000  # distinct words whose folded norm is kept


@dataclass
class PlaceMention:
    """A toponym in the text. `name` drops the direction ("Southern Aleppo" -> "Aleppo")."""

    span: Span
    name: str
    direction: str | None = None
    cue: str | None = None  # the noun that marked it, e.g. "village", "airbase", "province"
    source: str = "ner"  # ner | gazetteer | cue

    @property
    def start(self) -> int:
        return self.span.start


class PlaceFinder:
    """Finds toponym mentions; `known_names` are gazetteer names matched case-insensitively."""

    def __init__(self, nlp: Language, known_names: list[str], possessive_stems: Iterable[str] = (),
                 possessive_countries: Iterable[str] = ()) -> None:
        """`possessive_stems`: names also read in a possessive written without its apostrophe, as news
        copied without them writes it ('Aleppos southern countryside'). `possessive_countries`: names
        whose bare possessive only ends a name before it ('Syrias Qalamoun' is Qalamoun): 'Syrias civil
        war' names no place an event happened in."""
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.bare_countries = bare_possessive_ids(possessive_countries)
        self.bare_possessives = bare_possessive_ids(possessive_stems) - self.bare_countries
        self.whole_names = frozenset(name.lower() for name in known_names if is_whole_name(name))
        patterns = [with_folded_norms(nlp.make_doc(form)) for name in known_names if usable_name(name)
                    for form in written_forms(name)]
        for start in range(0, len(patterns), 5000):
            self.matcher.add("PLACE", patterns[start:start + 5000])
        self.norm_ids: dict[int, int] = {}  # folded norms of the words seen, for with_folded_norms

    def __call__(self, doc: Doc, excluded: list[Span]) -> list[PlaceMention]:
        blocked = {i for span in excluded for i in range(span.start, span.end)}
        with_folded_norms(doc, self.norm_ids)
        candidates: list[tuple[Span, str]] = []
        for _, start, end in self.matcher(doc):
            span = doc[start:end]
            if len(span.text) <= 2 and not span.text.isupper():
                continue  # 'us' is no 'US'
            if span[0].text[0].isupper() or span[0].lower_ in NAME_GLUE:  # "Dar'a" is no str.istitle()
                candidates.append((name_going_on(span), "gazetteer"))
        candidates += [(part, "ner") for ent in doc.ents if ent.label_ in PLACE_LABELS for part in comma_parts(ent)]
        candidates += [(span, "cue") for span in cue_spans(doc)]
        known = {i for span, source in candidates if source == "gazetteer" for i in range(span.start, span.end)}
        bare = {t.i for t in tokens_with(doc, LOWER, self.bare_possessives) if t.is_title and t.i not in known}
        opening = bare | {t.i for t in tokens_with(doc, LOWER, self.bare_countries) if t.is_title and t.i not in known}
        candidates = [(span[1:] if span.start in opening and len(span) > 1 else span, source)
                      for span, source in candidates]  # 'Syrias Qalamoun' (an entity) is Qalamoun, in Syria
        candidates += [(doc[i:i + 1], "gazetteer") for i in sorted(bare)]
        spans = []
        sources = {}
        for span, source in candidates:
            span = with_direction(trim(span))
            if span is None or any(i in blocked for i in range(span.start, span.end)):
                continue
            spans.append(span)
            sources.setdefault((span.start, span.end), source)
        spans += listed_with(doc, filter_spans(spans), blocked)
        mentions = []
        for span in filter_spans(spans):
            mention = make_mention(span, sources.get((span.start, span.end), "ner"), span.start in bare)
            if mention and mention.name != span.text and span.text.lower() in self.whole_names:
                mention.name, mention.direction = span.text, None  # 'South Korea', 'Cape Town': one name
                mention.cue = None if mention.cue in WHOLE_NAME_ENDINGS else mention.cue
            if mention:
                mentions.append(mention)
        return mentions


def bare_possessive_ids(names: Iterable[str]) -> frozenset[int]:
    """Hashes of the lower-cased possessives without apostrophe ('aleppos') of one-word names."""
    return frozenset(get_string_id(f"{name.lower()}s") for name in names if name.isalpha() and len(name) >= 4)


def name_going_on(span: Span) -> Span:
    """A known name that ends in a word that opens Arabic place names ('Khan', 'Tel', 'Deir') goes on
    over the capitalised words after it: 'Khan Tuman', 'Tel Abyad', not the 'Khan' the gazetteer knows."""
    doc = span.doc
    if span[-1].lower_ not in NAME_GLUE or span.end >= len(doc) or not doc[span.end].is_title:
        return span
    if span.start > 0 and doc[span.start - 1].is_title and not doc[span.start].is_sent_start:
        return span  # 'Imran Khan Niazi': a surname, not the head of a place name
    whole = name_tokens_from(span[0])
    return whole if whole is not None and whole.end > span.end else span


def is_whole_name(name: str) -> bool:
    """A name that opens with a direction or ends in a cue word is one name: 'South Korea', 'Cape Town'
    (make_mention would otherwise read 'Korea' with a direction, 'Cape' with a cue)."""
    words = name.lower().split()
    return bool(words) and (words[0] in DIRECTIONS or words[-1] in WHOLE_NAME_ENDINGS)


def listed_with(doc: Doc, spans: list[Span], blocked: set[int]) -> list[Span]:
    """Names listed beside a known place are places too: 'in Hseiniyeh, Kafir Elzeit, and Kafr Elawamid',
    'Maraanaz, and Kaljibrin villages' (the small model tags few of these villages)."""
    found: list[Span] = []
    known = {i for span in spans for i in range(span.start, span.end)}
    other_kinds = {i for ent in doc.ents if ent.label_ in NOT_PLACE_LABELS for i in range(ent.start, ent.end)}
    for span in spans:
        for step in (1, -1):
            current = span
            while (nxt := list_neighbour(doc, current, step)) is not None:
                if any(i in known or i in blocked for i in range(nxt.start, nxt.end)):
                    break
                if any(i in other_kinds for i in range(nxt.start, nxt.end)) and not cued_list(doc, span, nxt):
                    break  # 'Lindsay and Charlotte', 'AC Milan and Inter': people and teams, not places
                found.append(nxt)
                known.update(range(nxt.start, nxt.end))
                current = nxt
    return found


NOT_PLACE_LABELS = {"PERSON", "ORG", "NORP", "LANGUAGE", "DATE", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT"}


def cued_list(doc: Doc, first: Span, other: Span) -> bool:
    """A list a plural place noun names or 'in' opens: 'the villages of A, B and C', 'A, B and C counties',
    'clashes in A, B and C' (the small model calls many such villages people)."""
    start, end = min(first.start, other.start), max(first.end, other.end)
    before = doc[max(start - 2, 0):start]
    after = doc[end:end + 1]
    opened = start > 0 and doc[start - 1].lower_ in ("in", "at")
    return opened or any(t.lower_ in PLURAL_CUES for t in before) or any(t.lower_ in PLURAL_CUES for t in after)


def list_neighbour(doc: Doc, span: Span, step: int) -> Span | None:
    """The capitalised name one list separator after (step 1) or before (step -1) a span, if any."""
    i = span.end if step == 1 else span.start - 1
    separators = 0
    while 0 <= i < len(doc) and doc[i].lower_ in LIST_SEPARATORS and separators < 2:
        i += step
        separators += 1
    if not separators or not 0 <= i < len(doc) or not doc[i].is_title or doc[i].is_sent_start:
        return None
    name = name_tokens_from(doc[i]) if step == 1 else name_before(doc, i + 1)
    if name is None or len(name) > 5 or any(t.lower_ in NOT_NAMES or t.lower_ in DIRECTIONS for t in name):
        return None
    return name


def city_of_quarter(name: str) -> str | None:
    """The city of a 'City - Quarter' name, as ACLED writes them: 'Aleppo - International Airport' -> 'Aleppo'."""
    city, dash, _ = name.partition(" - ")
    return city.strip() if dash and len(city.strip()) >= 3 else None


def written_forms(name: str) -> list[str]:
    """A multi-word name as written with spaces and with hyphens ('Deir ez Zor', 'Deir-ez-Zor'): the
    tokenizer splits hyphens off as tokens of their own, which a phrase pattern must also have."""
    words = name.replace("-", " ").split()
    forms = [name, " ".join(words), "-".join(words)] if len(words) > 1 else [name]
    return list(dict.fromkeys(forms))


APOSTROPHES = re.compile(r"['’‘`ʿʾ´]")


def with_folded_norms(doc: Doc, norm_ids: dict[int, int] | None = None) -> Doc:
    """Set each token's NORM to a folded form ("Dar'a" -> "dara", "Ḩarastā" -> "harasta") so that
    gazetteer names match whatever apostrophes and diacritics the text uses. Runs after the
    statistical components, which read NORM, so their predictions are unaffected.

    The norms are written as one array; `norm_ids` keeps each word's norm (ORTH id -> NORM id) across
    the documents of one vocabulary, so a word is folded once per run.
    """
    if not len(doc):
        return doc
    strings = doc.vocab.strings
    known = {} if norm_ids is None else norm_ids
    if len(known) > NORM_CACHE_LIMIT:
        known.clear()
    orths = doc.to_array(ORTH).tolist()
    for orth in orths:
        if orth not in known:
            text = strings[orth]
            known[orth] = strings.add(folded(text) or text.lower())
    doc.from_array([NORM], numpy.array([known[orth] for orth in orths], dtype="uint64"))
    return doc


@lru_cache(maxsize=1 << 16)
def folded(text: str) -> str:
    """ASCII, lower case, no apostrophes: 'Ḩarastā' -> 'harasta' (cached: news repeats its words)."""
    return APOSTROPHES.sub("", anyascii(text)).lower()


def usable_name(name: str) -> bool:
    """A name worth matching as a phrase: three letters or more, or an abbreviation like 'EU', 'UK'."""
    long_enough = len(name) >= 3 or (len(name) == 2 and name.isupper() and name.isalpha())
    return long_enough and name.lower() not in NOT_NAMES and any(c.isalpha() for c in name)


def comma_parts(span: Span) -> list[Span]:
    """An entity the model ran across a comma, 'Thruxton, Hampshire' or 'Donington Park, Leicestershire',
    is a place and its area: one span each."""
    cuts = [t.i for t in span if t.text == ","]
    if not cuts:
        return [span]
    bounds = [span.start, *cuts, span.end]
    return [span.doc[a + (a != span.start):b] for a, b in zip(bounds, bounds[1:], strict=False)
            if b > a + (a != span.start)]


def trim(span: Span) -> Span | None:
    """Drop leading determiners and trailing possessives/punctuation; None if nothing name-like is left."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_punct or is_possessive(doc[end - 1]) or doc[end - 1].is_space):
        end -= 1
    if start >= end or not any(any(c.isalpha() for c in t.text) and t.lower_ not in NOT_NAMES
                               for t in doc[start:end]):
        return None
    return doc[start:end]


def is_possessive(token: Token) -> bool:
    """A possessive ending; without a tagger (geoparsing runs NER only) judged by its spelling."""
    return token.tag_ == "POS" or (not token.tag_ and token.lower_ in ("'s", "’s"))


def inside_person_name(span: Span, people: list[Span]) -> bool:
    """True when the span is part of a longer PERSON entity: 'Washington' in 'George Washington'.

    A name the entity is exactly (spaCy calls many Syrian villages PERSON) is not filtered.
    """
    return any(p.start <= span.start and span.end <= p.end and len(p) > len(span) for p in people)


def with_direction(span: Span | None) -> Span | None:
    """Extend a span to take in a direction word right before it ("Southern" + "Aleppo")."""
    if span is None:
        return None
    before = span.doc[span.start - 1] if span.start > 0 else None
    if before is not None and before.lower_ in DIRECTIONS and (before.is_title or before.lower_.endswith("ern")):
        return span.doc[span.start - 1:span.end]  # "Southern Aleppo", "in eastern Hama"
    if before is not None and before.lower_ in RURAL_WORDS and span[0].lower_ not in RURAL_WORDS:
        return span.doc[span.start - 1:span.end]  # "in rural Damascus", "rural Hama"
    return span


def name_tokens_from(token: Token) -> Span | None:
    """The capitalised name that starts at `token`: 'Bireh Armanaz', 'al-Halbah', "Ma'arat Shamarin"."""
    doc = token.doc
    end = token.i
    while end < len(doc):
        current = doc[end]
        if current.text == "(" and end + 2 < len(doc) and doc[end + 2].text == ")":
            end += 3  # "Tal (hill) Motilat"
            continue
        if current.is_title or current.is_upper and current.is_alpha or (
            current.lower_ in NAME_GLUE and end + 1 < len(doc) and (doc[end + 1].is_title or doc[end + 1].text == "-")
        ) or (current.text in ("-", "'") and end > token.i):
            end += 1
            continue
        break
    while end > token.i and (doc[end - 1].text in ("-", "'") or doc[end - 1].lower_ in NAME_GLUE):
        end -= 1
    if end - 1 > token.i and doc[end - 1].lower_ in DIRECTIONS and end < len(doc) and doc[end].lower_ == "of":
        end -= 1  # "Maseh West of the town of al-Zaman": the direction places it, it is no part of its name
    if end == token.i or doc[token.i].lower_ in NOT_NAMES:
        return None
    return doc[token.i:end]


# Words that can open a cue pattern in `cue_spans`, by hash, to screen a document without Token objects.
CUE_WORDS = frozenset(get_string_id(word) for word in
                      CUE_NOUNS_BEFORE | CUE_NOUNS_AFTER | NAME_HEADS | {"near", "outside", "around", "in"})


def tokens_with(doc: Doc, attr: int, word_ids: frozenset[int]) -> list[Token]:
    """The tokens whose `attr` (ORTH, LOWER) is one of `word_ids` (string hashes), read from one array:
    cheaper than a Token object per word when few words qualify."""
    return [doc[i] for i, value in enumerate(doc.to_array(attr).tolist()) if value in word_ids]


def cue_spans(doc: Doc) -> list[Span]:
    """Names marked by a cue: 'the village of X', 'near X', 'X airbase', 'Tal (hill) X', 'Tel Abyad'."""
    spans = []
    for token in tokens_with(doc, LOWER, CUE_WORDS):
        nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if nxt is None:
            continue
        if token.lower_ in CUE_NOUNS_BEFORE and nxt.lower_ == "of" and token.i + 2 < len(doc):
            span = name_tokens_from(doc[token.i + 2])
        elif token.lower_ in ("near", "outside", "around") and (nxt.is_title or nxt.lower_ in NAME_GLUE):
            span = name_tokens_from(nxt)
        elif token.lower_ == "in" and token.i > 1 and doc[token.i - 1].is_title and (nxt.is_title or nxt.lower_ in (
                "the", "rural")) and not doc[token.i - 1].is_sent_start:
            span = name_before(doc, token.i)  # "shelled Ein Issa in Ar Raqqa countryside"
        elif token.lower_ in CUE_NOUNS_AFTER and token.i > 0 and doc[token.i - 1].is_title:
            span = name_before(doc, token.i, at_sentence_start=True)  # "Abu al-Dhohour airbase"
        elif token.lower_ in NAME_HEADS and token.is_title and (nxt.is_title or glued_on(doc, nxt.i)) and (
                token.i == 0 or not doc[token.i - 1].is_title):
            span = name_tokens_from(token)  # "Tel Abyad", "Kafr Nabl", "Jabal al-Akrad"
            span = span if span is not None and len(span) >= 2 else None
        else:
            continue
        if span is not None and len(span) <= 8:
            spans.append(span)
    return spans


def glued_on(doc: Doc, i: int) -> bool:
    """True when token `i` is name glue that a capitalised word follows: 'al-Akrad', 'al Zawiya'."""
    j = i + 1
    while j < len(doc) and doc[j].text == "-" and j - i < 2:
        j += 1
    return doc[i].lower_ in NAME_GLUE and j < len(doc) and doc[j].is_title


def name_before(doc: Doc, end: int, at_sentence_start: bool = False) -> Span | None:
    """The capitalised name that ends right before token `end`; one opening the sentence counts
    only when asked ("Harasta region was shelled", not "Meanwhile in ...")."""
    start = end - 1
    while start > 0 and (doc[start - 1].is_title or doc[start - 1].lower_ in NAME_GLUE
                         or doc[start - 1].text in ("-", "'")) and not doc[start - 1].is_sent_start:
        start -= 1
    if doc[start].is_sent_start and start == end - 1 and not at_sentence_start:
        return None
    return name_tokens_from(doc[start])


def area_after_possessive(span: Span, bare: bool = False) -> Token | None:
    """The area noun of "Hama's northern countryside", "Idlib's countryside" ("Aleppos southern
    countryside" when `bare`, the possessive written without its apostrophe): the name is that area's."""
    doc = span.doc
    i = span.end
    if not bare:
        if i >= len(doc) or doc[i].lower_ not in ("'s", "’s", "'"):
            return None
        i += 1
    if i < len(doc) and doc[i].lower_ in DIRECTIONS:
        i += 1
    if i >= len(doc) or doc[i].lower_ not in CUE_NOUNS_AFTER:
        return None
    return None if i + 1 < len(doc) and doc[i + 1].lower_ == "of" else doc[i]  # "Syria's town of Serghaya"


def directed_cue_after(span: Span) -> tuple[str, str] | None:
    """(area noun, direction) when directions written after the name lead to an area noun: 'Hama north
    eastern countryside', 'Idleb southern countryside', 'Aleppo south-western countryside'. The model
    often runs the name over the first direction ('Hama south'), so its lower-case tail counts too."""
    doc = span.doc
    start = span.end
    while start > span.start + 1 and doc[start - 1].lower_ in DIRECTIONS and not doc[start - 1].is_title:
        start -= 1
    words = []
    i = start
    while i < len(doc) and (doc[i].lower_ in DIRECTIONS or doc[i].text == "-") and len(words) < 3:
        if doc[i].text != "-":
            words.append(doc[i].lower_.replace("-", ""))
        i += 1
    if not words or i >= len(doc) or doc[i].lower_ not in CUE_NOUNS_AFTER:
        return None
    if i + 1 < len(doc) and doc[i + 1].lower_ == "of":
        return None  # 'Idlib south countryside of X' is no countryside of Idlib
    joined = "".join(DIRECTIONS.get(word, word) for word in words)
    direction = DIRECTIONS.get(joined) or DIRECTIONS[words[-1]]
    return doc[i].lower_, direction


def make_mention(span: Span, source: str, bare_possessive: bool = False) -> PlaceMention | None:
    """The mention a span names; `bare_possessive`: a one-word span like 'Syrias' names 'Syria'."""
    tokens = list(span)
    direction = None
    rural = len(tokens) > 1 and tokens[0].lower_ in RURAL_WORDS and not tokens[0].is_title
    if rural:
        tokens = tokens[1:]  # 'rural Damascus', as ACLED writes the governorate around a city
    if tokens and tokens[0].lower_ in DIRECTIONS and len(tokens) > 1:
        direction = DIRECTIONS[tokens[0].lower_]
        tokens = tokens[1:]
    trailing = directed_cue_after(span)
    if trailing is not None:  # 'Hama south' of 'Hama south western countryside': the model ran on
        while len(tokens) > 1 and (tokens[-1].lower_ in DIRECTIONS or tokens[-1].text == "-") \
                and not tokens[-1].is_title:
            tokens = tokens[:-1]
    text = span.doc[tokens[0].i:tokens[-1].i + 1].text
    name = re.sub(r"\s*\((hill|mount|village|town)\)\s*", " ", text, flags=re.I).strip()
    cue = None
    after = span.doc[span.end] if span.end < len(span.doc) else None
    before = span.doc[span.start - 2] if span.start >= 2 and span.doc[span.start - 1].lower_ == "of" else None
    if bare_possessive:
        name = name[:-1]
    area = area_after_possessive(span, bare_possessive)
    if rural:
        cue = "countryside"
    elif area is not None:
        cue, direction = area.lower_, direction or DIRECTIONS.get(area.nbor(-1).lower_)
    elif after is not None and after.lower_ in CUE_NOUNS_AFTER:
        cue = after.lower_
    elif trailing is not None:
        cue, direction = trailing[0], direction or trailing[1]
    elif before is not None and before.lower_ in CUE_NOUNS_BEFORE:
        cue = before.lower_
    for suffix in CUE_SUFFIXES:
        if name.lower().endswith(suffix):
            name, cue = name[: -len(suffix)], suffix.strip()
    if not name or name.lower() in NOT_NAMES or name.lower() in GENERIC_WORDS:
        return None
    return PlaceMention(span, name, direction, cue, source)
