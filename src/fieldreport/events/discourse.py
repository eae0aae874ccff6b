"""Discourse: whether the clause of an event word reports news of the period the article covers, or background.

A news article tells its news with the history around it: "More than 300,000 people have been killed since the
conflict began in March 2011 with protests", "despite the regime's recapture of Aleppo late last year", "last
month's sarin attack". Those clauses name events that happened, but not in the period the article reports; coded
as news they become a 2011 protest with 300,000 dead. Such events get the modality `background`: kept with their
evidence, not counted as news.

The rule reads the clause of the event word, walking up from the word through the words that govern it, and
stops at the first thing that dates it:
- a time phrase attached on the way: news when it names the publication's days ("on Tuesday", "overnight", a
  date less than `far_days` before publication), background when it names a time well before ("in March 2011",
  "last year", "earlier this month", "in six years of conflict") or opens a span reaching back ("since 2013",
  "since the conflict began");
- the clause's tense and aspect: a pluperfect not backshifted by a reporting verb ("had captured"), a perfect that
  counts a toll ("has killed hundreds of thousands"), a habit ("is regularly targeted", "such attacks are common");
- a relative clause set off by a comma that describes a place or a group ("Aleppo, which the army retook").
A clause with none of these is news. Publication-relative rules are skipped when the publication date is unknown.
Words are in data/words/discourse.txt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from spacy.tokens import Span, Token

from fieldreport.events.modality import ModalityCues, modality_of
from fieldreport.mentions.dates import DAY_PRECISION, resolve_date
from fieldreport.nlp import entities_in
from fieldreport.rules import int_map, word_sequence, word_set

LIMITS = int_map("discourse", "limits")
NEWS_TIMES = word_set("discourse", "news_times") | frozenset(word_sequence("dates", "weekdays", size=7))
PAST_TIMES = word_set("discourse", "past_times")
LONG_UNITS = word_set("discourse", "long_units")
SINCE_WORDS = word_set("discourse", "since_words")
REPORTING_VERBS = word_set("discourse", "reporting_verbs")
CUMULATIVE_WORDS = word_set("discourse", "cumulative_words")
TOLL_VERBS = word_set("discourse", "toll_verbs")
HABITUAL = word_set("discourse", "habitual")
GENERIC_STATES = word_set("discourse", "generic_states")
MONTHS = word_set("dates", "months")
PAST_MARKERS = {"last", "previous"}
NEWS, BACKGROUND = "news", "background"
FACTUAL = ("occurred", "ongoing")
CLAUSE_ARGUMENTS = {"nsubj", "nsubjpass", "dobj", "attr"}
NOT_COUNTS = {"DATE", "TIME", "ORDINAL", "MONEY", "PERCENT"}  # "Sunday 9 Oct 2016" counts no dead
TIME_LABELS = {"DATE", "TIME"}
POINT_WORDS = {"this", "ago", "last", "next", "previous", "late", "early"}  # "last year" is a point, not a span
AGE_WORDS = {"its", "their", "his", "her"}  # "the war, now in its sixth year": an age, not a time of the event
NESTED_CLAUSES = {"relcl", "acl", "advcl", "ccomp", "xcomp"}
DESCRIBING_PRONOUNS = {"which", "who", "whom", "whose"}
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
NUMBER = re.compile(r"^\d[\d,.]*$")
FINITE_OR_PARTICIPLE = {"VBD", "VBN", "VBG", "VB", "VBP"}  # a verb that is a verb; a plural misread as VBZ is not


@dataclass(frozen=True)
class Verdict:
    """What dates a clause: NEWS or BACKGROUND, and the words that tell it."""

    kind: str
    cue: Span


def clause_modality(token: Token, published: date | None, cues: ModalityCues,
                    dated: Span | None = None) -> tuple[str, Span | None]:
    """The modality of an event word (events/modality.py), made `background` when its clause reports background;
    with the words that tell a background. `dated` is the date the event was given, by its own sentence or an
    earlier one: a clause that nothing on its way up dates ('Washington blames the government for the attack',
    'the SDF backed by coalition air strikes launched an offensive to retake Manbij on May 31') is as old as that
    date."""
    modality = modality_of(token, cues)
    if modality not in FACTUAL:
        return modality, None
    verdict = clause_verdict(token, published)
    if verdict is None and dated is not None and time_class(dated.text, published) == BACKGROUND:
        verdict = Verdict(BACKGROUND, dated)
    if verdict is not None and verdict.kind == BACKGROUND:
        return BACKGROUND, verdict.cue
    return modality, None


def clause_verdict(token: Token, published: date | None) -> Verdict | None:
    """The first thing that dates the event word's clause, walking up from the word; None if nothing does."""
    times = attached_times(token.sent, published)
    node = token
    for _ in range(12):
        verdict = time_verdict(node, times, published) or aspect_verdict(node)
        if verdict is not None:
            return verdict
        if node.head.i == node.i or node.dep_ == "ROOT":
            return None
        node = node.head
    return None


