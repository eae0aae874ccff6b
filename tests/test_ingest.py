"""The one way in: read, extract and save with the real model, gazetteer and a SQLite file."""

import subprocess
import sys
from datetime import date
from pathlib import Path

from fieldreport.errors import ConflictError
from fieldreport.ingest import Ingest, open_store
from fieldreport.model import Document, content_id
from fieldreport.pipeline import TimeLimitExceeded
from fieldreport.storage import Store

SEED = Path(__file__).parent / "fixtures" / "seed" / "article.txt"


def seed_document(document_id: str = "seed") -> Document:
    return Document(text=SEED.read_text(encoding="utf-8"), id=document_id, published=date(2018, 1, 18),
                    outlet="FNA", origin=SEED.name)


def test_a_document_ingested_twice_is_stored_once_and_extracted_once(tmp_path, extractor):
    with open_store(tmp_path / "events.db") as store:
        ingest = Ingest(store, extractor)
        first = ingest.one(seed_document())
        again = ingest.one(seed_document())
        assert first.stored and first.events
        assert not again.stored and again.events == []
        assert store.counts()["documents"] == 1
        assert store.counts()["events"] == len(first.events)


def test_ingested_events_are_merged_into_canonical_events_with_their_evidence(tmp_path, extractor):
    with open_store(tmp_path / "events.db") as store:
        outcome = next(Ingest(store, extractor).many([seed_document()]))
        records, total = store.query_events(limit=100)
        assert 0 < total <= len(outcome.events)
        assert all(record["evidence"] for record in records)
        assert store.territory(), "the seed's captures change who holds a place"


def test_a_store_without_a_merger_keeps_mentions_but_writes_no_canonical_event(tmp_path, extractor):
    document = seed_document()
    with Store(tmp_path / "plain.db") as store:
        assert store.save(document, extractor.extract(document))
        assert store.counts()["events"] > 0 and store.query_events()[1] == 0


def test_importing_storage_merging_and_ingest_loads_no_nlp():
    code = ("import sys, fieldreport.storage, fieldreport.merging.clusters, fieldreport.ingest, fieldreport.export; "
            "print(sorted(m for m in ('spacy', 'thinc', 'fieldreport.nlp') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


SHORT = ("Field sources confirmed on Wednesday that the Syrian Army troops captured the village of Maseh in "
         "Southern Aleppo.\n")
SHELLING = "Government artillery shelled the town of Harasta in Eastern Ghouta on Tuesday, killing four civilians.\n"


def test_the_same_id_with_another_text_is_a_conflict_naming_the_stored_hash(tmp_path, extractor):
    with open_store(tmp_path / "events.db") as store:
        ingest = Ingest(store, extractor)
        assert ingest.one(Document(text=SHORT, id="r1")).status == "new"
        assert ingest.one(Document(text=SHORT, id="r1")).status == "already stored"
        changed = ingest.one(Document(text=SHELLING, id="r1", origin="wire.jsonl:2"))
        assert changed.status == "skipped" and isinstance(changed.error, ConflictError)
        assert changed.error.stored_hash == content_id(SHORT)
        assert str(changed.error).startswith(f"wire.jsonl:2: id 'r1' is already stored with another text "
                                             f"(stored hash {content_id(SHORT)}")
        assert store.counts()["documents"] == 1 and store.events("r1")[0]["location"] == "Maseh"


def test_many_extracts_only_what_is_not_stored_and_a_rerun_adds_nothing(tmp_path, extractor):
    documents = [seed_document("a"), Document(text=SHORT, id="b"), Document(text=SHELLING, id="c")]
    with open_store(tmp_path / "events.db") as store:
        ingest = Ingest(store, extractor)
        assert [o.status for o in ingest.many(documents[:1])] == ["new"]
        outcomes = list(ingest.many(documents))
        assert sorted((o.document.id, o.status) for o in outcomes) == [("a", "already stored"), ("b", "new"),
                                                                       ("c", "new")]
        counts = store.counts()
        assert [o.status for o in ingest.many(documents)] == ["already stored"] * 3
        assert store.counts() == counts


def test_a_document_over_the_time_limit_is_skipped_and_the_others_in_its_batch_are_not(tmp_path, extractor,
                                                                                         monkeypatch):
    long_text = "\n".join([SEED.read_text(encoding="utf-8")] * 12)  # about 84,000 characters: seconds to extract
    documents = [Document(text=SHORT, id="short"), Document(text=long_text, id="long", origin="long.txt"),
                 Document(text=SHELLING, id="shelling")]
    with open_store(tmp_path / "events.db") as store:
        monkeypatch.setattr(extractor, "time_limit", 1.0)
        outcomes = list(Ingest(store, extractor).many(documents))
        assert [(o.document.id, o.status) for o in outcomes] == [("short", "new"), ("long", "skipped"),
                                                                 ("shelling", "new")]
        assert isinstance(outcomes[1].error, TimeLimitExceeded)
        assert str(outcomes[1].error) == "long.txt: took over the time limit of 1 s: skipped"
        assert not store.has_document("long") and store.counts()["documents"] == 2


def test_two_worker_processes_store_what_one_process_stores(tmp_path, extractor):
    documents = [Document(text=f"Update {i}: {SHORT}", id=f"short-{i}") for i in range(20)]
    documents += [seed_document(), Document(text=SHELLING, id="shelling")]
    stored = {}
    for processes in (1, 2):
        with open_store(tmp_path / f"events-{processes}.db") as store:
            outcomes = list(Ingest(store, extractor, processes=processes).many(documents))
            assert sorted(o.document.id for o in outcomes if o.status == "new") == sorted(d.id for d in documents)
            stored[processes] = (store.counts(), [(e["document_id"], e["event_type"], e["location"])
                                                  for d in documents for e in store.events(d.id)])
    assert stored[1] == stored[2] and stored[1][0]["events"] > 20
