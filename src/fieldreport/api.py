"""The HTTP API and the map page: events, their evidence and territory from a fieldreport store.

`create_app(db_url)` serves reads to anyone and ingestion (`POST /api/documents`, which runs the
real extractor) only with the bearer token from configuration. `fieldreport serve` runs it.
"""

from __future__ import annotations

import io
import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Annotated, Any, Literal

import orjson
from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldreport.errors import ConflictError, FieldreportError, LanguageError
from fieldreport.export import EXPORT_FORMATS, ExportFormat, write_acled_csv, write_geojson
from fieldreport.ingest import open_store
from fieldreport.jobs import IngestJobs, JobResult
from fieldreport.model import MODALITIES, Document
from fieldreport.review import add_review_routes, reviewer_tokens
from fieldreport.storage import REVIEW_FILTERS, EventFilter, FilterError, Store
from fieldreport.storage.cache import RevisionCache

TOKEN_ENV = "FIELDREPORT_API_TOKEN"
DB_ENV = "FIELDREPORT_DB"  # the store of `serve --workers N`'s processes
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_LIMIT = 1000
MAX_WAIT = 600
MAX_ID = 2**63 - 1  # SQL BIGINT; larger numbers are a 422, not a driver overflow
SPOOL_BYTES = 8 * 1024 * 1024  # an export larger than this is spooled to a temporary file
CHUNK_BYTES = 64 * 1024
KEPT_PAGES = 64  # answers each process keeps per store revision (see storage.cache)
KEPT_PAGE_BYTES = 512 * 1024  # a larger page (limit=1000 with evidence) is made anew each time
WEB_DIR = Path(__file__).resolve().parent / "web"
PAGE_FILES = {"index.html": "text/html", "app.js": "text/javascript", "style.css": "text/css"}
SWAGGER_UI = "swagger-ui"  # the vendored Swagger UI's folder under web/vendor
SENTENCE_FIELD = "notes"  # the extractor's `notes` evidence spans are the whole sentences telling the event

Modality = Literal[MODALITIES]  # type: ignore[valid-type]
ReviewFilter = Literal[REVIEW_FILTERS]  # type: ignore[valid-type]
OutputFormat = Literal["json", "geojson", "csv"]


class DocumentIn(BaseModel):
    """A text to ingest; `id` defaults to a hash of the text, so the same text is stored once."""

    text: str = Field(min_length=1, description="The article or report, plain text.")
    published: date | None = Field(None, description="Publication date, resolves 'on Wednesday'.")
    outlet: str | None = Field(None, description="Who published it (ACLED 'source').")
    title: str | None = None
    url: str | None = None
    id: str | None = Field(None, description="Your id for the document; default a hash of the text.")


class IngestResult(BaseModel):
    document_id: str
    stored: bool = Field(description="False when the same document (id or text) was already stored.")
    events: int = Field(description="Events the extractor found in the text.")
    message: str


class Queued(BaseModel):
    document_id: str
    state: str = Field(description="queued or running.")
    status_url: str


class JobStatus(BaseModel):
    document_id: str
    state: Literal["queued", "running", "done", "failed"]
    result: IngestResult | None = None
    error: str | None = None


class EventPage(BaseModel):
    total: int = Field(description="Events matching the filters, over all pages.")
    limit: int
    offset: int
    next_offset: int | None = Field(description="Offset of the next page, null on the last page.")
    events: list[dict[str, Any]]


class DayCount(BaseModel):
    date: date
    count: int


class Timeline(BaseModel):
    total: int = Field(description="Dated events matching the filters.")
    days: list[DayCount] = Field(description="Days with at least one event, oldest first.")


class GridCell(BaseModel):
    latitude: float = Field(description="Mean point of the cell's events.")
    longitude: float
    count: int
    fatalities: int
    event_type: str = Field(description="The cell's most frequent event type.")
    types: dict[str, int] = Field(description="Events per event type.")
    south: float = Field(description="Bounds of the cell's events (zoom there to see them one by one).")
    north: float
    west: float
    east: float


