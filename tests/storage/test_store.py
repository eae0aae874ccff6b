import dataclasses
import random
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from stores import DOUMA, report, save_all, synthetic_events

from fieldreport.errors import StoreError
from fieldreport.ingest import open_store
from fieldreport.merging import clusters as corroborate
from fieldreport.model import Document, Event, Evidence, content_id
from fieldreport.storage import EventFilter, FilterError, LearnedPlace, Store
from fieldreport.storage.schema import MIGRATIONS, REVISED_TABLES, events_table, schema_version

TEXT = (
    "Field sources confirmed on Wednesday that Abu Hamzah Turki, a notorious field commander of "
    "Al-Nusra Front was assassinated by unknown attackers in Northwestern Idlib.\n"
    "The Syrian Air Force pounded terrorists' movements near Ma'arat Shamarin, killing tens of terrorists."
)


def make_document(text: str = TEXT, document_id: str = "fna-001") -> Document:
    return Document(
        text=text,
        id=document_id,
        published=date(2018, 1, 18),
        outlet="Fars News Agency",
        title="Al-Nusra commander assassinated",
        url="https://example.org/fna-001",
        origin="wire.jsonl:1",
    )


def span(text: str, field: str, needle: str) -> Evidence:
    start = text.index(needle)
    return Evidence(field=field, start=start, end=start + len(needle), text=needle)


def make_events(document: Document) -> list[Event]:
    text = document.text
    assassination = Event(
        document_id=document.id,
        event_type="Violence against civilians",
        sub_event_type="Attack",
        event_date="2018-01-17",
        time_precision=1,
        actor1="Unidentified Armed Group (Syria)",
        inter1=3,
        actor2="HTS: Hayat Tahrir al Sham",
        inter2=2,
        country="Syria",
        admin1="Idleb",
        admin2="Harim",
        location="Bireh Armanaz",
        latitude=35.9839,
        longitude=36.4924,
        geo_precision=2,
        fatalities=1,
        source="Fars News Agency",
        notes="On 17 January 2018, unknown attackers assassinated an HTS commander in northwestern Idleb.",
        cited_sources=["field sources"],
        actor1_text="unknown attackers",
        actor2_text="Al-Nusra Front",
        evidence=[
            span(text, "event_type", "assassinated"),
            span(text, "actor1", "unknown attackers"),
            span(text, "location", "Northwestern Idlib"),
        ],
    )
    airstrike = Event(
        document_id=document.id,
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        actor1="Military Forces of Syria (2000-)",
        country="Syria",
        location="Ma'arat Shamarin",
        fatalities=10,
        modality="ongoing",
        evidence=[span(text, "sub_event_type", "Air Force pounded")],
    )
    return [assassination, airstrike]


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "events.db"


def test_event_table_has_a_column_for_every_event_field():
    fields = {item.name for item in dataclasses.fields(Event)} - {"evidence"}
    assert fields <= set(events_table.columns.keys())


def test_saved_document_reads_back_identical_after_reopening(store_url):
    document = make_document()
    events = make_events(document)
    store = open_store(store_url)
    assert store.save(document, events) is True
    store.close()

    reopened = open_store(str(store_url))
    assert reopened.has_document("fna-001")
    assert not reopened.has_document("fna-002")
    assert reopened.events() == [item.as_record() for item in events]
    assert reopened.events("fna-001") == [item.as_record() for item in events]
    assert reopened.events("fna-002") == []
    assert reopened.documents() == [
        {
            "id": "fna-001",
            "content_hash": content_id(TEXT),
            "published": "2018-01-18",
            "outlet": "Fars News Agency",
            "title": "Al-Nusra commander assassinated",
            "url": "https://example.org/fna-001",
            "origin": "wire.jsonl:1",
            "n_events": 2,
        }
    ]
    assert reopened.counts() == {"documents": 1, "events": 2, "evidence": 4}
    reopened.close()


def test_events_of_several_documents_are_ordered_by_document_then_position(store_url):
    with open_store(store_url) as store:
        later = make_document(TEXT + "\nMore.", document_id="b-doc")
        earlier = make_document(document_id="a-doc")
        store.save(later, make_events(later))
        store.save(earlier, make_events(earlier))
        ordered = [(record["document_id"], record["event_type"]) for record in store.events()]
        assert ordered == [
            ("a-doc", "Violence against civilians"),
            ("a-doc", "Explosions/Remote violence"),
            ("b-doc", "Violence against civilians"),
            ("b-doc", "Explosions/Remote violence"),
        ]


