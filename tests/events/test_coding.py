"""Event coding rules on sentences written for these tests, with the real model, gazetteer and actor file."""

from datetime import date

import pytest

from fieldreport.model import Document


def factual(extractor, text, published=date(2021, 5, 4)):
    return [e for e in extractor.extract(Document(text=text, published=published)) if e.is_factual]


def test_partisan_label_is_not_resolved_to_an_ally_of_the_other_side(extractor):
    events = factual(extractor, "Army units and pro-government militias clashed with rebel groups near the town "
                                "of Kafr Nabl in Idlib.")
    assert events[0].sub_event_type == "Armed clash"
    assert {events[0].actor1, events[0].actor2} == {"Military Forces of Syria (2000-)", "Opposition Rebels (Syria)"}


def test_battle_opponent_the_parse_loses_is_taken_from_the_sentence(extractor):
    events = factual(extractor, "The clashes between the Syrian army and IS fighters went on near Al Mayadin "
                                "in Deir ez-Zor.")
    assert {events[0].actor1, events[0].actor2} == {"Military Forces of Syria (2000-)", "Islamic State (Syria)"}


def test_unnamed_side_of_a_battle_is_an_unidentified_armed_group(extractor):
    events = factual(extractor, "The SDF captured a hill north of Raqqa. No casualties were reported.")
    assert events[0].actor1 == "QSD: Syrian Democratic Forces"
    assert events[0].actor2.startswith("Unidentified Armed Group")


def test_civilians_are_no_party_to_a_battle(extractor):
    events = factual(extractor, "Clashes broke out between HTS and Ahrar al-Sham in Sarmada in Idlib, and a "
                                "civilian was killed by stray bullets.")
    battle = next(e for e in events if e.event_type == "Battles")
    assert "Civilians (Syria)" not in (battle.actor1, battle.actor2)


def test_unnamed_islamists_and_rebels_are_both_coded(extractor):
    events = factual(extractor, "Regime forces, backed by pro-regime militias, clashed with rebel and Islamist "
                                "factions near Saraqib in Idlib.")
    battle = events[0]
    sides = {battle.actor1, battle.actor2}
    assert {"Military Forces of Syria (2000-)", "Opposition Rebels (Syria)"} <= sides
    assert "Islamist Militia (Syria)" in battle.assoc_actor_2
    assert "Militia (Pro-Government)" in battle.assoc_actor_1


def test_gunmen_suspected_to_be_a_group_are_coded_as_that_group(extractor):
    events = factual(extractor, "Unknown gunmen believed to be IS members shot dead an SDF fighter near Shheil "
                                "in Deir ez-Zor.")
    assert events[0].actor1 == "Islamic State (Syria)"
    assert events[0].actor2 == "QSD: Syrian Democratic Forces"


def test_canonical_names_and_operation_codes_are_recognised(extractor):
    events = factual(extractor, "The Military Forces of Syria clashed with HTS near Kabani in Latakia. Later, "
                                "SNA factions operating under OPS clashed with the SDF near Tal Tamr.")
    assert {events[0].actor1, events[0].actor2} == {"Military Forces of Syria (2000-)", "HTS: Hayat Tahrir al Sham"}
    assert "Operation Peace Spring" in (events[1].assoc_actor_1 or "") + (events[1].actor1 or "")


def test_tribal_fighting_is_between_tribal_militias(extractor):
    events = factual(extractor, "Clashes erupted between two tribes in the town of Tell Abiad over a land dispute.")
    assert events[0].actor1 == "Unidentified Tribal Militia (Syria)"


def test_coders_tally_goes_to_the_main_event(extractor):
    events = factual(extractor, "Regime forces clashed with IS fighters near Al-Sukhnah in Homs amid strikes by "
                                "Russian warplanes. Given heavy fighting, unknown fatalities coded as 10.")
    battle = next(e for e in events if e.sub_event_type == "Armed clash")
    assert battle.fatalities == 10


@pytest.mark.parametrize("text", [
    "Regime forces, supported by Russian airstrikes, made advances after clashes with IS fighters near Arak. "
    "Unknown fatalities coded as 10.",
    "Regime forces shelled Al-Sukhnah as warplanes carried out strikes and clashes took place with IS fighters "
    "near the town. Unknown number of fatalities coded as 10.",
])
def test_coders_tally_goes_to_the_battle_the_strikes_accompany(extractor, text):
    battle = next(e for e in factual(extractor, text) if e.event_type == "Battles")
    assert battle.fatalities == 10


