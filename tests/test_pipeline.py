"""Pipeline stages on real sentences with the real spaCy model and the real gazetteer."""

import weakref
from datetime import date
from pathlib import Path

import pytest

import fieldreport.nlp as nlp
from fieldreport.geo.geoparse import Geoparser
from fieldreport.model import Document
from fieldreport.nlp import parsed_in_pieces
from fieldreport.pipeline import TimeLimitExceeded

SEED = Path(__file__).parent / "fixtures" / "seed" / "article.txt"



def events_of(extractor, text, published=date(2018, 1, 18)):
    return extractor.extract(Document(text=text, published=published))


def test_prediction_is_not_an_event(extractor):
    events = events_of(extractor, "The sources said that the army will lay siege on terrorists in Hama province.")
    assert events and all(e.modality == "predicted" for e in events)


def test_plan_and_refusal_are_kept_apart_from_what_happened(extractor):
    planned = events_of(extractor, "Turkish troops arrived at the border within the framework of Ankara's plan "
                                   "to kick off imminent attack on Kurds in the town of Afrin.")
    by_type = {e.event_type: e.modality for e in planned}
    assert by_type["Strategic developments"] == "occurred"
    assert by_type["Battles"] == "planned"
    refused = events_of(extractor, "Militants in Quneitra province refused to endorse the peace agreement.")
    assert [e.modality for e in refused] == ["denied"]


def test_weekday_resolves_against_publication_date(extractor):
    events = events_of(extractor, "The army captured the town of Harasta on Wednesday.")
    assert events[0].event_date == "2018-01-17"
    assert events[0].sub_event_type == "Government regains territory"


def test_the_day_a_statement_was_made_is_not_the_event_day(extractor):
    events = events_of(extractor, "On Monday the army captured the town of Harasta, field sources confirmed on "
                                  "Wednesday.")
    assert events[0].event_date == "2018-01-15"
    news = events_of(extractor, "Field sources confirmed on Wednesday that the army captured the town of Harasta.")
    assert (news[0].event_date, news[0].time_precision) == ("2018-01-17", 2)  # the report's day, to the week
    old = events_of(extractor, "Field sources confirmed on 2 January that the army captured the town of Harasta.")
    assert old[0].event_date == "2018-01-18"  # a statement long before: the publication date


def test_partisan_label_resolved_from_context(extractor):
    text = ("The army men pushed the Al-Nusra Front back from the village of Maseh in Southern Aleppo.\n"
            "Later the army stormed terrorists' positions near Maseh.")
    events = events_of(extractor, text)
    assert any(e.actor2 == "HTS: Hayat Tahrir al Sham" and e.actor2_text for e in events)


def test_fatalities_follow_acled_rules(extractor):
    tens = events_of(extractor, "The Syrian Air Force pounded positions near Saraqib, killing tens of militants.")
    assert tens[0].fatalities == 10
    assert tens[0].sub_event_type == "Air/drone strike"
    vague = events_of(extractor, "The army clashed with ISIL near Palmyra. A number of terrorists were killed.")
    assert vague[0].fatalities is None
    freed = events_of(extractor, "The army rescued 24 civilians in Harasta.")
    assert freed[0].fatalities is None


def test_unknown_village_falls_back_to_governorate(extractor):
    events = events_of(extractor, "The army imposed control over the village of Qwertyabad in Hama province.")
    event = events[0]
    assert event.location == "Qwertyabad"
    assert event.admin1 == "Hama" and event.geo_precision == 3 and event.latitude is not None


def test_governorate_in_context_rejects_far_namesake(extractor):
    text = "Quneitra\nTalks were underway with militants in the town of al-Hamidiyeh."
    events = events_of(extractor, text)
    assert events[0].admin1 == "Quneitra"


def test_cited_source_from_attribution(extractor):
    events = events_of(extractor, "Hawar news said that a convoy of Turkish military vehicles arrived in Idlib.")
    assert any("Hawar" in source for source in events[0].cited_sources)