def test_document_without_events_is_stored(store_url):
    with open_store(store_url) as store:
        document = Document(text="Nothing happened today.")
        assert store.save(document, []) is True
        [summary] = store.documents()
        assert summary["n_events"] == 0
        assert summary["published"] is None


def test_saving_the_same_document_twice_stores_it_once(store_url):
    document = make_document()
    with open_store(store_url) as store:
        assert store.save(document, make_events(document)) is True
        before = store.counts()
        assert store.save(document, make_events(document)) is False
        assert store.counts() == before


def test_same_text_under_another_id_is_a_duplicate(store_url):
    document = make_document()
    with open_store(store_url) as store:
        store.save(document, make_events(document))
        before = store.counts()
        renamed = make_document(document_id="other-id")
        assert store.save(renamed, make_events(renamed)) is False
        assert store.counts() == before
        assert not store.has_document("other-id")


def test_same_id_with_other_text_is_a_duplicate(store_url):
    with open_store(store_url) as store:
        store.save(make_document(), [])
        assert store.save(make_document(text="A different article."), []) is False
        assert store.counts()["documents"] == 1


def test_failure_mid_save_leaves_the_database_as_before(store_url, monkeypatch):
    with open_store(store_url) as store:
        first = make_document(document_id="first")
        store.save(first, make_events(first))
        before = store.counts()

        def fail_after_events_were_inserted(*_args):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(store, "_insert_evidence", fail_after_events_were_inserted)
        second = make_document(TEXT + "\nUpdate.", document_id="second")
        with pytest.raises(RuntimeError, match="disk on fire"):
            store.save(second, make_events(second))

        assert store.counts() == before
        assert not store.has_document("second")
    with open_store(store_url) as reopened:
        assert reopened.counts() == before


def test_event_of_another_document_is_refused(store_url):
    document = make_document()
    stray = make_events(make_document(document_id="elsewhere"))
    with open_store(store_url) as store, pytest.raises(ValueError, match="elsewhere"):
        store.save(document, stray)


def test_full_sqlalchemy_url_is_accepted(db_path):
    with open_store(f"sqlite:///{db_path}") as store:
        store.save(make_document(), [])
    with open_store(db_path) as store:
        assert store.has_document("fna-001")


def test_database_in_missing_directory_is_a_one_line_store_error(tmp_path):
    path = tmp_path / "no" / "such" / "dir" / "events.db"
    with pytest.raises(StoreError) as caught:
        open_store(path)
    message = str(caught.value)
    assert message.startswith(f"cannot open database {path}: ")
    assert "\n" not in message


def test_file_that_is_not_a_database_is_a_one_line_store_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("These are my notes, not a database.\n" * 200)
    with pytest.raises(StoreError) as caught:
        open_store(path)
    message = str(caught.value)
    assert message == f"cannot open database {path}: file is not a database"


# Merged events, queries, migrations --------------------------------------------------------------

def test_two_outlets_telling_one_clash_become_one_event_with_both_mentions(store_url):
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {"fatalities": 4}),
                 report("b", "Reuters", {"fatalities": 9, "time_precision": 2,
                                         "latitude": 35.88}),  # dated by its publication: that week
                 report("c", "SOHR", {"fatalities": 6}))
        records, total = store.query_events()
        assert total == 1 and store.counts()["events"] == 3
        [merged] = records
        assert merged["mentions"] == 3 and merged["corroboration"] == 3
        assert (merged["fatalities_low"], merged["fatalities_best"], merged["fatalities_high"]) == (4, 6, 9)
        assert merged["event_date"] == "2018-01-17"
        assert set(merged["sources"]) == {"SANA", "Reuters", "SOHR"}
        shown = store.event(merged["id"])
        assert [m["document_id"] for m in shown["mentions"]] == ["a", "b", "c"]
        assert shown["mentions"][0]["evidence"] == [{"field": "event_type", "start": 21, "end": 28,
                                                     "text": "clashes"}]
        assert any("same place 'Saraqib'" in line and "the same date" in line for line in shown["explanation"])
        assert store.event(10_000) is None