def test_arrests_at_a_protest_are_a_protest_with_intervention(extractor):
    events = factual(extractor, "Police detained dozens of activists during a protest against fuel prices in the "
                                "capital on Sunday.")
    assert events[0].sub_event_type == "Protest with intervention"


def test_protest_violence_in_the_next_sentence_makes_a_violent_demonstration(extractor):
    events = factual(extractor, "Thousands of students marched through the city centre on Friday. Some of them "
                                "threw stones at shop windows and set fire to bins.")
    assert events[0].sub_event_type == "Violent demonstration"


def test_unnamed_state_forces_regain_territory(extractor):
    events = factual(extractor, "Federal security forces on Tuesday freed three villages from the insurgents, "
                                "officials said.")
    assert events[0].sub_event_type == "Government regains territory"


def test_territory_taken_without_a_fight_is_a_non_violent_transfer(extractor):
    events = factual(extractor, "The militants took control of the deserted border post on Monday.")
    assert events[0].sub_event_type == "Non-violent transfer of territory"


@pytest.mark.parametrize(("text", "sub_event_type"), [
    ("Two suicide bombers blew themselves up at the gate of the camp on Tuesday, killing five guards.", "Suicide bomb"),
    ("Twelve fighters surrendered to the army in the northern district on Sunday.", "Agreement"),
    ("Soldiers discovered a large amount of ammunition hidden in a cave near the border.", "Disrupted weapons use"),
    ("The army has established a total of 12 observation points along the road.",
     "Headquarters or base established"),
    ("Police said a teenage girl was raped by three men in the village last week.", "Sexual violence"),
])
def test_event_forms_seen_in_news_worldwide(extractor, text, sub_event_type):
    assert factual(extractor, text)[0].sub_event_type == sub_event_type


def test_industrial_explosions_are_not_political_violence(extractor):
    assert not factual(extractor, "A gas explosion at a fertilizer plant killed three workers on Monday.")


def test_unit_names_are_no_weapons(extractor):
    events = factual(extractor, "Unknown gunmen attacked an Air Force Intelligence checkpoint near the town of "
                                "Nawa in Daraa, wounding two soldiers.")
    assert events[0].sub_event_type == "Armed clash"


def test_two_sides_shelling_each_other_is_an_armed_clash(extractor):
    events = factual(extractor, "Regime forces shelled the village of Kansafra in Idlib. Opposition rebels responded "
                                "by shelling regime positions near the village.")
    assert [e.sub_event_type for e in events] == ["Armed clash"]
    assert {events[0].actor1, events[0].actor2} == {"Military Forces of Syria (2000-)", "Opposition Rebels (Syria)"}


def test_state_forces_arresting_militants_make_arrests(extractor):
    events = factual(extractor, "The armed forces detained 40 militants of the outlawed group in the eastern "
                                "provinces on Monday.")
    assert events[0].sub_event_type == "Arrests"


def test_armed_group_detaining_fighters_is_a_clash(extractor):
    events = factual(extractor, "HTS detained five fighters at one of its checkpoints near Sarmada in Idlib.")
    assert events[0].sub_event_type == "Armed clash"


def test_police_clashing_with_protesters_is_a_violent_demonstration(extractor):
    events = factual(extractor, "Protesters clashed with police outside the parliament on Saturday night.")
    assert events[0].sub_event_type == "Violent demonstration"


def test_crime_and_accidents_are_rejected_but_gang_clashes_are_not(extractor):
    assert not factual(extractor, "Police said the suspect was caught after an attempt to rob a bank in the city.")
    assert not factual(extractor, "Eleven passengers were killed when their bus plunged off a bridge into a river.")
    clash = factual(extractor, "Clashes took place between two groups of drug dealers in the town of Mare in "
                               "Aleppo countryside.")
    assert clash and clash[0].sub_event_type == "Armed clash"


def test_crowd_that_took_to_the_streets_to_protest_did_protest(extractor):
    events = factual(extractor, "Dozens of nurses took to the streets on Thursday to protest against unpaid wages.")
    assert events and events[0].sub_event_type == "Peaceful protest"


def test_poisonous_gas_makes_a_chemical_weapon_attack(extractor):
    events = factual(extractor, "Rebels fired shells filled with poisonous gas on the district, state media said.")
    assert events[0].sub_event_type == "Chemical weapon"


def test_irregular_past_and_phrasal_takeovers_are_territory(extractor):
    events = factual(extractor, "Opposition fighters retook the town of Saraqib from government forces on Thursday.")
    assert events[0].sub_event_type == "Non-state actor overtakes territory"
    events = factual(extractor, "Rebels have taken over four villages in the district, the army spokesman said.")
    assert events[0].sub_event_type == "Non-state actor overtakes territory"


