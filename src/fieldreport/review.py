"""The review routes of the API: analysts confirm, reject or correct events, each under their own token.

`PATCH /api/events/{id}` takes a status and/or field corrections (a place may be given by name: the
gazetteer places it); the reviewer is the label of the bearer token the request carries, so the
audit trail (`GET /api/events/{id}/reviews`) says who changed what. Reviewer tokens come from
`fieldreport serve --reviewer LABEL:TOKEN` or FIELDREPORT_REVIEWERS ("amal:s3cret,omar:t0ken").
"""


import os
import secrets
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from fieldreport import taxonomy
from fieldreport.errors import FieldreportError
from fieldreport.geo.gazetteer import ADMIN1, ADMIN2, COUNTRY, Gazetteer, Place
from fieldreport.storage import REVIEW_STATUSES, ReviewError, Store

REVIEWERS_ENV = "FIELDREPORT_REVIEWERS"
MAX_ID = 2**63 - 1
PRECISION_BY_LEVEL = {COUNTRY: 3, ADMIN1: 3, ADMIN2: 2}

Status = Literal[REVIEW_STATUSES]  # type: ignore[valid-type]


class ReviewIn(BaseModel):
    """One review: a status, corrections, or both (corrections alone mean 'corrected')."""

    status: Status | None = Field(None, description="confirmed, corrected or rejected.")
    changes: dict[str, Any] = Field(default_factory=dict, description=(
        "New values by field: event_date, event_type, sub_event_type, actor1, assoc_actor_1, actor2, "
        "assoc_actor_2, location, admin1, admin2, country, latitude, longitude, geo_precision, fatalities."))
    place: str | None = Field(None, description="A place name: the gazetteer sets location, admin1, admin2, "
                                                "country, coordinates and geo_precision.")


def reviewer_tokens(given: list[str] | None = None) -> dict[str, str]:
    """Token -> reviewer label, from 'label:token' items (or FIELDREPORT_REVIEWERS, comma-separated)."""
    items = given if given else [item for item in os.environ.get(REVIEWERS_ENV, "").split(",") if item.strip()]
    tokens = {}
    for item in items:
        label, _, token = item.strip().partition(":")
        if not label or not token:
            raise FieldreportError(f"reviewer {item.strip()!r}: want LABEL:TOKEN")
        tokens[token] = label
    return tokens


bearer = HTTPBearer(auto_error=False, description="A reviewer's token (`fieldreport serve --reviewer LABEL:TOKEN`).")


def reviewer_check(tokens: dict[str, str]) -> Callable[..., str]:
    """A dependency that returns the label of the reviewer whose token the request carries."""

    def reviewer(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
        if not tokens:
            raise HTTPException(status_code=403, detail=f"reviewing is off: no reviewer tokens ({REVIEWERS_ENV})")
        given = credentials.credentials.encode() if credentials else b""
        for token, label in tokens.items():
            if secrets.compare_digest(given, token.encode()):
                return label
        raise HTTPException(status_code=401, detail="missing or wrong reviewer token",
                            headers={"WWW-Authenticate": "Bearer"})

    return reviewer


def add_review_routes(app: FastAPI, store: Store, tokens: dict[str, str]) -> None:
    places = GazetteerOnDemand()
    require_reviewer = reviewer_check(tokens)

    @app.patch("/api/events/{event_id}", tags=["review"], responses={
        401: {"description": "Missing or wrong reviewer token."},
        403: {"description": "The server has no reviewer tokens: reviewing is off."},
        404: {"description": "No such event."},
        307: {"description": "The event was merged into another one since; Location names it."},
        422: {"description": "A correction the store refuses, naming the field."}})
    def review_event(event_id: Annotated[int, PathParam(ge=1, le=MAX_ID)], body: ReviewIn,
                     reviewer: Annotated[str, Depends(require_reviewer)]) -> Any:
        """Confirm, reject or correct an event; every change is kept in its audit trail with the reviewer."""
        changes = dict(body.changes)
        if body.place:
            changes.update(places.location_of(body.place, store.event(event_id)))
        try:
            record = store.review(event_id, reviewer, body.status, changes)
        except ReviewError as error:
            field, _, message = str(error).partition(": ")
            raise RequestValidationError([{"type": "value_error", "loc": ("body", "changes", field),
                                           "msg": message, "input": changes.get(field)}]) from None
        if record is None:
            return missing_or_moved(store, event_id)
        return record

    @app.get("/api/taxonomy", tags=["review"])
    def event_taxonomy() -> dict[str, list[str]]:
        """The sub-event types of each event type, as corrections must name them."""
        return {name: list(subs) for name, subs in taxonomy.active().sub_types_by_type.items()}

    @app.get("/api/events/{event_id}/reviews", tags=["review"])
    def event_reviews(event_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]) -> list[dict[str, Any]]:
        """Who reviewed the event, when, and each field's value before and after."""
        if store.event(event_id) is None:
            return missing_or_moved(store, event_id)
        return store.reviews(event_id)


def missing_or_moved(store: Store, event_id: int) -> Any:
    current = store.merged_into(event_id)
    if current is None:
        raise HTTPException(status_code=404, detail=f"no event with id {event_id}")
    return RedirectResponse(f"{current}", status_code=307)


class GazetteerOnDemand:
    """The gazetteer, opened at the first place typed by a reviewer (a read-only API never opens it)."""

    def __init__(self) -> None:
        self.gazetteer: Gazetteer | None = None

    def location_of(self, name: str, event: dict | None) -> dict[str, Any]:
        """The location fields of the best reading of `name`, in the event's country if it has one there."""
        if self.gazetteer is None:
            self.gazetteer = Gazetteer()
        candidates = self.gazetteer.lookup(name)
        if not candidates:
            raise RequestValidationError([{"type": "value_error", "loc": ("body", "place"),
                                           "msg": f"no place called {name!r} in the gazetteer", "input": name}])
        country = (event or {}).get("country")
        place = next((c for c in candidates if c.country_name == country), candidates[0])
        return location_fields(place, name.strip())


def location_fields(place: Place, name: str) -> dict[str, Any]:
    """The event's location columns at `place`, under the name the reviewer typed."""
    return {"location": name, "latitude": place.latitude, "longitude": place.longitude,
            "admin1": place.admin1, "admin2": place.admin2, "country": place.country_name,
            "geo_precision": PRECISION_BY_LEVEL.get(place.level, 1)}