def test_contradicting_actors_far_places_and_distant_dates_stay_apart(store_url):
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {}),
                 report("b", "SOHR", {"actor1": "Military Forces of Turkey (2016-)", "actor2": "YPG"}),
                 report("c", "AFP", DOUMA),
                 report("d", "AP", {"event_date": "2018-01-25"}),
                 report("e", "DPA", {"modality": "planned"}),
                 report("f", "AJ", {"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike"}))
        assert store.query_events()[1] == 6


def test_same_documents_in_any_order_give_the_same_events(store_url, tmp_path):
    reports = [report("a", "SANA", {}), report("b", "SOHR", {"event_date": "2018-01-18"}),
               report("c", "AFP", {"actor1": "Military Forces of Turkey (2016-)", "actor2": None}),
               report("d", "AP", {"sub_event_type": "Government regains territory", "fatalities": 3}),
               report("e", "DPA", {"actor2": None, "geo_precision": 2, "latitude": 35.95})]

    def merged_events(order: list[int], url: str) -> list:
        with open_store(url) as store:
            save_all(store, *(reports[i] for i in order))
            records, _ = store.query_events()
            shown = [store.event(r["id"]) for r in records]
        return sorted((sorted(m["document_id"] for m in s["mentions"]), s["sub_event_type"], s["fatalities_high"])
                      for s in shown)

    first = merged_events([0, 1, 2, 3, 4], store_url)
    assert first == merged_events([4, 3, 2, 1, 0], str(tmp_path / "reversed.db"))
    assert first == merged_events([2, 0, 4, 1, 3], str(tmp_path / "shuffled.db"))
    assert any(len(docs) > 1 for docs, _, _ in first)


ALEPPO_CITY = {"location": "Aleppo", "admin1": "Aleppo", "latitude": 36.2012, "longitude": 37.1612,
               "geo_precision": 2}
SHELLING = {"event_type": "Explosions/Remote violence", "sub_event_type": "Shelling/artillery/missile attack",
            "actor2": None, "inter2": None, **ALEPPO_CITY}
UNNAMED = {"actor1": "Unidentified Armed Group (Syria)", "inter1": 3}
TERRORISTS = {"actor1": "Opposition Rebels (Syria)", "inter1": 2}  # a partisan label's default


@pytest.mark.parametrize(("first", "second", "one_event"), [
    # one day: two reports dated to the day tell one event only if it is the same day
    ({**SHELLING, **UNNAMED}, {**SHELLING, **UNNAMED}, True),
    ({**SHELLING, **UNNAMED}, {**SHELLING, **UNNAMED, "event_date": "2018-01-18"}, False),
    # a date known only to its month is no day: it matches only another report of that month
    ({**SHELLING, "time_precision": 3, "event_date": "2018-01-01"}, {**SHELLING}, False),
    ({**SHELLING, "time_precision": 3, "event_date": "2018-01-01", "geo_precision": 1},
     {**SHELLING, "time_precision": 3, "event_date": "2018-01-01", "geo_precision": 1}, True),
    # ... and only at a place named exactly: 'Aleppo' for its districts (geo_precision 2) holds many
    # shellings by the army in a month
    ({**SHELLING, "time_precision": 3, "event_date": "2018-01-01"},
     {**SHELLING, "time_precision": 3, "event_date": "2018-01-01"}, False),
    # one place: a whole country is no place ('Britain-based' read as Britain)
    ({"location": "Britain", "country": "United Kingdom", "admin1": None, "geo_precision": 3},
     {"location": "Britain", "country": "United Kingdom", "admin1": None, "geo_precision": 3}, False),
    # in a one-sided event actor1 is who fires: the army and 'terrorists' shelling Aleppo are two events,
    # 'terrorists' may be the Islamic State
    ({**SHELLING}, {**SHELLING, **TERRORISTS}, False),
    ({**SHELLING, **TERRORISTS}, {**SHELLING, "actor1": "Islamic State (Syria)", "inter1": 2}, True),
    # a battle's sides pair up: 'army vs rebels' and 'rebels vs YPG' are two clashes
    ({"actor2": "Opposition Rebels (Syria)"},
     {"actor1": "Opposition Rebels (Syria)", "inter1": 2, "actor2": "YPG: Peoples Protection Units"}, False),
    ({"actor2": None, "inter2": None}, {"actor1": "HTS: Hayat Tahrir al Sham", "inter1": 2, "actor2": None}, True),
    # vague ties only fail to contradict: a report placed only in its governorate, with no group named,
    # is not tied to a clash in a town of it; naming the same group ties it
    ({**UNNAMED, "actor2": None, "location": "Idleb", "geo_precision": 3, "latitude": 35.93, "longitude": 36.63},
     {**UNNAMED, "actor2": None}, False),
    ({"location": "Idleb", "geo_precision": 3, "latitude": 35.93, "longitude": 36.63}, {}, True),
])
def test_reports_tell_one_event_only_on_one_day_at_one_place_with_actors_that_pair_up(
        store_url, first, second, one_event):
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", first), report("b", "SOHR", second))
        assert (store.query_events()[1] == 1) is one_event


