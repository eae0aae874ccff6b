import threading

import pytest

from fieldreport.storage.cache import RevisionCache


def test_an_answer_is_kept_for_its_revision_only() -> None:
    cache = RevisionCache()
    assert cache.get(1, "page", lambda: "first") == "first"
    assert cache.get(1, "page", lambda: "again") == "first"
    assert cache.get(2, "page", lambda: "after a write") == "after a write"
    assert cache.get(1, "page", lambda: "a slow reader's") == "a slow reader's"  # not kept over revision 2's
    assert cache.get(2, "page", lambda: "again") == "after a write"


def test_the_oldest_answer_goes_first() -> None:
    cache = RevisionCache(size=2)
    for key in "abc":
        cache.get(1, key, lambda key=key: key.upper())
    assert cache.get(1, "a", lambda: "made anew") == "made anew"
    assert cache.get(1, "c", lambda: "made anew") == "C"


def test_requests_for_an_answer_being_made_wait_for_it() -> None:
    cache = RevisionCache()
    started, release = threading.Event(), threading.Event()

    def make_slowly() -> str:
        started.set()
        release.wait(10)
        return "page"

    answers = []
    first = threading.Thread(target=lambda: answers.append(cache.get(1, "page", make_slowly)))
    first.start()
    started.wait(10)
    others = [threading.Thread(target=lambda: answers.append(cache.get(1, "page", lambda: "made again")))
              for _ in range(5)]
    for thread in others:
        thread.start()
    for thread in others:
        thread.join(0.2)
    assert all(thread.is_alive() for thread in others)  # waiting for the first, not making their own
    release.set()
    for thread in [first, *others]:
        thread.join(10)
    assert answers == ["page"] * 6


def test_a_failure_reaches_every_waiter_and_is_not_kept() -> None:
    cache = RevisionCache()

    def fail() -> str:
        raise ValueError("bad filter")

    with pytest.raises(ValueError, match="bad filter"):
        cache.get(1, "page", fail)
    assert cache.get(1, "page", lambda: "page") == "page"


def test_an_answer_not_worth_keeping_is_made_each_time() -> None:
    cache = RevisionCache()
    assert cache.get(1, "big", lambda: "x" * 100, lambda answer: len(answer) < 10) == "x" * 100
    assert cache.get(1, "big", lambda: "made anew", lambda answer: len(answer) < 10) == "made anew"
