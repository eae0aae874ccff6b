"""The HTTP API over a real SQLite store filled by the real extractor from the seed article."""

import csv
import io
import json
import re
import sqlite3
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fieldreport.api import MAX_BODY_BYTES, create_app
from fieldreport.export import EXPORT_COLUMNS
from fieldreport.ingest import open_store
from fieldreport.model import Document, content_id
from fieldreport.pipeline import Extractor

SEED_ARTICLE = Path(__file__).parent / "fixtures" / "seed" / "article.txt"
SEED_PUBLISHED = date(2018, 1, 18)
TOKEN = "test-token-7f3a"
IDLIB_BBOX = "36.0,35.5,37.0,36.3"



@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory, extractor: Extractor) -> Path:
    path = tmp_path_factory.mktemp("api") / "seed.db"
    document = Document(text=SEED_ARTICLE.read_text(encoding="utf-8"), published=SEED_PUBLISHED,
                        outlet="Fars News Agency", origin=SEED_ARTICLE.name)
    with open_store(path) as store:
        assert store.save(document, extractor.extract(document))
    return path


@pytest.fixture(scope="module")
def client(seed_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(str(seed_db), token=TOKEN)) as test_client:
        yield test_client


def all_events(client: TestClient, **params: str) -> dict:
    response = client.get("/api/events", params={"limit": "1000", **params})
    assert response.status_code == 200, response.text
    return response.json()


def error_fields(response) -> set[str]:
    return {item["loc"][-1] for item in response.json()["detail"]}


def test_openapi_lists_every_route(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/api/events", "/api/events/{event_id}", "/api/grid", "/api/territory", "/api/documents"} <= set(
        schema["paths"])
    assert "post" in schema["paths"]["/api/documents"]
    assert schema["paths"]["/api/documents"]["post"]["security"]
    parameters = {item["name"] for item in schema["paths"]["/api/events"]["get"]["parameters"]}
    assert {"start", "end", "bbox", "admin1", "event_type", "actor", "modality", "q", "limit", "offset",
            "format"} <= parameters