def test_a_report_placed_only_in_its_governorate_joins_an_event_only_when_it_can_be_no_other(store_url):
    governorate = {"location": "Idleb", "geo_precision": 3, "latitude": 35.93, "longitude": 36.63}
    idlib_city = {"location": "Idlib", "latitude": 35.9306, "longitude": 36.6339}  # 17 km from Saraqib
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {}), report("g", "AFP", governorate), report("h", "AP", governorate))
        assert sorted(r["mentions"] for r in store.query_events()[0]) == [3]
        save_all(store, report("b", "SOHR", idlib_city))  # another clash in the governorate that day
        shown = sorted(sorted(m["document_id"] for m in store.event(r["id"])["mentions"])
                       for r in store.query_events()[0])
        assert shown == [["a"], ["b"], ["g", "h"]]


def test_a_later_report_can_join_an_event_or_split_it(store_url):
    idlib_city = {"location": "Idlib", "latitude": 35.9306, "longitude": 36.6339}
    with open_store(store_url) as store:
        save_all(store, report("b", "SANA", {"location": "Idleb", "geo_precision": 3}),
                 report("c", "SOHR", {}))
        records, total = store.query_events()
        assert total == 1 and records[0]["mentions"] == 2
        save_all(store, report("d", "DPA", {"fatalities": 1}))  # joins
        assert [r["mentions"] for r in store.query_events()[0]] == [3]
        save_all(store, report("a", "AFP", idlib_city))  # 17 km from Saraqib: another clash in Idleb
        shown = sorted(sorted(m["document_id"] for m in store.event(r["id"])["mentions"])
                       for r in store.query_events()[0])
        assert shown == [["a"], ["b"], ["c", "d"]]  # b, placed only in the governorate, may be either


def test_an_event_id_absorbed_by_a_later_report_leads_to_the_event_that_holds_it(store_url):
    with open_store(store_url) as store:
        save_all(store, report("b", "SANA", {"time_precision": 2}))
        [first] = store.query_events()[0]
        save_all(store, report("a", "AFP", {}))  # the same clash from a document first in canonical order
        [merged] = store.query_events()[0]
        assert merged["id"] != first["id"] and store.event(first["id"]) is None
        assert store.merged_into(first["id"]) == merged["id"]
        assert store.merged_into(merged["id"]) is None and store.merged_into(987654) is None


def test_background_events_are_left_out_unless_asked_for(store_url):
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {}),
                 report("b", "AFP", {**DOUMA, "event_date": "2017-12-20", "modality": "background",
                                     "notes": "Douma, which the army shelled last year."}),
                 report("c", "DPA", {**DOUMA, "event_date": "2018-03-01", "modality": "planned"}))

        def docs(**filters) -> list[str]:
            records, total = store.query_events(EventFilter(**filters))
            assert total == len(records)
            return sorted(r["document_id"] for r in records)

        assert docs() == ["a", "c"]
        assert docs(modality="background") == ["b"]
        assert docs(q="shelled") == []
        assert sorted(r["document_id"] for r in store.iter_events()) == ["a", "c"]
        assert [d["count"] for d in store.daily_counts()] == [1, 1]


