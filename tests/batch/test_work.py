"""The work of a batch run: documents coded within the extractor's one time limit, as `ingest` codes them."""

from pathlib import Path

from fieldreport.batch.work import Coded, code_documents
from fieldreport.model import Document

SEED = Path(__file__).parents[1] / "fixtures" / "seed" / "article.txt"
SHELLING = "Regime forces shelled the town of Harasta in Eastern Ghouta on Monday, killing three civilians."


def test_a_document_over_the_time_limit_is_reported_in_its_shard_and_the_others_are_coded(extractor, monkeypatch):
    long_text = "\n".join([SEED.read_text(encoding="utf-8")] * 12)  # about 84,000 characters: seconds to extract
    documents = [Document(text=SHELLING, id="a"), Document(text=long_text, id="long", origin="long.txt"),
                 Document(text=SHELLING, id="b")]
    monkeypatch.setattr(extractor, "time_limit", 1.0)
    coded = code_documents(extractor, documents)
    assert coded[1] == Coded(error="long.txt: took over the time limit of 1 s: skipped")
    assert coded[0].error is None and coded[0].events and coded[2].events
