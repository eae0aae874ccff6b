"""Two-fold check of the sub-event typing on the CASE 2021 Task 2 development TSV.

Splits the rows into two fixed halves by a hash of their `id` (the same split on every run and
every machine), runs the extractor once, and prints for each half and for both: accuracy, weighted
and macro F1, and F1 per CASE sub-type side by side. The protocol: write a rule looking only at
one half's errors (`--errors 1`), and report the other half's change. A sub-type whose F1 differs
much between the halves is a rule that fits its items rather than the language.

The rows are read from ../shared/data at run time and never copied into the project.

    python bench/case_folds.py [--tsv PATH] [--errors 1|2] [--json OUT] [--labels OUT]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from fieldreport.evaluate import CASE_LABELS, NO_EVENT, Report, case_items, score_item
from fieldreport.pipeline import Extractor

DEFAULT_TSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "case2021-task2-dev.tsv"
LABEL_OF = {name: code for code, name in CASE_LABELS.items()}


def half_of(item_id: str) -> int:
    """1 or 2, from the first byte of the id's SHA-1: fixed, and blind to the text and its label."""
    return 1 + hashlib.sha1(item_id.encode("utf-8")).digest()[0] % 2


def short(label: str) -> str:
    return LABEL_OF.get(label, label)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tsv", type=Path, default=DEFAULT_TSV)
    parser.add_argument("--errors", type=int, choices=(1, 2), help="also list this half's misclassified snippets")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    parser.add_argument("--labels", type=Path, help="write id, half, gold and predicted label per row here (TSV), "
                        "to diff two runs")
    args = parser.parse_args()
    if not args.tsv.exists():
        print(f"{args.tsv} not found: this benchmark needs ../shared/data (not shipped with the project)",
              file=sys.stderr)
        return 1
    items = list(case_items(args.tsv, None))
    by_doc = {id(item.document): item for item in items}
    reports = {1: Report("case"), 2: Report("case"), 0: Report("case")}
    errors, rows = [], []
    for document, events in Extractor().extract_many(item.document for item in items):
        events = [] if isinstance(events, Exception) else events
        item = by_doc[id(document)]
        half = half_of(document.id)
        for key in (half, 0):
            score_item(reports[key], item, events, "case", None)
        gold, got = reports[half].labels[-1]
        rows.append(f"{document.id}\t{half}\t{item.case_label}\t{short(got)}\n")
        if half == args.errors and gold != got:
            errors.append((item.case_label, short(got), document.text))
    scores = {key: report.as_dict()["sub_event_type"] for key, report in reports.items()}
    names = {1: "half 1", 2: "half 2", 0: "both"}
    print(f"{'':32}" + "".join(f"{names[k]:>16}" for k in (1, 2, 0)))
    for measure in ("accuracy", "weighted_f1", "macro_f1"):
        print(f"{measure:32}" + "".join(f"{scores[k][measure]:>16.3f}" for k in (1, 2, 0)))
    print(f"\n{'sub-type (F1, support)':32}" + "".join(f"{names[k]:>16}" for k in (1, 2, 0)))
    for label in sorted(scores[0]["per_label"], key=lambda x: -scores[0]["per_label"][x]["support"]):
        cells = []
        for key in (1, 2, 0):
            entry = scores[key]["per_label"].get(label)
            cells.append(f"{entry['f1']:.2f} ({entry['support']:>2})" if entry else "-")
        halves = [scores[key]["per_label"].get(label, {}).get("f1", 0) for key in (1, 2)]
        gap = abs(halves[0] - halves[1])
        flag = "  <- gap" if gap >= 0.2 else ""
        print(f"{short(label) if label != NO_EVENT else 'no event (rejected)':32}"
              + "".join(f"{cell:>16}" for cell in cells) + flag)
    for gold, got, text in errors:
        print(f"\n[{gold} -> {got}] {' '.join(text.split())[:400]}")
    if args.labels:
        args.labels.write_text("".join(rows), encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps({names[k]: v for k, v in scores.items()}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