def test_filters_select_by_date_bbox_admin1_type_actor_modality_and_text(store_url):
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {}),
                 report("b", "SOHR", {**DOUMA, "event_date": "2018-02-03", "actor1": "Jaish al Islam",
                                      "notes": "Jaish al-Islam shelled positions near Douma."}),
                 report("c", "AFP", {**DOUMA, "event_date": "2018-03-01", "modality": "planned",
                                     "event_type": "Strategic developments", "sub_event_type": "Agreement"}))

        def docs(**filters) -> list[str]:
            records, total = store.query_events(EventFilter(**filters))
            assert total == len(records)
            return [r["document_id"] for r in records]

        assert docs() == ["c", "b", "a"]  # newest first
        assert docs(start=date(2018, 1, 20)) == ["c", "b"]
        assert docs(end=date(2018, 2, 3), start=date(2018, 2, 3)) == ["b"]
        assert docs(bbox=(36.0, 33.0, 37.0, 34.0)) == ["c", "b"]
        assert docs(bbox=(36.0, 33.0, 37.0, 34.0), start=date(2018, 2, 1), end=date(2018, 2, 28)) == ["b"]
        assert docs(admin1="rural damascus") == ["c", "b"]
        assert docs(event_type="Battles") == ["b", "a"]
        assert docs(actor="jaish") == ["b"]
        assert docs(actor="hts") == ["c", "b", "a"]
        assert docs(modality="planned") == ["c"]
        assert docs(q="shelled") == ["b"]
        assert docs(q="Douma positions") == ["b"]
        assert docs(q="SANA clashed") == ["a"]
        page, total = store.query_events(limit=1, offset=1)
        assert total == 3 and [r["document_id"] for r in page] == ["b"]
        assert [r["document_id"] for r in store.iter_events(EventFilter(admin1="Idleb"))] == ["a"]


def test_actor_admin1_and_text_filters_read_what_users_write(store_url):
    deir = {"location": "Al Mayadin", "latitude": 35.0207, "longitude": 40.4518, "admin1": "Deir ez Zor"}
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {"actor1_text": "regime forces", "notes": "Clashes broke out."}),
                 report("b", "SOHR", {**deir, "event_date": "2018-05-02", "actor1": "Islamic State (Syria)",
                                      "inter1": 2, "actor2": "QSD: Syrian Democratic Forces", "actor1_text": "ISIS",
                                      "notes": "Fighting went on all day."}),
                 report("c", "AFP", {**DOUMA, "event_date": "2018-09-09", "actor1": "Global Coalition Against Daesh",
                                     "inter1": 8, "actor2": "Unidentified Armed Group (Syria)", "inter2": 3,
                                     "actor2_text": "clan fighters", "notes": "Jets struck a convoy."}),
                 report("d", "AP", {**deir, "event_date": "2019-07-01", "actor1": "Unidentified Armed Group (Syria)",
                                    "inter1": 3, "actor1_text": "tribal fighters", "actor2": None, "inter2": None,
                                    "event_type": "Violence against civilians", "sub_event_type": "Attack",
                                    "notes": "A man was shot."}))

        def docs(**filters) -> list[str]:
            return [r["document_id"] for r in store.query_events(EventFilter(**filters))[0]]

        assert docs(actor="Daesh") == ["b"]  # the Islamic State, not every name holding the word
        assert docs(actor="SDF") == docs(actor="sdf") == docs(actor="Syrian Democratic Forces") == ["b"]
        assert docs(actor="regime") == docs(actor="Syrian army") == ["a"]
        assert docs(actor="clan fighters") == ["c"]  # the source's own words, which the dictionary lacks
        assert docs(actor="tribal fighters") == ["d"]  # an alias, and the words its source wrote
        assert docs(actor="coalition") == ["c"]
        assert docs(admin1="Idlib") == docs(admin1="IDLEB") == ["a"]
        assert docs(admin1="Deir al-Zour") == docs(admin1="deir ez zor") == ["d", "b"]
        assert docs(admin1="Atlantis") == []
        assert docs(q="Mayadin fighting") == ["b"] and docs(q="saraqib clashes") == ["a"]  # location and notes
        assert docs(q="clan convoy") == ["c"] and docs(q="struck coalition") == ["c"]  # actor words and notes
        assert docs(q="Mayadin convoy") == []  # every word must be found