def time_verdict(node: Token, times: dict[int, list[Verdict]], published: date | None) -> Verdict | None:
    """What the time phrases attached to this word say; news wins over background at one word."""
    found = list(times.get(node.i, []))
    if not compares_with_past(node):
        found += [since_verdict(child, published) for child in node.children if opens_span(child)]
    if any(c.dep_ == "mark" and c.lower_ in SINCE_WORDS for c in node.children):
        found.append(since_verdict(node, published))  # the word heads a "since the conflict began" clause
    if node.dep_ in ("relcl", "acl", "advcl") and node.head.ent_type_ == "DATE":
        entity = entity_of(node.head)  # "since mid-2012 when rebels seized its eastern half"
        kind = time_class(entity.text, published)
        if kind is not None:
            found.append(Verdict(kind, entity))
    for kind in (NEWS, BACKGROUND):
        chosen = next((v for v in found if v.kind == kind), None)
        if chosen is not None:
            return chosen
    return None


def aspect_verdict(node: Token) -> Verdict | None:
    """Background told by the clause's tense, aspect or kind: a pluperfect, a toll, a habit, a description."""
    if node.pos_ not in ("VERB", "AUX"):
        return None
    children = list(node.children)
    perfect = [c for c in children if c.dep_ == "aux" and c.lemma_.lower() == "have"]
    if perfect and perfect[0].tag_ == "VBD" and node.dep_ in ("ROOT", "relcl") and not is_reported(node):
        return Verdict(BACKGROUND, node.doc[perfect[0].i:node.i + 1])  # "the army had retaken the town"
    if perfect and (counts_a_toll(node) or node.dep_ == "ROOT" and spans_long_time(node)):
        return Verdict(BACKGROUND, node.doc[perfect[0].i:node.i + 1])  # "has killed hundreds of thousands"
    anterior = perfect_participle(node)
    if anterior is not None:
        return Verdict(BACKGROUND, anterior)  # "with Iraqi forces having retaken Ramadi"
    habit = next((c for c in children if c.dep_ == "advmod" and c.lower_ in HABITUAL
                  or c.dep_ == "acomp" and c.lower_ in GENERIC_STATES), None)
    if habit is not None:
        return Verdict(BACKGROUND, node.doc[habit.i:habit.i + 1])  # "Douma is regularly targeted", "are common"
    if is_descriptive_clause(node):
        return Verdict(BACKGROUND, node.doc[node.i:node.i + 1])  # "Aleppo, which the army retook"
    return None


def perfect_participle(node: Token) -> Span | None:
    """'having retaken the cities': a perfect participle tells what was done before the time the sentence reports,
    the backdrop of its news (a news time attached to it is read first). So does the noun it is said of in an
    absolute phrase ('coalition airstrikes having retaken ...'), which the parser may take for a verb."""
    having = next((c for c in node.children if c.dep_ == "aux" and c.lower_ == "having"), None)
    if having is not None:
        return node.doc[having.i:node.i + 1]
    if node.tag_ in FINITE_OR_PARTICIPLE:
        return None
    clause = next((c for c in node.children if c.dep_ in ("xcomp", "acl")
                   and any(a.dep_ == "aux" and a.lower_ == "having" for a in c.children)), None)
    return None if clause is None else node.doc[node.i:clause.i + 1]


