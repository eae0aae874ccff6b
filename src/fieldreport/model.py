"""The records that flow between pipeline stages: documents in, events out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import date

# ACLED's own column names, in ACLED's order, then fieldreport's additions.
ACLED_COLUMNS = [
    "event_date", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision",
    "fatalities", "source", "notes",
]
EXTRA_COLUMNS = ["document_id", "modality", "control", "cited_sources", "actor1_text", "actor2_text", "evidence"]
MODALITIES = ("occurred", "ongoing", "planned", "predicted", "denied", "hypothetical", "background")
FACTUAL_MODALITIES = ("occurred", "ongoing")
CONTROL_CHANGES = ("gain", "loss")  # Event.control: actor1 took the place, or left it


@dataclass
class Document:
    """One article or report. `id` defaults to a hash of the text, so the same text is one document."""

    text: str
    id: str = ""
    published: date | None = None
    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    origin: str = ""  # file name (and line) it came from, for messages

    def __post_init__(self) -> None:
        if not self.id:
            self.id = content_id(self.text)


def content_id(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:16]


@dataclass
class Evidence:
    """A character span of the document text that supports one field of an event."""

    field: str
    start: int
    end: int
    text: str

    def as_dict(self) -> dict:
        return {"field": self.field, "start": self.start, "end": self.end, "text": self.text}


@dataclass
class Event:
    document_id: str
    event_type: str
    sub_event_type: str
    event_date: str | None = None
    time_precision: int | None = None
    actor1: str | None = None
    assoc_actor_1: str | None = None
    inter1: int | None = None
    actor2: str | None = None
    assoc_actor_2: str | None = None
    inter2: int | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    fatalities: int | None = None
    source: str | None = None
    notes: str = ""
    modality: str = "occurred"
    control: str | None = None  # "gain" or "loss" of the place, as the trigger's pattern tells it
    cited_sources: list[str] = field(default_factory=list)
    actor1_text: str | None = None
    actor2_text: str | None = None
    evidence: list[Evidence] = field(default_factory=list)

    def as_record(self) -> dict:
        """A flat dict with ACLED's column names first, as printed by `--format jsonl`."""
        record = {name: getattr(self, name) for name in ACLED_COLUMNS + EXTRA_COLUMNS}
        record["evidence"] = [span.as_dict() for span in self.evidence]
        return record

    @classmethod
    def from_record(cls, record: dict) -> Event:
        """The event that `as_record` gave `record` (batch shards are stored as records)."""
        values = {f.name: record[f.name] for f in fields(cls) if f.name in record and f.name != "evidence"}
        return cls(**values, evidence=[Evidence(**span) for span in record.get("evidence") or []])

    @property
    def is_factual(self) -> bool:
        return self.modality in FACTUAL_MODALITIES


@dataclass(frozen=True)
class Mention:
    """One stored event row (with its document's outlet), as merging sees it."""

    id: int
    document_id: str
    position: int
    event_date: date | None
    record: dict = field(compare=False, hash=False)

    @property
    def outlet(self) -> str:
        return self.record.get("outlet") or self.document_id

    def get(self, name: str):
        return self.record.get(name)