def test_daily_counts_count_every_match_per_day_under_the_same_filters(store_url):
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {}), report("b", "SOHR", {**DOUMA}),
                 report("c", "AFP", {**DOUMA, "event_date": "2018-02-03", "actor1": "Jaish al Islam"}),
                 report("d", "AP", {**DOUMA, "event_date": None, "time_precision": None}))
        assert store.daily_counts() == [{"date": "2018-01-17", "count": 2}, {"date": "2018-02-03", "count": 1}]
        assert store.daily_counts(EventFilter(admin1="Rural Damascus", end=date(2018, 1, 31))) == [
            {"date": "2018-01-17", "count": 1}]
        assert store.daily_counts(EventFilter(actor="jaish")) == [{"date": "2018-02-03", "count": 1}]


def test_caseless_admin1_filter_reads_an_index_not_the_whole_table(db_path):
    open_store(db_path).close()
    with sqlite3.connect(db_path) as conn:
        plan = conn.execute("EXPLAIN QUERY PLAN SELECT event_date, count(*) FROM canonical_events "
                            "WHERE lower(admin1) = 'idleb' GROUP BY event_date").fetchall()
    assert "ix_canonical_lower_admin1_date" in str(plan)


@pytest.mark.parametrize("filters, message", [
    (EventFilter(start="2018-13-01"), "start must be a date"),
    (EventFilter(start=date(2018, 2, 1), end=date(2018, 1, 1)), "is after end"),
    (EventFilter(bbox=(36.0, 33.0, 37.0)), "bbox must be four numbers"),
    (EventFilter(bbox=(37.0, 33.0, 36.0, 34.0)), "min_lon <= max_lon"),
    (EventFilter(bbox=("a", 1, 2, 3)), "bbox must be four numbers"),
    (EventFilter(modality="rumoured"), "unknown modality"),
    (EventFilter(q="!!!"), "has no words"),
])
def test_malformed_filters_are_clear_value_errors(tmp_path, filters, message):
    with open_store(tmp_path / "x.db") as store:
        with pytest.raises(ValueError, match=message) as caught:
            store.query_events(filters)
        assert isinstance(caught.value, StoreError)
        with pytest.raises(FilterError, match="limit"):
            store.query_events(limit=-1)
        with pytest.raises(FilterError, match="offset"):
            store.query_events(offset="3")


def test_a_crash_while_merging_leaves_the_database_as_before_that_document(store_url, monkeypatch):
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {"fatalities": 2}), report("b", "SOHR", {"fatalities": 5}))
        before = (store.counts(), store.query_events(), store.territory())

        def fail(_members):
            raise RuntimeError("power cut")

        monkeypatch.setattr(corroborate, "canonical_record", fail)
        with pytest.raises(RuntimeError, match="power cut"):
            store.save(*report("c", "AFP", {"fatalities": 9}))
        assert (store.counts(), store.query_events(), store.territory()) == before
        assert not store.has_document("c")


def test_postgresql_store_has_a_postgis_point_with_a_gist_index(store_url):
    if not store_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    with open_store(store_url) as store:
        assert store.has_postgis
        indexes = {i["name"] for i in inspect(store.engine).get_indexes("canonical_events")}
        assert {"ix_canonical_geom", "ix_canonical_date_lat_lon"} <= indexes


def test_store_made_before_merging_is_migrated_and_merged(tmp_path):
    path = tmp_path / "old.db"
    with open_store(path) as store:
        save_all(store, report("a", "SANA", {}), report("b", "SOHR", {}))
    with sqlite3.connect(path) as conn:  # back to the schema of version 1
        conn.executescript("""
            DROP TABLE canonical_fts; DROP TABLE canonical_events; DROP TABLE control_changes;
            DROP TABLE schema_version; DROP INDEX ix_events_canonical_id; DROP INDEX ix_events_type_date;
            DROP INDEX ix_events_component_id; ALTER TABLE events DROP COLUMN canonical_id;
            ALTER TABLE events DROP COLUMN component_id;
        """)
    with open_store(path) as store:
        assert schema_version(store.engine) == MIGRATIONS[-1][0]
        records, total = store.query_events()
        assert total == 1 and records[0]["mentions"] == 2


