"""Analysts' reviews: corrections applied, audited, kept through merging; rejected events hidden."""

from datetime import date

import pytest
from stores import DOUMA, report, save_all

from fieldreport.ingest import open_store
from fieldreport.storage import EventFilter, ReviewError

ARMY, HTS = "Military Forces of Syria (2000-)", "HTS: Hayat Tahrir al Sham"


def test_a_correction_changes_the_event_and_is_audited(store_url):
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {"fatalities": 4}))
        [event] = store.query_events()[0]
        corrected = store.review(event["id"], "amal", changes={"fatalities": 9, "event_date": "2018-01-16"})
        assert (corrected["fatalities"], corrected["event_date"], corrected["review_status"]) == (
            9, "2018-01-16", "corrected")
        trail = store.reviews(event["id"])
        assert [(r["reviewer"], r["field"], r["before"], r["after"]) for r in trail] == [
            ("amal", "fatalities", 4, 9), ("amal", "event_date", "2018-01-17", "2018-01-16"),
            ("amal", "review_status", None, "corrected")]
        assert store.query_events(EventFilter(review="corrected"))[1] == 1
        assert store.query_events(EventFilter(review="unreviewed"))[1] == 0


def test_a_correction_outlives_a_later_report_joining_the_event_and_a_remerge(store_url):
    with open_store(store_url) as store:
        save_all(store, report("b", "SANA", {"fatalities": 4}))
        [event] = store.query_events()[0]
        store.review(event["id"], "amal", changes={"fatalities": 9, "actor2": "Tahrir al-Sham"})
        save_all(store, report("a", "AFP", {"fatalities": 5}))  # the same clash, first in canonical order
        [merged] = store.query_events()[0]
        assert merged["mentions"] == 2 and merged["id"] != event["id"]
        assert (merged["fatalities"], merged["actor2"], merged["review_status"]) == (9, "Tahrir al-Sham", "corrected")
        assert [r["after"] for r in store.reviews(merged["id"])][:2] == [9, "Tahrir al-Sham"]
        store.remerge()
        [again] = store.query_events()[0]
        assert (again["fatalities"], again["review_status"]) == (9, "corrected")


def test_a_confirmation_changes_nothing_but_the_status(store_url):
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {}))
        [event] = store.query_events()[0]
        confirmed = store.review(event["id"], "amal", changes={"fatalities": None})
        assert confirmed["review_status"] == "confirmed"
        assert {k: v for k, v in confirmed.items() if k != "review_status"} == {
            k: v for k, v in store.event(event["id"]).items() if k != "review_status"}
        assert [r["field"] for r in store.reviews(event["id"])] == ["review_status"]


def test_a_rejected_event_leaves_lists_exports_and_territory(store_url):
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {"sub_event_type": "Government regains territory", "control": "gain"}),
                 report("b", "SOHR", {**DOUMA}))
        assert len(store.territory(date(2018, 2, 1))) == 1
        saraqib = next(e for e in store.query_events()[0] if e["location"] == "Saraqib")
        store.review(saraqib["id"], "amal", status="rejected")
        assert [e["location"] for e in store.query_events()[0]] == ["Douma"]
        assert [e["location"] for e in store.iter_events()] == ["Douma"]
        assert [e["location"] for e in store.query_events(EventFilter(review="rejected"))[0]] == ["Saraqib"]
        assert store.query_events(EventFilter(review="any"))[1] == 2
        assert store.territory(date(2018, 2, 1)) == []


@pytest.mark.parametrize(("changes", "field"), [
    ({"fatalities": -1}, "fatalities"),
    ({"fatalities": "many"}, "fatalities"),
    ({"event_date": "2018-02-30"}, "event_date"),
    ({"latitude": 95}, "latitude"),
    ({"geo_precision": 4}, "geo_precision"),
    ({"sub_event_type": "Skirmish"}, "sub_event_type"),
    ({"event_type": "Protests", "sub_event_type": "Armed clash"}, "event_type"),
    ({"event_type": "Protests"}, "event_type"),
    ({"notes": "rewritten"}, "notes"),
])
def test_a_correction_the_store_refuses_names_the_field_and_writes_nothing(store_url, changes, field):
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {"fatalities": 4}))
        [event] = store.query_events()[0]
        with pytest.raises(ReviewError, match=f"^{field}: "):
            store.review(event["id"], "amal", changes=changes)
        assert store.reviews(event["id"]) == [] and store.event(event["id"])["fatalities"] == 4


def test_a_new_sub_event_type_brings_its_event_type(store_url):
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {}))
        [event] = store.query_events()[0]
        changed = store.review(event["id"], "amal", changes={"sub_event_type": "Shelling/artillery/missile attack"})
        assert changed["event_type"] == "Explosions/Remote violence"
        assert store.review(987654, "amal", status="confirmed") is None
