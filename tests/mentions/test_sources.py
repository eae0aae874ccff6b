"""Cited sources on sentences written for these tests, with the real model."""

from fieldreport.mentions.sources import find_sources


def names(extractor, text):
    return [m.name for m in find_sources(extractor.nlp(text))]


def test_outlet_told_and_the_body_of_an_unnamed_source(extractor):
    found = names(extractor, "A source at Aleppo Police Command told SANA that terrorists fired rocket shells at "
                             "the neighborhood. The source added that a child was killed.")
    assert found == ["Aleppo Police Command", "SANA", "Aleppo Police Command"]


def test_short_name_resolves_to_the_fuller_one_before(extractor):
    found = names(extractor, "The Turkish military said 31 militants were killed. Another 17 were killed in air "
                             "strikes, the military said.")
    assert found == ["Turkish military", "Turkish military"]


def test_based_prefix_is_dropped_and_the_whole_name_kept(extractor):
    doc = extractor.nlp("The Britain-based Syrian Observatory for Human Rights said 20 people were killed.")
    [mention] = find_sources(doc)
    assert mention.name == "Syrian Observatory for Human Rights"
    assert mention.subject.text == "The Britain-based Syrian Observatory"  # the speaker's head, not what follows


def test_an_of_part_is_kept_only_when_it_is_part_of_the_name(extractor):
    assert names(extractor, "The Russian Ministry of Defence said its jets struck 20 targets.") == [
        "Russian Ministry of Defence"]
    assert names(extractor, "The head of the council said 20 people were killed.") == ["head"]


def test_possessive_owner_stays_in_the_source_name(extractor):
    assert names(extractor, "Hezbollah's media said the Syrian army killed 20 militants.") == ["Hezbollah's media"]


def test_names_joined_to_the_speaker_speak_too(extractor):
    found = names(extractor, "Government forces shelled the town, a local monitoring group and activists said.")
    assert found == ["local monitoring group", "activists"]


def test_an_attribution_the_parse_left_without_subject_is_read_from_the_name_before_it(extractor):
    # commas lost in copying leave 'told' and 'reported' with no subject
    found = names(extractor, "The jihadists attacked the town of Azaz in the early hours of Saturday YPG spokesman "
                             "Redwan Khalil and Turkish security sources told Reuters.")
    assert found == ["YPG spokesman Redwan Khalil", "Turkish security sources", "Reuters"]
    found = names(extractor, "Warplanes carried out 12 air strikes on the town the Syrian Network for Human Rights "
                             "reported.")
    assert found == ["Syrian Network for Human Rights"]


def test_a_passive_or_a_place_before_the_verb_is_no_speaker(extractor):
    assert names(extractor, "Heavy clashes were reported in the east of the city.") == []
    assert names(extractor, "Rebels shelled the villages near Aleppo.") == []


def test_a_pair_fought_between_does_not_speak(extractor):
    found = names(extractor, "Air strikes killed 20 civilians on Tuesday as fighting raged between the militants "
                             "and rebel fighters Syrian opposition activists and the extremist group said.")
    assert "militants" not in found and "rebel fighters" not in found