def test_store_merged_before_components_were_kept_is_merged_again(tmp_path):
    path = tmp_path / "v4.db"
    with open_store(path) as store:
        save_all(store, report("a", "SANA", {}), report("b", "SOHR", {}))
        expected = store.query_events()
    with sqlite3.connect(path) as conn:
        conn.executescript("DROP INDEX ix_events_component_id; ALTER TABLE events DROP COLUMN component_id;"
                           "DELETE FROM schema_version WHERE version >= 5;")
    with open_store(path) as store:
        assert store.query_events() == expected
        save_all(store, report("c", "AFP", {}))
        assert [r["mentions"] for r in store.query_events()[0]] == [3]


def test_store_made_before_control_was_kept_gets_the_column_and_keeps_its_changes_until_merged_again(store_url):
    taken = {"sub_event_type": "Government regains territory", "control": "gain"}
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", taken))
        changes = store.territory()
        with store.engine.begin() as conn:  # back to the schema of version 6
            for table in ("events", "canonical_events"):
                conn.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN control")
            conn.exec_driver_sql("DELETE FROM schema_version WHERE version >= 7")
    with open_store(store_url) as store:
        assert schema_version(store.engine) == MIGRATIONS[-1][0] >= 7
        assert [e["control"] for e in store.events()] == [None]
        assert store.territory() == changes and changes[0]["actor"] == "Military Forces of Syria (2000-)"
        store.remerge()
        assert store.territory() == []  # NULL control derives no change
        save_all(store, report("b", "SOHR", taken))
        assert [(r["actor"], r["cue"]) for r in store.territory()] == [("Military Forces of Syria (2000-)",
                                                                         "Government regains territory")]


def test_grid_counts_every_placed_match_once_in_the_cell_holding_it(store_url: str) -> None:
    rows = list(synthetic_events(500, random.Random(3)))
    rows[0] = {**rows[0], "latitude": None, "longitude": None}  # unplaced: in no cell
    with Store(store_url) as store:
        store.bulk_insert_canonical(rows)
        cells = store.grid_counts(EventFilter(), 1.0)
        battles = store.grid_counts(EventFilter(event_type="Battles"), 1.0)
        fine = store.grid_counts(EventFilter(bbox=(36.0, 33.0, 37.0, 34.0)), 0.25)
    assert sum(cell["count"] for cell in cells) == 499
    assert sum(cell["fatalities"] for cell in cells) == sum(row["fatalities"] for row in rows[1:])
    assert sum(cell["count"] for cell in battles) == sum(row["event_type"] == "Battles" for row in rows[1:])
    placed = [row for row in rows[1:] if 36 <= row["longitude"] <= 37 and 33 <= row["latitude"] <= 34]
    assert sum(cell["count"] for cell in fine) == len(placed) > 0
    for cell in cells:
        assert int(cell["south"] + 90) == int(cell["north"] + 90)  # one 1-degree row
        assert int(cell["west"] + 180) == int(cell["east"] + 180)
        assert cell["south"] <= cell["latitude"] <= cell["north"]
        assert cell["types"][cell["event_type"]] == max(cell["types"].values())


def test_grid_cell_size_must_be_positive(tmp_path: Path) -> None:
    with Store(tmp_path / "events.db") as store, pytest.raises(FilterError, match="cell"):
        store.grid_counts(EventFilter(), 0)


def learned(name: str, admin1: str, document_id: str) -> LearnedPlace:
    return LearnedPlace(name=name, name_key=name.lower(), country_code="SY", country="Syria", admin1_code="10",
                        admin1=admin1, latitude=35.3, longitude=36.8, geo_precision=3, located_by=admin1,
                        evidence=f"Regime forces captured the village of {name} in {admin1}'s countryside.",
                        document_id=document_id)


def test_learned_places_are_kept_with_their_evidence_and_the_first_reading_wins(store_url):
    with open_store(store_url) as store:
        assert store.learned_places() == []
        assert store.add_learned_places([learned("Rihan", "Hama", "a"), learned("Khan Tuman", "Aleppo", "a")]) == 2
        assert store.add_learned_places([learned("Rihan", "Idleb", "b")]) == 0
    with open_store(store_url) as store:
        assert store.learned_places() == [learned("Rihan", "Hama", "a"), learned("Khan Tuman", "Aleppo", "a")]