def test_control_taken_in_a_where_clause_names_the_battle(extractor):
    events = factual(extractor, "Clashes took place between regime forces and IS near Al-Sukhnah in Homs, where "
                                "regime forces were able to regain control over the village.")
    assert [e.sub_event_type for e in events] == ["Government regains territory"]
    hypothetical = extractor.extract(Document(text="The army would be able to capture the town within days."))
    assert all(e.modality != "occurred" for e in hypothetical)


def test_a_victims_past_told_in_a_relative_clause_is_no_event(extractor):
    events = factual(extractor, "Unknown gunmen shot and killed a former rebel who had signed a reconciliation "
                                "agreement with the government, in the town of Nawa in Daraa.")
    assert [e.sub_event_type for e in events] == ["Armed clash"]


def test_opening_fire_on_a_checkpoint_establishes_nothing(extractor):
    events = factual(extractor, "Gunmen opened fire on an army checkpoint near the town of Sahwa in Daraa.")
    assert events[0].sub_event_type == "Armed clash"


def test_verbs_the_parser_reads_as_adjectives_after_an_actor_still_trigger(extractor):
    events = factual(extractor, "QSD captured parts of the village of Jdid from IS fighters.")
    assert events[0].sub_event_type == "Non-state actor overtakes territory"
    events = factual(extractor, "The SDF took the town of Hamran from IS militants on Sunday.")
    assert events[0].sub_event_type == "Non-state actor overtakes territory"


def test_coders_tally_is_not_overridden_by_vague_counts(extractor):
    events = factual(extractor, "IS fighters clashed with regime forces near Tal Altout in Hama. Several regime "
                                "fighters were killed in five villages. Unknown number of fatalities coded as 10 "
                                "and split over the 5 locations.")
    battle = next(e for e in events if e.sub_event_type == "Armed clash")
    assert battle.fatalities == 2


def test_on_the_other_hand_hands_nothing_over(extractor):
    events = factual(extractor, "On the other hand the so-called Democratic Syria Troops managed on Saturday to "
                                "control Sheikh Issa town in Aleppo northern countryside after clashes with ISIL.")
    assert [e.sub_event_type for e in events] == ["Non-state actor overtakes territory"]
    assert events[0].actor1 == "QSD: Syrian Democratic Forces"
    handed = factual(extractor, "The rebels handed over the town of Beit Jinn to the army under an agreement.")
    assert [e.sub_event_type for e in handed] == ["Non-violent transfer of territory"]


def test_a_mine_explosion_in_a_war_report_is_a_landmine_not_a_disaster(extractor):
    events = factual(extractor, "A mine explosion killed two regime soldiers near Palmyra in Homs.")
    assert [e.sub_event_type for e in events] == ["Remote explosive/landmine/IED"]


def sub_events(extractor, text):
    return [e.sub_event_type for e in factual(extractor, text)]


@pytest.mark.parametrize("text, actor", [
    ("Kenyan security forces recaptured the town of Mandera from the insurgents on Monday.",
     "Military Forces of Kenya"),
    ("The Somali National Army seized control of the town of Jamaame in southern Somalia.",
     "Military Forces of Somalia"),
    ("Nigeria's army retook the town of Damasak from the jihadists after a day of fighting.",
     "Military Forces of Nigeria"),
])
def test_any_countrys_forces_taking_a_town_regain_territory(extractor, text, actor):
    events = factual(extractor, text)
    assert events[0].sub_event_type == "Government regains territory"
    assert events[0].actor1 == actor and events[0].inter1 == 1


def test_a_hand_written_actor_keeps_its_name_and_code_against_the_world_table(extractor):
    events = factual(extractor, "Turkish troops shelled the village of Maryamin near Afrin.")
    assert events[0].actor1 == "Military Forces of Turkey (2016-)" and events[0].inter1 == 8


def test_a_world_armed_group_taking_a_town_overtakes_territory(extractor):
    events = factual(extractor, "Al-Shabaab militants took control of the town of Bulo Burde after government "
                                "troops left it in the night. Residents said the fighters then searched houses.")
    assert events[0].sub_event_type == "Non-state actor overtakes territory"
    assert events[0].actor1 == "Al Shabaab"


def test_fighters_occupying_a_town_are_attacked_not_taking_it(extractor):
    assert sub_events(extractor, "Puntland forces attacked Al-Shabaab fighters occupying the village of Galgala "
                                 "on Tuesday.")[0] == "Armed clash"


