from datetime import date
from pathlib import Path

import pytest

from fieldreport.documents import MAX_BYTES, parse_published, read_documents
from fieldreport.errors import InputError, InputWarning
from fieldreport.model import Document, content_id

INPUTS = Path(__file__).parent / "fixtures" / "inputs"


def read_all(path: Path, **defaults) -> tuple[list[Document], list[InputError]]:
    documents, errors, _ = read_with_warnings(path, **defaults)
    return documents, errors


def read_with_warnings(path: Path, **defaults) -> tuple[list[Document], list[InputError], list[InputWarning]]:
    items = list(read_documents(path, **defaults))
    documents = [item for item in items if isinstance(item, Document)]
    errors = [item for item in items if isinstance(item, InputError)]
    warnings = [item for item in items if isinstance(item, InputWarning)]
    assert len(documents) + len(errors) + len(warnings) == len(items)
    return documents, errors, warnings


def only_error(path: Path) -> str:
    documents, errors = read_all(path)
    assert documents == []
    assert len(errors) == 1
    message = str(errors[0])
    assert "\n" not in message
    assert message.startswith(str(path))
    return message


def test_plain_text_dispatch_is_kept_as_written():
    path = INPUTS / "dispatch.txt"
    documents, errors = read_all(path, published=date(2018, 1, 18), outlet="Fars News Agency")
    assert errors == []
    [document] = documents
    assert document.text == path.read_text(encoding="utf-8")
    assert document.id == content_id(document.text)
    assert document.published == date(2018, 1, 18)
    assert document.outlet == "Fars News Agency"
    assert document.origin == str(path)


