"""Whether a place the text names is where an event happened, or plays another part in the sentence.

An event's place is where it happened. A place can also be named as an actor's sponsor ("US-backed
fighters"), as where talks were held ("talks in Astana"), where a speaker is ("an activist in Deir
al-Zor told Reuters"), a dateline ("DAMASCUS, (SANA)-"), a cited source read as a place, or a state
acting ("Washington blames", "Moscow denied"). The extractor leaves such places out of the places an
event can take. A place abroad is kept only when a preposition puts something there ("in northern
Iraq"): in a Syrian report, 'US' and 'Russia' are almost always the states, not places.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from spacy.tokens import Span, Token

from fieldreport.geo.gazetteer import COUNTRY
from fieldreport.geo.location import Location
from fieldreport.geo.toponyms import Toponym
from fieldreport.mentions.places import NAME_HEADS
from fieldreport.rules import word_set

AFFILIATION_WORDS = word_set("geo", "affiliation_words")
TALKS_NOUNS = word_set("geo", "talks_nouns")
MEETING_VERBS = word_set("geo", "meeting_verbs")
SPEAKER_NOUNS = word_set("geo", "speaker_nouns")
LOCATIVE_PREPOSITIONS = word_set("geo", "locative_prepositions")
PLACE_SUBJECT_VERBS = word_set("geo", "place_subject_verbs")
NEWS_AGENCIES = word_set("geo", "news_agencies")
ORGANISATION_WORDS = word_set("geo", "organisation_words")
ORGANISATION_REACH = 4  # capitalised words after a place that may still belong to a body's name
SPEECH_LEMMAS = word_set("sources", "speech_lemmas")
PLACE_PARTS = word_set("geo", "place_parts")
VANTAGE_WORDS = word_set("geo", "vantage_words")
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod", "poss"})
DATELINE_GAP = 3  # tokens between a place and the agency that makes it a dateline


def event_places(places: list[tuple[Toponym, Location]], home: Collection[str],
                 sources: Sequence[Span] = ()) -> list[tuple[Toponym, Location]]:
    """The places of a sentence that may be where an event happened. A speaker's place ('activists in
    Deir Ezzor said') is left out only when the sentence names another: often it is where they saw it."""
    roles = [place_role(toponym, location, home, sources) for toponym, location in places]
    others = any(role is None for role in roles)
    return [pair for pair, role in zip(places, roles, strict=True)
            if role is None or (role in WEAK_ROLES and not others)]


WEAK_ROLES = frozenset({"speaker"})


def place_role(toponym: Toponym, location: Location, home: Collection[str],
               sources: Sequence[Span] = ()) -> str | None:
    """Why the place is not where an event happened ('affiliation', 'talks', 'speaker', 'vantage', 'dateline',
    'source', 'organisation', 'state', 'abroad'), or None when it may be. `home`: the countries the report is
    about."""
    span = toponym.mention.span
    head = first_conjunct(span.root)
    checks = (
        ("affiliation", lambda: affiliation(span, head)),
        ("dateline", lambda: dateline(span)),
        ("source", lambda: any(is_whole_source(span, source) for source in sources)),
        ("organisation", lambda: names_organisation(span)),
        ("talks", lambda: talks_place(head)),
        ("speaker", lambda: speaker_place(head)),
        ("vantage", lambda: vantage_point(head)),
        ("state", lambda: speaks_for_state(location, toponym, head)),
        ("abroad", lambda: bool(location.country_code) and location.country_code not in home
                   and not located_at(head, toponym)),
    )
    return next((role for role, check in checks if check()), None)


def first_conjunct(token: Token) -> Token:
    """The first of a list the token is in: 'Russia' of 'the US and Russia' is read like 'the US'."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token


def affiliation(span: Span, head: Token) -> bool:
    """'US-backed', 'U.S.-led', 'Britain-based', 'backed by Russia'."""
    doc = span.doc
    if span.end + 1 < len(doc) and doc[span.end].text == "-" and doc[span.end + 1].lower_ in AFFILIATION_WORDS:
        return True
    if head.dep_ in MODIFIER_DEPS and head.head.lower_ in AFFILIATION_WORDS:
        return True
    if head.dep_ == "pobj" and head.head.lower_ == "by":
        verb = head.head.head
        return verb.lower_ in AFFILIATION_WORDS or verb.lemma_ in AFFILIATION_WORDS
    return False


def dateline(span: Span) -> bool:
    """A place opening a line or sentence with a news agency's name right after it: 'DAMASCUS, (SANA)-',
    'Deir al-Zor Syrias SANA' (not 'killed in northern Syria Reuters', a headline and its outlet)."""
    doc = span.doc
    opening = span.start == 0 or span[0].is_sent_start or doc[span.start - 1].is_space or "\n" in doc[
        span.start - 1].text_with_ws
    if not opening:
        return False
    for token in doc[span.end:span.end + DATELINE_GAP + 1]:
        if token.text in NEWS_AGENCIES:
            return True
        if token.is_sent_start or not (token.is_punct or token.is_title or token.is_space):
            return False
    return False


def names_organisation(span: Span) -> bool:
    """The place opens the name of a body: 'Aleppo Police Command', 'the Syrian Observatory for Human
    Rights', 'Deir Ezzor Military Council'."""
    doc = span.doc
    end = span.end
    while end < len(doc) and (doc[end].is_title or doc[end].is_upper or doc[end].lower_ in ("for", "of", "and")) \
            and end - span.end < ORGANISATION_REACH:
        end += 1
    return any(t.lower_ in ORGANISATION_WORDS for t in doc[span.start:end] if t.is_title or t.is_upper)