def test_store_made_before_learned_places_gets_their_table(store_url):
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {}))
        with store.engine.begin() as conn:  # back to the schema of version 8
            conn.exec_driver_sql("DROP TABLE learned_places")
            conn.exec_driver_sql("DELETE FROM schema_version WHERE version >= 9")
    with open_store(store_url) as store:
        assert schema_version(store.engine) == MIGRATIONS[-1][0] >= 9
        assert store.add_learned_places([learned("Rihan", "Hama", "a")]) == 1
        assert store.counts()["documents"] == 1


def test_a_count_follows_every_write_of_another_connection(store_url):
    """Counts are kept per store revision; a write through another store (as another process writes), or a
    plain SQL statement of another tool, raises it and drops them."""
    with open_store(store_url) as reader, open_store(store_url) as writer:
        save_all(writer, report("a", "SANA", {}))
        first = reader.revision()
        assert reader.query_events()[1] == 1
        save_all(writer, report("b", "Enab Baladi", DOUMA))
        assert reader.revision() > first
        events, total = reader.query_events()
        assert total == 2
        douma = next(event["id"] for event in events if event["location"] == "Douma")
        assert writer.review(douma, "amal", "rejected") is not None
        assert reader.query_events()[1] == 1
        with writer.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE canonical_events SET review_status = NULL")
        assert reader.query_events()[1] == 2
        assert reader.query_events(EventFilter(review="rejected"))[1] == 0


def test_lists_read_evidence_only_when_asked(store_url):
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {}))
        [with_spans], _ = store.query_events()
        [without], _ = store.query_events(evidence=False)
    assert with_spans["evidence"] == [{"field": "event_type", "start": 21, "end": 28, "text": "clashes"}]
    assert "evidence" not in without
    assert without == {key: value for key, value in with_spans.items() if key != "evidence"}
    assert without["updated_at"] is not None


def test_store_made_before_the_revision_gets_it(store_url):
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {}))
        with store.engine.begin() as conn:  # back to the schema of version 10
            if store.dialect == "sqlite":
                for name in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                                 "AND name LIKE '%revision%'").scalars().all():
                    conn.exec_driver_sql(f"DROP TRIGGER {name}")
            else:
                for table in REVISED_TABLES:
                    conn.exec_driver_sql(f"DROP TRIGGER {table}_revision ON {table}")
            conn.exec_driver_sql("DROP TABLE store_revision")
            conn.exec_driver_sql("DELETE FROM schema_version WHERE version >= 11")
    with open_store(store_url) as store:
        assert schema_version(store.engine) == MIGRATIONS[-1][0] >= 11
        before = store.revision()
        save_all(store, report("b", "Enab Baladi", DOUMA))
        assert store.revision() > before
        assert store.query_events()[1] == 2


def test_store_made_before_the_visible_count_indexes_gets_them(store_url):
    with open_store(store_url) as store:
        save_all(store, report("a", "SANA", {}))
        with store.engine.begin() as conn:  # back to the indexes of version 11
            for name, columns in (("ix_canonical_date_lat_lon", "event_date, latitude, longitude"),
                                  ("ix_canonical_lower_admin1_date", "lower(admin1), event_date"),
                                  ("ix_canonical_lower_type_date", "lower(event_type), event_date")):
                conn.exec_driver_sql(f"DROP INDEX {name}")
                conn.exec_driver_sql(f"CREATE INDEX {name} ON canonical_events ({columns})")
            conn.exec_driver_sql("DELETE FROM schema_version WHERE version >= 12")
        assert "review_status" not in index_definition(store, "ix_canonical_lower_type_date")
    with open_store(store_url) as store:
        assert schema_version(store.engine) == MIGRATIONS[-1][0] >= 12
        for name in ("ix_canonical_date_lat_lon", "ix_canonical_lower_admin1_date", "ix_canonical_lower_type_date"):
            assert "modality, review_status" in index_definition(store, name)
        assert store.query_events(EventFilter(event_type="battles", admin1="Idlib"))[1] == 1


def index_definition(store: Store, name: str) -> str:
    query = ("SELECT sql FROM sqlite_master WHERE name = :name" if store.dialect == "sqlite" else
             "SELECT indexdef FROM pg_indexes WHERE indexname = :name")
    with store.engine.connect() as conn:
        return conn.execute(text(query), {"name": name}).scalar_one()


def test_a_sqlite_store_writes_its_log_in_wal_mode_syncing_at_checkpoints(db_path):
    with open_store(db_path) as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
