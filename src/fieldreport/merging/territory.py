"""Territorial control derived from events: who took (or left) which place, when, and on what evidence.

A canonical event is a control change when it is factual, has a place and a date, and its `control`
says so: the trigger that coded it took the place ("imposed control over", "captured", "pushed back
from": a gain) or left it ("withdrew from", "handed over": a loss); see `control` in
data/event_patterns.toml, and Event.control. For a gain actor1 is the new holder; for a loss actor1
*lost* the place, and the holder is actor2 when one is named. The store keeps these changes in the
`control_changes` table and answers who held each place on a date: the latest change on or before it
(Store.territory). Events stored before control was recorded (schema version 7) have none, and so
derive no change when they are merged again.
"""

from __future__ import annotations

from fieldreport.model import CONTROL_CHANGES, FACTUAL_MODALITIES

TRIGGER_FIELDS = {"event_type", "sub_event_type"}


def control_change(event: dict, spans: list[dict]) -> dict | None:
    """A row of `control_changes` for a canonical event, or None if it changes no control.

    `spans` are the evidence spans of the event's mentions, each with its `document_id`; the first
    `control` span (the trigger that told the change) is the change's cue."""
    kind = event.get("control")
    if kind not in CONTROL_CHANGES or event.get("modality") not in FACTUAL_MODALITIES or not event.get("location") \
            or event.get("event_date") is None:
        return None
    holder, lost_by = event.get("actor1"), None
    if kind == "loss":
        holder, lost_by = event.get("actor2"), event.get("actor1")
    if not (holder or lost_by):
        return None
    cue = next((span for span in spans if span.get("field") == "control"), None)
    return {
        "canonical_id": event["id"],
        "place": event["location"],
        "place_key": place_key(event["location"], event.get("admin1")),
        "latitude": event.get("latitude"),
        "longitude": event.get("longitude"),
        "admin1": event.get("admin1"),
        "actor": holder,
        "lost_by": lost_by,
        "since": event["event_date"],
        "cue": cue["text"] if cue else event.get("sub_event_type"),
        "evidence": [s for s in spans if s.get("field") in TRIGGER_FIELDS | {"location", "actor1"}],
    }


def place_key(place: str, admin1: str | None) -> str:
    return f"{place.casefold()}|{(admin1 or '').casefold()}"
