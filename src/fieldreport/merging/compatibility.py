"""Which coded events can be one: sub-event types that can tell the same event and which of two names
it (both from the taxonomy, data/taxonomy.toml), the partisan default actors (any non-state armed
group), the event types whose actor1 is the one who acts, and days that can be one day.
Shared by within-report and cross-report merging; imports no NLP."""

from __future__ import annotations

from datetime import date

from fieldreport import taxonomy

DEFAULT_ACTORS = {"Opposition Rebels (Syria)"}
WILDCARD_ACTOR_PREFIXES = ("Unidentified", "Civilians")  # say nothing about who the sides are
# What a default actor can stand for: ACLED inter codes of non-state armed groups (2 rebel groups,
# 3 political militias, 4 identity militias); never state forces (1) or external forces (8).
DEFAULT_ACTOR_INTERS = frozenset({2, 3, 4})
# Event types whose actor1 is the one who acts and actor2 its target or victim (ACLED: remote violence
# by whoever fires, violence against civilians by the perpetrator); in a battle either side may be actor1.
ONE_SIDED_EVENT_TYPES = frozenset({"Explosions/Remote violence", "Violence against civilians"})
# How many days apart two dates may lie, by the vaguer ACLED time_precision of the two: a day is one day,
# a week (or a date only taken from the publication) its week, a month its month.
DAYS_BY_TIME_PRECISION = {1: 0, 2: 7, 3: 31}


def subtypes_compatible(a: str | None, b: str | None) -> bool:
    return taxonomy.compatible(a, b)


def subtype_strength(sub_event_type: str | None) -> int:
    return taxonomy.merge_strength(sub_event_type)


def days_compatible(a: str | date | None, a_precision: int | None, b: str | date | None,
                    b_precision: int | None) -> bool:
    """True when two event dates can name one day: the same day, or an undated or vaguely dated event
    (a week, a month, the publication date) whose span holds the other's day."""
    if a is None or b is None:
        return True
    first, second = (value if isinstance(value, date) else date.fromisoformat(str(value)[:10]) for value in (a, b))
    coarser = max(a_precision or 3, b_precision or 3)
    return abs((first - second).days) <= DAYS_BY_TIME_PRECISION.get(coarser, max(DAYS_BY_TIME_PRECISION.values()))
