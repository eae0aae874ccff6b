"""Word senses ('strike', 'attempt', 'the wounded', 'is split') in sentences written for these tests."""

from datetime import date

import pytest

from fieldreport.model import Document


def factual(extractor, text):
    return [e for e in extractor.extract(Document(text=text, published=date(2016, 7, 19))) if e.is_factual]


def test_strikes_after_a_sentence_on_airstrikes_are_airstrikes_not_protests(extractor):
    events = factual(extractor, "Airstrikes on IS-held villages near Manbij killed at least 56 civilians on Tuesday. "
                                "Residents blamed the US-led coalition for the strikes that hit the village of Tokhar.")
    assert events and not [e for e in events if e.event_type == "Protests"]
    assert "Air/drone strike" in {e.sub_event_type for e in events}


def test_military_strikes_are_never_a_protest(extractor):
    events = factual(extractor, "Military strikes hit rebel positions in Daraa on Tuesday.")
    assert events and not [e for e in events if e.event_type == "Protests"]


def test_a_strike_by_workers_stays_a_protest_beside_air_strikes(extractor):
    events = factual(extractor, "Traders in Damascus began a general strike on Tuesday. Warplanes bombed Douma "
                                "the same day.")
    types = {e.sub_event_type for e in events}
    assert "Peaceful protest" in types and "Air/drone strike" in types


def test_workers_on_strike_are_protesters(extractor):
    events = factual(extractor, "Bakery workers went on strike in Aleppo on Monday over unpaid wages.")
    assert [e.event_type for e in events] == ["Protests"]


def test_an_attempt_at_something_else_than_a_fight_is_no_battle(extractor):
    assert not factual(extractor, "Obama is due to lunch with senators in an attempt to sway them on Syria.")
    events = factual(extractor, "The army repelled an attempt by IS fighters to infiltrate its positions near "
                                "Deir ez-Zor on Monday.")
    assert {e.event_type for e in events} == {"Battles"}


def test_a_strike_is_made_with_aircraft_or_guns_not_with_what_it_hit(extractor):
    events = factual(extractor, "Coalition warplanes kept up their raids on IS positions around Manbij. The coalition "
                                "conducted 18 strikes near Manbij on Monday and destroyed two car bombs.")
    types = {e.sub_event_type for e in events}
    assert "Air/drone strike" in types and "Remote explosive/landmine/IED" not in types


@pytest.mark.parametrize("text", [
    "Doctors at the field hospital in Saraqib said many of the wounded were in critical condition.",
    "Rescuers carried the injured out of the rubble in Douma.",
])
def test_the_wounded_are_people_not_a_wounding(extractor, text):
    assert factual(extractor, text) == []


def test_a_group_divided_is_a_state_a_group_splitting_a_change(extractor):
    assert factual(extractor, "The opposition in Daraa is split between rival factions.") == []
    [change] = factual(extractor, "Rebel factions in Daraa split into two rival groups on Monday.")
    assert change.sub_event_type == "Change to group/activity"
