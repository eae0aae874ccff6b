"""Toponym recognition with the real model and gazetteer: names opened by an Arabic place word, and
a governorate's possessive countryside."""

import pytest


def mentions_in(extractor, text: str) -> list[tuple[str, str | None, str | None]]:
    doc = extractor.nlp(text)
    return [(m.name, m.cue, m.direction) for m in extractor.place_finder(doc, [])]


@pytest.mark.parametrize(("text", "name"), [
    ("The hardline fighters attacked Tel Abyad on Saturday.", "Tel Abyad"),
    ("Regime forces captured Khan Tuman on Monday.", "Khan Tuman"),
])
def test_a_name_opened_by_an_arabic_place_word_is_whole(extractor, text, name):
    assert name in [found for found, _, _ in mentions_in(extractor, text)]


def test_a_surname_after_a_first_name_opens_no_place(extractor):
    names = [name for name, _, _ in mentions_in(extractor, "Imran Khan Niazi said the talks had failed.")]
    assert not any(name.startswith("Khan ") or name.startswith("Imran") for name in names)


def test_a_governorates_possessive_countryside_names_the_governorate(extractor):
    found = mentions_in(extractor, "Regime forces captured the village of Rihan in Hama's northern countryside.")
    assert ("Hama", "countryside", "north") in found


def test_a_direction_before_of_places_the_name_and_is_no_part_of_it(extractor):
    found = mentions_in(extractor, "The army captured the village of Maseh West of the small town of al-Zaman.")
    assert ("Maseh", "village", None) in found


def test_a_possessive_written_without_its_apostrophe_is_read_as_one(extractor):
    found = mentions_in(extractor, "Rebels shelled the town of Zahra in Aleppos southern countryside.")
    assert ("Aleppo", "countryside", "south") in found
    names = [name for name, _, _ in mentions_in(extractor, "Terrorists attacked in Syrias Qalamoun region.")]
    assert "Qalamoun" in names and "Syria" not in names


def test_rural_before_a_governorate_names_its_countryside(extractor):
    found = mentions_in(extractor, "Rebels clashed with the army in rural Damascus.")
    assert ("Damascus", "countryside", None) in found


@pytest.mark.parametrize(("text", "direction"), [
    ("The army clashed with rebels in Qarmas village in Hama south western countryside.", "southwest"),
    ("The Islamic State seized the village of Umm Tuwayna in Hama north eastern countryside.", "northeast"),
    ("Rebels shelled army positions in Idleb southern countryside on Monday.", "south"),
])
def test_directions_written_after_a_governorate_name_its_countryside(extractor, text, direction):
    found = mentions_in(extractor, text)
    governorate = "Idleb" if "Idleb" in text else "Hama"
    assert (governorate, "countryside", direction) in found


def test_a_frontline_marks_the_name_before_it(extractor):
    found = mentions_in(extractor, "Rebels and Kurdish fighters exchanged fire on the Arima frontline in "
                                   "Aleppo governorate.")
    assert ("Arima", "frontline", None) in found
