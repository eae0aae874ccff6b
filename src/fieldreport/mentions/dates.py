"""Date mentions resolved against the publication date ("on Wednesday" -> the Wednesday before)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import dateparser
from spacy.tokens import Doc, Span

from fieldreport.rules import int_map, word_sequence, word_set

WEEKDAYS = word_sequence("dates", "weekdays", size=7)  # Monday first: a name's position is its weekday
MONTHS = word_set("dates", "months")
RELATIVE_DAYS = int_map("dates", "relative_days")  # in file order: the first phrase found wins
DAY_PRECISION, WEEK_PRECISION, MONTH_PRECISION = 1, 2, 3
CALENDAR_WORDS = [*WEEKDAYS, *sorted(MONTHS), *RELATIVE_DAYS]
HAS_CALENDAR_WORD = re.compile(r"\b(" + "|".join(map(re.escape, CALENDAR_WORDS)) + r")\b|\b\d{4}-\d{2}-\d{2}\b", re.I)


@dataclass
class DateMention:
    span: Span
    value: date
    precision: int  # ACLED time_precision: 1 day, 2 week, 3 month


def resolve_date(text: str, published: date | None) -> tuple[date, int] | None:
    """The date a phrase names, and its ACLED time precision, or None when it names no date."""
    lowered = text.lower()
    if not HAS_CALENDAR_WORD.search(lowered):
        return None
    for phrase, days in RELATIVE_DAYS.items():
        if phrase in lowered:
            return (published - timedelta(days=days), DAY_PRECISION) if published else None
    weekday = next((i for i, name in enumerate(WEEKDAYS) if name in lowered), None)
    has_month = any(re.search(rf"\b{re.escape(m)}\b", lowered) for m in MONTHS)
    if weekday is not None and not has_month:
        # dateparser moves the publication weekday a week back; a dispatch's "Thursday" is that day.
        return (most_recent_weekday(published, weekday), DAY_PRECISION) if published else None
    return absolute_date(text, published)


def most_recent_weekday(published: date, weekday: int) -> date:
    return published - timedelta(days=(published.weekday() - weekday) % 7)


def absolute_date(text: str, published: date | None) -> tuple[date, int] | None:
    if published is None and not re.search(r"\b\d{4}\b", text):
        return None  # "on 2 June" with no publication date: the year is unknown
    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if published:
        settings["RELATIVE_BASE"] = datetime(published.year, published.month, published.day, 12)
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


def find_dates(doc: Doc, published: date | None) -> list[DateMention]:
    """Date mentions among the DATE entities of a parsed document, in text order."""
    mentions = []
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        resolved = resolve_date(ent.text, published)
        if resolved:
            mentions.append(DateMention(ent, *resolved))
    return mentions
