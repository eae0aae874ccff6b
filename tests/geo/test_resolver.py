"""The shared resolver's one country-focus rule (resolver.country_focus), on real sentences with the
real spaCy model and gazetteer: `places` reads the focus with no home country, `extract` from Syria."""

import pytest

from fieldreport.geo.geoparse import Geoparser
from fieldreport.geo.keys import vowels_respelled
from fieldreport.geo.resolver import country_focus
from fieldreport.geo.toponyms import Toponym, toponym_as_written
from fieldreport.model import Document

SYRIAN = "Regime forces shelled Harasta and Douma in Rural Damascus, while Russian jets struck Idlib."
NIGERIAN = "Soldiers killed five Boko Haram militants near Maiduguri and Bama in Borno state on Tuesday."
SPREAD = ("Kerry discussed the chemical attack near Damascus with officials in Washington, the U.S. said, "
          "urging Syria to let inspectors in.")


@pytest.fixture(scope="module")
def geoparser(extractor) -> Geoparser:
    return Geoparser(extractor.gazetteer, extractor.nlp)


def extract_toponyms(extractor, text: str) -> list[Toponym]:
    """The toponyms `extract` resolves: its place finder's mentions, as written."""
    doc = extractor.nlp(text)
    return [toponym_as_written(m) for m in extractor.place_finder(doc, [])]


def places_toponyms(geoparser: Geoparser, text: str) -> list[Toponym]:
    return geoparser.recognise(geoparser.nlp(text))


@pytest.mark.parametrize(("text", "country"), [(SYRIAN, "SY"), (NIGERIAN, "NG")])
def test_places_and_extract_find_the_same_focus(extractor, geoparser, text, country):
    assert geoparser.resolver.resolve(places_toponyms(geoparser, text)).country == country
    assert extractor.resolver.resolve(extract_toponyms(extractor, text)).country == country


def test_a_nigerian_report_is_placed_in_nigeria_by_places(geoparser):
    found = {r["text"]: r for r in geoparser.places(Document(text=NIGERIAN))}
    assert found["Maiduguri"]["country"] == found["Bama"]["country"] == "Nigeria"


def test_a_home_country_takes_the_focus_and_every_share(extractor):
    """Read from Syria, a story naming Damascus, Syria, Washington and the U.S. is about Syria; with no
    home country the shares stay spread between the two."""
    found = extract_toponyms(extractor, SPREAD)
    extractor.resolver.resolve(found)
    home = country_focus(found, home="SY")
    assert (home.country, home.shares) == ("SY", {"SY": 1.0})
    spread = country_focus(found)
    assert spread.shares["SY"] > 0.3 and spread.shares["US"] > 0.3


def test_a_fixed_country_overrides_the_votes(extractor):
    found = extract_toponyms(extractor, NIGERIAN)
    extractor.resolver.resolve(found)
    assert country_focus(found, fixed="SY", home="SY").country == "SY"
    assert country_focus(found, home="SY").country == "NG"


def best_readings(extractor, text: str) -> dict[str, str | None]:
    """Each toponym's best reading's admin1, as `extract` resolves a Syrian report."""
    found = extract_toponyms(extractor, text)
    extractor.resolver.resolve(found)
    return {t.mention.name: t.candidates[0].admin1 if t.candidates else None for t in found}


def test_a_name_spelled_with_other_vowels_reads_the_town(extractor):
    readings = best_readings(extractor, "A roadside bomb hit a patrol near Basira on Tuesday.")
    assert readings["Basira"] == "Deir ez Zor"  # GeoNames: Al Buşayrah


def test_a_vowel_respelling_far_from_the_other_places_is_dropped(extractor):
    readings = best_readings(extractor, "Fighting raged in the Diriyah and Mandour neighbourhoods in the "
                                        "western part of Raqqa city.")
    assert readings["Diriyah"] != "Rural Damascus"  # not Darayya, by Damascus
    assert readings["Raqqa"] == "Ar Raqqa"


@pytest.mark.parametrize(("mention", "place", "same"), [
    ("Basira", "Al Buşayrah", True),
    ("Dhameer", "Aḑ Ḑumayr", True),
    ("Halbah", "Halab", False),  # a vowel that moves makes another name
    ("Tiba", "Chiba", False),
    ("Hama", "Homs", False),
])
def test_a_respelling_changes_vowels_only(mention, place, same):
    assert vowels_respelled(mention, place) is same


def test_an_article_written_onto_the_name_is_read_apart(extractor):
    readings = best_readings(extractor, "SDF fighters clashed with IS in the town of Alshadadi on Friday.")
    assert readings["Alshadadi"] == "Al Hasakeh"  # GeoNames: Ash Shaddadah


def test_an_unglued_reading_far_from_the_other_places_is_dropped(extractor):
    readings = best_readings(extractor, "Opposition forces shelled regime positions in Alsaba byar in "
                                        "Eastern Qalamoun.")
    assert readings["Alsaba"] is None  # not Sabbah, in Tartous, 100 km from the Qalamoun
