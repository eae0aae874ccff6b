"""Actor mentions on sentences written for these tests, with the real model and actor file."""

from fieldreport.mentions.actors import default_dictionary


def mentions(extractor, text):
    return [(m.span.text, m.actor.name if m.actor else None, m.qualifier)
            for m in extractor.actor_finder(extractor.nlp(text))]


def test_holder_and_sponsor_only_qualify(extractor):
    found = mentions(extractor, "Airstrikes hit the IS-held village. A neighbourhood controlled by Syrias rebels was "
                                "shelled by the al-Qaeda-linked Nusra Front.")
    assert ("IS", "Islamic State (Syria)", "holder") in found
    assert ("rebels", None, "holder") in found
    assert ("al-Qaeda", "Al Qaeda", "sponsor") in found
    assert ("Nusra Front", "HTS: Hayat Tahrir al Sham", None) in found


def test_linked_before_a_common_noun_names_the_members(extractor):
    found = mentions(extractor, "Police detained two QSD-affiliated women in Afrin.")
    assert ("QSD", "QSD: Syrian Democratic Forces", None) in found


def test_state_word_or_demonym_before_a_means_of_war_names_forces(extractor):
    found = mentions(extractor, "Eight people were killed in government shelling on Douma, and Russian airstrikes "
                                "hit Idlib while government planes bombed Aleppo.")
    assert found.count(("government", "Military Forces of Syria (2000-)", "means")) == 2
    assert ("Russian", "Military Forces of Russia (2000-)", "means") in found


def test_anaphora_words_refer_back_only_when_definite(extractor):
    dictionary = default_dictionary()
    doc = extractor.nlp("The group attacked the checkpoint. A group of men gathered.")
    subjects = [t for t in doc if t.dep_ == "nsubj"]
    assert [dictionary.refers_back(t) for t in subjects] == [True, False]


def test_the_kurdish_arab_alliance_is_the_sdf(extractor):
    found = mentions(extractor, "An alliance of Kurdish and Arab fighters entered the town. IS fighters seized a "
                                "village from a US-backed Kurdish-Arab alliance.")
    assert [name for _, name, _ in found].count("QSD: Syrian Democratic Forces") == 2
