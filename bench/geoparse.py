"""Geoparsing benchmark: `fieldreport places` against GeoWebNews, LGL and GeoVirus, and Syrian places.

Toponym recognition: precision, recall and F1, where a prediction matches a gold toponym with the
same lower-cased text and a span midpoint within 10 characters (the scorer of Gritta et al.,
WhatsMissingInGeoparsing/methods.py; GeoWebNews gold = every type but Non_Toponym and the two
*_Expression types). Geocoding, on matched toponyms with gold coordinates: accuracy within 161 km,
AUC of the error curve (trapezoid of ln(1+km)/ln(20039) over the sorted errors), median and mean km;
a matched toponym left without coordinates counts as 20,039 km.

Syrian places: the geo_precision-1 rows of ../shared/data/acled-syria-battles-dev.csv, geocoding the
note text; the error of the toponym that best matches ACLED's `location`, once with the shipped
gazetteer and once with a temporary copy that has UCDP's place columns imported.

The data is read from ../shared at run time and never copied into the project (licence terms).

    python bench/geoparse.py [--limit 50] [--notes 300] [--country SY] [--processes 2]
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from fieldreport.geo.distance import km_between
from fieldreport.geo.gazetteer import ENV_VAR, Gazetteer, default_gazetteer_path, import_places, name_key
from fieldreport.geo.geoparse import Geoparser
from fieldreport.model import Document
from fieldreport.nlp import load_pipeline

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CORPORA = {"GeoWebNews": "geoparsing/GWN.xml", "LGL": "geoparsing/lgl.xml", "GeoVirus": "geoparsing/GeoVirus.xml"}
GWN_NOT_TOPONYMS = {"Non_Toponym", "Literal_Expression", "Non_Lit_Expression"}
EARTH_HALF_CIRCUMFERENCE_KM = 20039.0
MIDPOINT_SLACK = 10


@dataclass
class Gold:
    text: str
    start: int
    end: int
    latitude: float | None
    longitude: float | None


def number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def gwn_articles(path: Path) -> Iterator[tuple[str, list[Gold]]]:
    for article in ET.parse(path).getroot().iter("article"):
        gold = [Gold(t.findtext("extractedName") or "", int(t.findtext("start")), int(t.findtext("end")),
                     number(t.findtext("latitude")), number(t.findtext("longitude")))
                for t in article.iter("toponym") if t.findtext("type") not in GWN_NOT_TOPONYMS]
        yield article.findtext("text") or "", gold


def lgl_articles(path: Path) -> Iterator[tuple[str, list[Gold]]]:
    for article in ET.parse(path).getroot().iter("article"):
        gold = []
        for t in article.iter("toponym"):
            tag = t.find("gaztag")
            lat = number(tag.findtext("lat")) if tag is not None else None
            lon = number(tag.findtext("lon")) if tag is not None else None
            gold.append(Gold(t.findtext("phrase") or "", int(t.findtext("start")), int(t.findtext("end")), lat, lon))
        yield article.findtext("text") or "", gold


def geovirus_articles(path: Path) -> Iterator[tuple[str, list[Gold]]]:
    for article in ET.parse(path).getroot().iter("article"):
        gold = [Gold(t.findtext("name") or "", int(t.findtext("start")), int(t.findtext("end")),
                     number(t.findtext("lat")), number(t.findtext("lon"))) for t in article.iter("location")]
        yield article.findtext("text") or "", gold


READERS = {"GeoWebNews": gwn_articles, "LGL": lgl_articles, "GeoVirus": geovirus_articles}


def matches(predicted: dict, gold: Gold, text: str) -> bool:
    same_text = text[predicted["start"]:predicted["end"]].lower() == gold.text.lower()
    middle = (predicted["start"] + predicted["end"]) / 2 - (gold.start + gold.end) / 2
    return same_text and abs(middle) <= MIDPOINT_SLACK


def auc(errors: list[float]) -> float:
    """Area under the sorted ln(1+km)/ln(20039) curve, trapezoid rule (0 is perfect)."""
    scaled = sorted(math.log(1 + e) / math.log(EARTH_HALF_CIRCUMFERENCE_KM) for e in errors)
    if len(scaled) < 2:
        return scaled[0] if scaled else float("nan")
    area = sum((a + b) / 2 for a, b in zip(scaled, scaled[1:], strict=False))
    return area / (len(scaled) - 1)


def error_km(predicted: dict, gold: Gold) -> float:
    if predicted["latitude"] is None:
        return EARTH_HALF_CIRCUMFERENCE_KM
    return km_between(predicted["latitude"], predicted["longitude"], gold.latitude, gold.longitude)


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the recogniser's worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def score_corpus(name: str, geoparser: Geoparser, limit: int, processes: int = 1) -> tuple[float, float, int]:
    """Print one corpus's figures; returns the wall and CPU seconds spent geoparsing and the number of articles.

    CPU time is printed beside articles/s because the wall clock of a shared machine depends on its other load.
    """
    articles = [a for _, a in zip(range(limit), READERS[name](SHARED / CORPORA[name]), strict=False)]
    documents = [Document(text=text, id=str(i)) for i, (text, _) in enumerate(articles)]
    start, start_cpu = time.perf_counter(), cpu_seconds()
    results = {doc.id: places for doc, places in geoparser.places_many(documents, n_process=processes)
               if isinstance(places, list)}
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - start_cpu
    true_pos = predicted_count = gold_count = 0
    errors: list[float] = []
    for document, (text, gold) in zip(documents, articles, strict=True):
        predicted = results.get(document.id, [])
        predicted_count += len(predicted)
        gold_count += len(gold)
        used: set[int] = set()
        for item in gold:
            hit = next((i for i, p in enumerate(predicted) if i not in used and matches(p, item, text)), None)
            if hit is None:
                continue
            used.add(hit)
            true_pos += 1
            if item.latitude is not None:
                errors.append(error_km(predicted[hit], item))
    precision = true_pos / predicted_count if predicted_count else 0.0
    recall = true_pos / gold_count if gold_count else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    within = sum(e <= 161 for e in errors) / len(errors) if errors else 0.0
    print(f"{name:10} articles {len(articles):4}  toponyms P {precision:.3f} R {recall:.3f} F1 {f1:.3f}  "
          f"geocoded {len(errors):5}  A@161 {within:.3f}  AUC {auc(errors):.3f}  "
          f"median {statistics.median(errors) if errors else float('nan'):.0f} km  "
          f"mean {statistics.fmean(errors) if errors else float('nan'):.0f} km  "
          f"({len(articles) / seconds:.1f} articles/s, {1000 * cpu / len(articles):.0f} ms CPU/article)")
    return seconds, cpu, len(articles)


def acled_rows(limit: int) -> list[dict]:
    with (SHARED / "acled-syria-battles-dev.csv").open(encoding="utf-8") as handle:
        rows = (row for row in csv.DictReader(handle) if row["geo_precision"] == "1")
        return [row for _, row in zip(range(limit), rows, strict=False)]


def best_toponym(places: list[dict], location: str) -> dict | None:
    """The located toponym that best matches ACLED's location name, else the first populated place."""
    located = [p for p in places if p["latitude"] is not None]
    if not located:
        return None
    scored = max(located, key=lambda p: fuzz.ratio(name_key(p["text"]), name_key(location)))
    if fuzz.ratio(name_key(scored["text"]), name_key(location)) >= 70:
        return scored
    return next((p for p in located if p["level"] == "populated place"), located[0])