def test_three_sentences_one_event(extractor):
    text = ("Another military column of the Turkish troops has arrived at the border region near Afrin.\n"
            "The sources said that a convoy of Turkish military vehicles has arrived at the border with Afrin.\n"
            "Two units of the Turkish Special Forces have also arrived at the border near Afrin.")
    events = [e for e in events_of(extractor, text) if e.is_factual]
    assert len(events) == 1
    assert len([span for span in events[0].evidence if span.field == "notes"]) == 3


def test_acled_style_note(extractor):
    note = ("On 2 June 2023, clashes took place between regime forces and ISIS cells near Palmyra "
            "in Homs desert, killing 2 soldiers. 2 fatalities.")
    events = extractor.extract(Document(text=note))
    assert events[0].event_date == "2023-06-02"
    assert events[0].sub_event_type == "Armed clash"
    assert events[0].fatalities == 2
    assert {events[0].actor1, events[0].actor2} == {"Military Forces of Syria (2000-)", "Islamic State (Syria)"}


def test_attacks_on_fighters_are_battles_and_on_civilians_are_attacks(extractor):
    fighters = extractor.extract(Document(text="On 16 April 2023, IS militants shot at a QSD checkpoint in Deir ez Zor "
                                               "countryside. There were no fatalities."))
    assert fighters[0].sub_event_type == "Armed clash"
    assert {fighters[0].actor1, fighters[0].actor2} == {"Islamic State (Syria)", "QSD: Syrian Democratic Forces"}
    civilians = extractor.extract(Document(text="On 3 May 2021, unknown gunmen shot and killed a shepherd near "
                                                "Saraqib in Idleb countryside. 1 fatality."))
    assert civilians[0].sub_event_type == "Attack" and civilians[0].fatalities == 1


def test_out_of_scope_texts_give_no_event(extractor):
    quake = "A strong earthquake struck the coastal province on Monday, killing eight people."
    claim = "The group claimed responsibility for the attack on the convoy near Palmyra."
    assert not [e for e in events_of(extractor, quake) if e.is_factual]
    assert not [e for e in events_of(extractor, claim) if e.is_factual]


def test_protest_forms(extractor):
    dispersed = events_of(extractor, "Police fired tear gas to disperse hundreds of protesters who rallied in Daraa.")
    assert dispersed[0].sub_event_type == "Protest with intervention"
    violent = events_of(extractor, "Protesters torched tyres and hurled stones at the police in As-Suwayda.")
    assert violent[0].sub_event_type == "Violent demonstration"


def test_a_battle_across_listed_villages_is_one_event_per_village(extractor):
    text = ("Government forces clashed with opposition fighters in Kafr Zita, Latamneh and Morek in northern Hama "
            "on Tuesday. Twelve fighters were killed.")
    battles = [e for e in events_of(extractor, text) if e.sub_event_type == "Armed clash"]
    assert {e.location for e in battles} == {"Kafr Zaytā", "Latamneh", "Mūrak"}  # Latamneh: not in cities500
    assert {e.admin1 for e in battles} == {"Hama"}
    assert sum(e.fatalities for e in battles) == 12
    assert sorted(e.fatalities for e in battles) == [4, 4, 4]


def test_a_coders_split_tally_is_not_divided_again(extractor):
    text = ("Regime forces captured the villages of Rasm al-Abd and Umm Tuwaynah in eastern Hama after clashes with "
            "Islamic State fighters. Unknown fatalities coded as 10 and split between 2 events.")
    captures = [e for e in events_of(extractor, text) if e.sub_event_type == "Government regains territory"]
    assert len(captures) == 2
    assert [e.fatalities for e in captures] == [5, 5]
    assert {e.location for e in captures} == {"Rasm al-Abd", "Umm Tuwaynah"}


