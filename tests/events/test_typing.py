"""Sub-event typing from ACLED's codebook definitions, on sentences written for these tests (real model and files)."""

from datetime import date

import pytest

from fieldreport.model import Document


def first_type(extractor, text: str) -> str | None:
    events = [e for e in extractor.extract(Document(text=text, published=date(2021, 5, 4))) if e.is_factual]
    return events[0].sub_event_type if events else None


@pytest.mark.parametrize(("text", "sub_event_type"), [
    # force that disperses peaceful protesters without serious or lethal injuries is an intervention
    ("Police fired tear gas to disperse hundreds of protesters gathered outside the parliament.",
     "Protest with intervention"),
    ("Police baton charged protesters and arrested 10 of them.", "Protest with intervention"),
    # lethal force, or force that leaves protesters seriously injured, is excessive
    ("Security forces opened fire on peaceful protesters, killing three people.",
     "Excessive force against protesters"),
    ("Police beat protesters with batons, leaving five of them in hospital with serious injuries.",
     "Excessive force against protesters"),
    # demonstrators who destroy property riot
    ("Angry protesters ransacked the offices of the ruling party during the demonstration.", "Violent demonstration"),
    ("Students held a candlelight vigil outside the parliament to mourn the victims.", "Peaceful protest"),
])
def test_protest_types_follow_the_codebook(extractor, text, sub_event_type):
    assert first_type(extractor, text) == sub_event_type


@pytest.mark.parametrize("text", [
    "Villagers beat to death two men suspected of witchcraft.",
    "An angry crowd set fire to the homes of two families accused of sorcery.",
])
def test_a_crowd_that_is_not_demonstrating_commits_mob_violence(extractor, text):
    assert first_type(extractor, text) == "Mob violence"


def test_a_crowd_at_a_protest_that_turns_on_property_is_a_violent_demonstration(extractor):
    assert first_type(extractor, "Thousands marched against the tax in the capital on Friday. Later an angry crowd "
                                 "set fire to the tax office.") == "Violent demonstration"


def test_armed_men_burning_houses_destroy_property(extractor):
    assert first_type(extractor, "Armed men set fire to dozens of houses in the village after residents fled.") \
        == "Looting/property destruction"


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("A new militia was formed in the province to fight the insurgents.", "Change to group/activity"),
    ("Two rebel factions formed a new alliance on Sunday.", "Change to group/activity"),
    ("Rebel groups launched an attack on army positions near the airport.", "Armed clash"),
])
def test_a_group_formed_is_a_change_to_group_not_anything_formed(extractor, text, sub_event_type):
    assert first_type(extractor, text) == sub_event_type


def test_a_human_chain_is_no_new_group(extractor):
    assert first_type(extractor, "Activists formed a human chain along the main road.") != "Change to group/activity"


def test_handing_control_of_a_place_to_another_side_transfers_it_without_violence(extractor):
    assert first_type(extractor, "Foreign forces handed control of the airbase to the national army.") \
        == "Non-violent transfer of territory"


def test_torture_of_civilians_is_an_attack(extractor):
    assert first_type(extractor, "Soldiers tortured three farmers in the village, residents said.") == "Attack"


def test_a_group_set_up_is_a_change_to_group_and_a_base_set_up_is_a_base(extractor):
    assert first_type(extractor, "A new armed wing of the movement has been set up in the province.") \
        == "Change to group/activity"
    assert first_type(extractor, "The army set up a new base near the border town.") \
        == "Headquarters or base established"


@pytest.mark.parametrize("text", [
    "The coalition tasked with fighting the militants withdrew from the base on Monday.",
    "A force set up to fight the rebels withdrew from the town on Monday.",
])
def test_what_a_group_is_for_is_no_event(extractor, text):
    assert first_type(extractor, text) == "Non-violent transfer of territory"


def test_forces_fighting_in_the_main_clause_still_fight(extractor):
    assert first_type(extractor, "Soldiers sent to the front clashed with rebels near the town.") == "Armed clash"


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Protesters smashing shop windows marched through the city centre.", "Violent demonstration"),
    ("Police began dispersing the protesters gathered in the square.", "Protest with intervention"),
    # what the protest is about still does not decide what happened at it, in any form of the word
    ("Hundreds protested in the capital over the killing of a student by police.", "Peaceful protest"),
])
def test_protest_cues_count_in_any_form_of_the_word(extractor, text, sub_event_type):
    assert first_type(extractor, text) == sub_event_type


def test_a_fire_set_to_kill_is_an_attack(extractor):
    assert first_type(extractor, "Gunmen set fire to a shopkeeper's car in the market, killing him.") == "Attack"
