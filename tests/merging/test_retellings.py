"""Retellings within one article: the headline, the lead and later paragraphs of one event are one event."""

from datetime import date

import pytest

from fieldreport.events.coding import DraftEvent
from fieldreport.geo.location import Location
from fieldreport.merging.compatibility import days_compatible
from fieldreport.merging.retellings import Figure, best_supported, retells
from fieldreport.model import Document, Event

STRIKE = "Air/drone strike"
FILLER = ("The United Nations called for a ceasefire across the country. Aid groups said hospitals in the north "
          "were short of medicine. Talks between the parties are due to resume next month. Thousands of families "
          "have fled towards the Turkish border this winter. ")
RETOLD = ("Government air strikes kill 12 civilians in Idlib province\n"
          "Syrian government warplanes struck the village of Kafr Nabl in Idlib province on Monday, killing 12 "
          "civilians, the Syrian Observatory for Human Rights said. " + FILLER +
          "The Observatory said government warplanes had bombed a market in Kafr Nabl, killing 12 people.")
CARRIED_DATE = ("Syrian government warplanes struck the village of Kafr Nabl in Idlib province on Monday, killing 12 "
                "civilians, the Syrian Observatory for Human Rights said. On Sunday, talks between the government "
                "and the opposition opened in Geneva. " + FILLER +
                "The Observatory said government warplanes had bombed a market in Kafr Nabl, killing 12 people.")
TWO_VILLAGES = ("Syrian government warplanes struck the town of Kafr Nabl on Monday, killing five civilians. "
                "Syrian government warplanes also struck the town of Maarat al-Numan on Monday, killing three "
                "civilians.")
TOLL = ("Infighting among rebel groups in Eastern Ghouta killed more than 350 militants\n"
        "Clashes between Jaysh al-Islam and Faylaq al-Rahman in Eastern Ghouta have killed more than 350 militants "
        "in less than one month, the Syrian Observatory for Human Rights said.")


def extracted(extractor, text: str) -> list:
    return extractor.extract(Document(text=text, id="retold", published=date(2018, 1, 25), outlet="test"))


def test_headline_lead_and_a_later_paragraph_are_one_event(extractor):
    events = extracted(extractor, RETOLD)
    [strike] = [e for e in events if e.sub_event_type == STRIKE]
    assert strike.location == "Kafranbel" and strike.geo_precision == 1  # the village, not the province
    assert strike.fatalities == 12  # told three times, counted once
    told = {e.start for e in strike.evidence if e.field == "notes"}
    assert {0, RETOLD.index("Syrian government"), RETOLD.index("The Observatory said")} <= told


def test_a_retelling_that_names_no_day_of_its_own_fits_the_event(extractor):
    """The last sentence carries 'Sunday' over from the talks; it names no day of its own."""
    [strike] = [e for e in extracted(extractor, CARRIED_DATE) if e.sub_event_type == STRIKE]
    assert strike.event_date == "2018-01-22" and strike.fatalities == 12


def test_strikes_on_two_villages_the_same_day_are_two_events(extractor):
    events = extracted(extractor, TWO_VILLAGES)
    assert sorted((e.location, e.fatalities) for e in events if e.sub_event_type == STRIKE) == [
        ("Kafranbel", 5), ("Ma‘arrat an Nu‘mān", 3)]


def test_a_headline_figure_the_body_gives_as_a_months_toll_is_no_events(extractor):
    events = extracted(extractor, TOLL)
    assert events and all(e.fatalities is None for e in events)
    assert not [span for e in events for span in e.evidence if span.field == "fatalities"]


@pytest.mark.parametrize(("a", "b", "expected"), [
    (("2018-01-17", 1), ("2018-01-17", 1), True),
    (("2018-01-17", 1), ("2018-01-16", 1), False),  # two days, two events
    (("2018-01-17", 1), ("2018-01-18", 2), True),  # a date only taken from the publication
    (("2018-01-17", 1), ("2018-01-30", 2), False),
    (("2018-01-03", 3), ("2018-01-29", 1), True),  # 'in January'
    (("2017-12-01", 3), ("2018-01-29", 1), False),
    ((None, None), ("2018-01-29", 1), True),
])
def test_days_that_can_be_one_day(a, b, expected):
    assert days_compatible(*a, *b) is expected


