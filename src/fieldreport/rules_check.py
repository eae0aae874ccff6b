"""`fieldreport rules check`: every data file of a rules folder against what the code reads from it.
It sits above the pipeline stages, whose loaders know each file's schema."""

from __future__ import annotations

from collections.abc import Callable
from importlib.abc import Traversable
from pathlib import Path

from fieldreport import taxonomy
from fieldreport.aliases import actor_file_problems
from fieldreport.events.triggers import pattern_file_problems
from fieldreport.rules import check_word_files, declare_lists, word_files


def check_rules(folder: Path) -> tuple[int, list[str]]:
    """How many data files of `folder` were checked, and every problem found as 'file:line: what' lines."""
    declare_lists()
    problems = check_word_files(folder)
    checkers: dict[str, Callable[[Traversable], list[str]]] = {"actors.toml": actor_file_problems,
                                                              "event_patterns.toml": pattern_file_problems}
    for name, checker in checkers.items():
        problems += checker(folder / name)
    problems += taxonomy.check(folder)
    return len(word_files(folder)) + len(checkers) + 1, problems
