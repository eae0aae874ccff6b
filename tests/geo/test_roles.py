"""An event's place is where it happened: not an actor's sponsor, the place of talks or of a speaker,
a dateline, or a state that acts; a country named alone lies at its centre (real model, gazetteer)."""

from datetime import date

import pytest

from fieldreport.model import Document


def places_of(extractor, text: str) -> list[tuple[str, str | None]]:
    events = extractor.extract(Document(id="t", text=text, published=date(2017, 5, 17)))
    assert events, text
    return [(event.location, event.country) for event in events]


@pytest.mark.parametrize("text", [
    "Clashes erupted between the US-backed Syrian Democratic Forces and Islamic State militants in Manbij.",
    "Russian-backed government forces clashed with rebels in Manbij on Tuesday.",
    "Government forces backed by Russia shelled Manbij on Tuesday.",
])
def test_a_sponsor_is_not_where_a_clash_happened(extractor, text):
    assert {country for _, country in places_of(extractor, text)} == {"Syria"}


def test_a_state_that_speaks_is_no_place(extractor):
    places = places_of(extractor, "Washington blamed the government for the chemical attack near Damascus, "
                                  "which killed 1,400 people. Moscow denied any involvement in the strikes.")
    assert all(country == "Syria" for _, country in places)


def test_talks_abroad_do_not_place_a_battle(extractor):
    places = places_of(extractor, "As talks in Astana entered a second day, regime forces clashed with "
                                  "rebels in Syria.")
    assert all(country == "Syria" for _, country in places)


def test_a_dateline_is_not_where_the_event_happened(extractor):
    events = extractor.extract(Document(id="t", text="DAMASCUS, (SANA)- Terrorists fired rocket shells on "
                                        "Manbij on Tuesday, killing two civilians.", published=date(2017, 5, 17)))
    assert events and all(event.admin1 == "Aleppo" for event in events)


def test_a_speakers_place_gives_way_to_the_events(extractor):
    events = extractor.extract(Document(id="t", text="An activist in Deir al-Zor told Reuters that militants "
                                        "executed 30 men in the town of Mayadin.", published=date(2017, 5, 17)))
    assert events and {event.location for event in events} == {"Al Mayādīn"}


def test_a_place_abroad_is_kept_when_the_text_puts_the_event_there(extractor):
    events = extractor.extract(Document(
        id="t", text="Islamic State militants clashed with Kurdish forces in northern Iraq on Tuesday.",
        published=date(2017, 5, 17)))
    assert events and events[0].country == "Iraq"


def test_a_country_alone_is_placed_at_its_centre_not_its_capital(extractor):
    events = extractor.extract(Document(id="t", text="Rebels clashed with government forces in Syria on Monday.",
                                        published=date(2017, 5, 17)))
    [event] = events
    assert (event.location, event.geo_precision) == ("Syria", 3)
    assert abs(event.latitude - 33.51) > 1 and abs(event.latitude - 35.0) < 1


def test_a_body_named_after_a_place_is_no_place(extractor):
    events = extractor.extract(Document(
        id="t", text="The Deir Ezzor Military Council clashed with Islamic State fighters on Monday, killing two "
                     "of them.", published=date(2017, 5, 17)))
    assert events and {event.location for event in events} == {None}


def test_a_faction_named_after_a_place_does_not_place_the_clash(extractor):
    events = extractor.extract(Document(id="t", text="HTS and Al Sham Corp fighters clashed in the town of Armanaz.",
                                        published=date(2019, 3, 20)))
    assert events and {event.admin1 for event in events} == {"Idleb"}


@pytest.mark.parametrize(("text", "country"), [
    ("Pirates abducted 13 crew members of a cargo ship off the coast of Nigeria on Monday.", "Nigeria"),
    ("Rioters looted 20 foreign-owned shops in parts of Pretoria on Monday night.", "South Africa"),
    ("El Hoyo forces crossed into Tres Ríos territory from the north on Monday.", "Brazil"),
])
def test_a_place_abroad_that_the_text_puts_the_event_in_is_kept(extractor, text, country):
    events = extractor.extract(Document(id="t", text=text, published=date(2021, 3, 1)))
    assert events and events[0].country == country


def test_where_a_fight_was_heard_from_is_not_where_it_was(extractor):
    places = places_of(extractor, "IS fighters stormed the town of Tal Abyad in Raqqa on Saturday. Turkish officials "
                                  "said the militants attacked on two fronts, with gunfire and explosions audible "
                                  "from the town of Akcakale for hours.")
    assert "Akcakale" not in {location for location, _ in places}


def test_a_name_opened_by_tell_is_no_cited_source(extractor):
    """The parser reads 'Tell' of 'the city of Tell Abiad' as the verb, and 'Abiad' as who was told."""
    places = places_of(extractor, "Turkish-backed fighters clashed with QSD forces on the outskirts of the city "
                                  "of Tell Abiad amid Turkish bombardments of the city.")
    assert ("Tall Abyaḑ", "Syria") in places