def is_whole_source(span: Span, source: Span) -> bool:
    """The place is the cited source itself ('the Syrian Observatory for Human Rights reported'); not
    when the source is the tail of a name opened by an Arabic place word, read as a verb's object
    ('the city of Tell Abiad', whose 'Tell' the parser took for the verb)."""
    words = [t for t in source if t.lower_ not in ("the", "a", "an")]
    if words and words[0].i > span.start and span[0].lower_ in NAME_HEADS:
        return False
    return bool(words) and span.start <= words[0].i and words[-1].i < span.end


def governing(token: Token) -> tuple[str, Token] | None:
    """(preposition, what it attaches to) when the token is a preposition's object."""
    if token.dep_ == "pobj" and token.head.dep_ == "prep":
        return token.head.lower_, token.head.head
    return None


def talks_place(head: Token) -> bool:
    """'talks in Astana', 'the Astana talks', 'delegations met in Geneva', 'talks held in Sochi'."""
    if head.dep_ in MODIFIER_DEPS and head.head.lemma_.lower() in TALKS_NOUNS:
        return True
    attached = governing(head)
    if attached is None or attached[0] not in ("in", "at"):
        return False
    target = attached[1]
    if target.pos_ in ("NOUN", "PROPN"):
        return target.lower_ in TALKS_NOUNS or target.lemma_.lower() in TALKS_NOUNS
    if target.lemma_ not in MEETING_VERBS:
        return False
    related = [*target.children, target.head]
    talks = any(t.lower_ in TALKS_NOUNS for t in related if t.i != target.i)
    return target.lemma_ in ("meet", "gather", "convene", "negotiate") or talks


def speaker_place(head: Token) -> bool:
    """'an activist in Deir al-Zor told Reuters', 'he said by telephone from Britain'."""
    attached = governing(head)
    if attached is None or attached[0] not in ("in", "from", "at"):
        return False
    target = attached[1]
    if target.pos_ in ("NOUN", "PROPN"):
        return target.lower_ in SPEAKER_NOUNS
    return target.lemma_ in SPEECH_LEMMAS and attached[0] == "from"


def vantage_point(head: Token) -> bool:
    """'gunfire audible from the town of Akcakale', 'smoke could be seen from Kilis': where someone heard or saw
    a fight, not where it was."""
    attached = governing(head)
    if attached is not None and attached[0] == "of" and attached[1].lower_ in PLACE_PARTS:
        attached = governing(attached[1])  # 'from the town of Akcakale'
    return attached is not None and attached[0] in ("from", "in", "across") \
        and attached[1].lemma_.lower() in VANTAGE_WORDS


def speaks_for_state(location: Location, toponym: Toponym, head: Token) -> bool:
    """A country or a capital that acts: 'Washington blames', 'Moscow denied', 'the US and Russia
    announced a deal', 'the Syrian government, Moscow and the coalition reserve the right'."""
    if not (location.level == COUNTRY or is_capital(toponym, location)):
        return False
    return head.dep_ == "nsubj" and head.head.lemma_ not in PLACE_SUBJECT_VERBS


def is_capital(toponym: Toponym, location: Location) -> bool:
    return any(c.feature_code == "PPLC" and c.geonameid == location.geonameid for c in toponym.candidates)


def located_at(head: Token, toponym: Toponym) -> bool:
    """True when the text puts something at the place: a locative preposition's object ('in northern
    Iraq', 'across Iraq'), a place called a town or village, or one placed relative to another."""
    mention = toponym.mention
    if mention.cue or toponym.relation:
        return True
    if head.dep_ in MODIFIER_DEPS and head.head.lower_ in PLACE_PARTS:
        head = head.head  # 'into Tres Rios territory', 'in Aleppo city'
    attached = governing(head)
    if attached is not None and attached[0] == "of" and attached[1].lower_ in PLACE_PARTS:
        return True  # 'off the coast of Nigeria', 'gripped parts of Pretoria'
    return attached is not None and attached[0] in LOCATIVE_PREPOSITIONS