def attached_times(sentence: Span, published: date | None) -> dict[int, list[Verdict]]:
    """The sentence's dated time phrases by the word they modify: a preposition's phrase ('in March 2011') modifies
    the preposition's head, a bare one ('last year', "last month's") the word it hangs on."""
    times: dict[int, list[Verdict]] = {}
    for word in sentence:
        if not word.ent_type_ and word.lower_ in NEWS_TIMES:  # "killed in rocket fire overnight"
            times.setdefault(word.head.i, []).append(Verdict(NEWS, sentence.doc[word.i:word.i + 1]))
    for entity in entities_in(sentence):
        if entity.label_ not in TIME_LABELS:
            continue
        kind = NEWS if entity.label_ == "TIME" else time_class(entity.text, published)  # "at dawn", "24 hours"
        if kind is None:
            continue
        head = entity.root.head
        while head.dep_ in ("prep", "agent", "pcomp") and head.head.i != head.i:
            if head.lower_ in SINCE_WORDS and kind == BACKGROUND:
                break
            head = head.head
        if head.lower_ in SINCE_WORDS:
            head = head.head  # "since 2013": a span from then to now, background unless it starts within days
            if compares_with_past(head):
                continue
        times.setdefault(head.i, []).append(Verdict(kind, entity))
    return times


def opens_span(word: Token) -> bool:
    """'since the conflict began', 'since then': a preposition or a clause that reaches back to a start."""
    if word.dep_ == "prep" and word.lower_ in SINCE_WORDS:
        return not any(t.ent_type_ in TIME_LABELS for t in word.subtree)  # dated ones are read as time phrases
    return word.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in SINCE_WORDS for c in word.children)


def compares_with_past(word: Token) -> bool:
    """'the deadliest attack since 2016', 'the blast was the worst since the war began', 'the first strike on the
    town since March': a span on a superlative measures the event against the past; the event is not in it."""
    near = [word, *(c for c in word.children if c.dep_ in ("attr", "acomp", "amod", "nsubj"))]
    return any(t.tag_ == "JJS" or t.ent_type_ == "ORDINAL" or any(
        c.dep_ == "amod" and (c.tag_ == "JJS" or c.ent_type_ == "ORDINAL") for c in t.children) for t in near)


def since_verdict(word: Token, published: date | None) -> Verdict:
    """A span reaching back is background unless a time phrase in it names the news days ('since Tuesday')."""
    phrase = word.doc[word.left_edge.i:word.right_edge.i + 1]
    if any(e.label_ == "TIME" or time_class(e.text, published) == NEWS for e in entities_in(phrase)
           if e.label_ in TIME_LABELS):
        return Verdict(NEWS, phrase)
    return Verdict(BACKGROUND, phrase)