def test_places_near_or_between_a_list_stay_one_event(extractor):
    text = "The Syrian Air Force pounded militant positions near Khan Sheikhoun and Maarat al-Numan, killing 6."
    strikes = [e for e in events_of(extractor, text) if e.sub_event_type == "Air/drone strike"]
    assert len(strikes) == 1 and strikes[0].fatalities == 6
    text = "Islamic State fighters clashed with the army on the road between Palmyra and Sukhnah."
    assert len([e for e in events_of(extractor, text) if e.event_type == "Battles"]) == 1


def test_wounding_advancing_and_infighting_are_battles(extractor):
    shot = events_of(extractor, "Unknown gunmen on a motorbike shot and injured an SDF fighter in Shuhayl on Monday.")
    assert [e.sub_event_type for e in shot] == ["Armed clash"]
    advance = events_of(extractor, "Regime forces advanced into the town of Maadan in Raqqa province.")
    assert [e.sub_event_type for e in advance] == ["Armed clash"]
    infighting = events_of(extractor, "Infighting broke out between Ahrar al-Sham and Hayat Tahrir al-Sham in Sarmada.")
    assert [e.sub_event_type for e in infighting] == ["Armed clash"]


def test_who_holds_a_place_is_no_capture(extractor):
    text = ("Turkish forces shelled Tal Rifaat, which is controlled by the Syrian Democratic Forces, "
            "wounding two fighters.")
    assert not [e for e in events_of(extractor, text) if "territory" in e.sub_event_type]


def test_one_country_named_twice_does_not_move_a_syrian_report(extractor):
    text = ("The Syrian Democratic Forces, backed by United States and US-led coalition aircraft, clashed with "
            "Islamic State fighters in Raqqa city.")
    battles = [e for e in events_of(extractor, text) if e.event_type == "Battles"]
    assert battles and battles[0].country == "Syria" and battles[0].admin1 == "Ar Raqqa"


def test_the_other_sides_fire_in_one_sentence_makes_a_clash(extractor):
    text = ("Regime forces shelled Atarib town in western Aleppo with artillery, amid opposition rebels shelling "
            "regime positions near the town.")
    events = events_of(extractor, text)
    assert [e.sub_event_type for e in events] == ["Armed clash"]
    assert {events[0].actor1, events[0].actor2} == {"Military Forces of Syria (2000-)", "Opposition Rebels (Syria)"}


def test_a_killing_by_another_actor_beside_a_strike_is_its_own_event(extractor):
    text = "Government forces shelled Kafr Zita, while rebel fighters killed two soldiers near Morek."
    events = {e.sub_event_type: e for e in events_of(extractor, text)}
    assert events["Armed clash"].actor1 == "Opposition Rebels (Syria)" and events["Armed clash"].fatalities == 2
    assert events["Shelling/artillery/missile attack"].fatalities is None
    strike_kills = events_of(extractor, "Regime shelling on Kafr Nabl killed two civilians.")
    assert [(e.sub_event_type, e.fatalities) for e in strike_kills] == [("Shelling/artillery/missile attack", 2)]


def test_an_answer_by_an_allied_unit_makes_a_clash(extractor):
    text = ("Turkish forces shelled SDF positions at Menagh airbase in northern Aleppo. "
            "The YPG responded by shelling Turkish positions near the airbase.")
    assert [e.sub_event_type for e in events_of(extractor, text)] == ["Armed clash"]


def test_control_won_and_lost_again_is_a_clash(extractor):
    briefly = events_of(extractor, "Islamic State fighters briefly captured the Azraq oil field from the SDF.")
    assert [e.sub_event_type for e in briefly] == ["Armed clash"]
    repelled = events_of(extractor, "Rebels took control of the hill before being repelled by regime forces.")
    assert "Armed clash" in [e.sub_event_type for e in repelled]
    assert not [e for e in repelled if "territory" in e.sub_event_type]
    held = events_of(extractor, "Regime forces captured the village of Maan after clashes with rebels.")
    assert [e.sub_event_type for e in held] == ["Government regains territory"]


