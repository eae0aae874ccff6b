"""A batch run's inputs: CSV rows and JSON Lines read one at a time, as `extract` reads them, a bad row or
line skipped with its place and reason while the others are read."""

import csv
from datetime import date

from fieldreport.batch import CsvColumns, input_documents
from fieldreport.errors import InputError, InputWarning
from fieldreport.model import Document

TEXT = ("Army units restored security to the village of Tal Sultan in the southeastern countryside of Idlib on "
        "Saturday after clashes with Jabhat al-Nusra terrorists.")


def write_csv(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_csv_rows_become_documents_from_the_columns_named(tmp_path):
    path = write_csv(tmp_path / "press.csv", ["unit_id", "article_content", "date", "outlet", "title"], [
        ["17", TEXT, "Sat 20 Jan 2018", "SANA", "Army restores security to Tal Sultan"],
        ["18", "", "2018-01-21", "SANA", "No text"],
        ["19", "Rebels shelled Aleppo city\r\non Monday.", "Monday", "", ""],
    ])
    columns = CsvColumns(text="article_content", id="unit_id")
    items = list(input_documents([path], columns, outlet="unknown outlet"))
    assert items[0] == Document(text=TEXT, id="17", published=date(2018, 1, 20), outlet="SANA",
                                title="Army restores security to Tal Sultan", origin=f"{path}:2")
    assert isinstance(items[1], InputError)
    assert str(items[1]) == f"{path}:3: column 'article_content' is missing or empty"
    assert isinstance(items[2], InputWarning) and "'Monday' does not parse" in str(items[2])
    assert items[3].text == "Rebels shelled Aleppo city\non Monday." and items[3].published is None
    assert (items[3].id, items[3].outlet, items[3].title) == ("19", "unknown outlet", None)
    assert len(items) == 4


def test_a_csv_without_the_text_column_is_skipped_whole_naming_its_columns(tmp_path):
    path = write_csv(tmp_path / "press.csv", ["id", "body"], [["1", TEXT]])
    [item] = input_documents([path])
    assert str(item) == f"{path}: no column 'text' (columns: id, body); choose one with --text-column"


def test_json_lines_are_read_line_by_line_and_a_bad_line_does_not_stop_the_rest(tmp_path):
    path = tmp_path / "wire.jsonl"
    path.write_bytes(b'{"id": "a", "text": "' + TEXT.encode() + b'", "published": "2018-01-20"}\n'
                     b'{"id": "b", "text": \n'
                     b'\n'
                     b'{"id": "c", "text": "Caf\xe9 shelled"}\n'
                     b'{"id": "d", "text": "Jets struck Afrin."}\n')
    items = list(input_documents([path, tmp_path / "missing.jsonl"]))
    assert [getattr(item, "id", None) for item in items] == ["a", None, "c", "d", None]
    assert items[0].published == date(2018, 1, 20) and items[0].origin == f"{path}:1"
    assert str(items[1]).startswith(f"{path}:2: not valid JSON")
    assert items[2].text == "Café shelled"  # not UTF-8: read as Windows-1252, as `extract` reads it
    assert str(items[4]) == f"{tmp_path / 'missing.jsonl'}: no such file"