class Grid(BaseModel):
    total: int = Field(description="Placed events matching the filters (within bbox, if given).")
    cell: float
    cells: list[GridCell]


class Territory(BaseModel):
    date: date | None
    admin1: str | None
    places: list[dict[str, Any]]


class BodySizeLimit:
    """ASGI middleware answering 413 to a request body over `max_bytes`, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        if declared_length(scope) > self.max_bytes:
            await too_large(scope, receive, send, self.max_bytes)
            return
        messages = await self.body_messages(receive)
        if messages is None:
            await too_large(scope, receive, send, self.max_bytes)
            return
        await self.app(scope, replay(messages, receive), send)

    async def body_messages(self, receive: Receive) -> list[Message] | None:
        """The request's body messages, or None once they add up to more than max_bytes."""
        messages, size = [], 0
        while True:
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                return None
            if message["type"] != "http.request" or not message.get("more_body", False):
                return messages


def declared_length(scope: Scope) -> int:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


def replay(messages: list[Message], receive: Receive) -> Receive:
    """A `receive` that gives the buffered messages first, then whatever the client sends next."""
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


async def too_large(scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
    response = JSONResponse({"detail": f"request body over {max_bytes:,} bytes"}, status_code=413)
    await response(scope, receive, send)


def ingest_result(result: JobResult) -> IngestResult:
    if not result.stored:
        return IngestResult(document_id=result.document_id, stored=False, events=result.events,
                            message="already stored: the same document id or text is in the store")
    return IngestResult(document_id=result.document_id, stored=True, events=result.events,
                        message=f"stored {result.events} event(s)")


def create_app(db_url: str, token: str | None = None, reviewers: list[str] | None = None) -> FastAPI:
    """The API and map page over the store at `db_url` (a SQLite path or SQLAlchemy URL).

    Ingestion needs `token`, or else the FIELDREPORT_API_TOKEN environment variable; with neither,
    the API is read-only. Reviewing (PATCH /api/events/{id}) needs a reviewer token: `reviewers` holds
    'label:token' items (default: FIELDREPORT_REVIEWERS).
    """
    api_token = token or os.environ.get(TOKEN_ENV) or None
    tokens = reviewer_tokens(reviewers)
    store = open_store(db_url)
    jobs = IngestJobs(db_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.close()
        store.close()

    app = FastAPI(title="fieldreport", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  summary="ACLED-style conflict events extracted from news, with the evidence behind each field.")
    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)
    app.add_exception_handler(FieldreportError, fieldreport_error)
    app.add_exception_handler(FilterError, filter_error)
    add_page_routes(app)
    add_docs_route(app)
    add_read_routes(app, store)
    add_ingest_routes(app, store, jobs, bearer_check(api_token))
    add_review_routes(app, store, tokens)
    return app


def app_from_environment() -> FastAPI:
    """The app of each process of `fieldreport serve --workers N` (uvicorn builds it by name), over the
    store FIELDREPORT_DB, with the tokens of FIELDREPORT_API_TOKEN and FIELDREPORT_REVIEWERS."""
    return create_app(os.environ[DB_ENV])


async def fieldreport_error(_request: Request, error: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code=500)


async def filter_error(_request: Request, error: Exception) -> JSONResponse:
    """A filter the store refuses that our own validation let through is still the client's error."""
    return JSONResponse({"detail": str(error)}, status_code=422)


def add_page_routes(app: FastAPI) -> None:
    app.mount("/vendor", StaticFiles(directory=WEB_DIR / "vendor", check_dir=False), name="vendor")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return page_file("index.html")

    for name in PAGE_FILES:
        app.add_api_route(f"/{name}", page_route(name), include_in_schema=False)


def add_docs_route(app: FastAPI) -> None:
    """/docs: Swagger UI from the vendored copy (`make web`), so the docs work offline. FastAPI's /redoc is off:
    ReDoc is not vendored, and from a CDN it is blank offline."""

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        if not (WEB_DIR / "vendor" / SWAGGER_UI / "swagger-ui-bundle.js").is_file():
            return HTMLResponse(f"<p>The API docs' scripts are not built: run <code>make web</code>. The schema is at "
                                f"<a href=\"{app.openapi_url}\">{app.openapi_url}</a>.</p>", status_code=503)
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} API",
                                   swagger_js_url=f"/vendor/{SWAGGER_UI}/swagger-ui-bundle.js",
                                   swagger_css_url=f"/vendor/{SWAGGER_UI}/swagger-ui.css",
                                   swagger_favicon_url=f"/vendor/{SWAGGER_UI}/favicon-32x32.png")


