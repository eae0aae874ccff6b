"""Territorial control derived from events: who took (or left) which place, when, and on what evidence.

A canonical event is a control change when it is factual and either its sub-event type says so
(Government regains territory, Non-state actor overtakes territory, Non-violent transfer of
territory) or a trigger word of one of its mentions does ("imposed control over", "captured",
"pushed back from", "withdrew from"). The place is the event's location and actor1 the new holder,
except for a withdrawal, where actor1 *lost* the place (the holder is actor2 when one is named).
The store keeps these changes in the `control_changes` table and answers who held each place on a
date: the latest change on or before it (Store.territory).
"""

from __future__ import annotations

from fieldreport import taxonomy
from fieldreport.model import FACTUAL_MODALITIES

CONTESTED_TYPES = taxonomy.event_types("Battles", "Strategic developments")
GAIN_CUES = {"impose", "imposed", "imposes", "imposing", "capture", "captured", "captures", "capturing",
             "seize", "seized", "seizing", "take", "took", "taking", "taken", "liberate", "liberated",
             "liberating", "recapture", "recaptured", "regain", "regained", "overran", "overrun",
             "push", "pushed", "pushing", "control", "controlled"}
LOSS_CUES = {"withdraw", "withdrew", "withdrawn", "withdrawing", "retreat", "retreated", "pull", "pulled",
             "evacuate", "evacuated", "abandon", "abandoned"}
TRIGGER_FIELDS = {"event_type", "sub_event_type"}


def trigger_words(spans: list[dict]) -> list[dict]:
    return [span for span in spans if span.get("field") in TRIGGER_FIELDS]


def control_cue(event: dict, spans: list[dict]) -> tuple[str, dict | None] | None:
    """("gain" | "loss", the span that says so) for a control change, else None."""
    if event.get("modality") not in FACTUAL_MODALITIES or not event.get("location"):
        return None
    triggers = trigger_words(spans)
    loss = next((s for s in triggers if s["text"].casefold() in LOSS_CUES), None)
    if loss is not None and not taxonomy.is_territorial(event.get("sub_event_type")):
        return "loss", loss
    gain = next((s for s in triggers if s["text"].casefold() in GAIN_CUES), None)
    if taxonomy.is_territorial(event.get("sub_event_type")):
        return "gain", gain or (triggers[0] if triggers else None)
    if gain is not None and event.get("event_type") in CONTESTED_TYPES:
        return "gain", gain
    return None


def control_change(event: dict, spans: list[dict]) -> dict | None:
    """A row of `control_changes` for a canonical event, or None if it changes no control.

    `spans` are the evidence spans of the event's mentions, each with its `document_id`."""
    cue = control_cue(event, spans)
    if cue is None or event.get("event_date") is None:
        return None
    kind, span = cue
    holder, lost_by = event.get("actor1"), None
    if kind == "loss":
        holder, lost_by = event.get("actor2"), event.get("actor1")
    if not (holder or lost_by):
        return None
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
        "cue": span["text"] if span else event.get("sub_event_type"),
        "evidence": [s for s in spans if s.get("field") in TRIGGER_FIELDS | {"location", "actor1"}],
    }


def place_key(place: str, admin1: str | None) -> str:
    return f"{place.casefold()}|{(admin1 or '').casefold()}"
