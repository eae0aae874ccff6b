"""Date mentions resolved against the publication date ("on Wednesday" -> the Wednesday before)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import dateparser
from spacy.tokens import Doc, Span, Token

from fieldreport.rules import int_map, word_sequence, word_set

WEEKDAYS = word_sequence("dates", "weekdays", size=7)  # Monday first: a name's position is its weekday
MONTHS = word_set("dates", "months")
RELATIVE_DAYS = int_map("dates", "relative_days")  # in file order: the first phrase found wins
RELATIVE_WEEKS = int_map("dates", "relative_weeks")  # 'earlier this week': days back, week precision
WEEKEND = word_set("dates", "weekend")
SPEECH_LEMMAS = word_set("sources", "speech_lemmas")
PERIOD_OPENERS = word_set("dates", "period_openers")
FUTURE_CUES = word_set("dates", "future_cues")
PERIOD_LEADS = word_set("dates", "period_leads")
PERIOD_UNITS = int_map("dates", "period_units")  # 'the past two weeks': days in one unit
COUNT_WORDS = int_map("dates", "count_words")
DATELINE_WORDS = word_set("dates", "dateline_words")
VAGUE_PAST = word_set("dates", "vague_past")
WEEKDAY_PREFIXES = {name[:3] for name in WEEKDAYS}
DAY_PRECISION, WEEK_PRECISION, MONTH_PRECISION = 1, 2, 3
CALENDAR_WORDS = [*WEEKDAYS, *sorted(MONTHS), *RELATIVE_DAYS, *RELATIVE_WEEKS, *WEEKEND]
NUMERIC_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{4})\b")
# A weekday may be plural or possessive with its apostrophe lost: "Tuesday's strikes", "Tuesdays casualties".
PERIOD = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(PERIOD_LEADS))) + r")\s+(\w+)\s+("
                    + "|".join(map(re.escape, sorted(PERIOD_UNITS, key=len, reverse=True))) + r")\b", re.I)
HAS_CALENDAR_WORD = re.compile(r"\b(" + "|".join(map(re.escape, CALENDAR_WORDS)) + r")(?:'?s)?\b|"
                               + NUMERIC_DATE.pattern, re.I)


@dataclass
class DateMention:
    span: Span
    value: date
    precision: int  # ACLED time_precision: 1 day, 2 week, 3 month
    dateline: bool = False  # the publication date heading the text ('Published July 19 2016 ...'): no event's day

    @property
    def is_period_start(self) -> bool:
        """'since March 2011': when a period began, not when an event happened."""
        before = self.span.doc[self.span.start - 1].lower_ if self.span.start > 0 else ""
        return before in PERIOD_OPENERS or self.span[0].lower_ in PERIOD_OPENERS

    @property
    def is_ahead(self) -> bool:
        """'a truce due to take effect on Monday', 'talks will resume on Friday': a day still to come, which
        dates no later sentence."""
        words = {t.lower_ for t in self.span.root.ancestors} | {
            c.lower_ for t in self.span.root.ancestors if t.pos_ in ("VERB", "AUX") for c in t.children
            if c.dep_ == "aux"}
        return bool(words & FUTURE_CUES)

    @property
    def is_statement_day(self) -> bool:
        """'SOHR said on Tuesday that ...': the day the statement was made, not the day of what it tells."""
        verb = next((t for t in self.span.root.ancestors if t.pos_ in ("VERB", "AUX")), None)
        return verb is not None and verb.lemma_.lower() in SPEECH_LEMMAS  # 'said in a statement on Tuesday'


def resolve_date(text: str, published: date | None) -> tuple[date, int] | None:
    """The date a phrase names, and its ACLED time precision, or None when it names no date."""
    lowered = text.lower()
    period = period_before(lowered, published)
    if period is not None or not HAS_CALENDAR_WORD.search(lowered):
        return period
    numeric = NUMERIC_DATE.search(text)
    if numeric:
        return absolute_date(numeric.group(1), published)
    weekday = next((i for i, name in enumerate(WEEKDAYS) if name in lowered), None)
    has_month = any(re.search(rf"\b{re.escape(m)}\b", lowered) for m in MONTHS)
    if weekday is not None and not has_month:
        # dateparser moves the publication weekday a week back; a dispatch's "Thursday" is that day.
        return (most_recent_weekday(published, weekday), DAY_PRECISION) if published else None
    for phrase, days in RELATIVE_DAYS.items():
        if phrase in lowered:
            return (published - timedelta(days=days), DAY_PRECISION) if published else None
    if any(re.search(rf"\b{re.escape(word)}\b", lowered) for word in WEEKEND):
        return (last_weekend_day(published), WEEK_PRECISION) if published else None
    for phrase, days in RELATIVE_WEEKS.items():
        if phrase in lowered:
            return (published - timedelta(days=days), WEEK_PRECISION) if published else None
    return absolute_date(text, published)


def period_before(lowered: str, published: date | None) -> tuple[date, int] | None:
    """'during the past two weeks', 'over the last three days': the middle of the span that ends on the
    publication date, known to its week (a fortnight at most) or else to its month."""
    found = PERIOD.search(lowered)
    if found is None or published is None:
        return None
    count = int(found.group(1)) if found.group(1).isdigit() else COUNT_WORDS.get(found.group(1))
    if count is None:
        return None
    days = count * PERIOD_UNITS[found.group(2)]
    return published - timedelta(days=days // 2), WEEK_PRECISION if days <= 14 else MONTH_PRECISION


def vague_past_word(trigger: Token) -> Token | None:
    """'Recently the SDF concentrated their forces ...', 'in recent weeks': a past the text does not date, said of
    the trigger's clause (not of a noun: 'the recently captured town')."""
    clause = {trigger.i} | {t.i for t in trigger.ancestors}
    for token in trigger.sent:
        if token.lower_ in VAGUE_PAST:
            verb = next((t for t in [token, *token.ancestors] if t.pos_ in ("VERB", "AUX")), None)
            if verb is not None and verb.i in clause:
                return token
    return None