def page_route(name: str) -> Callable[[], FileResponse]:
    def serve_page_file() -> FileResponse:
        return page_file(name)

    return serve_page_file


def page_file(name: str) -> FileResponse:
    return FileResponse(WEB_DIR / name, media_type=PAGE_FILES[name], headers={"Cache-Control": "no-cache"})


def add_read_routes(app: FastAPI, store: Store) -> None:
    # Answers by path and query string, at one store revision: pages of events (at most KEPT_PAGES of up to
    # KEPT_PAGE_BYTES each) and the map's summaries (timeline and grid).
    pages, summaries = RevisionCache(KEPT_PAGES), RevisionCache(KEPT_PAGES)

    def kept(request: Request, cache: RevisionCache, make: Callable[[], Any],
             worth_keeping: Callable[[Any], bool] | None = None) -> Any:
        revision = store.revision()  # read before the rows: an answer kept under it is never older than it
        return cache.get(revision, (request.url.path, request.url.query), make, worth_keeping)

    @app.get("/api/events", response_model=EventPage, responses=LIST_RESPONSES, tags=["events"])
    def list_events(
        request: Request,
        filters: Annotated[EventFilter, Depends(event_filter)],
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")] = 100,
        offset: Annotated[int, Query(ge=0, le=MAX_ID, description="Events to skip; see next_offset.")] = 0,
        format: Annotated[OutputFormat, Query(description="json, geojson or csv.")] = "json",
        evidence: Annotated[bool, Query(description="With each event's evidence spans (JSON; CSV always has "
                                                    "them; GET /api/events/{id} has them laid out).")] = False,
    ) -> Response:
        """Events matching every given filter, newest first, one page at a time."""
        page = kept(request, pages, lambda: events_page(store, filters, limit, offset, format, evidence),
                    lambda page: len(page.body) <= KEPT_PAGE_BYTES)
        return Response(page.body, media_type=page.media_type, headers={"X-Total-Count": str(page.total)})

    @app.get("/api/events/{event_id}", tags=["events"], responses={
        404: {"description": "No such event."},
        307: {"description": "The event was merged into another one since; Location names it."}})
    def one_event(event_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]) -> Any:
        """One event with every mention of it: outlet, date, notes, evidence spans and sentences."""
        record = store.event(event_id)
        if record is not None:
            return with_evidence_sentences(record)
        current = store.merged_into(event_id)
        if current is None:
            raise HTTPException(status_code=404, detail=f"no event with id {event_id}")
        return RedirectResponse(f"{current}", status_code=307)

    @app.get("/api/timeline", response_model=Timeline, tags=["events"])
    def timeline(request: Request, filters: Annotated[EventFilter, Depends(event_filter)]) -> Timeline:
        """Events per day matching every given filter, over all matches (the map's timeline)."""
        return kept(request, summaries, lambda: timeline_of(store.daily_counts(filters)))

    @app.get("/api/grid", response_model=Grid, tags=["events"])
    def grid(
        request: Request,
        filters: Annotated[EventFilter, Depends(event_filter)],
        cell: Annotated[float, Query(gt=0, le=90, description="Cell size in degrees.")] = 1.0,
    ) -> Grid:
        """Matching events counted per square cell: the map draws these when a view holds too many events to
        draw one by one."""
        return kept(request, summaries, lambda: grid_of(store.grid_counts(filters, cell), cell))

    @app.get("/api/export", tags=["events"], responses={
        200: {"description": "Every matching event, as a file in the chosen format."},
        422: {"description": "Unknown format or malformed filter."}})
    def export(
        filters: Annotated[EventFilter, Depends(event_filter)],
        format: Annotated[str, Query(description=f"One of {', '.join(EXPORT_FORMATS)}.")],
    ) -> StreamingResponse:
        """Every event matching the filters, newest first, written as `fieldreport export --format` writes it."""
        chosen = EXPORT_FORMATS.get(format)
        if chosen is None:
            raise invalid_query("format", format, f"want one of {', '.join(EXPORT_FORMATS)}")
        body, count = exported(store.iter_events(filters), chosen)
        return StreamingResponse(chunks(body), media_type=chosen.media_type, background=BackgroundTask(body.close),
                                 headers={"X-Total-Count": str(count),
                                          "Content-Disposition": f'attachment; filename="events{chosen.suffix}"'})

    @app.get("/api/territory", response_model=Territory, tags=["territory"])
    def territory(
        on: Annotated[date | None, Query(alias="date", description="YYYY-MM-DD; default: latest.")] = None,
        admin1: Annotated[str | None, Query(description="Only this governorate.")] = None,
    ) -> Territory:
        """Who controls which place on a date, with the event that says so."""
        return Territory(date=on, admin1=admin1, places=store.territory(on=on, admin1=admin1))


