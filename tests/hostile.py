"""Hostile input and what the reader and the extractor may do with it.

Hypothesis strategies for random bytes, mixed encodings, HTML soup, JSON Lines with odd records,
pathological punctuation, very long sentences and empty documents; and the contract each input is held
to (`reader_problems`, `extractor_problems`: empty when the code kept it). Shared by
tests/test_robustness.py and bench/fuzz.py, which runs them by the hundred thousand.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

from fieldreport.errors import InputError, InputWarning
from fieldreport.model import Document
from fieldreport.pipeline import ExtractionError, TimeLimitExceeded

# Real newswire words, so that generated text reaches actors, places, dates, triggers and merging.
NEWS_SENTENCES = (
    "Regime forces shelled Harasta in Rural Damascus on Wednesday , killing five civilians .",
    "Opposition fighters attacked a checkpoint near Idlib city , the Syrian Observatory said .",
    "ISIS militants captured the village of Tal Maseh in southern Hasakah province on 18 January 2018 .",
    "Russian warplanes struck Khan Shaykhun ; at least 12 people were killed , activists reported .",
    "The army will lay siege to the town . Turkish troops and the SDF clashed near Afrin and Manbij .",
    "Protesters gathered in Daraa al-Balad on Friday demanding the release of detainees .",
    "Boko Haram gunmen killed 20 villagers near Maiduguri in Borno state , police said .",
)
NEWS_WORDS = [word for sentence in NEWS_SENTENCES for word in sentence.split()]
PUNCTUATION = list(".,;:!?…-–—()[]{}\"'“”‘’«»/\\|*#@&%$^~`_+=<>") + ["...", "?!", "!!!", ".\n", "\n\n", "\t"]
ODD_CHARACTERS = ["\u200b", "\u200e", "\u202e", "\ufeff", "\u00a0", "\u0301", "\u2028", "\u2029", "\x0b", "\x0c",
                  "\x85", "\ud7ff", "\U0001F4A5", "ﷺ", "ي", "ش", "ß", "ǅ", "İ", "ﬁ", "\u3000", "\x00", "\x1b"]
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1", "cp1256", "koi8-r",
             "shift_jis", "gb18030", "utf-32")
HTML_TAGS = ("p", "div", "span", "a", "b", "i", "table", "tr", "td", "script", "style", "article", "h1", "br",
             "li", "ul", "iframe", "noscript", "title", "meta", "body", "html", "head", "svg", "math", "template")

words = st.sampled_from(NEWS_WORDS)
news_text = st.lists(words, max_size=80).map(" ".join)
any_text = st.text(max_size=300)


@st.composite
def punctuation_storms(draw: st.DrawFn) -> str:
    """Words drowned in punctuation, odd Unicode and runs of the same mark ('!!!!!!!', '......')."""
    parts = draw(st.lists(st.one_of(words, st.sampled_from(PUNCTUATION), st.sampled_from(ODD_CHARACTERS),
                                    st.builds(lambda mark, n: mark * n, st.sampled_from(PUNCTUATION),
                                              st.integers(2, 400))), max_size=120))
    separators = draw(st.lists(st.sampled_from(["", " ", "\n", "  "]), min_size=len(parts), max_size=len(parts)))
    return "".join(part + sep for part, sep in zip(parts, separators, strict=True))


@st.composite
def long_sentences(draw: st.DrawFn, max_words: int = 3_000) -> str:
    """One sentence of hundreds or thousands of words with no full stop: lists of places and actors
    joined by commas and 'and', the shape that makes per-sentence work quadratic."""
    count = draw(st.integers(200, max_words))
    joiner = draw(st.sampled_from([" ", " , ", " and ", " ; ", " - ", ""]))
    return joiner.join(draw(words) for _ in range(count))


@st.composite
def html_soup(draw: st.DrawFn) -> str:
    """Tag soup: unclosed and stray tags, scripts, entities, comments, attributes without quotes."""
    pieces = []
    for _ in range(draw(st.integers(0, 40))):
        tag = draw(st.sampled_from(HTML_TAGS))
        pieces.append(draw(st.sampled_from([
            f"<{tag}>", f"</{tag}>", f"<{tag} class=x id='y' href=\"javascript:1\">", f"<{tag}/>", "<!-- -->",
            "<!--", "&amp;", "&nbsp;", "&#x202e;", "&#0;", "&bogus;", "<![CDATA[", "]]>", "<", ">", "</",
            "<!DOCTYPE html>", "<?xml version='1.0'?>"])))
        pieces.append(draw(st.one_of(news_text, any_text)))
    start = draw(st.sampled_from(["", "<!doctype html>", "<html>", "<html><body><article><p>"]))
    return start + "".join(pieces)


@st.composite
def mixed_encodings(draw: st.DrawFn) -> bytes:
    """Pieces of one text, each encoded in another legacy or Unicode encoding, glued together."""
    chunks = draw(st.lists(st.tuples(st.one_of(news_text, any_text), st.sampled_from(ENCODINGS)), max_size=6))
    return b"".join(text.encode(encoding, errors="replace") for text, encoding in chunks)


@st.composite
def json_lines(draw: st.DrawFn) -> str:
    """JSON Lines with odd records: wrong types, missing text, dates dateparser has to guess at, broken lines."""
    values = st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.booleans(), any_text, news_text,
                       st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(),
                                                                            max_size=2))
    dates = st.one_of(values, st.sampled_from(["2018-01-18", "18 January 2018", "7/10/2016", "yesterday",
                                               "2018-13-45", "0000-00-00", "9999", "Sat January 3, 2015",
                                               "17.05.2017 99:99", "1e9999", "2018-01-18T25:00:00+99:00"]),
                      st.builds(lambda t, y: f"{t} {y}", any_text, st.integers(-10_000, 100_000)))
    records = st.fixed_dictionaries({}, optional={"id": values, "text": st.one_of(news_text, any_text, values),
                                                  "published": dates, "outlet": values, "title": values,
                                                  "url": values})
    lines = st.one_of(records.map(lambda r: json.dumps(r, allow_nan=True)), any_text,
                      st.just("{"), st.just("[]"), st.just("null"), st.just(""))
    return "\n".join(draw(st.lists(lines, max_size=8)))


def as_bytes(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


# What the document reader is given: a file's bytes and its name's suffix.
file_bytes = st.one_of(
    st.binary(max_size=2_000),
    mixed_encodings(),
    st.builds(as_bytes, st.one_of(news_text, any_text, punctuation_storms(), html_soup(), json_lines()),
              st.sampled_from(ENCODINGS)),
    st.sampled_from([b"", b" ", b"\n\n\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00", b"\r\r\r\n"]),
)
suffixes = st.sampled_from([".txt", ".jsonl", ".ndjson", ".html", ".htm", "", ".csv", ".TXT", ".HTML"])

# What the extractor is given: a document's text.
document_texts = st.one_of(
    st.just(""), st.sampled_from([" ", "\n", "\n\n\t ", ".", "\u200b"]),
    news_text, any_text, punctuation_storms(), html_soup(),
    long_sentences(max_words=600),
    st.lists(st.one_of(news_text, punctuation_storms(), any_text), max_size=8).map("\n".join),
)


def reader_problems(items: list) -> list[str]:
    """What is wrong with what read_documents yielded for one file: it may yield Documents (text not
    blank, newlines normalised), and InputErrors and InputWarnings with one-line messages."""
    problems = []
    for item in items:
        if isinstance(item, InputError | InputWarning):
            if "\n" in str(item) or not str(item):
                problems.append(f"{type(item).__name__} message is not one line: {str(item)[:80]!r}")
        elif isinstance(item, Document):
            if not item.text.strip() or "\r" in item.text:
                problems.append("Document text is blank or has \\r")
        else:
            problems.append(f"yielded a {type(item).__name__}")
    return problems


def extractor_problems(document: Document, found: object) -> list[str]:
    """What is wrong with what extract_many yielded for one document: events whose evidence is the document's
    text at its offsets, or a one-line ExtractionError that is not an exception the extractor caught
    ("extraction failed") nor the time limit."""
    if isinstance(found, TimeLimitExceeded):
        return [f"over the time limit: {found}"]
    if isinstance(found, ExtractionError):
        message = str(found)
        if "\n" in message:
            return ["ExtractionError message is not one line"]
        return [f"extraction failed: {message.split('(', 1)[-1][:80]}"] if "extraction failed" in message else []
    if not isinstance(found, list):
        return [f"yielded a {type(found).__name__}"]
    return ["evidence span is not the text at its offsets" for event in found for span in event.evidence
            if document.text[span.start:span.end] != span.text][:1]