def test_the_best_supported_figure_wins():
    assert best_supported([Figure(12, vague=True), Figure(28, vague=False)]) == 28  # 'dozens' vs a stated 28
    assert best_supported([Figure(85, vague=False), Figure(56, vague=False), Figure(56, vague=False)]) == 56
    assert best_supported([Figure(30, vague=False), Figure(34, vague=False)]) == 30  # the lead's
    assert best_supported([]) is None


def draft(index: int, control: str | None, actor1: str | None = None) -> DraftEvent:
    event = Event(document_id="d", event_type="Strategic developments", sub_event_type="Non-violent transfer of "
                  "territory", event_date="2018-01-17", time_precision=1, actor1=actor1, control=control)
    saraqib = Location("Saraqib", 35.86, 36.80, 1, "Syria", "Idleb", None, "populated place", geonameid=163345)
    return DraftEvent(event, trigger=None, sentence_index=index, section=0, location=saraqib, sentences={index})


def test_a_place_won_is_no_retelling_of_the_place_left():
    assert retells(draft(0, "gain"), draft(5, "gain"))
    assert retells(draft(0, "gain"), draft(5, None))
    assert not retells(draft(0, "gain"), draft(5, "loss"))
    assert not retells(draft(0, "gain", "HTS: Hayat Tahrir al Sham"), draft(5, "gain", "Military Forces of Syria"))


SUMMARY = ("Ankara says 26 IS militants killed in northern Syria\n"
           "Twenty-six IS militants have been killed in clashes and U.S.-led coalition air strikes in northern Syria "
           "over the past day, the Turkish army said on Sunday. " + FILLER +
           "Fourteen IS fighters were killed as they tried to storm the rebel-held village of Akhtarin in Aleppo, "
           "the army said. A further 12 IS fighters died in coalition air strikes in the same area, the statement "
           "said.")


def test_a_country_wide_summary_is_the_event_the_article_places(extractor):
    strikes = [e for e in extracted(extractor, SUMMARY) if e.sub_event_type == STRIKE and e.is_factual]
    assert [(e.location, e.actor1) for e in strikes] == [("Akhtarīn", "Global Coalition Against Daesh")]


GUESSED = ("Twenty children were killed in airstrikes on a school in rebel-held Idlib province on Wednesday, UNICEF "
           "said. " + FILLER +
           "The strikes, carried out by either Russian or Syrian warplanes according to the Observatory, hit the "
           "village of Hass.")


def test_a_doer_told_as_a_guess_does_not_split_the_event(extractor):
    strikes = [e for e in extracted(extractor, GUESSED) if e.sub_event_type == STRIKE and e.is_factual]
    assert [e.location for e in strikes] == ["Hass"]


HEADLINE_TOLL = ("Fighting between rival militias in southern Libya killed 120 fighters\n"
                 "Clashes between the two militias around Sabha have killed 120 fighters over the past two months, a "
                 "local council said.")


def test_a_headline_whose_figure_the_body_gives_as_a_long_toll_is_that_background(extractor):
    events = extracted(extractor, HEADLINE_TOLL)
    assert events and not [e for e in events if e.is_factual]
    assert {e.modality for e in events} == {"background"}


ROUND_UP = ("Army says 25 rebels killed in northern Syria\n"
            "Twenty five rebel fighters have been killed in clashes and government air strikes in northern Syria "
            "over the last 24 hours, the army said on Monday. Government warplanes struck rebel positions near "
            "the town of Kafr Nabl on Monday, the army said. Another 15 rebel fighters were killed in the air "
            "strikes on Kafr Nabl, the army said in its daily statement.")


def test_a_sum_over_events_of_several_kinds_yields_to_one_events_own_figure(extractor):
    strikes = [e for e in extracted(extractor, ROUND_UP) if e.sub_event_type == STRIKE]
    assert strikes and all(e.fatalities != 25 for e in strikes)
    assert 15 in {e.fatalities for e in strikes}
