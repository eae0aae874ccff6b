"""Which coded events can be one: sub-event types that can tell the same event and which of two names
it (both from the taxonomy, data/taxonomy.toml), and the partisan default actors that contradict
nobody. Shared by within-report and cross-report merging; imports no NLP."""

from __future__ import annotations

from fieldreport import taxonomy

DEFAULT_ACTORS = {"Opposition Rebels (Syria)"}


def subtypes_compatible(a: str | None, b: str | None) -> bool:
    return taxonomy.compatible(a, b)


def subtype_strength(sub_event_type: str | None) -> int:
    return taxonomy.merge_strength(sub_event_type)
