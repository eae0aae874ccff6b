"""Merging across reports: which mentions of different documents become one event (a real store)."""

from stores import report, save_all

from fieldreport.ingest import open_store

ALEPPO = {"location": "Aleppo", "admin1": "Aleppo", "latitude": 36.2012, "longitude": 37.1612,
          "geo_precision": 2}
IDLIB = {"location": "Idlib", "admin1": "Idleb", "latitude": 35.9306, "longitude": 36.6339, "geo_precision": 2}
BINNISH = {"location": "Binnish", "admin1": "Idleb", "latitude": 35.9567, "longitude": 36.7138,
           "geo_precision": 1}
AIR_STRIKE = {"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
              "actor1": "Military Forces of Syria (2000-)", "inter1": 1, "actor2": "Civilians (Syria)",
              "inter2": 7, "event_date": "2016-08-09"}
WEEK = {"time_precision": 2}  # a date taken from the publication: that week, not that day

HOSPITAL = ("Five children and four medical staff were killed when regime airstrikes hit a hospital "
            "in a rebel-held town of Idlib province over the weekend, the medical charity said.")
CITY_RAIDS = ("People inspect a damaged building after Syrian warplanes pounded Idlib city on Tuesday, "
              "killing at least 22 people, rescuers said.")
WIRE = ("Barrel bombs dropped from government helicopters killed at least 11 civilians including three "
        "children in raids on a rebel-held district of Aleppo, a monitoring group said.")


def merged_documents(store_url: str, *reports: tuple) -> list[list[str]]:
    with open_store(store_url) as store:
        save_all(store, *reports)
        return sorted(sorted(m["document_id"] for m in store.event(r["id"])["mentions"])
                      for r in store.query_events()[0])


def test_a_report_dated_only_to_its_week_does_not_join_a_strike_on_a_loosely_named_city(store_url):
    # 'Idlib' for the province and for the city: the army bombs it every day of that week
    assert merged_documents(
        store_url,
        report("a", "The New Arab", {**AIR_STRIKE, **IDLIB, **WEEK, "notes": HOSPITAL}),
        report("b", "Daily Sabah", {**AIR_STRIKE, **IDLIB, "notes": CITY_RAIDS}),
    ) == [["a"], ["b"]]


def test_on_a_known_day_the_same_strike_on_a_loosely_named_city_is_one_event(store_url):
    assert merged_documents(
        store_url,
        report("a", "TRT", {**AIR_STRIKE, **IDLIB, "notes": CITY_RAIDS}),
        report("b", "Daily Sabah", {**AIR_STRIKE, **IDLIB, "notes": "Warplanes pounded Idlib on Tuesday."}),
    ) == [["a", "b"]]


def test_a_report_dated_only_to_its_week_joins_a_strike_on_the_same_town(store_url):
    assert merged_documents(
        store_url,
        report("a", "Daily Sabah", {**AIR_STRIKE, **BINNISH, **WEEK,
                                    "notes": "Russian jets struck the town of Binnish this week."}),
        report("b", "Daily Sabah", {**AIR_STRIKE, **BINNISH,
                                    "notes": "Air strikes on Binnish killed five people on Tuesday."}),
    ) == [["a", "b"]]


def test_two_copies_of_one_wire_story_stay_one_event_however_vaguely_dated(store_url):
    # two outlets carry the same AFP paragraph; one dates it by its publication, and edits the wording
    edited = WIRE.replace("government helicopters", "Syrian government helicopters").replace(",", "")
    assert merged_documents(
        store_url,
        report("a", "Ahram", {**AIR_STRIKE, **ALEPPO, "notes": WIRE}),
        report("b", "Jordan Times", {**AIR_STRIKE, **ALEPPO, **WEEK, "notes": edited}),
    ) == [["a", "b"]]


def test_a_vaguely_dated_report_with_other_wording_stays_apart_even_beside_a_copy(store_url):
    other = ("Medical workers reported airstrikes on neighbourhoods throughout the city's eastern districts "
             "as the announced offensive entered its fourth day.")
    assert merged_documents(
        store_url,
        report("a", "Ahram", {**AIR_STRIKE, **ALEPPO, "notes": WIRE}),
        report("b", "Jordan Times", {**AIR_STRIKE, **ALEPPO, **WEEK, "notes": WIRE}),
        report("c", "Daily Sabah", {**AIR_STRIKE, **ALEPPO, **WEEK, "notes": other}),
    ) == [["a", "b"], ["c"]]


ALEPPO_EXACT = {**ALEPPO, "geo_precision": 1}
CONVOY = ("Syrian or Russian warplanes bombed aid trucks near Aleppo late on Monday, killing 20 civilians "
          "and a Red Crescent official, hours after the army declared the truce over.")
TALLY = ("Since Sept. 19, when the regime declared the end of the week-long truce, at least 359 civilians have "
         "been killed by regime and Russian airstrikes on Aleppo, civil defence officials said.")


def test_a_toll_counted_since_a_day_is_not_the_strike_of_that_day(store_url):
    strike = {**AIR_STRIKE, **ALEPPO_EXACT, "event_date": "2016-09-19"}
    assert merged_documents(
        store_url,
        report("a", "The New Arab", {**strike, "notes": CONVOY}),
        report("b", "Daily Sabah", {**strike, "notes": TALLY, "fatalities": 359}),
        report("c", "Anadolu", {**strike, "notes": TALLY.replace("Sept. 19", "September 19")}),
    ) == [["a"], ["b", "c"]]


def test_a_day_after_since_that_is_not_the_reports_day_leaves_it_an_event(store_url):
    # 'since 11 July' counts the week's toll; the report's own day is the Thursday (16 July) it tells
    strike = {**AIR_STRIKE, **ALEPPO_EXACT, "event_date": "2015-07-16"}
    own_day = ("At least 11 civilians were killed on Thursday in regime barrel bomb attacks on the town. "
               "Since 11 July at least 68 civilians have been killed in aerial attacks on it.")
    assert merged_documents(
        store_url,
        report("a", "AFP", {**strike, "notes": own_day}),
        report("b", "Al-Araby", {**strike, "notes": "Barrel bombs killed at least 11 civilians on Thursday."}),
    ) == [["a", "b"]]