def test_troops_occupying_hill_posts_take_territory(extractor):
    assert sub_events(extractor, "Myanmar's government troops occupied three hill posts near Laukkai.")[0] == \
        "Government regains territory"


def test_police_detaining_members_of_their_own_country_arrest_them(extractor):
    assert sub_events(extractor, "Turkish police detained two reporters of Turkey's opposition daily on Monday.")[0] \
        == "Arrests"


def test_a_claim_of_responsibility_for_an_attack_on_a_gas_plant_is_no_event(extractor):
    assert sub_events(extractor, "Al Qaeda claimed responsibility for the rocket attack on the gas plant in "
                                 "central Algeria.") == []


@pytest.mark.parametrize("text, expected", [
    ("Police detained dozens of protesters during a rally against the new tax law in Minsk.",
     "Protest with intervention"),
    ("Police arrested three activists before the president's rally in Mombasa on Friday.", "Arrests"),
    ("Authorities arrested a student leader on charges related to organising an illegal protest.", "Arrests"),
    ("Security forces continue to arrest opposition activists in anticipation of mass protests.", "Arrests"),
])
def test_an_arrest_is_at_a_protest_only_when_it_happens_there(extractor, text, expected):
    assert sub_events(extractor, text)[0] == expected


@pytest.mark.parametrize("text", [
    "The government released 40 rebel prisoners in exchange for 12 captured soldiers.",
    "The two sides exchanged prisoners near the front line on Tuesday.",
    "Officials supervised the exchange process of prisoners of war near Donetsk.",
])
def test_a_prisoner_exchange_is_an_agreement(extractor, text):
    assert sub_events(extractor, text)[0] == "Agreement"


def test_an_exchange_of_fire_is_still_a_clash(extractor):
    assert sub_events(extractor, "Soldiers exchanged fire with militants near the village of Maru.")[0] == \
        "Armed clash"


@pytest.mark.parametrize("text", [
    "The army has deployed troops along the border with Turkey after the deal.",
    "Hundreds of police and army reinforcements have been dispatched to the province of Anbar.",
])
def test_deploying_forces_is_a_change_to_group_activity(extractor, text):
    assert sub_events(extractor, text)[0] == "Change to group/activity"


def test_troops_entering_a_village_to_rape_commit_sexual_violence(extractor):
    assert sub_events(extractor, "Army troops entered a village near Juba on Sunday and raped at least six "
                                 "women.")[0] == "Sexual violence"


def test_rounds_of_ammunition_seized_are_no_round_up(extractor):
    assert sub_events(extractor, "Police seized four rifles and 300 rounds of ammunition in Kingston.")[0] == \
        "Disrupted weapons use"


@pytest.mark.parametrize("text, expected", [
    ("A shopkeeper was killed and two others wounded in a grenade attack in Srinagar on Tuesday.", "Grenade"),
    ("Homemade landmines planted by the militants have killed dozens of farmers near the town of Sinjar.",
     "Remote explosive/landmine/IED"),
    ("Four soldiers were killed when their truck hit a landmine near the village of Boulkessi.",
     "Remote explosive/landmine/IED"),
])
def test_a_killing_by_an_explosive_is_coded_by_the_weapon(extractor, text, expected):
    assert sub_events(extractor, text)[0] == expected


def test_gunmen_attacking_a_checkpoint_still_clash(extractor):
    assert sub_events(extractor, "Gunmen attacked an army checkpoint near the town of Dafur on Sunday.")[0] == \
        "Armed clash"


def test_a_town_taken_after_the_other_side_withdrew_is_a_peaceful_transfer(extractor):
    assert sub_events(extractor, "Rebels took control of the town of Kalehe on Friday. They entered it following "
                                 "the withdrawal of government troops, residents said.")[0] == \
        "Non-violent transfer of territory"


def test_a_town_taken_after_clashes_and_a_withdrawal_is_no_peaceful_transfer(extractor):
    assert sub_events(extractor, "Regime forces captured the village of Kafr Nabudah following the withdrawal "
                                 "of rebel factions after heavy clashes.")[0] == "Government regains territory"


@pytest.mark.parametrize("text", [
    "Two caches containing a large batch of weapons and ammunition have been discovered by the army near Tamanrasset.",
    "Security forces discovered a large amount of ammunition believed to belong to the rebels near Trabzon.",
])
def test_weapons_found_deep_in_the_object_phrase_are_disrupted(extractor, text):
    assert sub_events(extractor, text)[0] == "Disrupted weapons use"


