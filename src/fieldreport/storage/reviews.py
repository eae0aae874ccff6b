"""Analysts' reviews of canonical events: confirm, reject, or correct fields, with an audit trail.

Merging rewrites canonical rows whenever a report joins or splits an event, so a review is kept
against the event's anchor mention (an event's id is always a mention's id), and after every
(re)merge the reviews of the rewritten events are applied again, in the order they were made, to
the canonical event that now holds that mention. A correction therefore outlives re-merging; the
audit rows (who, when, field, before, after) are never changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, select, update

from fieldreport import taxonomy
from fieldreport.errors import StoreError
from fieldreport.storage.schema import REVIEW_STATUSES, STATUS_FIELD, canonical_table, events_table, reviews_table


class ReviewError(StoreError, ValueError):
    """A correction the store refuses: an unknown field, a value of the wrong kind."""


def text_value(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and value.strip()):
        return value.strip() if isinstance(value, str) else None
    raise ReviewError(f"want text, not {value!r}")


def count_value(value: Any) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        return value
    raise ReviewError(f"want a whole number of 0 or more, not {value!r}")


def date_value(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ReviewError(f"want a date YYYY-MM-DD, not {value!r}") from None


def coordinate_value(limit: float) -> Callable[[Any], float | None]:
    def checked(value: Any) -> float | None:
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool) and -limit <= value <= limit:
            return round(float(value), 5)
        raise ReviewError(f"want a number within ±{limit:g}, not {value!r}")

    return checked


def precision_value(value: Any) -> int | None:
    if value in (None, 1, 2, 3):
        return value
    raise ReviewError(f"want 1, 2 or 3, not {value!r}")


CORRECTABLE: dict[str, Callable[[Any], Any]] = {
    "event_date": date_value,
    "event_type": text_value, "sub_event_type": text_value,
    "actor1": text_value, "assoc_actor_1": text_value, "actor2": text_value, "assoc_actor_2": text_value,
    "location": text_value, "admin1": text_value, "admin2": text_value, "country": text_value,
    "latitude": coordinate_value(90), "longitude": coordinate_value(180), "geo_precision": precision_value,
    "fatalities": count_value,
}


def checked_changes(changes: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """`changes` with each value checked and converted; ReviewError naming the field otherwise. A new
    sub-event type brings its event type; the two must agree with the taxonomy."""
    checked = {}
    for name, value in changes.items():
        if name not in CORRECTABLE:
            raise ReviewError(f"{name}: not a field that can be corrected (one of {', '.join(CORRECTABLE)})")
        try:
            checked[name] = CORRECTABLE[name](value)
        except ReviewError as error:
            raise ReviewError(f"{name}: {error}") from None
    if "sub_event_type" in checked:
        sub = checked["sub_event_type"]
        if not taxonomy.is_sub_type(sub):
            raise ReviewError(f"sub_event_type: {sub!r} is not a sub-event type of the taxonomy")
        kind = checked.setdefault("event_type", taxonomy.event_type_of(sub))
        if kind != taxonomy.event_type_of(sub):
            raise ReviewError(f"event_type: {sub!r} is a sub-event type of {taxonomy.event_type_of(sub)!r}, "
                              f"not of {kind!r}")
    elif "event_type" in checked and checked["event_type"] != taxonomy.event_type_of(current["sub_event_type"]):
        raise ReviewError("event_type: give the new sub_event_type with it")
    return checked


def review_event(conn: Connection, event_id: int, reviewer: str, status: str | None,
                 changes: dict[str, Any]) -> bool:
    """Record and apply one review of canonical event `event_id`; False if there is no such event."""
    row = conn.execute(select(canonical_table).where(canonical_table.c.id == event_id)).first()
    if row is None:
        return False
    if status is not None and status not in REVIEW_STATUSES:
        raise ReviewError(f"status: want one of {', '.join(REVIEW_STATUSES)}, not {status!r}")
    current = dict(row._mapping)
    changed = {name: value for name, value in checked_changes(changes, current).items() if value != current[name]}
    if status is None:
        status = "corrected" if changed else "confirmed"
    now = datetime.now(UTC)
    audit = [(name, current[name], value) for name, value in changed.items()]
    audit.append((STATUS_FIELD, current[STATUS_FIELD], status))
    conn.execute(reviews_table.insert(), [
        {"mention_id": event_id, "reviewer": reviewer, "reviewed_at": now, "field": name,
         "before": json.dumps(encoded(before)), "after": json.dumps(encoded(after))}
        for name, before, after in audit])
    conn.execute(update(canonical_table).where(canonical_table.c.id == event_id)
                 .values(**changed, review_status=status))
    return True


def encoded(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def decoded(field: str, value: Any) -> Any:
    return date.fromisoformat(value) if field == "event_date" and value is not None else value


def reviews_of(conn: Connection, event_id: int) -> list[dict]:
    """The audit trail of a canonical event: every review of a mention it now holds (or of its own id),
    oldest first."""
    mentions = select(events_table.c.id).where(events_table.c.canonical_id == event_id)
    rows = conn.execute(select(reviews_table).where(
        (reviews_table.c.mention_id == event_id) | reviews_table.c.mention_id.in_(mentions))
        .order_by(reviews_table.c.id)).all()
    return [{"reviewer": row.reviewer, "reviewed_at": row.reviewed_at.isoformat(), "field": row.field,
             "before": json.loads(row.before), "after": json.loads(row.after), "event_id": row.mention_id}
            for row in rows]


def reapply_reviews(conn: Connection) -> int:
    """Apply again, oldest first, the reviews of every canonical event that merging rewrote (its review
    status is empty again though one of its mentions was reviewed); returns how many events."""
    holder = events_table.c.canonical_id
    rows = conn.execute(
        select(holder.label("canonical_id"), reviews_table.c.field, reviews_table.c.after)
        .join(events_table, events_table.c.id == reviews_table.c.mention_id)
        .join(canonical_table, canonical_table.c.id == holder)
        .where(canonical_table.c.review_status.is_(None)).order_by(reviews_table.c.id)).all()
    values: dict[int, dict[str, Any]] = {}
    for row in rows:
        values.setdefault(row.canonical_id, {})[row.field] = decoded(row.field, json.loads(row.after))
    for canonical_id, fields in values.items():
        conn.execute(update(canonical_table).where(canonical_table.c.id == canonical_id).values(**fields))
    return len(values)
