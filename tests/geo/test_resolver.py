"""The shared resolver's one country-focus rule (resolver.country_focus), on real sentences with the
real spaCy model and gazetteer: `places` reads the focus with no home country, `extract` from Syria."""

import pytest

from fieldreport.geo.geoparse import Geoparser
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
