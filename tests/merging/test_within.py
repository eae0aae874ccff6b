"""Events split by place within one report, on texts written for these tests."""

from fieldreport.model import Document


def events_of(extractor, text: str) -> list:
    return extractor.extract(Document(text=text, id="within"))


def test_a_coders_share_per_place_beats_an_even_split(extractor):
    text = ("Clashes took place between regime forces and rebel factions in Kafr Zita and Latamneh in northern Hama. "
            "The clashes resulted in the killing of 5 regime soldiers and 4 rebel fighters. "
            "Total fatalities of 9 are split as follows: 6 Kafr Zita and 3 Latamneh.")
    battles = {e.location: e.fatalities for e in events_of(extractor, text) if e.event_type == "Battles"}
    assert battles == {"Kafr Zaytā": 6, "Latamneh": 3}


def test_an_event_at_one_listed_place_takes_that_places_share(extractor):
    text = ("Clashes took place between regime forces and Islamist factions near Latamneh in northern Hama. "
            "Clashes in Kafr Zita, Latamneh and Morek resulted in the killing of 12 fighters from both sides. "
            "Total fatalities coded to 12 and split with 4 coded to Kafr Zita, 5 coded to Latamneh and 3 coded to "
            "Morek.")
    battles = {e.location: e.fatalities for e in events_of(extractor, text) if e.event_type == "Battles"}
    assert battles["Latamneh"] == 5
