"""Learned places: a village the gazetteer lacks, located by one report, is placed in later reports that
name no governorate; never over the gazetteer (real model, gazetteer and SQLite store)."""

import copy
from datetime import date

import pytest

from fieldreport.geo.learned import LearnedPlaces
from fieldreport.ingest import open_store
from fieldreport.model import Document

LOCATED = "Regime forces captured the village of Rihan in Hama's northern countryside on Monday."
UNLOCATED = "Rebels shelled the village of Rihan on Tuesday, killing two soldiers."


def with_learned(extractor, learned: LearnedPlaces):
    """The session extractor with its own learned places (tests must not teach each other)."""
    fresh = copy.copy(extractor)
    fresh.learned, fresh.geocoders = learned, {}
    return fresh


def admin1s(extractor, text: str, document_id: str = "d") -> set[str | None]:
    events = extractor.extract(Document(id=document_id, text=text, published=date(2017, 5, 17)))
    assert events, text
    return {event.admin1 for event in events}


def test_a_village_no_report_located_gets_no_governorate(extractor):
    assert admin1s(with_learned(extractor, LearnedPlaces()), UNLOCATED) == {None}


def test_an_earlier_report_locates_a_village_for_a_later_one(extractor):
    learner = with_learned(extractor, LearnedPlaces(across_documents=True))
    assert admin1s(learner, LOCATED, "first") == {"Hama"}
    assert admin1s(learner, UNLOCATED, "second") == {"Hama"}
    [place] = learner.learned.places.values()
    assert (place.name, place.admin1, place.document_id, place.evidence) == ("Rihan", "Hama", "first", LOCATED)


def test_without_a_store_a_report_teaches_only_itself(extractor):
    """What one document taught must not change how the next is coded: batch workers and tests see the
    documents in other orders."""
    learner = with_learned(extractor, LearnedPlaces())
    assert admin1s(learner, LOCATED, "first") == {"Hama"}
    assert admin1s(learner, UNLOCATED, "second") == {None}


@pytest.mark.parametrize("text", [
    "Regime forces captured Khan Tuman, in Aleppo's southern countryside, on Monday.",
    "Regime forces captured the village of Rihan in Hama province on Monday.",
])
def test_a_place_named_right_before_its_governorate_is_learned(extractor, text):
    learner = with_learned(extractor, LearnedPlaces())
    admin1s(learner, text)
    assert len(learner.learned.places) == 1


def test_a_learned_place_never_overrides_the_gazetteer(extractor):
    learner = with_learned(extractor, LearnedPlaces())
    admin1s(learner, "Regime forces shelled the town of Suran in Idlib countryside on Monday.")
    assert learner.learned.places == {}
    assert admin1s(learner, "Rebels shelled Suran on Tuesday, killing two soldiers.") <= {"Hama", "Aleppo"}


def test_learned_places_last_in_the_store_across_runs(extractor, tmp_path):
    path = tmp_path / "events.db"
    with open_store(path) as store:
        admin1s(with_learned(extractor, LearnedPlaces(store)), LOCATED, "first")
    with open_store(path) as store:
        assert [p.name for p in store.learned_places()] == ["Rihan"]
        assert admin1s(with_learned(extractor, LearnedPlaces(store)), UNLOCATED, "second") == {"Hama"}


def test_a_village_named_right_before_a_known_town_is_learned_in_its_governorate(extractor):
    learner = with_learned(extractor, LearnedPlaces(across_documents=True))
    assert admin1s(learner, "Rebels clashed with regime forces in the village of Umm Batna, near Khan Arnabeh.",
                   "first") == {"Quneitra"}
    assert admin1s(learner, "Shells fell on the village of Umm Batna, wounding two children.", "second") == {"Quneitra"}


@pytest.mark.parametrize(("located", "unlocated", "admin1"), [
    ("Regime forces captured the village of Rasm Sakhr, in the eastern countryside of Hama, on Monday.",
     "Rebels shelled the village of Rasm Sakhr on Tuesday, killing two soldiers.", "Hama"),
    ("Rebels repelled a regime attack on the Beit Nayem front in Eastern Ghouta on Monday.",
     "Fighting went on along the Beit Nayem front on Tuesday, killing two soldiers.", "Rural Damascus"),
])
def test_a_village_placed_by_a_longer_phrase_or_a_region_is_learned(extractor, located, unlocated, admin1):
    learner = with_learned(extractor, LearnedPlaces(across_documents=True))
    admin1s(learner, located, "first")
    assert admin1s(learner, unlocated, "second") == {admin1}
