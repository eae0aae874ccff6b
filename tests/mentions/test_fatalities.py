"""Fatality counts on sentences written for these tests, parsed by the real model."""

import pytest

from fieldreport.mentions.fatalities import (
    allocations,
    fatalities_in,
    shared_between,
    stated_tally,
    summed_figures_in,
)
from fieldreport.nlp import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def count(nlp, text):
    return fatalities_in(next(nlp(text).sents))


@pytest.mark.parametrize(("text", "expected"), [
    ("9 IS members were killed near the dam.", 9),
    ("The fighting resulted in the killing of at least 3 government soldiers.", 3),
    ("Two rebel fighters reported dead after the raid.", 2),
    ("Gunmen shot dead a police officer at the checkpoint.", 1),
    ("The blast left 4 people wounded.", None),
])
def test_death_counts_survive_parser_slips(nlp, text, expected):
    assert count(nlp, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Unknown fatalities coded as 10.", 10),
    ("Fatalities were assumed to be 10.", 10),
    ("Fatalities coded as 12 and divided over three events.", 4),
    ("6 fatalities split between the three events with 2 fatalities coded to each.", 2),
    ("There were an unspecified number of fatalities on both sides that are coded as 10.", 10),
    ("Unknown number of fatalaties coded as 10.", 10),
    ("The group took two hills from the army, killing an unknown number, coded as 10.", 10),
    ("Total fatalities for 12 March coded to 6.", 6),
    ("Casualties unknown. Coded fatalities to one for the driver of the car bomb.", 1),
    ("Unknown fatalities coded as 10 with 1 additional fatality added for the suicide attacker.", 11),
    ("Fatalities are coded as 5 and added 1 for the suicide bomber.", 6),
    ("Total fatalities 14.", 14),
    ("Total number of fatalities 16.", 16),
    ("There were an unknown number of reported fatalities that are recorded at 10.", 10),
    ("Unknown fatalities reported as 10.", 10),
    ("Unknown number of fatalities coded as 10 and split, 5 each, between the two locations.", 5),
    ("Unknown number of fatalities coded as 10 and split between Souran and Taiba, each allocated 5 fatalities.", 5),
    ("Clashes went on for hours.", None),
])
def test_coders_stated_tallies(text, expected):
    assert stated_tally(text) == expected


def test_a_per_location_split_gives_each_events_share():
    assert stated_tally("8 fatalities are reported in four villages. Fatalities divided 2 on each location.") == 2


@pytest.mark.parametrize(("text", "expected"), [
    ("At least 35 IS fighters and 6 SDF fighters were killed in the clashes near the dam.", 41),
    ("The strikes killed 12 civilians and three rebels in the town.", 15),
    ("UNICEF said 22 children had been killed along with six teachers in the raid on a school.", 28),
    ("Twelve civilians, including five children, were killed in the shelling.", 12),
    ("A further nine among them eight women and children were killed in the air strikes.", 9),
    ("Two IS members died in the fighting and two others died in suicide attacks.", 4),
    ("The clashes killed 8 members of the Islamic State and 3 fighters of the rebel group and few injures.", 11),
])
def test_the_dead_of_every_group_of_one_event_are_summed(nlp, text, expected):
    assert count(nlp, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Rockets kill at least 30 in Aleppo AFP Saturday 9 Jul 2016 State media says 30 people have been killed "
     "in rocket fire overnight in Aleppo.", 30),
    ("6 October 2016 8 persons killed 58 others injured in rocket attacks on Aleppo city.", 8),
    ("Syria air raids kill 25 civilians Monitor AFP Friday 1 Jul 2016 Separate air raids in northern Syria by "
     "regime aircraft killed at least 25 civilians on Friday a monitoring group said.", 25),
    ("Eight Civilians Killed 14 Injured in Car Bombing in Damascus.", 8),
    ("A car bomb rocked the market on Tuesday claiming eight and injuring 14 citizens.", 8),
    ("Militants fired shells on the neighbourhood claiming the lives of 8 persons and injuring 58 others.", 8),
    ("Thirty one IS militants have been killed in clashes near the border.", 31),
    ("Twenty-five soldiers were killed in the ambush.", 25),
])
def test_a_figure_is_counted_once_and_the_wounded_never(nlp, text, expected):
    assert count(nlp, text) == expected


@pytest.mark.parametrize("text", [
    "Hundreds of thousands have been killed since the conflict began in March 2011.",
    "At least 112 civilians have been killed in the city since the rebel assault began on Sunday.",
    "Clashes in less than one month have killed more than 350 militants.",
    "Hundreds of people have been killed in the war.",
    "More than 200 people have been killed in the province over the past two months.",
    "More than 300,000 people have been killed in Syria.",
])
def test_a_toll_over_a_long_time_is_no_events_figure(nlp, text):
    assert count(nlp, text) is None


def test_a_battle_of_a_few_days_keeps_its_toll(nlp):
    assert count(nlp, "Fifty militants were killed in the infighting over the past few days.") == 50


