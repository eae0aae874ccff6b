"""The one way in: read, extract and save with the real model, gazetteer and a SQLite file."""

import subprocess
import sys
from datetime import date
from pathlib import Path

from fieldreport.ingest import Ingest, open_store
from fieldreport.model import Document
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
