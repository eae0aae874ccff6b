"""Date phrases resolved against the publication date, on sentences written for these tests."""

from datetime import date

from fieldreport.mentions.dates import find_dates, resolve_date
from fieldreport.model import Document

PUBLISHED = date(2016, 7, 19)  # a Tuesday


def test_weekday_before_overnight_and_plural_weekday():
    assert resolve_date("overnight Friday", PUBLISHED) == (date(2016, 7, 15), 1)
    assert resolve_date("overnight", PUBLISHED) == (date(2016, 7, 18), 1)
    assert resolve_date("Tuesdays", PUBLISHED) == (date(2016, 7, 19), 1)


def test_weekend_and_week_are_told_to_the_week():
    assert resolve_date("over the weekend", PUBLISHED) == (date(2016, 7, 17), 2)
    assert resolve_date("the weekend", date(2016, 7, 16)) == (date(2016, 7, 16), 2)
    assert resolve_date("earlier this week", PUBLISHED) == (date(2016, 7, 16), 2)


def test_the_day_before_yesterday_is_two_days_back():
    assert resolve_date("the day before yesterday", PUBLISHED) == (date(2016, 7, 17), 1)


def test_numeric_dateline_is_day_first():
    assert resolve_date("17.05.2017", None) == (date(2017, 5, 17), 1)


def test_day_number_before_a_month_and_numeric_date_in_text(extractor):
    doc = extractor.nlp("11 September 2016 Aerial bombardment killed five civilians. Damascus 17.05.2017 The army "
                        "shelled the town.")
    found = [(m.span.text, m.value, m.precision) for m in find_dates(doc, date(2017, 5, 18))]
    assert ("11 September 2016", date(2016, 9, 11), 1) in found
    assert ("17.05.2017", date(2017, 5, 17), 1) in found


def test_statement_day_is_told_apart(extractor):
    doc = extractor.nlp("The Observatory said on Tuesday that air strikes killed 20 people on Monday in Idlib. The "
                        "army said in a statement on Tuesday that it captured the hill.")
    by_text = {}
    for mention in find_dates(doc, PUBLISHED):
        by_text.setdefault(mention.span.text, []).append(mention.is_statement_day)
    assert by_text["Tuesday"] == [True, True]
    assert by_text["Monday"] == [False]


def test_period_start_and_day_ahead_are_told_apart(extractor):
    doc = extractor.nlp("Hundreds of thousands have been killed since March 2011. The truce is due to take effect on "
                        "Monday. Rebels shelled the town on Sunday.")
    by_text = {m.span.text: m for m in find_dates(doc, date(2016, 9, 11))}
    assert by_text["March 2011"].is_period_start
    assert by_text["Monday"].is_ahead
    assert not by_text["Sunday"].is_ahead and not by_text["Sunday"].is_period_start


def test_a_day_ahead_does_not_date_the_next_sentence(extractor):
    events = extractor.extract(Document(
        text="A US-Russia truce is due to take effect on Monday. More than 100 civilians were killed in "
             "government shelling on Idlib.", published=date(2016, 9, 11)))
    strike = next(e for e in events if e.event_type == "Explosions/Remote violence")
    assert strike.event_date == "2016-09-11"


def test_a_span_ending_on_publication_is_dated_to_its_middle():
    assert resolve_date("during the past two weeks", PUBLISHED) == (date(2016, 7, 12), 2)
    assert resolve_date("over the last 3 days", PUBLISHED) == (date(2016, 7, 18), 2)
    assert resolve_date("in the past two months", PUBLISHED) == (date(2016, 6, 19), 3)
    assert resolve_date("the past two weeks", None) is None


def test_the_publication_date_heading_the_text_is_a_dateline(extractor):
    doc = extractor.nlp("Published July 19 2016 Rebels shelled the town of Nawa. Rebels shelled the town on July 19 "
                        "2016.")
    assert [m.dateline for m in find_dates(doc, PUBLISHED)] == [True, False]
    doc = extractor.nlp("July 18 2016 Rebels shelled the town of Nawa.")
    assert [m.dateline for m in find_dates(doc, PUBLISHED)] == [False]


def dated(extractor, text, published=PUBLISHED):
    return [(e.event_date, e.time_precision) for e in extractor.extract(Document(text=text, published=published))
            if e.event_type == "Explosions/Remote violence"]


def test_a_dateline_does_not_date_the_headline_but_the_told_day_does(extractor):
    text = ("Published July 19 2016 Regime air strikes hit Saraqib. Regime warplanes bombed the town of Saraqib in "
            "Idlib during the past two weeks, killing 20 civilians, activists said on Tuesday.")
    assert dated(extractor, text) == [("2016-07-12", 2)]


def test_a_day_since_which_a_toll_is_counted_dates_no_event(extractor):
    text = ("Since July 11, when the truce ended, at least 80 civilians have been killed by regime air strikes on "
            "Idlib, civil defence officials said.")
    assert dated(extractor, text) == [("2016-07-19", 2)]
    text = "A truce has been in place since Monday in Daraa. Government shelling hit the town of Nawa."
    assert dated(extractor, text) == [("2016-07-19", 2)]


def test_a_vague_past_is_dated_to_its_month_only(extractor):
    text = ("Warplanes bombed the town of Saraqib in Idlib on Sunday. Recently the army shelled the town of Kafr Nabl "
            "in Idlib.")
    assert dated(extractor, text) == [("2016-07-17", 1), ("2016-07-19", 3)]
    text = "Regime warplanes bombed the recently captured town of Saraqib in Idlib on Sunday."
    assert dated(extractor, text) == [("2016-07-17", 1)]
