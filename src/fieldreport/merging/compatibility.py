"""Which coded events can be one: sub-event types that can tell the same event, which of two wins,
and the partisan default actors that contradict nobody. Shared by within-report and cross-report
merging; imports no NLP."""

from __future__ import annotations

COMPATIBLE_SUBTYPES = {
    frozenset({"Armed clash", "Government regains territory"}),
    frozenset({"Armed clash", "Non-state actor overtakes territory"}),
}
SUBTYPE_STRENGTH = {"Government regains territory": 3, "Non-state actor overtakes territory": 3}
DEFAULT_ACTORS = {"Opposition Rebels (Syria)"}


def subtypes_compatible(a: str, b: str) -> bool:
    return a == b or frozenset({a, b}) in COMPATIBLE_SUBTYPES
