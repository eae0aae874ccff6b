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


def test_based_prefix_is_dropped_and_the_whole_subject_kept(extractor):
    doc = extractor.nlp("The Britain-based Syrian Observatory for Human Rights said 20 people were killed.")
    [mention] = find_sources(doc)
    assert mention.name == "Syrian Observatory"
    assert mention.subject.text == "The Britain-based Syrian Observatory"  # the name, not what follows it


def test_possessive_owner_stays_in_the_source_name(extractor):
    assert names(extractor, "Hezbollah's media said the Syrian army killed 20 militants.") == ["Hezbollah's media"]