def test_people_or_goods_taken_are_no_territory(extractor):
    seized = events_of(extractor, "SDF forces detained four IS militants and seized rifles and ammunition near Hole.")
    assert not [e for e in seized if "territory" in e.sub_event_type]
    town = events_of(extractor, "HTS fighters captured the town of Hamidiyah from National Liberation Front fighters.")
    assert [e.sub_event_type for e in town] == ["Non-state actor overtakes territory"]


def test_fighters_killed_in_the_passive_are_a_battle(extractor):
    text = "Five members of the Quds Brigade were killed by an unknown armed group near Palmyra in Homs province."
    assert [e.sub_event_type for e in events_of(extractor, text)] == ["Armed clash"]
    text = "Three civilians were killed by unknown gunmen near Palmyra in Homs province."
    assert [e.sub_event_type for e in events_of(extractor, text)] == ["Attack"]


def place_names(extractor, text):
    doc = extractor.nlp(text)
    return [p.name for p in extractor.place_finder(doc, [])]


def test_names_listed_beside_a_place_are_places_but_people_are_not(extractor):
    names = place_names(extractor, "Clashes took place in Hseiniyeh, Kafir Elzeit, and Kafr Elawamid on Monday.")
    assert {"Kafir Elzeit", "Kafr Elawamid"} <= set(names)
    cued = place_names(extractor, "Clashes erupted in Maraanaz and Kaljibrin villages in northern Aleppo.")
    assert {"Maraanaz", "Kaljibrin"} <= set(cued)
    people = place_names(extractor, "Survivors include sons Parviz of Houston, Edward Moayyad and Hamid Moayyad.")
    assert "Edward Moayyad" not in people


def test_the_code_an_acled_name_opens_with_names_the_actor(extractor):
    events = events_of(extractor, "HTS took control of Kafr Nabudah in northern Hama following clashes with JTW.")
    assert events and events[0].actor2 == "JTW: National Liberation Front"
    mentions = extractor.actor_finder(extractor.nlp("The front line is far from Saraqib."))
    assert not [m for m in mentions if m.actor is not None and m.actor.name.startswith("FaR")]


def test_a_village_is_never_a_foreign_city_of_its_name(extractor):
    events = events_of(extractor, "Regime forces captured the village of Maan after clashes with rebels.")
    assert events and events[0].country != "Jordan"
    assert "Jordan" not in (events[0].actor2 or "")


def test_extract_places_events_where_places_puts_the_place(extractor, gazetteer):
    """`extract` and `places` share one resolver: an event's town is the point `places` gives its mention."""
    text = SEED.read_text(encoding="utf-8")
    document = Document(text=text, published=date(2018, 1, 18))
    toponyms = {(r["start"], r["end"]): r for r in Geoparser(gazetteer, extractor.nlp).places(document)}
    compared = 0
    for event in extractor.extract(document):
        span = next((e for e in event.evidence if e.field == "location"), None)
        if event.geo_precision != 1 or span is None or (span.start, span.end) not in toponyms:
            continue
        record = toponyms[(span.start, span.end)]
        assert (record["latitude"], record["longitude"]) == (round(event.latitude, 5), round(event.longitude, 5))
        compared += 1
    assert compared >= 5


def test_an_unqualified_army_abroad_is_that_countrys(extractor):
    """'Soldiers' and 'the army' are Syria's in a Syrian report and Nigeria's in a report from Borno."""
    events = events_of(extractor, "Soldiers killed five Boko Haram militants near Maiduguri and Bama in Borno "
                                  "state on Tuesday, the army said.")
    assert [e.actor1 for e in events] and all(e.actor1 == "Military Forces of Nigeria" for e in events)
    syrian = events_of(extractor, "Soldiers killed five militants near Harasta in Rural Damascus on Tuesday.")
    assert syrian[0].actor1 == "Military Forces of Syria (2000-)"


