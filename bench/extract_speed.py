"""Extraction speed: `fieldreport extract` against a bare spaCy parse of the same text.

Prints words/s and articles/s for the full extractor (parse + mentions + geocoding + events +
merging) over the sample dispatch repeated N times, the same for `nlp.pipe` with the same model
and no fieldreport components, their ratio, and peak memory. Model and gazetteer loading are
excluded from both timings.

    python bench/extract_speed.py [--repeat 200] [--text samples/article.txt]
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import date
from pathlib import Path

import spacy

from fieldreport.model import Document
from fieldreport.nlp import DEFAULT_MODEL
from fieldreport.pipeline import Extractor

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--text", type=Path, default=ROOT / "samples" / "article.txt")
    args = parser.parse_args()
    text = args.text.read_text(encoding="utf-8")
    words = len(text.split()) * args.repeat
    # distinct ids so nothing is deduplicated; the sample was published on 2018-01-18
    documents = [Document(text=text, id=f"bench-{i}", published=date(2018, 1, 18)) for i in range(args.repeat)]

    bare = spacy.load(DEFAULT_MODEL)
    start = time.perf_counter()
    for _ in bare.pipe((d.text for d in documents), batch_size=16):
        pass
    bare_seconds = time.perf_counter() - start

    extractor = Extractor()
    start = time.perf_counter()
    events = sum(len(found) for _, found in extractor.extract_many(documents))
    full_seconds = time.perf_counter() - start

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"text: {args.text.name} x {args.repeat} = {words:,} words, {events:,} events extracted")
    print(f"bare spaCy nlp.pipe : {words / bare_seconds:10,.0f} words/s {args.repeat / bare_seconds:8.2f} articles/s")
    print(f"fieldreport extract : {words / full_seconds:10,.0f} words/s {args.repeat / full_seconds:8.2f} articles/s")
    print(f"ratio extract/bare  : {bare_seconds / full_seconds:10.2f} (1.0 = as fast as a bare parse)")
    print(f"peak memory         : {peak_mb:10,.0f} MB")


if __name__ == "__main__":
    main()