def add_ingest_routes(app: FastAPI, store: Store, jobs: IngestJobs, require_token: Callable[..., None]) -> None:
    @app.post("/api/documents", response_model=IngestResult, status_code=201, tags=["documents"],
              dependencies=[Depends(require_token)],
              responses={200: {"model": IngestResult, "description": "Already stored; nothing written."},
                         202: {"model": Queued, "description": "Still being extracted: see status_url."},
                         401: {"description": "Missing or wrong bearer token."},
                         403: {"description": "The server has no token configured: ingestion is off."},
                         409: {"description": "The id is already stored with another text; `stored_hash` is the "
                                              "stored text's content hash."},
                         413: {"description": f"Body over {MAX_BODY_BYTES:,} bytes."},
                         422: {"description": "Malformed body, or a text with no English (the extractor reads "
                                              "English only)."}})
    async def ingest(
        body: DocumentIn, response: Response,
        wait: Annotated[float, Query(ge=0, le=MAX_WAIT, description="Seconds to wait for the extraction; "
                                     "if it takes longer the answer is 202 with the job's status_url.")] = 30,
    ) -> Any:
        """Extract events from a text and store the document, its events and evidence in one transaction.
        Extraction runs in a worker process: reads are never held up by it."""
        document = Document(text=body.text, id=body.id or "", published=body.published, outlet=body.outlet,
                            title=body.title, url=body.url, origin="api")
        try:
            result = await jobs.wait(jobs.submit(document), wait)
        except ConflictError as error:
            return JSONResponse({"detail": str(error), "stored_hash": error.stored_hash}, status_code=409)
        except LanguageError:
            return JSONResponse({"detail": f"document {document.id!r} has no English text: fieldreport extracts "
                                           "events from English text only; nothing stored"}, status_code=422)
        if result is None:
            status_url = f"/api/documents/{document.id}/status"
            return JSONResponse(Queued(document_id=document.id, state=jobs.state(document.id) or "queued",
                                       status_url=status_url).model_dump(), status_code=202,
                                headers={"Location": status_url})
        if not result.stored:
            response.status_code = 200
        return ingest_result(result)

    @app.get("/api/documents/{document_id}/status", response_model=JobStatus, tags=["documents"],
             responses={404: {"description": "Neither queued here nor stored."}})
    def ingest_status(document_id: str) -> JobStatus:
        """Where a POSTed document stands: queued, running, done (with its result) or failed (with why)."""
        state = jobs.state(document_id)
        if state is None:
            if not store.has_document(document_id):
                raise HTTPException(status_code=404, detail=f"no document {document_id!r} queued or stored")
            return JobStatus(document_id=document_id, state="done")
        job = jobs.jobs[document_id]
        if state == "failed":
            return JobStatus(document_id=document_id, state=state, error=str(job.exception()))
        result = ingest_result(job.result()) if state == "done" else None
        return JobStatus(document_id=document_id, state=state, result=result)