@lru_cache(maxsize=4096)  # every event word of a sentence reads its time phrases; dateparser is slow
def time_class(text: str, published: date | None) -> str | None:
    """NEWS, BACKGROUND or None (undecided) for a time phrase, against the publication date."""
    lowered = " " + re.sub(r"[^a-z0-9' -]+", " ", text.lower()) + " "
    if lowered.split()[:1] and lowered.split()[0] in AGE_WORDS:
        return None
    if published is not None and any(f" {phrase} " in lowered for phrase in PAST_TIMES):
        return BACKGROUND  # "last year" is a year before the article, which must have a date
    words = lowered.split()
    if published is not None and any(w in PAST_MARKERS and n in MONTHS
                                     for w, n in zip(words, words[1:], strict=False)):
        return BACKGROUND  # "last December"
    resolved = resolve_date(text, published) if published is not None else None
    if resolved is not None and published is not None:
        value, precision = resolved
        if precision == DAY_PRECISION:
            days = (published - value).days
            return None if days < 0 else BACKGROUND if days >= LIMITS["far_days"] else NEWS
        month_end = date(value.year + value.month // 12, value.month % 12 + 1, 1) - timedelta(days=1)
        return BACKGROUND if ended_long_before(month_end, published) else None  # "in January" on 2 February: news
    if any(f" {phrase} " in lowered for phrase in NEWS_TIMES):
        return NEWS
    if is_long_duration(text):
        return BACKGROUND  # "six years", "recent months"
    years = [int(y) for y in YEAR.findall(lowered)]
    if published is not None and years and ended_long_before(date(max(years), 12, 31), published):
        return BACKGROUND  # "early 2011", "mid-2012"
    return None


def ended_long_before(last_day: date, published: date) -> bool:
    """A month or a year that ended `far_days` or more before publication: every day of it is background."""
    return (published - last_day).days >= LIMITS["far_days"]


def is_long_duration(text: str) -> bool:
    """'six years', 'recent months', 'the past year': a span of months or years, not a point in time ('last year',
    'five months ago', 'this month'), which is read against the publication date."""
    words = re.sub(r"[^a-z0-9' -]+", " ", text.lower()).split()
    return any(w in LONG_UNITS for w in words) and not POINT_WORDS & set(words)


def entity_of(token: Token) -> Span:
    return next((e for e in entities_in(token.doc[:]) if e.start <= token.i < e.end), token.doc[token.i:token.i + 1])


def is_reported(node: Token) -> bool:
    """A clause told as what someone said: a complement of a reporting verb, or a clause that a reporting verb or
    'according to' hangs on ('IS had captured the villages, SOHR said')."""
    for word in (node, *node.ancestors):
        if word.dep_ == "ccomp" or word.lemma_.lower() in REPORTING_VERBS and word.i != node.i:
            return True
        if any(c.dep_ in ("parataxis", "ccomp", "prep", "advcl") and c.lemma_.lower() in REPORTING_VERBS
               for c in word.children):
            return True
        if word.dep_ not in ("conj", "xcomp"):
            return False
    return False


def counts_a_toll(node: Token) -> bool:
    """A count of thousands in the subject or object of a clause of killing: 'more than 300,000 people have been
    killed'."""
    return node.lemma_.lower() in TOLL_VERBS and any(word.lower_ in CUMULATIVE_WORDS or is_large_number(word.text)
               for argument in node.children if argument.dep_ in CLAUSE_ARGUMENTS
               for word in argument.subtree if word.ent_type_ not in NOT_COUNTS and in_phrase(word, argument))


def spans_long_time(node: Token) -> bool:
    """A duration of months or years anywhere in a perfect main clause: 'schools have been damaged ... in near six
    years of conflict' (the parser may hang the phrase on any word of the clause)."""
    return any(e.label_ in TIME_LABELS and is_long_duration(e.text) and within_clause(e.root, node)
               for e in entities_in(node.sent))


def within_clause(word: Token, node: Token) -> bool:
    """The word hangs on the clause of `node`, not on a relative or complement clause inside it."""
    for ancestor in (word, *word.ancestors):
        if ancestor.i == node.i:
            return True
        if ancestor.dep_ in ("relcl", "acl", "ccomp"):
            return False
    return False


def in_phrase(word: Token, phrase_head: Token) -> bool:
    """The word belongs to the phrase itself, not to a clause nested in it ('people who fled the 2012 fighting')."""
    while word.i != phrase_head.i:
        if word.dep_ in NESTED_CLAUSES:
            return False
        word = word.head
    return True


def is_large_number(text: str) -> bool:
    if not NUMBER.match(text):
        return False
    digits = text.replace(",", "").split(".")[0]
    return digits.isdigit() and int(digits) >= LIMITS["cumulative_toll"]


def is_descriptive_clause(node: Token) -> bool:
    """A relative clause describing a named place or group: 'Aleppo, which the army retook'. News texts often come
    without their commas, so the relative pronoun and the proper noun tell it ('that' restricts, 'which' describes)."""
    if node.dep_ != "relcl" or node.head.pos_ != "PROPN":
        return False
    return any(t.lower_ in DESCRIBING_PRONOUNS for t in node.subtree if t.i < node.i)
