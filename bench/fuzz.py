"""Fuzzing the document reader and the extractor with generated hostile input.

The reader (documents.read_documents) gets --reader inputs: random bytes, mixed encodings, HTML soup,
JSON Lines with odd records, punctuation storms, empty files, under every file suffix it knows. The
extractor gets --extractor short documents of the same kinds (in batches, as `extract` runs them),
sentences of up to 600 words among them. The generators are the ones tests/test_robustness.py runs in CI
(tests/hostile.py), here by the hundred thousand.

A crash is anything other than what the contract allows: the reader yields Documents (non-blank,
newlines normalised), InputErrors and InputWarnings with one-line messages, and raises nothing; the
extractor yields, per document, events whose evidence spans are the document's text at their offsets,
or one-line ExtractionErrors that are neither "extraction failed" (an exception it caught) nor the
time limit (Extractor.time_limit, 600 s by default). Each crash is
printed with its input (shortened); the run ends with inputs, inputs/s, crashes and the slowest input.

    python bench/fuzz.py [--reader 100000] [--extractor 3000] [--seed 0]
    python bench/fuzz.py --engine atheris --reader 100000    # coverage-guided reader fuzzing, if installed
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from hostile import (  # noqa: E402
    document_texts,
    extractor_problems,
    file_bytes,
    reader_problems,
    suffixes,
)

from fieldreport.documents import read_documents  # noqa: E402
from fieldreport.model import Document  # noqa: E402

SHOW = 300  # characters of a crashing input to print


@dataclass
class Tally:
    """Inputs run, crashes by kind (with the first input of each), and the slowest input."""

    inputs: int = 0
    crashes: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=dict)
    slowest: tuple[float, str] = (0.0, "")

    def crash(self, kind: str, given_input: object) -> None:
        self.crashes[kind] += 1
        if kind not in self.examples:
            self.examples[kind] = repr(given_input)[:SHOW]
            print(f"CRASH {kind}\n  input: {self.examples[kind]}", flush=True)

    def timed(self, seconds: float, given_input: object) -> None:
        if seconds > self.slowest[0]:
            self.slowest = (seconds, repr(given_input)[:SHOW])

    def report(self, name: str, seconds: float) -> None:
        print(f"{name}: {self.inputs:,} inputs in {seconds:,.0f} s ({self.inputs / seconds:,.0f} inputs/s), "
              f"{sum(self.crashes.values())} crash(es) of {len(self.crashes)} kind(s); slowest input "
              f"{self.slowest[0]:.2f} s: {self.slowest[1][:120]}", flush=True)


def read_one(folder: Path, data: bytes, suffix: str, tally: Tally) -> None:
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    start = time.perf_counter()
    try:
        problems = reader_problems(list(read_documents(path)))
    except Exception as error:  # noqa: BLE001 - a fuzzer records every exception
        problems = [f"raised {type(error).__name__}: {str(error)[:80]}"]
    tally.timed(time.perf_counter() - start, (suffix, data))
    tally.inputs += 1
    for problem in problems:
        tally.crash(f"reader {problem}", (suffix, data))


def fuzz_reader(count: int, start_seed: int, folder: Path, per_example: int = 10) -> Tally:
    """`count` files through the reader, drawn `per_example` at a time (hypothesis's own work per
    example would otherwise take most of the time)."""
    tally = Tally()
    files = st.lists(st.tuples(file_bytes, suffixes), min_size=per_example, max_size=per_example)
    for round_seed in range(start_seed, start_seed + count):  # a new seed while examples given up on are made up
        left = count - tally.inputs
        if left <= 0:
            break

        @seed(round_seed)
        @settings(max_examples=max(1, left // per_example), database=None, deadline=None,
                  phases=[Phase.generate], suppress_health_check=list(HealthCheck))
        @given(files)
        def run(drawn: list[tuple[bytes, str]]) -> None:
            for data, suffix in drawn:
                read_one(folder, data, suffix, tally)

        run()
    return tally


def fuzz_extractor(count: int, start_seed: int) -> Tally:
    from fieldreport.pipeline import Extractor

    extractor = Extractor()
    tally = Tally()
    batch = 16

    @seed(start_seed)
    @settings(max_examples=max(1, count // batch), database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.lists(document_texts, min_size=batch, max_size=batch))
    def run(texts: list[str]) -> None:
        documents = [Document(text=text, id=f"fuzz-{i}") for i, text in enumerate(texts)]
        start = time.perf_counter()
        try:
            for document, found in extractor.extract_many(documents, batch_size=batch):
                now = time.perf_counter()
                tally.timed(now - start, document.text)
                start = now
                tally.inputs += 1
                for problem in extractor_problems(document, found):
                    tally.crash(f"extractor {problem}", document.text)
        except Exception as error:  # noqa: BLE001 - a fuzzer records every exception
            tally.inputs += 1
            tally.crash(f"extractor raised {type(error).__name__}: {str(error)[:80]}", texts)

    run()
    return tally


def fuzz_reader_atheris(count: int, folder: Path) -> None:
    """Coverage-guided: atheris mutates bytes towards new branches of the reader and what it calls."""
    import atheris

    atheris.instrument_all()
    tally = Tally()
    suffix_list = [".txt", ".jsonl", ".html", ""]
    started = time.perf_counter()

    def one_input(data: bytes) -> None:
        read_one(folder, data[1:], suffix_list[data[0] % len(suffix_list)] if data else "", tally)
        if tally.inputs % 10_000 == 0 or tally.inputs == count:  # libFuzzer ends the process itself
            tally.report("reader (atheris)", time.perf_counter() - started)

    atheris.Setup([sys.argv[0], f"-runs={count + 1}", "-max_len=4096"], one_input)  # and its first, empty input
    atheris.Fuzz()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reader", type=int, default=100_000, help="inputs for the document reader")
    parser.add_argument("--extractor", type=int, default=3_000, help="documents for the extractor")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engine", choices=["hypothesis", "atheris"], default="hypothesis")
    args = parser.parse_args()
    memory = Path("/dev/shm")  # each input is written to a file: in memory where there is such a folder
    with tempfile.TemporaryDirectory(dir=memory if memory.is_dir() else None) as folder:
        if args.engine == "atheris":
            fuzz_reader_atheris(args.reader, Path(folder))
            return
        tallies = []
        if args.reader:
            started = time.perf_counter()
            tallies.append(fuzz_reader(args.reader, args.seed, Path(folder)))
            tallies[-1].report("reader", time.perf_counter() - started)
        if args.extractor:
            started = time.perf_counter()
            tallies.append(fuzz_extractor(args.extractor, args.seed))
            tallies[-1].report("extractor", time.perf_counter() - started)
    total = sum(t.inputs for t in tallies)
    crashes = sum(sum(t.crashes.values()) for t in tallies)
    print(f"total: {total:,} inputs, {crashes} crash(es)")


if __name__ == "__main__":
    main()