def test_a_rocket_launching_site_seized_is_territory_not_weapons(extractor):
    assert sub_events(extractor, "The militants seized a rocket-launching site close to an air base near "
                                 "Palmyra.")[0] != "Disrupted weapons use"


def test_blasts_after_an_industrial_accident_are_the_accident(extractor):
    assert sub_events(extractor, "A fire broke out at a chemical plant near Houston on Thursday. Two small blasts "
                                 "were heard later and the explosions killed one worker.") == []


def test_an_explosion_after_a_crash_with_an_armed_actor_stays(extractor):
    assert sub_events(extractor, "A regime helicopter crashed near Hama on Monday. Later, rebels detonated an IED "
                                 "against a regime patrol near Kafr Zita.")[0] == "Remote explosive/landmine/IED"


@pytest.mark.parametrize("text, expected", [
    ("Demonstrators clash with security forces during an opposition rally in Caracas on Tuesday.",
     "Violent demonstration"),
    ("Thousands marched in Portland and some smashed store windows and sparked a dumpster blaze.",
     "Violent demonstration"),
    ("Riot police chased demonstrators during anti-government protests in Tebourba on Tuesday.",
     "Protest with intervention"),
    ("Hundreds of activists demonstrated outside the court in Manhattan over the fraud conviction of a "
     "local organiser.", "Peaceful protest"),
])
def test_protests_are_coded_by_what_happened_at_them(extractor, text, expected):
    assert sub_events(extractor, text)[0] == expected


def test_an_earthquake_striking_is_no_strike(extractor):
    assert sub_events(extractor, "A powerful earthquake struck the island of Lombok on Sunday, killing two "
                                 "people.") == []


def test_water_cannon_fired_at_protesters_is_no_shelling(extractor):
    assert "Shelling/artillery/missile attack" not in sub_events(
        extractor, "Police fired water cannon at protesters who gathered outside parliament in Beirut.")


@pytest.mark.parametrize("text, expected", [
    ("A riot broke out in the town of Mainpuri after a mob nearly lynched four men accused of killing a cow.",
     "Mob violence"),
    ("Anti-globalisation activists rioted for a second night in Hamburg as the city hosted the summit.",
     "Violent demonstration"),
])
def test_a_riot_is_a_demonstration_only_when_demonstrators_riot(extractor, text, expected):
    assert sub_events(extractor, text)[0] == expected


def test_militants_who_blow_themselves_up_are_suicide_bombers(extractor):
    assert sub_events(extractor, "Two militants detonated explosives, killing themselves near a police station in "
                                 "Ankara.")[0] == "Suicide bomb"


def test_a_vehicle_borne_bomb_is_no_suicide_bomb_by_itself(extractor):
    assert sub_events(extractor, "Four guards were killed when two VBIEDs planted by militants detonated in the "
                                 "Karrada district of Baghdad.")[0] == "Remote explosive/landmine/IED"


def test_forces_assaulting_civilians_attack_them(extractor):
    assert sub_events(extractor, "Kenyan security forces beat and assaulted civilians in Kisumu during the "
                                 "election unrest.")[0] == "Attack"


@pytest.mark.parametrize("text", [
    "The government and the communist rebels have agreed to resume peace talks, the adviser announced on Sunday.",
    "The Kurdish forces agreed to withdraw from the border town of Tal Abyad on Thursday.",
])
def test_agreeing_to_do_something_is_an_agreement(extractor, text):
    assert sub_events(extractor, text)[0] == "Agreement"


@pytest.mark.parametrize("text", [
    "Two groups from rival communities pelted stones at each other and torched vehicles in the town of Chhabra.",
    "Turkish-backed militants stole the old railway line near Afrin.",
])
def test_property_burnt_or_stolen_by_armed_men_is_looting(extractor, text):
    assert sub_events(extractor, text)[0] == "Looting/property destruction"


def test_equipment_stolen_in_an_attack_leaves_the_attack(extractor):
    assert sub_events(extractor, "Unknown gunmen stormed a JTW headquarters in Mastumeh, killed one of the guards "
                                 "and stole some equipment.")[0] == "Armed clash"


def test_forces_establishing_control_still_take_territory(extractor):
    assert "Non-state actor overtakes territory" in sub_events(
        extractor, "The advance contributed to QSD forces establishing control over half of Raqqa city.")


def test_the_weapon_of_an_event_answered_is_not_the_strikes_weapon(extractor):
    assert sub_events(extractor, "Russia said it launched airstrikes on militant groups it accused of carrying out "
                                 "a chlorine attack on the town the previous day.")[0] == "Air/drone strike"