bearer = HTTPBearer(auto_error=False, description="The token given to `fieldreport serve --token`.")


def bearer_check(api_token: str | None) -> Callable[..., None]:
    """A dependency that lets a request through only with `Authorization: Bearer <api_token>`."""

    def require_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
        if api_token is None:
            raise HTTPException(status_code=403, detail=f"ingestion is off: no API token configured ({TOKEN_ENV})")
        if credentials is None or not secrets.compare_digest(credentials.credentials.encode(), api_token.encode()):
            raise HTTPException(status_code=401, detail="missing or wrong bearer token",
                                headers={"WWW-Authenticate": "Bearer"})

    return require_token


def event_filter(
    start: Annotated[date | None, Query(description="Events on or after, YYYY-MM-DD.")] = None,
    end: Annotated[date | None, Query(description="Events on or before, YYYY-MM-DD.")] = None,
    bbox: Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat",
                                      examples=["35.5,32.3,42.4,37.4"])] = None,
    admin1: Annotated[str | None, Query(description="Governorate, in any common spelling (Idleb, Idlib).")] = None,
    event_type: Annotated[str | None, Query(description="ACLED event type (Battles).")] = None,
    actor: Annotated[str | None, Query(description="An actor, either side: its name, an alias or code of the "
                                                   "actor dictionary (Daesh, SDF, regime), or part of a name or "
                                                   "of the words a source used.")] = None,
    modality: Annotated[Modality | None, Query(
        description="occurred, planned, denied...; background events only when named")] = None,
    q: Annotated[str | None, Query(description="Words, each in the notes, the location or an actor's name.")] =
        None,
    review: Annotated[ReviewFilter | None, Query(
        description="unreviewed, reviewed (confirmed or corrected), confirmed, corrected, rejected or any; "
                    "default: all but rejected.")] = None,
) -> EventFilter:
    if start and end and start > end:
        raise invalid_query("end", end.isoformat(), "end is before start")
    return EventFilter(start=start, end=end, bbox=parsed_bbox(bbox), admin1=admin1, event_type=event_type,
                       actor=actor, modality=modality, q=q, review=review)


def parsed_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """min_lon,min_lat,max_lon,max_lat as four floats; a 422 naming `bbox` if they are not that."""
    if text is None:
        return None
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in text.split(","))
    except ValueError:
        raise invalid_query("bbox", text, "want four numbers: min_lon,min_lat,max_lon,max_lat") from None
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise invalid_query("bbox", text, "want min_lon <= max_lon within ±180 and min_lat <= max_lat within ±90")
    return min_lon, min_lat, max_lon, max_lat


def invalid_query(name: str, value: str, message: str) -> RequestValidationError:
    """The same 422 shape FastAPI gives for its own validation errors."""
    return RequestValidationError([{"type": "value_error", "loc": ("query", name), "msg": message, "input": value}])


def timeline_of(days: list[dict]) -> Timeline:
    return Timeline(total=sum(day["count"] for day in days), days=days)


def grid_of(cells: list[dict], cell: float) -> Grid:
    return Grid(total=sum(one["count"] for one in cells), cell=cell, cells=cells)


@dataclass(frozen=True)
class Page:
    """One answer of GET /api/events, as sent."""

    body: bytes
    media_type: str
    total: int


def events_page(store: Store, filters: EventFilter, limit: int, offset: int, format: str, evidence: bool) -> Page:
    """A page of events in `format`. JSON is written by orjson straight from the records (plain dicts of JSON
    values), not through the EventPage model: validating and dumping a page cost more than reading it."""
    records, total = store.query_events(filters, limit=limit, offset=offset, evidence=evidence or format == "csv")
    next_offset = offset + len(records) if offset + len(records) < total else None
    if format == "geojson":
        return Page(feature_collection(records, total, next_offset).encode(), "application/geo+json", total)
    if format == "csv":
        return Page(csv_text(records).encode(), "text/csv; charset=utf-8", total)
    body = {"total": total, "limit": limit, "offset": offset, "next_offset": next_offset, "events": records}
    return Page(orjson.dumps(body), "application/json", total)


