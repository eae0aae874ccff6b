"""What the store's queries select (EventFilter), checked before any SQL is built."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fieldreport.aliases import active_actor_names, admin1_spellings
from fieldreport.errors import StoreError
from fieldreport.model import MODALITIES

MAX_LIMIT = 10_000
REVIEW_FILTERS = ("unreviewed", "reviewed", "confirmed", "corrected", "rejected", "any")
# Events a report tells as background ("Aleppo, which the army retook last December"): history recalled around the
# news, dated long before it and coded as news by the report that first told it. Left out of lists, the map and
# exports unless asked for by name, so that a recalled event is not drawn again as one of the report's period.
# Plans, denials and predictions stay in: they are what the report says now, drawn faded on the map.
HIDDEN_MODALITIES = ("background",)

class FilterError(StoreError, ValueError):
    """A malformed query filter (a date that does not parse, a bbox out of range...)."""


@dataclass
class EventFilter:
    """What `Store.query_events` and the exports select; all conditions must hold."""

    start: date | None = None
    end: date | None = None
    bbox: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat
    admin1: str | None = None  # a governorate in any spelling of data/admin1_aliases.tsv ("Idlib" is Idleb)
    event_type: str | None = None
    # An actor as users write it: a canonical name, an alias or code of actors.toml ("Daesh", "SDF", "regime")
    # selects that actor's events; other text is a case-insensitive part of an actor's name or of the words
    # the source used for it.
    actor: str | None = None
    modality: str | None = None
    q: str | None = None  # each word in the notes of a mention (full text), the location or an actor's name
    review: str | None = None  # one of REVIEW_FILTERS; None: every event not rejected by an analyst
    # Filled by checked_filter: the canonical actors `actor` names, and every spelling of `admin1` (lower case).
    actor_names: tuple[str, ...] = ()
    admin1_spellings: tuple[str, ...] = ()
    actor: str | None = None  # case-insensitive substring of actor1, actor2 or an associated actor
    modality: str | None = None  # None: every modality but the hidden ones (HIDDEN_MODALITIES)
    q: str | None = None  # full text over the notes of every mention

    @property
    def hidden_modalities(self) -> tuple[str, ...]:
        """The modalities left out: the background ones, unless one is asked for by name."""
        return () if self.modality else HIDDEN_MODALITIES




def checked_date(value: date | str | None, name: str) -> date | None:
    """A date from a date or an ISO string; FilterError for anything else."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise FilterError(f"{name} must be a date YYYY-MM-DD, not {value!r}") from None
    raise FilterError(f"{name} must be a date YYYY-MM-DD, not {value!r}")


def checked_bbox(bbox: Any, name: str = "bbox") -> tuple[float, float, float, float] | None:
    """(min_lon, min_lat, max_lon, max_lat) from a sequence or 'a,b,c,d'; FilterError naming `name` (the option
    the user typed) if malformed."""
    if bbox is None:
        return None
    parts = bbox.split(",") if isinstance(bbox, str) else bbox
    try:
        values = tuple(float(v) for v in parts)
    except (TypeError, ValueError):
        raise FilterError(f"{name} must be four numbers min_lon,min_lat,max_lon,max_lat, not {bbox!r}") from None
    if len(values) != 4 or any(v != v for v in values):
        raise FilterError(f"{name} must be four numbers min_lon,min_lat,max_lon,max_lat, not {bbox!r}")
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise FilterError(f"{name} {values} is not min_lon <= max_lon in [-180, 180] and min_lat <= max_lat "
                          "in [-90, 90]")
    return values


def checked_filter(filters: EventFilter) -> EventFilter:
    if not isinstance(filters, EventFilter):
        raise FilterError(f"filters must be an EventFilter, not {type(filters).__name__}")
    start, end = checked_date(filters.start, "start"), checked_date(filters.end, "end")
    if start and end and start > end:
        raise FilterError(f"start {start} is after end {end}")
    for name in ("admin1", "event_type", "actor", "modality", "q", "review"):
        value = getattr(filters, name)
        if value is not None and not isinstance(value, str):
            raise FilterError(f"{name} must be text, not {value!r}")
    if filters.modality and filters.modality not in MODALITIES:
        raise FilterError(f"unknown modality {filters.modality!r}")
    if filters.review and filters.review not in REVIEW_FILTERS:
        raise FilterError(f"unknown review status {filters.review!r} (want one of {', '.join(REVIEW_FILTERS)})")
    return EventFilter(start=start, end=end, bbox=checked_bbox(filters.bbox), admin1=filters.admin1,
                       event_type=filters.event_type, actor=filters.actor, modality=filters.modality,
                       q=filters.q, review=filters.review,
                       actor_names=active_actor_names().canonical(filters.actor) if filters.actor else (),
                       admin1_spellings=admin1_spellings(filters.admin1) if filters.admin1 else ())


def check_page(limit: int, offset: int) -> None:
    for name, value, top in (("limit", limit, MAX_LIMIT), ("offset", offset, None)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0 or (top and value > top):
            bound = f"0..{top}" if top else ">= 0"
            raise FilterError(f"{name} must be an integer {bound}, not {value!r}")


def escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