def test_a_missile_base_bombed_is_a_target_not_the_weapon(extractor):
    assert sub_events(extractor, "Israeli warplanes bombed a regime missile base north of Damascus on "
                                 "Monday.")[0] == "Air/drone strike"


def test_mortar_rounds_containing_gas_are_a_chemical_weapon(extractor):
    assert sub_events(extractor, "The militants fired 150 mortar rounds containing poisonous gases on Peshmerga "
                                 "positions near Kirkuk.")[0] == "Chemical weapon"


def test_attacks_summed_up_before_a_grenade_attack_are_grenade_attacks(extractor):
    assert sub_events(extractor, "Two civilians were killed in separate attacks in Kashmir, police said. A "
                                 "shopkeeper was killed in a grenade attack in Srinagar on Tuesday.")[0] == "Grenade"


@pytest.mark.parametrize("text, expected", [
    ("A police officer walks past a police vehicle targeted by a suicide bomber in Quetta.", "Suicide bomb"),
    ("Ukrainian forces report hundreds of artillery shells fired by the separatists towards their positions.",
     "Shelling/artillery/missile attack"),
])
def test_a_participle_with_its_agent_tells_an_attack(extractor, text, expected):
    assert sub_events(extractor, text)[0] == expected


def test_villages_controlled_by_a_group_are_still_no_capture(extractor):
    assert "Non-state actor overtakes territory" not in sub_events(
        extractor, "Regime forces shelled villages controlled by HTS in southern Idlib.")


@pytest.mark.parametrize("text, expected", [
    ("Government forces pushed the militants out of several villages in Lower Shabelle on Monday.",
     "Government regains territory"),
    ("Clashes took place between two families in Al-Hessan town over a dispute.", "Armed clash"),
])
def test_out_of_is_a_particle_but_over_a_dispute_is_no_take_over(extractor, text, expected):
    assert sub_events(extractor, text)[0] == expected


@pytest.mark.parametrize("text, expected", [
    ("Al-Shabaab fighters charged a military camp outside Afgoye on Sunday night.", "Armed clash"),
    ("Twenty insurgents were killed when they set upon an army base near Kismayo.", "Armed clash"),
    ("Turkish forces set up a new military base near the town of Ain Issa.", "Headquarters or base established"),
])
def test_setting_upon_or_charging_a_base_attacks_it_setting_one_up_establishes_it(extractor, text, expected):
    assert sub_events(extractor, text)[0] == expected


def test_pirates_abducting_a_crew_in_an_attack_abduct(extractor):
    assert sub_events(extractor, "In a pirate attack on a cargo ship off Nigeria, 13 crew members have been "
                                 "abducted.")[0] == "Abduction/forced disappearance"


def test_landmines_cleared_are_disrupted_weapons_not_territory(extractor):
    assert sub_events(extractor, "Army engineers have cleared more than 2,000 landmines across the province.")[0] \
        == "Disrupted weapons use"


def test_withdrawing_from_a_treaty_transfers_no_territory(extractor):
    assert "Non-violent transfer of territory" not in sub_events(
        extractor, "The government formally withdrew from the nuclear missile pact on Thursday.")


def test_warplanes_entering_an_air_zone_take_no_territory(extractor):
    assert sub_events(extractor, "Five Chinese military planes entered the Korean air defence zone on "
                                 "Monday.") == ["Other"]


def test_groups_of_youths_confronting_police_riot(extractor):
    assert sub_events(extractor, "Groups of youths confronted police in Dutch towns on Monday night, defying the "
                                 "curfew and throwing fireworks.")[0] in ("Violent demonstration", "Mob violence")


def test_forces_setting_up_bases_establish_them(extractor):
    assert sub_events(extractor, "Coalition forces have set up two new bases in the area, the agency "
                                 "reported.")[0] == "Headquarters or base established"


def test_what_jets_destroy_they_strike(extractor):
    assert sub_events(extractor, "Turkish jets destroyed weapon depots and hideouts used by PKK militants in "
                                 "northern Iraq.")[0] == "Air/drone strike"


def test_weapon_depots_destroyed_by_troops_on_the_ground_are_disrupted(extractor):
    assert sub_events(extractor, "Troops destroyed two weapon depots found in the forest near Beni.")[0] == \
        "Disrupted weapons use"


def test_an_attack_on_militiamen_the_parse_reads_as_a_subject_is_a_clash(extractor):
    assert sub_events(extractor, "Al-Shabaab fighters have attacked South West State's militiamen trying to "
                                 "collect taxes near Bardaale.")[0] == "Armed clash"