def feature_collection(records: list[dict], total: int, next_offset: int | None) -> str:
    """A page of events as GeoJSON Points, with the page's `total` and `next_offset` (evidence left out:
    GET /api/events/{id} has it)."""
    out = io.StringIO()
    write_geojson(({key: value for key, value in record.items() if key != "evidence"} for record in records), out,
                  members={"total": total, "next_offset": next_offset})
    return out.getvalue()


def csv_text(records: list[dict]) -> str:
    """A page of events as ACLED's CSV, written as `fieldreport export --format acled-csv` writes it."""
    out = io.StringIO()
    write_acled_csv(records, out)
    return out.getvalue()


def exported(records: Iterator[dict], chosen: ExportFormat) -> tuple[IO[bytes], int]:
    """`records` written in `chosen` to a spooled temporary file, rewound, and how many there were. Written
    before the response starts, so that a store error is an error response rather than a cut-off file."""
    body = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the response's task closes it)
    try:
        if chosen.binary:
            count = chosen.write(records, body)
        else:
            text = io.TextIOWrapper(body, encoding="utf-8", newline="")
            count = chosen.write(records, text)
            text.flush()
            text.detach()
    except BaseException:
        body.close()
        raise
    body.seek(0)
    return body, count


def chunks(body: IO[bytes]) -> Iterator[bytes]:
    while chunk := body.read(CHUNK_BYTES):
        yield chunk


def with_evidence_sentences(record: dict) -> dict:
    """The event with each mention's evidence laid out as sentences of marked and plain segments."""
    mentions = [{**mention, "sentences": evidence_sentences(mention.get("evidence") or [])}
                for mention in record.get("mentions") or []]
    return {**record, "mentions": mentions}


def evidence_sentences(spans: list[dict]) -> list[dict]:
    """Each sentence that tells the event, split into segments; a segment lists the fields it supports.

    The extractor gives the whole sentence as the `notes` span; the other spans lie inside it. A span
    covering the whole sentence (fatalities from "killing tens...") goes to the sentence's `fields`
    rather than marking everything. Spans outside every sentence (a date from an earlier sentence)
    become sentences of their own.
    """
    sentences = sorted({(span["start"], span["end"], span["text"]) for span in spans
                        if span["field"] == SENTENCE_FIELD})
    laid_out, placed = [], set()
    for start, end, text in sentences:
        inside = [span for span in spans if span["field"] != SENTENCE_FIELD
                  and start <= span["start"] and span["end"] <= end]
        placed.update(id(span) for span in inside)
        laid_out.append(sentence_layout(start, end, text, inside))
    for span in spans:
        if span["field"] != SENTENCE_FIELD and id(span) not in placed:
            laid_out.append(sentence_layout(span["start"], span["end"], span["text"], [span]))
    return sorted(laid_out, key=lambda sentence: sentence["start"])


def sentence_layout(start: int, end: int, text: str, spans: list[dict]) -> dict:
    whole = [span for span in spans if (span["start"], span["end"]) == (start, end)]
    partial = [span for span in spans if span not in whole]
    if whole and not partial:
        partial = whole  # a span standing alone is marked, or it would not show at all
    return {
        "start": start,
        "end": end,
        "text": text,
        "fields": sorted({span["field"] for span in whole}),
        "segments": marked_segments(start, text, partial),
    }


def marked_segments(start: int, text: str, spans: list[dict]) -> list[dict]:
    """`text` cut at every span boundary; each piece with the fields of the spans covering it."""
    cuts = sorted({0, len(text)} | {min(max(point - start, 0), len(text))
                                    for span in spans for point in (span["start"], span["end"])})
    segments = []
    for left, right in zip(cuts, cuts[1:], strict=False):
        fields = sorted({span["field"] for span in spans
                         if span["start"] - start <= left and right <= span["end"] - start})
        segments.append({"text": text[left:right], "fields": fields})
    return segments


LIST_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A page of events: JSON (default), GeoJSON FeatureCollection or CSV.",
        "content": {
            "application/geo+json": {"schema": {"type": "object", "title": "FeatureCollection"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    },
}
