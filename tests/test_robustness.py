"""Hostile input through the document reader and the extractor: random bytes, mixed encodings, HTML soup,
odd JSON Lines, pathological punctuation, very long sentences, empty and huge documents. Nothing may
crash: the reader yields documents or one-line InputErrors/InputWarnings, the extractor events whose
evidence is the text at its offsets or one-line ExtractionErrors, within a time limit per document.
bench/fuzz.py runs the same generators (tests/hostile.py) over 100,000 inputs."""

import time

import pytest
from hostile import (
    NEWS_SENTENCES,
    document_texts,
    extractor_problems,
    file_bytes,
    long_sentences,
    reader_problems,
    suffixes,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fieldreport.nlp as nlp
from fieldreport.documents import MAX_BYTES, read_documents
from fieldreport.errors import InputError
from fieldreport.model import Document
from fieldreport.nlp import split_text

# The model is loaded once (session fixture): examples reuse it, so no per-example deadline; the time per
# document is held by the extractor's own time limit instead, which a test treats as a failure.
EXTRACTOR_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                      HealthCheck.data_too_large])
TIME_LIMIT = 60.0


@pytest.fixture(scope="module")
def limited(extractor):
    """The session's extractor with a time limit of its own, for this module's tests."""
    before, extractor.time_limit = extractor.time_limit, TIME_LIMIT
    yield extractor
    extractor.time_limit = before


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("hostile")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=file_bytes, suffix=suffixes)
def test_the_reader_reads_any_bytes_or_says_why_in_one_line(folder, data, suffix):
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    assert reader_problems(list(read_documents(path))) == []


def test_the_reader_takes_a_text_at_the_size_limit_and_refuses_one_byte_more(folder):
    text = "\n".join(NEWS_SENTENCES) + "\n"
    path = folder / "huge.txt"
    path.write_text((text * (MAX_BYTES // len(text) + 1))[:MAX_BYTES], encoding="utf-8")
    [document] = read_documents(path)
    assert isinstance(document, Document) and len(document.text) == MAX_BYTES
    with path.open("a", encoding="utf-8") as out:
        out.write(".")
    [error] = read_documents(path)
    assert isinstance(error, InputError) and str(error) == f"{path}: 20.0 MB is over the 20 MB limit"


@given(text=st.text(), limit=st.integers(1, 50))
def test_pieces_of_a_text_are_the_text_at_their_offsets(text, limit):
    """However a long text is cut (at a line break or, with none, at the limit), the pieces put back
    together are the text, and each starts at its offset."""
    pieces = list(split_text(text, limit))
    assert "".join(piece for _, piece in pieces) == text
    assert all(text[offset:offset + len(piece)] == piece for offset, piece in pieces)
    assert all(0 < len(piece) <= limit for _, piece in pieces[:-1])


@EXTRACTOR_SETTINGS
@given(texts=st.lists(document_texts, min_size=1, max_size=6))
def test_the_extractor_codes_any_text_or_says_why_in_one_line(limited, texts):
    documents = [Document(text=text, id=f"hostile-{i}") for i, text in enumerate(texts)]
    results = list(limited.extract_many(documents, batch_size=4))
    assert [document.id for document, _ in results] == [document.id for document in documents]
    assert [problem for document, found in results for problem in extractor_problems(document, found)] == []


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=long_sentences(max_words=3_000))
def test_a_sentence_of_thousands_of_words_is_coded_in_bounded_time(limited, text):
    started = time.process_time()
    [(document, found)] = limited.extract_many([Document(text=text)])
    assert extractor_problems(document, found) == []
    assert time.process_time() - started < 20  # 3,000 words took 10 s of CPU when every word walked its ancestors


@EXTRACTOR_SETTINGS
@given(texts=st.lists(document_texts, min_size=1, max_size=12))
def test_a_text_in_many_pieces_codes_any_text_with_the_documents_offsets(limited, texts):
    """A long text of hostile paragraphs, parsed piece by piece (pieces made small here)."""
    text = "\n".join(texts)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nlp, "CHUNK_CHARS", 300)
        [(document, found)] = limited.extract_many([Document(text=text)])
    assert extractor_problems(document, found) == []


def test_an_empty_text_has_no_events(extractor):
    assert extractor.extract(Document(text="")) == []
    assert extractor.extract(Document(text=" \n\t ")) == []
