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
