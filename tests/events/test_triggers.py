from fieldreport.events.triggers import first_cue_group_in

GROUPS = {"empty": [], "air": ["airstrike", "war plane"], "guns": ["shell", "mortar"]}


def test_cue_groups_are_read_in_file_order_by_whole_words_and_plurals() -> None:
    assert first_cue_group_in("Mortars and airstrikes hit the town.", GROUPS) == "air"
    assert first_cue_group_in("A war plane flew over; mortar rounds fell.", GROUPS) == "air"
    assert first_cue_group_in("Shells (122 mm) hit Douma.", GROUPS) == "guns"


def test_cue_words_inside_other_words_do_not_count() -> None:
    assert first_cue_group_in("The bombshell report and the shellfire.", GROUPS) is None
    assert first_cue_group_in("Warplanes were seen.", GROUPS) is None