def test_docs_load_swagger_ui_from_this_server(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200, "run `make web` to vendor Swagger UI"
    assets = re.findall(r'(?:src|href)="([^"]+)"|url: *["\']([^"\']+)', page.text)
    urls = [one or other for one, other in assets]
    assert "/vendor/swagger-ui/swagger-ui-bundle.js" in urls and "/openapi.json" in urls
    assert all(url.startswith("/") for url in urls), urls
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get("/redoc").status_code == 404


def test_events_match_the_store(client: TestClient, seed_db: Path) -> None:
    page = all_events(client)
    with open_store(seed_db) as store:
        stored = store.events()
    assert page["total"] == len(page["events"]) > 5
    assert page["total"] <= len(stored)
    assert page["next_offset"] is None
    assert all(isinstance(event["id"], int) for event in page["events"])


def test_date_range_filters_events(client: TestClient) -> None:
    every = all_events(client)["events"]
    on_17 = all_events(client, start="2018-01-17", end="2018-01-17")
    assert on_17["total"] == sum(event["event_date"] == "2018-01-17" for event in every) > 0
    assert all_events(client, start="2018-01-19")["total"] == 0
    assert all_events(client, end="2018-01-16")["total"] == 0


def test_bbox_keeps_events_inside_it(client: TestClient) -> None:
    everything = all_events(client)["total"]
    inside = all_events(client, bbox=IDLIB_BBOX)["events"]
    assert 0 < len(inside) < everything
    for event in inside:
        assert 36.0 <= event["longitude"] <= 37.0 and 35.5 <= event["latitude"] <= 36.3


@pytest.mark.parametrize(("name", "value", "check"), [
    ("admin1", "Idleb", lambda event: event["admin1"] == "Idleb"),
    ("event_type", "Battles", lambda event: event["event_type"] == "Battles"),
    ("actor", "Turkey", lambda event: "Turkey" in f"{event['actor1']} {event['actor2']}"),
    ("modality", "occurred", lambda event: event["modality"] == "occurred"),
])
def test_field_filters(client: TestClient, name: str, value: str, check) -> None:
    everything = all_events(client)["total"]
    events = all_events(client, **{name: value})["events"]
    assert 0 < len(events) < everything
    assert all(check(event) for event in events)


def ids(client: TestClient, **params: str) -> list[int]:
    return [event["id"] for event in all_events(client, **params)["events"]]


@pytest.mark.parametrize(("written", "canonical"), [
    ("Daesh", "Islamic State (Syria)"),
    ("SDF", "QSD: Syrian Democratic Forces"),
    ("regime", "Military Forces of Syria (2000-)"),
    ("Nusra Front", "HTS: Hayat Tahrir al Sham"),
])
def test_actor_filter_reads_aliases_as_their_actor(client: TestClient, written: str, canonical: str) -> None:
    found = ids(client, actor=written)
    assert found and found == ids(client, actor=canonical)


def test_actor_filter_reads_the_sources_own_words_and_admin1_its_spellings(client: TestClient) -> None:
    terrorists = all_events(client, actor="terrorists")["events"]  # a label the dictionary gives no actor
    assert terrorists and all("terrorist" in f"{e['actor1_text']} {e['actor2_text']}" for e in terrorists)
    assert ids(client, admin1="Idlib") == ids(client, admin1="Idleb") != []


def test_q_searches_notes_location_and_actors(client: TestClient) -> None:
    everything = all_events(client)["events"]
    in_maseh = {e["id"] for e in everything if e["location"] == "Maseh"}
    assert in_maseh and in_maseh <= set(ids(client, q="Maseh"))
    turkish = {e["id"] for e in everything if "Turkey" in (e["actor1"] or "")}
    assert turkish and turkish <= set(ids(client, q="turkey"))


def test_timeline_counts_every_matching_event_per_day(client: TestClient) -> None:
    timeline = client.get("/api/timeline").json()
    dated = [e for e in client.get("/api/events", params={"limit": 1000}).json()["events"] if e["event_date"]]
    assert timeline["total"] == len(dated) > 0
    for day in timeline["days"]:
        listed = client.get("/api/events", params={"start": day["date"], "end": day["date"]}).json()
        assert listed["total"] == day["count"]
    aleppo = client.get("/api/timeline", params={"admin1": "Aleppo"}).json()
    assert 0 < aleppo["total"] < timeline["total"]
    assert client.get("/api/timeline", params={"start": "2018-02-30"}).status_code == 422


def test_grid_counts_the_placed_events_of_the_view(client: TestClient) -> None:
    placed = [e for e in client.get("/api/events", params={"limit": 1000}).json()["events"] if e["latitude"]]
    grid = client.get("/api/grid", params={"cell": "0.5"}).json()
    assert grid["total"] == sum(cell["count"] for cell in grid["cells"]) == len(placed) > 0
    aleppo = client.get("/api/grid", params={"cell": "0.5", "admin1": "Aleppo"}).json()
    assert 0 < aleppo["total"] < grid["total"]
    assert client.get("/api/grid", params={"cell": "0"}).status_code == 422
    assert "cell" in error_fields(client.get("/api/grid", params={"cell": "x"}))


def test_pages_do_not_overlap(client: TestClient) -> None:
    first = client.get("/api/events", params={"limit": 5}).json()
    second = client.get("/api/events", params={"limit": 5, "offset": first["next_offset"]}).json()
    assert first["next_offset"] == 5 and len(first["events"]) == 5
    assert not {event["id"] for event in first["events"]} & {event["id"] for event in second["events"]}


def test_geojson_points_at_the_events(client: TestClient) -> None:
    response = client.get("/api/events", params={"format": "geojson", "limit": 1000})
    collection = response.json()
    assert response.headers["content-type"].startswith("application/geo+json")
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == collection["total"] == int(response.headers["x-total-count"])
    feature = collection["features"][0]
    assert feature["geometry"]["coordinates"] == [feature["properties"]["longitude"],
                                                  feature["properties"]["latitude"]]


def test_csv_has_one_row_per_event_as_the_acled_export_writes_it(client: TestClient) -> None:
    response = client.get("/api/events", params={"format": "csv", "limit": 1000, "admin1": "Aleppo"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == int(response.headers["x-total-count"]) > 0
    assert list(rows[0]) == EXPORT_COLUMNS and list(rows[0])[:3] == ["event_id_cnty", "event_date", "year"]
    assert {row["admin1"] for row in rows} == {"Aleppo"}
    exported = client.get("/api/export", params={"format": "acled-csv", "admin1": "Aleppo"})
    assert exported.text == response.text  # one page of all of them is the whole export


def test_lists_give_evidence_spans_only_when_asked(client: TestClient) -> None:
    plain = all_events(client)["events"]
    spanned = all_events(client, evidence="true")["events"]
    assert all("evidence" not in event and event["updated_at"] for event in plain)
    assert all(event["evidence"] for event in spanned)
    assert plain == [{key: value for key, value in event.items() if key != "evidence"} for event in spanned]
    first = client.get(f"/api/events/{spanned[0]['id']}").json()
    assert spanned[0]["evidence"] == first["evidence"]
    rows = list(csv.DictReader(io.StringIO(client.get("/api/events", params={"format": "csv"}).text)))
    assert all(json.loads(row["evidence"]) for row in rows)


def test_a_kept_page_is_dropped_when_another_process_writes(seed_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "copy.db"
    path.write_bytes(seed_db.read_bytes())
    with TestClient(create_app(str(path))) as api:
        before = all_events(api)
        assert all_events(api) == before  # the same page, kept
        timeline, grid = api.get("/api/timeline").json(), api.get("/api/grid").json()
        first = before["events"][0]
        with sqlite3.connect(path) as conn:  # another process's write: a plain SQL connection
            conn.execute("UPDATE canonical_events SET location = 'Elsewhere' WHERE id = ?", (first["id"],))
        assert all_events(api)["events"][0]["location"] == "Elsewhere"
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE canonical_events SET review_status = 'rejected' WHERE id = ?", (first["id"],))
        after = all_events(api)
        assert after["total"] == before["total"] - 1 == int(api.get("/api/events").headers["x-total-count"])
        assert first["id"] not in {event["id"] for event in after["events"]}
        assert api.get("/api/timeline").json()["total"] == timeline["total"] - (first["event_date"] is not None)
        assert api.get("/api/grid").json()["total"] == grid["total"] - (first["latitude"] is not None)


@pytest.mark.parametrize(("params", "field"), [
    ({"start": "2018-13-01"}, "start"),
    ({"end": "yesterday"}, "end"),
    ({"start": "2018-01-18", "end": "2018-01-17"}, "end"),
    ({"bbox": "36,35,37"}, "bbox"),
    ({"bbox": "37,35,36,36"}, "bbox"),
    ({"bbox": "a,b,c,d"}, "bbox"),
    ({"limit": "5000"}, "limit"),
    ({"offset": "-1"}, "offset"),
    ({"modality": "rumoured"}, "modality"),
    ({"format": "xml"}, "format"),
])
def test_malformed_query_is_422_naming_the_field(client: TestClient, params: dict, field: str) -> None:
    response = client.get("/api/events", params=params)
    assert response.status_code == 422
    assert field in error_fields(response)


def test_event_has_mentions_with_marked_evidence(client: TestClient) -> None:
    event_id = all_events(client, bbox=IDLIB_BBOX)["events"][0]["id"]
    event = client.get(f"/api/events/{event_id}").json()
    assert event["id"] == event_id
    mention = event["mentions"][0]
    assert mention["outlet"] == "Fars News Agency"
    sentence = mention["sentences"][0]
    assert "".join(segment["text"] for segment in sentence["segments"]) == sentence["text"]
    marked = [segment for sentence in mention["sentences"] for segment in sentence["segments"] if segment["fields"]]
    assert marked
    for segment in marked:
        for field in segment["fields"]:
            assert any(span["field"] == field and segment["text"] in span["text"] for span in mention["evidence"])


def test_unknown_event_is_404(client: TestClient) -> None:
    assert client.get("/api/events/987654").status_code == 404
    assert client.get("/api/events/abc").status_code == 422
    assert client.get(f"/api/events/{2**70}").status_code == 422


def test_territory_lists_places(client: TestClient) -> None:
    response = client.get("/api/territory", params={"date": "2018-01-18"})
    assert response.status_code == 200
    body = response.json()
    assert body["date"] == "2018-01-18"
    for place in body["places"]:
        assert {"place", "actor", "since", "event_id"} <= set(place)
    assert client.get("/api/territory", params={"date": "18/01/2018"}).status_code == 422
    rif = client.get("/api/territory", params={"admin1": "Rural Damascus"}).json()["places"]
    assert rif and client.get("/api/territory", params={"admin1": "Rif Dimashq"}).json()["places"] == rif


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    path = tmp_path / "ingest.db"
    open_store(path).close()
    return path


def test_post_needs_the_token(empty_db: Path) -> None:
    body = {"text": "The army shelled Harasta on Tuesday."}
    with TestClient(create_app(str(empty_db), token=TOKEN)) as api:
        assert api.post("/api/documents", json=body).status_code == 401
        wrong = api.post("/api/documents", json=body, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert wrong.headers["www-authenticate"] == "Bearer"
    with TestClient(create_app(str(empty_db))) as read_only:
        assert read_only.post("/api/documents", json=body, headers=auth()).status_code == 403
    with open_store(empty_db) as store:
        assert store.counts()["documents"] == 0


def test_oversized_body_is_413(empty_db: Path) -> None:
    body = {"text": "x" * (MAX_BODY_BYTES + 10)}
    with TestClient(create_app(str(empty_db), token=TOKEN)) as api:
        assert api.post("/api/documents", json=body, headers=auth()).status_code == 413


def test_post_stores_a_document_once(empty_db: Path) -> None:
    body = {"text": SEED_ARTICLE.read_text(encoding="utf-8"), "published": "2018-01-18", "outlet": "FNA",
            "title": "Syrian army advances", "url": "https://example.org/seed"}
    with TestClient(create_app(str(empty_db), token=TOKEN)) as api:
        first = api.post("/api/documents", json=body, headers=auth())
        assert first.status_code == 201, first.text
        assert first.json()["stored"] is True and first.json()["events"] > 5
        again = api.post("/api/documents", json=body, headers=auth())
        assert again.status_code == 200
        assert again.json()["stored"] is False and "already stored" in again.json()["message"]
        assert again.json()["document_id"] == first.json()["document_id"]
        assert all_events(api)["total"] > 0
    with open_store(empty_db) as store:
        assert store.counts()["documents"] == 1


def test_a_post_that_does_not_wait_is_202_with_a_status_address(empty_db: Path) -> None:
    body = {"text": SEED_ARTICLE.read_text(encoding="utf-8"), "published": "2018-01-18"}
    with TestClient(create_app(str(empty_db), token=TOKEN)) as api:
        queued = api.post("/api/documents", params={"wait": "0"}, json=body, headers=auth())
        assert queued.status_code == 202, queued.text
        status_url = queued.json()["status_url"]
        assert queued.headers["location"] == status_url
        assert api.get("/api/events").status_code == 200  # reads go on while the worker extracts
        status = api.get(status_url).json()
        while status["state"] in ("queued", "running"):
            time.sleep(0.5)
            status = api.get(status_url).json()
        assert status["state"] == "done" and status["result"]["stored"] is True
        listed = all_events(api)["total"] + all_events(api, modality="background")["total"]
        assert listed == status["result"]["events"] > 5
        assert api.get("/api/documents/nothing-here/status").status_code == 404


def test_post_of_a_stored_id_with_another_text_is_409_naming_the_stored_hash(empty_db: Path) -> None:
    first = {"id": "wire-7", "text": "Government artillery shelled the town of Harasta on Tuesday.",
             "published": "2018-01-18"}
    changed = {**first, "text": "Rebels shelled government positions in Harasta on Tuesday."}
    with TestClient(create_app(str(empty_db), token=TOKEN)) as api:
        assert api.post("/api/documents", json=first, headers=auth()).status_code == 201
        conflict = api.post("/api/documents", json=changed, headers=auth())
        assert conflict.status_code == 409, conflict.text
        assert conflict.json()["stored_hash"] == content_id(first["text"])
        assert "id 'wire-7' is already stored with another text" in conflict.json()["detail"]
        assert content_id(first["text"]) in conflict.json()["detail"]
        same = api.post("/api/documents", json=first, headers=auth())
        assert same.status_code == 200 and same.json()["stored"] is False
    with open_store(empty_db) as store:
        assert store.counts()["documents"] == 1
        assert store.documents()[0]["content_hash"] == content_id(first["text"])


def test_a_post_in_another_language_is_422_with_the_reason(empty_db: Path) -> None:
    german = ("Bei Luftangriffen auf die Stadt Idlib sind nach Angaben von Aktivisten mindestens zwanzig Zivilisten "
              "getötet worden. Die Kämpfe zwischen den Regierungstruppen und den Rebellen dauern seit Tagen an, "
              "und die Vereinten Nationen warnen vor einer neuen Fluchtbewegung in Richtung der türkischen Grenze, "
              "wo schon jetzt Hunderttausende Menschen in Lagern leben.")
    with TestClient(create_app(str(empty_db), token=TOKEN)) as api:
        response = api.post("/api/documents", json={"id": "dpa-1", "text": german}, headers=auth())
        assert response.status_code == 422, response.text
        assert response.json()["detail"] == ("document 'dpa-1' has no English text: fieldreport extracts events "
                                             "from English text only; nothing stored")
    with open_store(empty_db) as store:
        assert store.counts()["documents"] == 0


def test_post_validates_the_body(empty_db: Path) -> None:
    with TestClient(create_app(str(empty_db), token=TOKEN)) as api:
        response = api.post("/api/documents", json={"text": "", "published": "soon"}, headers=auth())
    assert response.status_code == 422
    assert {"text", "published"} <= error_fields(response)


def test_failed_ingest_leaves_the_store_unchanged(empty_db: Path) -> None:
    """A database failure halfway through the write (here a real SQLite trigger) rolls it all back."""
    with sqlite3.connect(empty_db) as conn:
        conn.execute("CREATE TRIGGER no_evidence BEFORE INSERT ON evidence "
                     "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")
    body = {"text": SEED_ARTICLE.read_text(encoding="utf-8"), "published": "2018-01-18"}
    with TestClient(create_app(str(empty_db), token=TOKEN), raise_server_exceptions=False) as api:
        response = api.post("/api/documents", json=body, headers=auth())
    assert response.status_code == 500
    assert "disk on fire" in response.json()["detail"]
    with open_store(empty_db) as store:
        assert set(store.counts().values()) == {0}


def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}