@pytest.mark.parametrize("text, expected", [
    ("Two people were killed in a bombing at a bus station in Maiduguri on Sunday.", "Remote explosive/landmine/IED"),
    ("The aerial bombing of the market by government warplanes killed 12 people in Idlib.", "Air/drone strike"),
])
def test_a_bombing_is_a_bomb_attack_unless_from_the_air(extractor, text, expected):
    assert sub_events(extractor, text)[0] == expected


@pytest.mark.parametrize("text", [
    "Hundreds of people protested peacefully in Minneapolis over the killing of a black man by the police.",
    "A peaceful protest took place in Batsari following the arrest of some local vigilantes.",
])
def test_what_a_protest_is_about_is_not_what_happened_at_it(extractor, text):
    assert sub_events(extractor, text)[0] == "Peaceful protest"


def test_protesters_killed_at_a_protest_still_suffered_excessive_force(extractor):
    assert sub_events(extractor, "Security forces opened fire on protesters in Nasiriyah, killing two of "
                                 "them.")[0] == "Excessive force against protesters"


def strike(events):
    return next(e for e in events if e.event_type == "Explosions/Remote violence")


def test_victims_of_an_air_strike_are_its_target_and_a_state_flew_it(extractor):
    event = strike(factual(extractor, "At least ten people were killed in airstrikes on the rebel-held town of "
                                      "Atarib in Aleppo province on Monday."))
    assert event.actor1 == "Military Forces of Syria (2000-)"  # no one named: the forces of the country hit
    assert event.actor2 == "Civilians (Syria)"


def test_state_word_before_a_means_of_war_is_the_attacker(extractor):
    event = strike(factual(extractor, "Eight people were killed on Thursday in government shelling on Douma."))
    assert (event.actor1, event.actor2) == ("Military Forces of Syria (2000-)", "Civilians (Syria)")


def test_civilians_killed_are_the_target_before_the_holder_of_the_place(extractor):
    event = strike(factual(extractor, "Ten civilians were killed when Russian warplanes struck the opposition-held "
                                      "town of Atarib in Aleppo province."))
    assert (event.actor1, event.actor2) == ("Military Forces of Russia (2000-)", "Civilians (Syria)")


def test_attacker_named_in_the_sentence_before_is_used(extractor):
    events = factual(extractor, "Islamic State militants advanced on the town of Al Mayadin in Deir ez-Zor. Mortar "
                                "shells later hit the village of Mohassan, killing three civilians.")
    event = strike(events)
    assert event.actor1 == "Islamic State (Syria)"


def test_the_holder_of_a_place_is_not_the_attacker(extractor):
    event = strike(factual(extractor, "Airstrikes hit the Daesh-held village of Tokhar near Manbij, killing 20 "
                                      "civilians."))
    assert event.actor1 != "Islamic State (Syria)"
    assert event.actor2 == "Civilians (Syria)"


def test_cited_source_is_not_an_actor(extractor):
    event = strike(factual(extractor, "The Daesh-linked Aamaq news agency said 160 civilians were killed in "
                                      "airstrikes on Tokhar near Manbij."))
    assert "Islamic State (Syria)" not in (event.actor1, event.actor2)
    assert event.cited_sources == ["Aamaq news agency"]


def test_bare_terrorist_label_names_no_group_for_a_car_bomb(extractor):
    event = strike(factual(extractor, "A terrorist car bomb exploded near a market in Masaken Barzeh in Damascus, "
                                      "killing eight citizens."))
    assert event.actor1 == "Unidentified Armed Group (Syria)"
    assert event.actor2 == "Civilians (Syria)"


def test_they_stands_for_the_acting_subject_before(extractor):
    events = factual(extractor, "The Syrian army took control of the Mallah farms north of Aleppo. They further "
                                "recaptured the Castello road which was used by terrorists.")
    assert events and all(e.actor1 == "Military Forces of Syria (2000-)" for e in events)


def test_event_sentence_without_a_source_takes_the_next_sentences(extractor):
    events = factual(extractor, "Rocket shells fired by terrorists hit the al-Furqan neighborhood in Aleppo city. "
                                "A source at Aleppo Police Command told SANA that a girl was killed.")
    assert events[0].cited_sources == ["Aleppo Police Command", "SANA"]


def test_month_of_a_background_clause_does_not_date_the_next_sentence(extractor):
    events = factual(extractor, "Rebels launched an operation in late August. Fourteen Islamic State fighters were "
                                "killed in clashes with rebels in the village of Akhtarin in Aleppo province.",
                     published=date(2016, 10, 9))
    clash = next(e for e in events if e.event_type == "Battles" and "Akhtarin" in e.notes)
    assert clash.event_date == "2016-10-09"


