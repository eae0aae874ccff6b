from datetime import date
from pathlib import Path

import pytest

from fieldreport.documents import MAX_BYTES, CsvColumns, count_documents, input_files, parse_published, read_documents
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


CLASH = ("Syrian Army troops captured the village of Maseh in Southern Aleppo on Wednesday, field sources said.")
SHELLING = ("Government artillery shelled the town of Harasta in Eastern Ghouta on Tuesday, killing four "
            "civilians, according to local medics.\nRescue workers searched the rubble.")


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    import csv

    with path.open("w", encoding=encoding, newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def test_csv_rows_are_documents_with_their_id_and_date_columns(tmp_path):
    path = write_csv(tmp_path / "wire.csv", [["unit_id", "article_content", "date", "outlet"],
                                             ["a1", CLASH, "7/10/2016", "SANA"], ["a2", SHELLING, "", ""]])
    documents, errors = read_all(path, columns=CsvColumns("article_content", "unit_id", "date"),
                                 date_order="DMY", outlet="Wire")
    assert errors == []
    assert [(d.id, d.published, d.outlet) for d in documents] == [("a1", date(2016, 10, 7), "SANA"),
                                                                  ("a2", None, "Wire")]
    assert documents[1].text == SHELLING  # the line break inside the quoted field is kept
    assert [d.origin for d in documents] == [f"{path}:2", f"{path}:3"]


def test_csv_uses_columns_named_id_and_published_without_options(tmp_path):
    path = write_csv(tmp_path / "wire.csv", [["id", "published", "text"], ["r1", "2018-01-18", CLASH],
                                             ["", "", SHELLING]])
    documents, errors = read_all(path)
    assert errors == []
    assert [(d.id, d.published) for d in documents] == [("r1", date(2018, 1, 18)), (content_id(SHELLING), None)]


def test_a_csv_column_asked_for_that_is_not_there_is_one_error_listing_the_columns(tmp_path):
    path = write_csv(tmp_path / "wire.csv", [["body", "when"], [CLASH, "2018-01-18"]])
    message = only_error(path)
    assert message == f"{path}: no column 'text' (columns: body, when); choose one with --text-column"
    documents, errors = read_all(path, columns=CsvColumns("body", date="day"))
    assert documents == [] and "no column 'day'" in str(errors[0]) and "--date-column" in str(errors[0])


def test_a_csv_row_without_text_or_with_a_bad_date_names_its_line_and_the_others_are_read(tmp_path):
    path = write_csv(tmp_path / "wire.csv", [["text", "date"], [CLASH, "2018-01-18"], ["  ", "2018-01-18"],
                                             [SHELLING, "soon"]])
    documents, errors, warnings = read_with_warnings(path)
    assert len(documents) == 2
    assert [str(e) for e in errors] == [f"{path}:3: column 'text' is missing or empty"]
    assert len(warnings) == 1 and str(warnings[0]).startswith(f"{path}:4: published date 'soon' does not parse")


def test_a_csv_text_longer_than_the_csv_modules_default_field_limit_is_read(tmp_path):
    long_text = (CLASH + " ") * 2000  # 200,000 characters; the csv module refuses fields over 131,072 by default
    documents, errors = read_all(write_csv(tmp_path / "long.csv", [["text"], [long_text]]))
    assert errors == [] and documents[0].text == long_text


def test_a_windows_1252_csv_is_decoded(tmp_path):
    path = write_csv(tmp_path / "wire.csv", [["text"], ["Clashes near Dar‘a and Ma’arrat al-Nu‘man – 3 killed."]],
                     encoding="cp1252")
    documents, errors = read_all(path)
    assert errors == [] and "Ma’arrat al-Nu‘man – 3" in documents[0].text


def test_a_malformed_csv_stops_at_the_line_that_is_wrong(tmp_path):
    path = tmp_path / "wire.csv"
    path.write_text(f'text\n"{CLASH}"\n"unterminated quote\n{SHELLING}\n', encoding="utf-8")
    documents, errors = read_all(path)
    assert len(documents) == 1
    assert len(errors) == 1 and str(errors[0]).startswith(f"{path}:3: malformed CSV")


def test_a_folder_gives_its_document_files_in_name_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".cache").mkdir()
    for name in ("b/2.html", "a.txt", "c.jsonl", "d.csv", "notes.md", "photo.jpg", ".cache/x.txt", ".hidden.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in input_files(tmp_path)] == ["a.txt", "b/2.html", "c.jsonl",
                                                                                   "d.csv"]
    assert input_files(tmp_path / "a.txt") == [tmp_path / "a.txt"]


def test_count_documents_counts_rows_and_lines_without_reading_texts(tmp_path):
    assert count_documents(write_csv(tmp_path / "w.csv", [["text"], [SHELLING], [CLASH]])) == 2
    lines = tmp_path / "w.jsonl"
    lines.write_text('{"text": "a"}\n\n{"text": "b"}\n{"text": "c"}\n', encoding="utf-8")
    assert count_documents(lines) == 3
    assert count_documents(INPUTS / "dispatch.txt") == count_documents(tmp_path / "missing.txt") == 1


def test_json_lines_are_read_line_by_line_with_the_size_limit_on_each_line(tmp_path, monkeypatch):
    """A JSON Lines file is streamed: the file may be over the limit, each line may not; a line that does
    not decode (past the start the encoding is judged from) or is too long is named and the others are read."""
    monkeypatch.setattr("fieldreport.documents.MAX_BYTES", 120)
    path = tmp_path / "wire.jsonl"
    path.write_bytes(b'{"id": "a", "text": "Shelling in Idlib."}\r\n'
                     b'{"id": "b", "text": "' + b"Long " * 30 + b'"}\n'
                     b'\n'
                     + b'{"id": "f", "text": "Clashes in Daraa."}\n' * 300 +
                     b'{"id": "c", "text": "Clashes \xff in Daraa."}\n'
                     b'{"id": "d", "text": "Jets struck Afrin."}\r{"id": "e", "text": "Jets struck Azaz."}\n')
    items = list(read_documents(path))
    assert [getattr(item, "id", None) for item in items] == ["a", None] + ["f"] * 300 + [None, "d", "e"]
    assert [items[0].origin, items[-2].origin, items[-1].origin] == [f"{path}:1", f"{path}:305", f"{path}:306"]
    assert str(items[1]) == f"{path}:2: 0.0 MB is over the 0.0 MB limit"
    assert str(items[-3]) == f"{path}:304: not UTF-8 (byte 0xff at offset 29)"
