"""The geocoder chooses among the shared resolver's ranked readings, at ACLED precision, with the real
spaCy model and the real gazetteer: two Syrian villages are called Suran, one in Hama, one in Aleppo."""

from datetime import date

import pytest

import fieldreport.geo.resolver as resolver
from fieldreport.geo.geocode import Geocoder
from fieldreport.geo.location import Location
from fieldreport.geo.toponyms import Toponym, toponym_as_written
from fieldreport.model import Document


def toponyms_in(extractor, text: str) -> list[Toponym]:
    """The toponyms of a text as `extract` resolves them (a Syrian report)."""
    doc = extractor.nlp(text)
    found = [toponym_as_written(m) for m in extractor.place_finder(doc, [])]
    assert extractor.resolver.resolve(found).country == "SY"
    return found


def governorate(extractor, name: str) -> Location:
    geocoder = Geocoder(extractor.gazetteer, "SY")
    [toponym] = toponyms_in(extractor, f"Clashes erupted in {name} province.")
    return geocoder.admin_area(toponym.mention)


def test_the_geocoder_takes_the_resolvers_first_reading_and_follows_its_order(extractor):
    [suran] = toponyms_in(extractor, "Shells fell on Suran.")
    first, second = suran.candidates[:2]
    assert {first.admin1, second.admin1} == {"Hama", "Aleppo"}
    geocoder = Geocoder(extractor.gazetteer, "SY")
    assert geocoder.resolve(suran).admin1 == first.admin1
    suran.candidates = [second, first]
    assert (geocoder.resolve(suran).latitude, geocoder.resolve(suran).admin1) == (second.latitude, second.admin1)


def test_the_geocoder_picks_the_reading_the_governorate_in_context_allows(extractor):
    [suran] = toponyms_in(extractor, "Shells fell on Suran.")
    geocoder = Geocoder(extractor.gazetteer, "SY")
    for name in ("Hama", "Aleppo"):
        location = geocoder.resolve(suran, governorate(extractor, name))
        assert (location.admin1, location.geo_precision) == (name, 1)
        assert any((c.latitude, c.longitude) == (location.latitude, location.longitude) for c in suran.candidates)


def test_a_capped_candidate_list_still_finds_the_governorates_place(extractor, monkeypatch):
    """The resolver keeps MAX_CANDIDATES readings; a context whose place it dropped asks the gazetteer."""
    monkeypatch.setattr(resolver, "MAX_CANDIDATES", 1)
    [suran] = toponyms_in(extractor, "Shells fell on Suran.")
    assert suran.capped and len(suran.candidates) == 1
    other = "Aleppo" if suran.candidates[0].admin1 == "Hama" else "Hama"
    location = Geocoder(extractor.gazetteer, "SY").resolve(suran, governorate(extractor, other))
    assert (location.admin1, location.geo_precision) == (other, 1)


@pytest.mark.parametrize("governorate_name", ["Hama", "Aleppo"])
def test_a_sentence_naming_the_governorate_places_the_village_in_it(extractor, governorate_name):
    events = extractor.extract(Document(text=f"Regime forces shelled Suran in northern {governorate_name}.",
                                        published=date(2018, 1, 18)))
    assert [(e.admin1, e.geo_precision) for e in events] == [(governorate_name, 1)]


def test_a_city_quarter_is_near_its_city(extractor):
    """'Aleppo - International Airport' is read as Aleppo by the resolver: precision 2, not the city itself."""
    text = "Israeli warplanes struck Hezbollah positions in Aleppo - International Airport."
    [quarter] = toponyms_in(extractor, text)
    assert quarter.read_as_its_city
    location = Geocoder(extractor.gazetteer, "SY").resolve(quarter)
    assert (location.admin1, location.geo_precision, location.location) == ("Aleppo", 2, quarter.mention.name)


@pytest.mark.parametrize(("text", "admin1"), [
    ("Clashes took place between regime forces and rebel factions in Tal Milh area in Hama.", "Hama"),
    ("Unidentified gunmen attacked a checkpoint near Sayda in Dar'a on Monday.", "Dara"),
    ("Rebels clashed with regime forces on Saida front in Ar-Raqqa on Monday.", "Ar Raqqa"),
    ("The army clashed with ISIS in Hmeimeh in the eastern countryside of Homs near the border with Deir ez-Zour "
     "province.", "Homs"),
])
def test_a_place_said_to_lie_in_a_governorate_is_read_there_before_a_namesake_elsewhere(extractor, text, admin1):
    events = extractor.extract(Document(id="t", text=text, published=date(2019, 7, 8)))
    assert events and {event.admin1 for event in events} == {admin1}


def test_a_neighbourhood_in_a_city_stays_in_the_city(extractor):
    events = extractor.extract(Document(id="t", text="SDF fighters captured the neighborhood of Nezlet Shehadeh in "
                                        "Raqqa on Monday.", published=date(2017, 7, 8)))
    assert events and all(event.geo_precision == 2 and event.admin1 == "Ar Raqqa" for event in events)


@pytest.mark.parametrize(("text", "admin1"), [
    ("Rebels repelled a regime attack on the Beit Nayem front in Eastern Ghouta on Tuesday.", "Rural Damascus"),
    ("Jaysh al Islam fighters clashed with regime forces in the East Ghota on Friday.", "Rural Damascus"),
    ("Regime helicopters dropped barrel bombs on rebel positions in Jabal al-Akrad.", "Lattakia"),
    ("Rebels shelled regime positions in the Qalamoun mountains.", "Rural Damascus"),
    ("Jaysh al Islam fighters clashed with Islamic State militants in Eastern Qalamoon.", "Rural Damascus"),
])
def test_a_region_inside_one_governorate_places_the_event_in_it(extractor, text, admin1):
    events = extractor.extract(Document(id="t", text=text, published=date(2018, 3, 6)))
    assert events and events[0].admin1 == admin1


def test_a_region_spanning_countries_gives_no_governorate(extractor):
    [levant] = [t for t in toponyms_in(extractor, "Clashes erupted in Homs as fighting spread across the Levant.")
                if t.text == "Levant"]
    geocoder = Geocoder(extractor.gazetteer, "SY")
    assert geocoder.region_reading(levant) is None


def test_a_town_abroad_needs_a_report_about_the_country_to_point_there(extractor):
    """'the Marj area' beside Douma is no town in Libya; Kilis, across the Turkish border, stays in Turkey,
    and so does a town abroad in a report that names no Syrian place."""
    events = extractor.extract(Document(id="t", text="Rebels clashed with regime forces in the Marj area on Sunday, "
                                        "while shells hit the town of Douma.", published=date(2018, 3, 6)))
    assert events and all(event.country in (None, "Syria") for event in events)
    [kilis] = extractor.extract(Document(id="t", text="Rockets fired from Syria landed in Kilis, wounding two people.",
                                         published=date(2018, 3, 6)))
    assert kilis.country == "Turkey"
    [marj] = extractor.extract(Document(id="t", text="Rebels clashed with regime forces in the Marj area on Sunday.",
                                        published=date(2018, 3, 6)))
    assert marj.country == "Libya"
