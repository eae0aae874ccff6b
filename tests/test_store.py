import dataclasses
from datetime import date

import pytest

from fieldreport.errors import StoreError
from fieldreport.model import Document, Event, Evidence, content_id
from fieldreport.store import Store, events_table

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


def test_saved_document_reads_back_identical_after_reopening(db_path):
    document = make_document()
    events = make_events(document)
    store = Store(db_path)
    assert store.save(document, events) is True
    store.close()

    reopened = Store(str(db_path))
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


def test_events_of_several_documents_are_ordered_by_document_then_position(db_path):
    with Store(db_path) as store:
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


def test_document_without_events_is_stored(db_path):
    with Store(db_path) as store:
        document = Document(text="Nothing happened today.")
        assert store.save(document, []) is True
        [summary] = store.documents()
        assert summary["n_events"] == 0
        assert summary["published"] is None


def test_saving_the_same_document_twice_stores_it_once(db_path):
    document = make_document()
    with Store(db_path) as store:
        assert store.save(document, make_events(document)) is True
        before = store.counts()
        assert store.save(document, make_events(document)) is False
        assert store.counts() == before


def test_same_text_under_another_id_is_a_duplicate(db_path):
    document = make_document()
    with Store(db_path) as store:
        store.save(document, make_events(document))
        before = store.counts()
        renamed = make_document(document_id="other-id")
        assert store.save(renamed, make_events(renamed)) is False
        assert store.counts() == before
        assert not store.has_document("other-id")


def test_same_id_with_other_text_is_a_duplicate(db_path):
    with Store(db_path) as store:
        store.save(make_document(), [])
        assert store.save(make_document(text="A different article."), []) is False
        assert store.counts()["documents"] == 1


def test_failure_mid_save_leaves_the_database_as_before(db_path, monkeypatch):
    with Store(db_path) as store:
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
    with Store(db_path) as reopened:
        assert reopened.counts() == before


def test_event_of_another_document_is_refused(db_path):
    document = make_document()
    stray = make_events(make_document(document_id="elsewhere"))
    with Store(db_path) as store, pytest.raises(ValueError, match="elsewhere"):
        store.save(document, stray)


def test_full_sqlalchemy_url_is_accepted(db_path):
    with Store(f"sqlite:///{db_path}") as store:
        store.save(make_document(), [])
    with Store(db_path) as store:
        assert store.has_document("fna-001")


def test_database_in_missing_directory_is_a_one_line_store_error(tmp_path):
    path = tmp_path / "no" / "such" / "dir" / "events.db"
    with pytest.raises(StoreError) as caught:
        Store(path)
    message = str(caught.value)
    assert message.startswith(f"cannot open database {path}: ")
    assert "\n" not in message


def test_file_that_is_not_a_database_is_a_one_line_store_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("These are my notes, not a database.\n" * 200)
    with pytest.raises(StoreError) as caught:
        Store(path)
    message = str(caught.value)
    assert message == f"cannot open database {path}: file is not a database"
