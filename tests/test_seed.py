"""The acceptance check on the seed dispatch: `fieldreport extract` output scored against its gold events."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def load_scorer():
    spec = importlib.util.spec_from_file_location("seed_score", FIXTURES / "seed" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seed_article_scores_against_gold(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "fieldreport", "extract", str(FIXTURES / "seed" / "article.txt"),
         "--published", "2018-01-18", "--format", "jsonl", "--db", str(tmp_path / "seed.db")],
        capture_output=True, text=True, check=True,
    )
    predictions = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    gold = json.loads((FIXTURES / "seed" / "gold.json").read_text(encoding="utf-8"))
    score = load_scorer().score(gold, predictions)
    assert score["f1"] >= 0.75, score
    assert score["required_found"] >= 8, score
    assert score["modality_errors"] == 0, score


def test_seed_events_carry_evidence_spans_into_the_input(tmp_path):
    text = (FIXTURES / "seed" / "article.txt").read_text(encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "fieldreport", "extract", str(FIXTURES / "seed" / "article.txt"),
         "--published", "2018-01-18", "--format", "jsonl", "--db", str(tmp_path / "seed.db")],
        capture_output=True, text=True, check=True,
    )
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events
    for event in events:
        fields = {span["field"] for span in event["evidence"]}
        for name in ("event_type", "notes"):
            assert name in fields
        for key in ("actor1", "actor2", "location"):
            if event[key] and event.get(f"{key}_text" if key != "location" else "location"):
                assert key in fields or key == "location" and event["geo_precision"] == 3
        for span in event["evidence"]:
            assert text[span["start"]:span["end"]] == span["text"]
