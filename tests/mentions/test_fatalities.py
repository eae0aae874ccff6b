"""Fatality counts on sentences written for these tests, parsed by the real model."""

import pytest

from fieldreport.mentions.fatalities import fatalities_in, stated_tally
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
    ("Clashes went on for hours.", None),
])
def test_coders_stated_tallies(text, expected):
    assert stated_tally(text) == expected


def test_a_per_location_split_gives_each_events_share():
    assert stated_tally("8 fatalities are reported in four villages. Fatalities divided 2 on each location.") == 2