def test_a_long_text_is_parsed_in_pieces_with_the_documents_offsets(extractor, monkeypatch):
    """Texts longer than CHUNK_CHARS go through the parser piece by piece; evidence points into the whole text."""
    text = "\n".join(f"Regime forces shelled Harasta in Rural Damascus on Wednesday, killing {n} civilians."
                     for n in range(2, 12))
    monkeypatch.setattr(nlp, "CHUNK_CHARS", 200)
    events = events_of(extractor, text)
    spans = [span for event in events for span in event.evidence]
    assert len(text) > 4 * 200 and spans
    assert all(text[span.start:span.end] == span.text for span in spans)
    assert max(span.start for span in spans) > len(text) - 200


LONG_REPORT = "\n".join(f"Regime forces shelled Harasta in Rural Damascus on Wednesday, killing {n} civilians."
                        for n in range(2, 12))


def watched(pieces, seen):
    """The pieces as they come, checking that every earlier piece's Doc is gone before the next is handed on."""
    for doc, offset in pieces:
        assert all(ref() is None for ref in seen), "an earlier piece's Doc is still held"
        seen.append(weakref.ref(doc))
        yield doc, offset


def test_a_long_texts_pieces_are_parsed_and_released_one_at_a_time(extractor, monkeypatch):
    """Memory holds one piece's Doc at a time, not the whole text's, and the events are the same."""
    monkeypatch.setattr(nlp, "CHUNK_CHARS", 200)
    document = Document(text=LONG_REPORT, published=date(2018, 1, 18))
    expected = extractor.extract(document)
    [(_, pieces)] = list(parsed_in_pieces(extractor.nlp, [document], batch_size=16))
    seen = []
    events = extractor.events_or_error(document, watched(pieces, seen))
    assert len(seen) >= 5
    assert [e.as_record() for e in events] == [e.as_record() for e in expected]


def test_a_document_over_the_time_limit_is_skipped_with_one_line_and_the_others_go_on(extractor, monkeypatch):
    monkeypatch.setattr(extractor, "time_limit", 0.0)
    slow = Document(text=LONG_REPORT, origin="slow.txt")
    results = list(extractor.extract_many([slow, Document(text="Regime forces shelled Harasta.", origin="b.txt")]))
    assert [type(found) for _, found in results] == [TimeLimitExceeded, TimeLimitExceeded]
    assert str(results[0][1]) == "slow.txt: took over the time limit of 0 s: skipped"
    with pytest.raises(TimeLimitExceeded, match="slow.txt"):
        extractor.extract(slow)
    monkeypatch.setattr(extractor, "time_limit", 60.0)
    assert extractor.extract(slow)


def test_a_long_document_over_the_time_limit_stops_at_the_piece_it_is_in(extractor, monkeypatch):
    monkeypatch.setattr(nlp, "CHUNK_CHARS", 200)
    monkeypatch.setattr(extractor, "time_limit", 0.0)
    document = Document(text=LONG_REPORT)
    [(_, pieces)] = list(parsed_in_pieces(extractor.nlp, [document], batch_size=16))
    seen = []
    assert isinstance(extractor.events_or_error(document, watched(pieces, seen)), TimeLimitExceeded)
    assert len(seen) == 1


def test_events_of_a_listed_set_of_places_in_a_later_piece_point_into_the_whole_text(extractor, monkeypatch):
    """One event per listed place, each with the same evidence, moved once to the document's offsets."""
    monkeypatch.setattr(nlp, "CHUNK_CHARS", 200)
    text = LONG_REPORT + "\nClashes erupted in Maraanaz and Kaljibrin villages in northern Aleppo on Tuesday."
    events = events_of(extractor, text)
    listed = [e for e in events if e.location in ("Maraanaz", "Kaljibrin")]
    assert {e.location for e in listed} == {"Maraanaz", "Kaljibrin"}
    assert all(text[span.start:span.end] == span.text for event in events for span in event.evidence)


def test_a_neighbourhood_lies_in_its_city_not_at_a_town_of_its_name(extractor):
    events = events_of(extractor, "Two women were wounded when rebel rockets hit a bakery in the Shahba "
                                  "neighbourhood of Aleppo on Thursday.")
    assert [(e.location, e.admin1) for e in events if e.is_factual] == [("Aleppo", "Aleppo")]