def test_the_day_of_a_dateline_counts_nobody(nlp):
    assert count(nlp, "27 November 2016 Girl child killed two others injured in rocket attack on Aleppo city.") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("The bodies of 2 members of the militia were found on the banks of the river.", 2),
    ("A fighter's body was found near a landfill north of the city, killed by unknown gunmen.", 1),
    ("Police found the body of a young man near the river.", 1),
    ("Unknown gunmen opened fire on a former commander in the town, killing him.", 1),
    ("A former soldier who had joined the rebels was shot and killed by regime forces in the town.", 1),
    ("Rebels stormed the village and killed 5 soldiers.", 5),
    ("Clashes between two families resulted in the death of a man and a child and the injury of 10 others.", 2),
    ("The attack resulted in the killing of 4 Al Mu'tasim Brigade fighters and the wounding of 1 other fighter.", 4),
    ("The air strikes destroyed the house and killed between 8 to 12 individuals.", 8),
    ("Clashes resulted in the killing of an unknown number of fighters from both sides.", None),
])
def test_the_dead_found_or_named_by_a_pronoun_are_counted(nlp, text, expected):
    assert count(nlp, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Total fatalities of 9 are split as follows: 3 Kafr Zita, 2 Latamneh, and 4 Morek.",
     {"kafrzita": 3, "latamneh": 2, "morek": 4}),
    ("Total fatalities of 20 split as follows: Kafr Zita 8, Latamneh 6, Morek 6.",
     {"kafrzita": 8, "latamneh": 6, "morek": 6}),
    ("Fatalities coded to 10 and split with 6 coded to al-Hamra and 4 coded to Tell Abyad.",
     {"alhamra": 6, "tellabyad": 4}),
    ("The 20 fatalities are split between known locations, with Souran allocated 8 and Taiba and Morek each "
     "allocated 6.", {"souran": 8, "taiba": 6, "morek": 6}),
    ("Fatalities split between 4 locations, with 3 each allocated to Souran, Taiba and Morek and 1 allocated to "
     "Halfaya.", {"souran": 3, "taiba": 3, "morek": 3, "halfaya": 1}),
    ("Five fatalities distributed over three locations: two fatalities to Souran, two to Taiba, and one fatality "
     "to Morek.", {"souran": 2, "taiba": 2, "morek": 1}),
    ("Total fatalities 15 are split, 5 each, between the three locations.", {}),
    ("Unknown number of fatalities coded as 10 and split between events in Souran and Taiba, each allocated 5 "
     "fatalities.", {"souran": 5, "taiba": 5}),
    ("9 fatalities coded to fighting on the Souran front and 4 to fighting in Taiba.", {"souran": 9, "taiba": 4}),
    ("3 fatalities allocated to Souran and 1 to Taiba.", {"souran": 3, "taiba": 1}),
    ("Total fatalities coded to 15 and split between two locations; Tell Abyad (Girê Spî) 8, Suluk 7.",
     {"tellabyad": 8, "girespi": 8, "suluk": 7}),
    ("Unknown fatalities coded as 10 and split between 2 events.", {}),
])
def test_a_coders_shares_are_read_per_place(text, expected):
    assert allocations(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("At least 4 army soldiers were killed and the unknown number of rebel fatalities coded as 10.", 14),
    ("2 SDF fighters were killed in the clashes while an unknown number of IS fatalities, coded as 10, were reported.",
     12),
    ("The attacks killed dozens of soldiers near the base, with the unknown number of fatalities coded as 12.", 12),
    ("An unknown number of fighters, including 1 commander, were killed; unknown fatalities coded as 10.", 10),
    ("At least 1 fatality took place, other casualties unknown.", 1),
])
def test_a_coders_figure_for_one_sides_unknown_dead_adds_to_the_other_sides_count(nlp, text, expected):
    assert count(nlp, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Fighting near the dam resulted in the killing of 5 rebel fighters and the injuring of several others.", 5),
    ("The ambush resulted in the killing of 2 army officers and the injuring of 4 others.", 2),
])
def test_the_injuring_of_others_is_not_a_killing(nlp, text, expected):
    assert count(nlp, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Twenty five rebel fighters have been killed in clashes and government air strikes over the last day.", {25}),
    ("Nine fighters were killed in fighting and Russian air strikes near the airport.", {9}),
    ("12 soldiers were killed in clashes near the airport.", set()),
    ("12 soldiers were killed in air strikes and raids on the town.", set()),
])
def test_the_dead_of_events_of_several_kinds_are_a_sum(nlp, text, expected):
    assert summed_figures_in(next(nlp(text).sents)) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Fatalities distributed over two locations: Souran and Taiba.", (2, ["souran", "taiba"])),
    ("Distributed fatalities over the activities in Souran, Taiba and Morek.", (3, ["souran", "taiba", "morek"])),
    ("Fatalities split evenly between three locations.", (3, [])),
    ("Unknown fatalities coded as 10 and split between 2 events.", None),
    ("Total fatalities of 9 are split as follows: 3 Souran, 6 Taiba.", None),
])
def test_a_figure_shared_out_evenly_between_places(text, expected):
    assert shared_between(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Unknown gunmen stabbed a police officer to death near the market.", 1),
    ("Three prisoners were beaten to death in the jail.", 3),
    ("Rebels killed the brigade's deputy commander near the airport.", 1),
    ("A rebel fighter was killed and another was injured while a farmer was killed in the crossfire.", 2),
    ("Gunmen shot and killed a police officer in the town, killing him instantly.", 1),
    ("Gunmen attacked the house of a man accused of killing the group's leader.", None),
])
def test_single_deaths_are_counted_once_each(nlp, text, expected):
    assert count(nlp, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("At least 20 rebels were killed in clashes with the army, which had 4 soldiers killed as well.", 24),
    ("Four killed and dozens got injured during clashes between two rebel groups in the village.", 4),
    ("The town fell after clashes with 3 soldiers killed.", 3),
])
def test_dead_told_by_a_participle_after_their_count(nlp, text, expected):
    assert count(nlp, text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("A soldier was found dead near the checkpoint on Monday.", 1),
    ("Police found a man dead in his car outside the town.", 1),
])
def test_the_dead_found_dead_are_counted(nlp, text, expected):
    assert count(nlp, text) == expected