def score_notes(label: str, geoparser: Geoparser, rows: list[dict]) -> None:
    documents = [Document(text=row["notes"], id=row["event_id_cnty"]) for row in rows]
    results = {doc.id: places for doc, places in geoparser.places_many(documents) if isinstance(places, list)}
    errors = []
    for row in rows:
        best = best_toponym(results.get(row["event_id_cnty"], []), row["location"])
        errors.append(EARTH_HALF_CIRCUMFERENCE_KM if best is None else km_between(
            best["latitude"], best["longitude"], float(row["latitude"]), float(row["longitude"])))
    within = sum(e <= 25 for e in errors) / len(errors) if errors else 0.0
    print(f"ACLED Syria notes (geo_precision 1, {len(rows)}), {label}: within 25 km {within:.1%}, "
          f"median {statistics.median(errors):.1f} km")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=50, help="articles per corpus (default 50)")
    parser.add_argument("--notes", type=int, default=300, help="ACLED notes (default 300; 0 skips them)")
    parser.add_argument("--country", help="fix the country focus for the ACLED notes (default: inferred)")
    parser.add_argument("--processes", type=int, default=1, help="worker processes for the recogniser (default 1)")
    args = parser.parse_args()
    missing = [p for p in [*CORPORA.values(), "acled-syria-battles-dev.csv", "ucdp-ged-syria-dev.csv"]
               if not (SHARED / p).exists()]
    if missing:
        print(f"{SHARED} lacks {', '.join(missing)}: this benchmark needs ../shared/data "
              "(not shipped with the project)", file=sys.stderr)
        return 1
    nlp = load_pipeline()
    geoparser = Geoparser(Gazetteer(), nlp)
    seconds = cpu = articles = 0.0
    for name in CORPORA:
        spent, spent_cpu, count = score_corpus(name, geoparser, args.limit, args.processes)
        seconds += spent
        cpu += spent_cpu
        articles += count
    print(f"speed: {articles / seconds:.1f} articles/s for places alone (model loaded, all corpora, "
          f"{args.processes} process{'es' if args.processes > 1 else ''}); "
          f"{articles / cpu:.1f} articles per CPU second")
    if args.notes <= 0:
        return 0
    rows = acled_rows(args.notes)
    score_notes("shipped gazetteer", Geoparser(Gazetteer(), nlp, args.country), rows)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "gazetteer.sqlite"
        shutil.copyfile(default_gazetteer_path(), copy)
        os.environ[ENV_VAR] = str(copy)
        added = import_places(SHARED / "ucdp-ged-syria-dev.csv")
        with Gazetteer() as ucdp:
            score_notes(f"+ {added} UCDP places", Geoparser(ucdp, nlp, args.country), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