def test_offsets_into_text_match_the_file_after_newline_normalisation(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Clashes in  Afrin.\r\nShelling in Idlib.\rEnd.\r\n")
    [document], _ = read_all(path)
    assert document.text == "Clashes in  Afrin.\nShelling in Idlib.\nEnd.\n"
    start = document.text.index("Idlib")
    assert document.text[start:start + 5] == "Idlib"


def test_json_lines_good_lines_come_through_and_bad_lines_name_their_line():
    path = INPUTS / "wire.jsonl"
    documents, errors, warnings = read_with_warnings(path, published=date(2018, 1, 19), outlet="Default Outlet")

    assert [document.id for document in documents][:3] == ["fna-001", "42", content_id(documents[2].text)]
    first, second, third, undated = documents
    assert first.published == date(2018, 1, 18)
    assert first.outlet == "Fars News Agency"
    assert first.title == "Al-Nusra commander assassinated"
    assert first.url == "https://example.org/fna-001"
    assert first.origin == f"{path}:1"
    assert second.published == date(2018, 1, 17)  # date part of a full ISO datetime
    assert second.outlet == "Default Outlet"
    assert third.published == date(2018, 1, 19)  # the argument is the default for lines without one
    assert third.origin == f"{path}:4"  # blank line 3 is skipped but still counted

    assert [str(error) for error in errors] == [
        f"{path}:5: not valid JSON (Expecting ',' delimiter)",
        f"{path}:7: 'text' is missing or empty (want a non-empty string)",
    ]
    # a date that does not parse is a warning: the document is still read, with the default date
    assert [str(warning) for warning in warnings] == [
        f"{path}:6: published date '2018-13-45' does not parse (want a day, month and year, such as 2018-01-18);"
        " read as published 2018-01-19"]
    assert undated.origin == f"{path}:6" and undated.published == date(2018, 1, 19)


def test_text_starting_with_a_brace_is_read_as_json_lines(tmp_path):
    path = tmp_path / "feed.txt"
    path.write_text('\n  {"id": "a", "text": "Shelling in Idlib."}\n[1, 2]\n', encoding="utf-8")
    documents, errors = read_all(path)
    assert [document.id for document in documents] == ["a"]
    assert [str(error) for error in errors] == [f"{path}:3: not a JSON object"]


def test_html_page_gives_the_article_text_without_boilerplate():
    path = INPUTS / "dispatch.html"
    documents, errors = read_all(path)
    assert errors == []
    [document] = documents
    assert "Abu Hamzah Turki" in document.text
    assert "Bireh Armanaz" in document.text
    assert "Privacy policy" not in document.text
    assert "Subscribe" not in document.text
    assert document.published == date(2018, 1, 18)
    assert document.title == "Syrian Army closes in on terrorists in Southeastern Idlib"
    assert document.origin == str(path)


def test_html_published_argument_wins_over_the_page_date():
    [document], _ = read_all(INPUTS / "dispatch.html", published=date(2018, 2, 1))
    assert document.published == date(2018, 2, 1)


def test_html_is_recognised_by_its_start_whatever_the_suffix(tmp_path):
    path = tmp_path / "saved.txt"
    paragraph = "Clashes erupted in Afrin between the Turkish army and Kurdish fighters near the border. "
    path.write_text(f"\n  <!DOCTYPE HTML><html><body><article><p>{paragraph * 3}</p></article></body></html>")
    [document], _ = read_all(path)
    assert document.text.startswith("Clashes erupted in Afrin")
    assert "<p>" not in document.text


def test_html_without_article_text_is_an_error(tmp_path):
    path = tmp_path / "blank.html"
    path.write_text("<!doctype html><html><head><title></title></head><body></body></html>")
    assert only_error(path) == f"{path}: no article text found in the HTML"


def test_cp1252_file_is_decoded_not_mangled(tmp_path):
    path = tmp_path / "legacy.txt"
    text = "Clashes near Ma\u2019arat al-Nu\u2019man \u2013 the caf\u00e9 was hit, \u201csources\u201d said."
    path.write_bytes(text.encode("cp1252"))
    [document], errors = read_all(path)
    assert errors == []
    assert document.text == text


def test_utf8_bom_is_stripped(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfShelling in Idlib.\n")
    [document], _ = read_all(path)
    assert document.text == "Shelling in Idlib.\n"


def test_utf8_bom_json_lines(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"id": "x", "text": "Shelling in Idlib."}\n')
    [document], errors = read_all(path)
    assert errors == []
    assert document.id == "x"


def test_utf16_with_bom_is_decoded(tmp_path):
    path = tmp_path / "wide.txt"
    path.write_bytes("Shelling in Idlib, caf\u00e9 hit.\r\n".encode("utf-16"))
    [document], _ = read_all(path)
    assert document.text == "Shelling in Idlib, caf\u00e9 hit.\n"


def test_bytes_that_are_neither_utf8_nor_cp1252_are_an_error(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"Shelling in \x81\x8d\x8f\x90 Idlib")
    message = only_error(path)
    assert message.startswith(f"{path}: not UTF-8 (byte 0x81 at offset 12); ")


def test_empty_file_is_an_error():
    path = INPUTS / "empty.txt"
    assert only_error(path) == f"{path}: file is empty"


def test_whitespace_only_file_is_an_error(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text(" \n\t\r\n  ")
    assert only_error(path) == f"{path}: file is empty"


def test_binary_file_is_an_error(tmp_path):
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert only_error(path) == f"{path}: looks binary (NUL bytes), not text"


def test_control_characters_without_nul_are_binary(tmp_path):
    path = tmp_path / "ctl.dat"
    path.write_bytes(b"\x01\x02\x03\x04abc\x05\x06\x07\x08" * 50)
    assert "looks binary" in only_error(path)


def test_file_over_the_limit_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1024 * 1024 // 2)
    assert only_error(path) == f"{path}: 20.5 MB is over the 20 MB limit"


def test_missing_path_is_an_error(tmp_path):
    path = tmp_path / "nope.txt"
    assert only_error(path) == f"{path}: no such file"


def test_directory_is_an_error(tmp_path):
    assert only_error(tmp_path) == f"{tmp_path}: is a directory, not a file"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2018-01-18", date(2018, 1, 18)),
        (" 2018-01-18 ", date(2018, 1, 18)),
        ("2018-01-18T23:30:00", date(2018, 1, 18)),
        ("2018-01-18T23:30:00+03:30", date(2018, 1, 18)),
        ("2018-01-18T23:30:00Z", date(2018, 1, 18)),
    ],
)
def test_parse_published_accepts_iso_dates_and_datetimes(value, expected):
    assert parse_published(value) == expected


@pytest.mark.parametrize(
    ("value", "order", "expected"),
    [
        ("18 January 2018", None, date(2018, 1, 18)),
        ("7:58 AM ET, Sat January 3, 2015", None, date(2015, 1, 3)),
        ("17.05.2017", None, date(2017, 5, 17)),
        ("7/10/2016", None, date(2016, 7, 10)),
        ("7/10/2016", "DMY", date(2016, 10, 7)),
        ("7/10/2016", "mdy", date(2016, 7, 10)),
    ],
)
def test_parse_published_reads_the_dates_outlets_write(value, order, expected):
    assert parse_published(value, order) == expected


@pytest.mark.parametrize("value", ["2018-13-45", "January 2018", "", "yesterday", "Monday", "not a date"])
def test_parse_published_rejects_text_without_day_month_and_year(value):
    with pytest.raises(ValueError, match=r"does not parse \(want a day, month and year"):
        parse_published(value)


def test_an_unknown_date_order_is_refused():
    with pytest.raises(ValueError, match="date order 'DDD' is not one of DMY, MDY, YMD"):
        parse_published("7/10/2016", "DDD")
