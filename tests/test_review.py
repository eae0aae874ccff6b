"""Reviewing through the API: reviewer tokens, corrections with an audit trail, places typed by name."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from stores import DOUMA, report, save_all

from fieldreport.api import create_app
from fieldreport.ingest import open_store

AMAL, OMAR = {"Authorization": "Bearer tok-amal"}, {"Authorization": "Bearer tok-omar"}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "events.db"
    with open_store(path) as store:
        save_all(store, report("b", "SANA", {"fatalities": 4}), report("c", "SOHR", {**DOUMA}))
    return path


@pytest.fixture
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(str(db), reviewers=["amal:tok-amal", "omar:tok-omar"])) as test_client:
        yield test_client


def event_at(client: TestClient, location: str, **params: str) -> dict:
    events = client.get("/api/events", params=params).json()["events"]
    return next(event for event in events if event["location"] == location)


def test_reviewing_needs_a_reviewer_token(client: TestClient, db: Path) -> None:
    event = event_at(client, "Saraqib")
    url = f"/api/events/{event['id']}"
    assert client.patch(url, json={"status": "confirmed"}).status_code == 401
    assert client.patch(url, json={"status": "confirmed"}, headers={"Authorization": "Bearer nope"}).status_code == 401
    with TestClient(create_app(str(db), token="ingest-only")) as read_only:
        refused = read_only.patch(url, json={"status": "confirmed"}, headers={"Authorization": "Bearer ingest-only"})
        assert refused.status_code == 403
    assert client.get(f"{url}/reviews").json() == []


def test_a_correction_is_kept_with_its_reviewer_and_survives_a_joining_report(client: TestClient, db: Path) -> None:
    event = event_at(client, "Saraqib")
    response = client.patch(f"/api/events/{event['id']}", json={"changes": {"fatalities": 11}}, headers=AMAL)
    assert response.status_code == 200, response.text
    assert (response.json()["fatalities"], response.json()["review_status"]) == (11, "corrected")
    client.patch(f"/api/events/{event['id']}", json={"status": "confirmed"}, headers=OMAR)
    trail = client.get(f"/api/events/{event['id']}/reviews").json()
    assert [(r["reviewer"], r["field"], r["before"], r["after"]) for r in trail] == [
        ("amal", "fatalities", 4, 11), ("amal", "review_status", None, "corrected"),
        ("omar", "review_status", "corrected", "confirmed")]

    with open_store(db) as store:
        save_all(store, report("a", "AFP", {"fatalities": 3}))  # the same clash, first in canonical order
    merged = event_at(client, "Saraqib")
    assert merged["id"] != event["id"] and merged["mentions"] == 2
    assert (merged["fatalities"], merged["review_status"]) == (11, "confirmed")
    moved = client.patch(f"/api/events/{event['id']}", json={"status": "rejected"}, headers=AMAL,
                         follow_redirects=False)
    assert moved.status_code == 307 and moved.headers["location"].endswith(str(merged["id"]))
    assert client.get("/api/events", params={"review": "reviewed"}).json()["total"] == 1


def test_a_place_typed_by_name_is_placed_by_the_gazetteer(client: TestClient) -> None:
    event = event_at(client, "Douma")
    response = client.patch(f"/api/events/{event['id']}", json={"place": "Saraqib"}, headers=AMAL)
    assert response.status_code == 200, response.text
    placed = response.json()
    assert placed["location"] == "Saraqib" and placed["country"] == "Syria" and placed["geo_precision"] == 1
    assert abs(placed["latitude"] - 35.86) < 0.05 and abs(placed["longitude"] - 36.80) < 0.05
    assert placed["admin1"] != "Rural Damascus"
    unknown = client.patch(f"/api/events/{event['id']}", json={"place": "Xqzzyville"}, headers=AMAL)
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"][-1] == "place"


def test_a_rejected_event_is_listed_only_when_asked_for(client: TestClient) -> None:
    event = event_at(client, "Douma")
    client.patch(f"/api/events/{event['id']}", json={"status": "rejected"}, headers=AMAL)
    assert [e["location"] for e in client.get("/api/events").json()["events"]] == ["Saraqib"]
    assert [e["location"] for e in client.get("/api/events", params={"review": "rejected"}).json()["events"]] == [
        "Douma"]
    assert client.get("/api/events", params={"review": "maybe"}).status_code == 422


@pytest.mark.parametrize(("body", "field"), [
    ({"changes": {"fatalities": -2}}, "fatalities"),
    ({"changes": {"event_date": "2018-02-30"}}, "event_date"),
    ({"changes": {"sub_event_type": "Skirmish"}}, "sub_event_type"),
    ({"changes": {"notes": "x"}}, "notes"),
    ({"status": "maybe"}, "status"),
])
def test_a_refused_correction_is_422_naming_the_field(client: TestClient, body: dict, field: str) -> None:
    event = event_at(client, "Saraqib")
    response = client.patch(f"/api/events/{event['id']}", json=body, headers=AMAL)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
    assert client.get(f"/api/events/{event['id']}/reviews").json() == []


def test_an_unknown_event_is_404(client: TestClient) -> None:
    assert client.patch("/api/events/987654", json={"status": "confirmed"}, headers=AMAL).status_code == 404
    assert client.get("/api/events/987654/reviews").status_code == 404