def most_recent_weekday(published: date, weekday: int) -> date:
    return published - timedelta(days=(published.weekday() - weekday) % 7)


def last_weekend_day(published: date) -> date:
    """'Over the weekend': the Saturday or Sunday of publication, else the Sunday before it."""
    return published if published.weekday() >= 5 else most_recent_weekday(published, 6)


@lru_cache(maxsize=4096)  # dateparser takes about a millisecond a phrase; the event rules read each phrase again
def absolute_date(text: str, published: date | None) -> tuple[date, int] | None:
    if published is None and not re.search(r"\b\d{4}\b", text):
        return None  # "on 2 June" with no publication date: the year is unknown
    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if published:
        settings["RELATIVE_BASE"] = datetime(published.year, published.month, published.day, 12)
    if re.fullmatch(r"\d{1,2}[./]\d{1,2}[./]\d{4}", text.strip()):
        settings["DATE_ORDER"] = "DMY"  # the numeric dateline of the region's outlets: 17.05.2017
    cleaned = re.sub(r"^(on|in|since|around|about|by|of|early|late|mid)\s+", "", text.strip(), flags=re.I)
    cleaned = re.sub(r"\(.*?\)", "", cleaned).strip()
    parsed = dateparser.parse(cleaned, languages=["en"], settings={**settings, "REQUIRE_PARTS": ["day"]})
    if parsed:
        return parsed.date(), DAY_PRECISION
    parsed = dateparser.parse(cleaned, languages=["en"],
                              settings={**settings, "REQUIRE_PARTS": ["month"], "PREFER_DAY_OF_MONTH": "first"})
    if parsed:
        return parsed.date(), MONTH_PRECISION
    return None


def date_spans(doc: Doc) -> list[Span]:
    """DATE and TIME entities ('last night' is a time), each with a day number the model left before it
    ('11 September 2016'), and numeric dates the model does not tag ('17.05.2017')."""
    spans = []
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        start = ent.start
        if start > 0 and re.fullmatch(r"\d{1,2}", doc[start - 1].text) and 1 <= int(doc[start - 1].text) <= 31:
            start -= 1
        spans.append(doc[start:ent.end])
    covered = {i for span in spans for i in range(span.start, span.end)}
    for found in NUMERIC_DATE.finditer(doc.text):
        span = doc.char_span(found.start(), found.end(), alignment_mode="expand")
        if span is not None and not covered.intersection(range(span.start, span.end)):
            spans.append(span)
    return sorted(spans, key=lambda s: s.start)


def find_dates(doc: Doc, published: date | None) -> list[DateMention]:
    """Date mentions of a parsed document, in text order."""
    mentions = []
    for span in date_spans(doc):
        resolved = resolve_date(span.text, published)
        if resolved:
            mentions.append(DateMention(span, *resolved, dateline=is_dateline(span, resolved[0], published)))
    return mentions


def is_dateline(span: Span, value: date, published: date | None) -> bool:
    """The publication date heading the text, alone or after 'Published', 'Date of publication', a weekday."""
    lead = span.doc[:span.start]
    return value == published and len(lead) <= 4 and all(
        t.is_punct or t.lower_ in DATELINE_WORDS or t.lower_[:3] in WEEKDAY_PREFIXES for t in lead)