def test_attack_thwarted_is_the_fight_not_a_second_event(extractor):
    events = factual(extractor, "Government troops thwarted an attack by IS fighters on army posts near Al Mayadin "
                                "in Deir ez-Zor on Monday.")
    assert [(e.event_type, e.actor1) for e in events] == [("Battles", "Military Forces of Syria (2000-)")]


def test_attack_fought_off_without_a_fight_word_is_a_clash(extractor):
    events = factual(extractor, "Kurdish fighters crushed an IS attack on the town of Tal Abyad on Saturday.")
    assert [e.sub_event_type for e in events] == ["Armed clash"]


def test_noise_heard_is_no_event_of_its_own(extractor):
    events = factual(extractor, "Residents of Jisr al-Shughur in Idlib said the sound of explosions went on until "
                                "dawn on Sunday.")
    assert events == []


def test_counter_attack_written_apart_is_a_battle(extractor):
    events = factual(extractor, "IS fighters retook the village of Tal Arn in Aleppo in a counter attack on "
                                "Monday.")
    assert {e.event_type for e in events} == {"Battles"}


def test_launched_assault_is_the_assault_not_a_strike_by_its_launcher(extractor):
    events = factual(extractor, "IS militants launched an assault on the town of Tal Abyad in Raqqa on Saturday, "
                                "prompting air strikes by the US-led coalition.")
    assert ("Battles", "Islamic State (Syria)") in {(e.event_type, e.actor1) for e in events}
    assert not [e for e in events if e.event_type != "Battles" and e.actor1 == "Islamic State (Syria)"]


def test_attack_on_a_town_an_armed_group_holds_is_a_battle(extractor):
    events = factual(extractor, "IS fighters attacked a Kurdish-held town on Saturday.")
    assert [e.sub_event_type for e in events] == ["Armed clash"]


def test_a_protest_crushed_is_no_fight(extractor):
    events = factual(extractor, "Security forces crushed a protest by students in Daraa on Friday.")
    assert "Battles" not in {e.event_type for e in events}


@pytest.mark.parametrize("text", [
    "Kurdish forces now control about a quarter of Syria.",
    "Airstrikes hit a market in the opposition controlled town of Ariha on Tuesday.",
])
def test_who_holds_a_place_now_is_no_capture(extractor, text):
    assert not [e for e in factual(extractor, text) if e.control is not None]


def test_an_offensive_targeting_a_district_is_the_offensive(extractor):
    events = factual(extractor, "The offensive began on Sunday and is targeting the Ramouseh district of Aleppo.")
    assert [e.sub_event_type for e in events] == ["Armed clash"]


def test_a_title_case_headline_names_its_bombing(extractor):
    events = factual(extractor, "Six Civilians Killed in Terrorist Bombing in Homs")
    assert [e.sub_event_type for e in events] == ["Remote explosive/landmine/IED"]


def test_a_label_read_as_a_default_in_one_sentence_stays_one_when_merged(extractor):
    """The headline's 'Terrorist' gives a default doer, which names no group for a bombing."""
    events = factual(extractor, "Six Civilians Killed in Terrorist Bombing in Homs\nA terrorist car bomb exploded "
                                "near a vegetable market in the city of Homs on Tuesday, killing six civilians.")
    assert [(e.sub_event_type, e.actor1) for e in events] == [
        ("Remote explosive/landmine/IED", "Unidentified Armed Group (Syria)")]


def test_a_place_cleared_from_fighters_is_taken_the_fighters_are_who_lost_it(extractor):
    events = factual(extractor, "The village of Kafr Hamra was cleared from IS fighters on Monday.")
    assert [(e.control, e.actor2) for e in events] == [("gain", "Islamic State (Syria)")]


def test_clashes_that_took_place_between_men_are_no_detention(extractor):
    events = factual(extractor, "Clashes took place between members of two clans in the town of Tell Abiad over a "
                                "land dispute. 2 people were killed and 5 others were wounded.")
    assert {e.sub_event_type for e in events} == {"Armed clash"}
    assert events[0].fatalities == 2


def test_a_figure_distributed_over_listed_places_gives_the_event_its_share(extractor):
    text = ("Clashes took place between regime forces and rebel fighters in Kafr Zita in northern Hama. The clashes "
            "killed 9 regime soldiers. Fatalities distributed over two locations: Kafr Zita and Latamneh.")
    battle = next(e for e in factual(extractor, text) if e.event_type == "Battles")
    assert battle.fatalities == 5  # 9 shared 5 and 4, the remainder to the first place
