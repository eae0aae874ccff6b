"""`fieldreport evaluate`: run the extractor over coded data and measure it field by field.

Gold formats, told apart by their columns:
- `fieldreport-gold/1` JSON (one article, hand-coded events; see tests/fixtures/seed_gold.json)
- ACLED CSV export with a `notes` column (each note is a document; a note ACLED split into
  several rows has several gold events, matched one to one)
- UCDP GED CSV (the `source_headline` is the text; deaths are checked against low..high)
- CASE 2021 Task 2 TSV (`id`, `EventSnippet`, `SubType`): sub-event classification, where the
  non-ACLED labels (crime, disasters, diplomacy, attribution) must be rejected (no event).
"""

from __future__ import annotations

import csv
import json
import math
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from fieldreport import taxonomy
from fieldreport.errors import InputError
from fieldreport.geo.distance import km_between
from fieldreport.model import Document, Event

NO_EVENT = "(no event)"
CASE_LABELS = {
    "ABDUCT_DISSAP": "Abduction/forced disappearance", "AGREEMENT": "Agreement", "AIR_STRIKE": "Air/drone strike",
    "ARMED_CLASH": "Armed clash", "ARREST": "Arrests", "ART_MISS_ATTACK": "Shelling/artillery/missile attack",
    "ATTACK": "Attack", "CHANGE_TO_GROUP_ACT": "Change to group/activity", "CHEM_WEAP": "Chemical weapon",
    "DISR_WEAP": "Disrupted weapons use", "FORCE_AGAINST_PROTEST": "Excessive force against protesters",
    "GOV_REGAINS_TERIT": "Government regains territory", "GRENADE": "Grenade",
    "HQ_ESTABLISHED": "Headquarters or base established", "MOB_VIOL": "Mob violence",
    "NON_STATE_ACTOR_OVERTAKES_TER": "Non-state actor overtakes territory",
    "NON_VIOL_TERRIT_TRANSFER": "Non-violent transfer of territory", "OTHER": "Other",
    "PEACE_PROTEST": "Peaceful protest", "PROPERTY_DISTRUCT": "Looting/property destruction",
    "PROTEST_WITH_INTER": "Protest with intervention", "REM_EXPLOS": "Remote explosive/landmine/IED",
    "SEX_VIOL": "Sexual violence", "SUIC_BOMB": "Suicide bomb", "VIOL_DEMONSTR": "Violent demonstration",
}
taxonomy.sub_types(*CASE_LABELS.values())  # a label mapped to a sub-event type the taxonomy lacks stops here
CASE_REJECT = {"ORG_CRIME", "NATURAL_DISASTER", "MAN_MADE_DISASTER", "DIPLO", "ATTRIB"}
FORMATS = {
    "acled": {"notes", "sub_event_type", "event_date", "actor1", "actor2", "admin1", "latitude", "longitude",
              "geo_precision", "fatalities"},
    "ucdp": {"source_headline", "side_a", "side_b", "latitude", "longitude", "low", "best", "high",
             "date_start", "date_end", "adm_1"},
    "case": {"EventSnippet", "SubType"},
}
# UCDP names the sides of a dyad; these are the ACLED-style actors that stand for them.
UCDP_SIDES = {
    "government of syria": {"military forces of syria", "police forces of syria", "militia progovernment",
                            "national defence forces"},
    "is": {"islamic state"}, "sdf": {"syrian democratic forces"}, "hts": {"hayat tahrir al sham"},
    "jabhat fateh alsham": {"hayat tahrir al sham"}, "government of turkey": {"military forces of turkey"},
    "government of russia soviet union": {"military forces of russia"}, "civilians": {"civilians"},
    "government of israel": {"military forces of israel"},
    "syrian insurgents": {"opposition rebels", "free syrian army", "hayat tahrir al sham", "ahrar al sham",
                          "jaysh al islam", "al rahman corps", "syrian national army", "national liberation front"},
}


@dataclass
class GoldEvent:
    sub_event_type: str | None = None
    actor1: str | None = None
    actor2: str | None = None
    admin1: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    precise: bool = False
    fatalities_low: int | None = None
    fatalities_high: int | None = None
    dates: tuple[date, date] | None = None
    actor_groups: list[list[str]] = field(default_factory=list)  # fieldreport-gold/1: alias lists per actor


@dataclass
class Item:
    """One text to run and the events a coder found in it."""

    document: Document
    gold: list[GoldEvent]
    case_label: str | None = None


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool | None) -> None:
        if ok is not None:
            self.right += int(ok)
            self.total += 1

    @property
    def share(self) -> float | None:
        return self.right / self.total if self.total else None


@dataclass
class Report:
    format: str
    items: int = 0
    gold_events: int = 0
    predicted_events: int = 0
    seconds: float = 0.0
    fields: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    labels: list[tuple[str, str]] = field(default_factory=list)  # (gold, predicted) sub-event types
    errors_km: list[float] = field(default_factory=list)

    def as_dict(self) -> dict:
        scores = label_scores(self.labels)
        return {
            "format": self.format, "items": self.items, "gold_events": self.gold_events,
            "predicted_events": self.predicted_events, "seconds": round(self.seconds, 1),
            "items_per_second": round(self.items / self.seconds, 1) if self.seconds else None,
            "fields": {name: {"right": t.right, "total": t.total, "share": round(t.share, 3) if t.total else None}
                       for name, t in sorted(self.fields.items())},
            "sub_event_type": scores,
            "point_error_km": km_summary(self.errors_km),
            "confusion": [{"gold": g, "predicted": p, "count": n}
                          for (g, p), n in Counter(self.labels).most_common(25) if g != p],
        }


def fold(text: str | None) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)).lower())


def actor_key(name: str | None) -> str:
    """ACLED-style name without its code prefix, year range or sub-unit: 'HTS: Hayat Tahrir al Sham' ->
    'hayat tahrir al sham'; 'Military Forces of Syria (2000-) 5th Assault Corps' -> 'military forces of syria'."""
    if not name:
        return ""
    name = re.sub(r"^[A-Za-z]{2,6}:\s*", "", name)
    name = name.split("(")[0]
    return " ".join(re.sub(r"[^a-z0-9 ]", "", name.lower().replace("-", " ")).split())


def detect_format(path: Path) -> str:
    """'gold', 'acled', 'ucdp' or 'case'; InputError naming the file, what it looked like and what it lacks."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    head = path.read_text(encoding="utf-8", errors="replace")[:4096]
    if head.lstrip().startswith("{"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise InputError(f"{path}: looks like JSON but does not parse ({err})") from err
        missing = {"format", "document", "events"} - set(data)
        if data.get("format") != "fieldreport-gold/1" or missing:
            raise InputError(f"{path}: looks like a fieldreport gold file but lacks {sorted(missing) or 'format'}")
        return "gold"
    first = head.splitlines()[0] if head else ""
    columns = set(next(csv.reader([first], delimiter="\t" if "\t" in first else ",")))
    best = max(FORMATS, key=lambda name: len(FORMATS[name] & columns))
    missing = FORMATS[best] - columns
    if not FORMATS[best] & columns:
        raise InputError(f"{path}: not a gold file fieldreport knows (fieldreport-gold/1 JSON, ACLED CSV, "
                         f"UCDP GED CSV or CASE 2021 TSV)")
    if missing:
        raise InputError(f"{path}: looks like {best.upper()} but lacks columns: {', '.join(sorted(missing))}")
    return best


def number(text: str | None) -> int | None:
    try:
        return int(float(text)) if text not in (None, "") else None
    except ValueError:
        return None


def coordinate(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def acled_items(path: Path, limit: int | None) -> Iterator[Item]:
    """One item per distinct note: ACLED splits some reports into several rows (events)."""
    by_note: dict[str, list[dict]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["notes"].strip():
                by_note.setdefault(row["notes"], []).append(row)
            if limit and len(by_note) > limit:
                by_note.pop(row["notes"])
                break
    for note, rows in by_note.items():
        gold = []
        for row in rows:
            day = parse_day(row["event_date"])
            deaths = number(row["fatalities"])
            gold.append(GoldEvent(
                sub_event_type=row["sub_event_type"], actor1=row["actor1"], actor2=row["actor2"],
                admin1=row["admin1"], latitude=coordinate(row["latitude"]), longitude=coordinate(row["longitude"]),
                precise=row["geo_precision"] == "1", fatalities_low=deaths, fatalities_high=deaths,
                dates=(day, day) if day else None))
        yield Item(Document(text=note, id=rows[0].get("event_id_cnty") or ""), gold)


def ucdp_items(path: Path, limit: int | None) -> Iterator[Item]:
    with path.open(encoding="utf-8", newline="") as handle:
        for count, row in enumerate(csv.DictReader(handle)):
            if limit and count >= limit:
                break
            if not row["source_headline"].strip():
                continue
            start, end = parse_day(row["date_start"]), parse_day(row["date_end"])
            gold = GoldEvent(
                actor1=row["side_a"], actor2=row["side_b"], admin1=row["adm_1"],
                latitude=coordinate(row["latitude"]), longitude=coordinate(row["longitude"]),
                precise=row.get("where_prec") == "1", fatalities_low=number(row["low"]),
                fatalities_high=number(row["high"]), dates=(start, end) if start and end else None)
            published = parse_day(row.get("source_date", ""))
            yield Item(Document(text=row["source_headline"], id=row["id"], published=published), [gold])


def case_items(path: Path, limit: int | None) -> Iterator[Item]:
    with path.open(encoding="utf-8", newline="") as handle:
        for count, row in enumerate(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)):
            if limit and count >= limit:
                break
            label = (row.get("SubType") or "").strip()
            if not label or not (row.get("EventSnippet") or "").strip():
                continue
            sub = CASE_LABELS.get(label)
            gold = [GoldEvent(sub_event_type=sub)] if sub else []
            yield Item(Document(text=row["EventSnippet"], id=row["id"]), gold, case_label=label)


def gold_file_items(path: Path) -> Iterator[Item]:
    data = json.loads(path.read_text(encoding="utf-8"))
    meta = data["document"]
    text_path = path.parent / meta["file"]
    if not text_path.is_file():
        raise InputError(f"{path}: the document it codes, {text_path}, is missing")
    gold = []
    for entry in data["events"]:
        if not entry.get("required"):
            continue
        loc = entry["location"]
        fatal = entry.get("fatalities") or {}
        day = date.fromisoformat(entry["date"]["value"])
        groups = entry.get("actors", [])[:1 if entry.get("actor2_optional") else None]
        gold.append(GoldEvent(
            sub_event_type=entry["sub_event_type"][0], admin1=loc.get("admin1"),
            actor_groups=[data["actors"][group] for group in groups],
            latitude=loc["lat"], longitude=loc["lon"], precise=not loc.get("admin1_ok", False),
            fatalities_low=fatal.get("min"), fatalities_high=fatal.get("max"),
            dates=(day, day)))
    text = text_path.read_text(encoding="utf-8")
    published = date.fromisoformat(meta["published"]) if meta.get("published") else None
    yield Item(Document(text=text, id=text_path.stem, published=published, outlet=meta.get("outlet")), gold)


def parse_day(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def items_for(path: Path, kind: str, limit: int | None) -> Iterator[Item]:
    if kind == "gold":
        return gold_file_items(path)
    return {"acled": acled_items, "ucdp": ucdp_items, "case": case_items}[kind](path, limit)


def pair_score(event: Event, gold: GoldEvent) -> float:
    score = 2.0 * (event.sub_event_type == gold.sub_event_type)
    score += fold(event.admin1) == fold(gold.admin1)
    if gold.latitude is not None and event.latitude is not None:
        score += max(0.0, 1 - km_between(event.latitude, event.longitude, gold.latitude, gold.longitude) / 100)
    return score


def pair_up(events: list[Event], gold: list[GoldEvent]) -> list[tuple[GoldEvent, Event | None]]:
    """Match predicted to gold events one to one, best agreement first."""
    candidates = sorted(((pair_score(e, g), i, j) for i, e in enumerate(events) for j, g in enumerate(gold)),
                        reverse=True)
    used_events, pairs = set(), {}
    for _, i, j in candidates:
        if i in used_events or j in pairs:
            continue
        used_events.add(i)
        pairs[j] = events[i]
    return [(g, pairs.get(j)) for j, g in enumerate(gold)]


def actor_matches(gold_name: str | None, event: Event, kind: str) -> bool | None:
    """The gold actor is one of the event's actors; associated actors are ';'-separated lists, as in ACLED."""
    if not gold_name:
        return None
    ours = side_keys(event.actor1, event.assoc_actor_1) | side_keys(event.actor2, event.assoc_actor_2)
    if kind == "ucdp":
        wanted = set().union(*(UCDP_SIDES.get(actor_key(part), {actor_key(part)})
                               for part in gold_name.split(",")))
        return bool(ours & wanted)
    return actor_key(gold_name) in ours


def pair_on_opposite_sides(gold: GoldEvent, event: Event) -> bool | None:
    """Stricter than actor1 and actor2 apiece: the coder's two actors stand on opposite sides of the
    event (actor1 with its associated actors against actor2 with its own), in either order."""
    if not (gold.actor1 and gold.actor2):
        return None
    side1, side2 = side_keys(event.actor1, event.assoc_actor_1), side_keys(event.actor2, event.assoc_actor_2)
    first, second = actor_key(gold.actor1), actor_key(gold.actor2)
    return (first in side1 and second in side2) or (first in side2 and second in side1)


def side_keys(actor: str | None, associated: str | None) -> set[str]:
    """Normalised names of one side: its actor and each ';'-separated associated actor."""
    return {actor_key(part) for name in (actor, associated) if name for part in name.split(";")}


def words(text: str | None) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKD", text or "").lower()))


def group_matches(aliases: list[str], event: Event) -> bool:
    """fieldreport-gold/1 semantics: some actor of the event contains all words of some alias."""
    names = [n for n in (event.actor1, event.actor2, event.assoc_actor_1, event.assoc_actor_2) if n]
    return any(words(alias) and words(alias) <= words(name) for name in names for alias in aliases)


def admin1_matches(gold: str | None, event: Event, admin1_code) -> bool | None:
    if not gold:
        return None
    return admin1_code(gold) == admin1_code(event.admin1) if event.admin1 else False


def score_item(report: Report, item: Item, events: list[Event], kind: str, admin1_code) -> None:
    factual = [e for e in events if e.is_factual]
    report.items += 1
    report.predicted_events += len(factual)
    if kind == "case":
        gold_label = item.gold[0].sub_event_type if item.gold else NO_EVENT
        report.labels.append((gold_label, factual[0].sub_event_type if factual else NO_EVENT))
        report.fields["rejected non-ACLED"].add(not factual if item.case_label in CASE_REJECT else None)
        return
    for gold, event in pair_up(factual, item.gold):
        report.gold_events += 1
        report.fields["event found"].add(event is not None)
        if gold.sub_event_type:
            report.labels.append((gold.sub_event_type, event.sub_event_type if event else NO_EVENT))
        if event is None:
            for name in ("actor1", "actor2", "admin1", "fatalities exact", "date exact"):
                report.fields[name].add(False)
            continue
        if gold.actor_groups:
            report.fields["actors"].add(all(group_matches(group, event) for group in gold.actor_groups))
        else:
            report.fields["actor1"].add(actor_matches(gold.actor1, event, kind))
            report.fields["actor2"].add(actor_matches(gold.actor2, event, kind))
            if kind == "acled":
                report.fields["actor pair, opposite sides"].add(pair_on_opposite_sides(gold, event))
        report.fields["admin1"].add(admin1_matches(gold.admin1, event, admin1_code))
        if gold.fatalities_low is not None:
            got = event.fatalities or 0
            name = "fatalities exact" if gold.fatalities_low == gold.fatalities_high else "fatalities in range"
            report.fields[name].add(gold.fatalities_low <= got <= gold.fatalities_high)
        if gold.dates and (event.event_date or item.document.published):
            day = date.fromisoformat(event.event_date) if event.event_date else None
            report.fields["date exact"].add(day is not None and gold.dates[0] <= day <= gold.dates[1])
        if gold.precise and gold.latitude is not None and event.latitude is not None:
            report.errors_km.append(km_between(event.latitude, event.longitude, gold.latitude, gold.longitude))


def label_scores(pairs: list[tuple[str, str]]) -> dict:
    """Accuracy, macro and support-weighted F1 over the gold labels (NO_EVENT counts as a label)."""
    if not pairs:
        return {}
    support = Counter(g for g, _ in pairs)
    predicted = Counter(p for _, p in pairs)
    right = Counter(g for g, p in pairs if g == p)
    f1 = {}
    for label in support:
        precision = right[label] / predicted[label] if predicted[label] else 0.0
        recall = right[label] / support[label]
        f1[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    total = sum(support.values())
    return {
        "accuracy": round(sum(right.values()) / total, 3),
        "macro_f1": round(statistics.fmean(f1.values()), 3),
        "weighted_f1": round(sum(f1[label] * support[label] for label in support) / total, 3),
        "per_label": {label: {"f1": round(f1[label], 3), "support": support[label]}
                      for label in sorted(support, key=lambda x: -support[x])},
    }


def km_summary(errors: list[float]) -> dict:
    if not errors:
        return {}
    return {"n": len(errors), "median": round(statistics.median(errors), 1),
            "mean": round(statistics.fmean(errors), 1),
            "within_25km": round(sum(e <= 25 for e in errors) / len(errors), 3)}


def evaluate(path: Path, extractor, limit: int | None = None, sample: int | None = None) -> Report:
    """Run `extractor` over the gold file's texts and score every field it can.

    `limit` takes the first texts; `sample` takes about that many spread evenly over the file."""
    kind = detect_format(path)
    report = Report(kind)
    items = list(items_for(path, kind, limit))
    if sample and len(items) > sample:
        items = items[:: len(items) // sample]
    by_id = {id(item.document): item for item in items}
    start = time.perf_counter()
    admin1_code = admin1_coder(extractor)
    for document, events in extractor.extract_many(item.document for item in items):
        if isinstance(events, Exception):
            print(f"error: {events}", file=sys.stderr)
            events = []
        score_item(report, by_id[id(document)], events, kind, admin1_code)
    report.seconds = time.perf_counter() - start
    return report


def admin1_coder(extractor):
    """A function from an admin1 name in any common spelling to a comparable key."""
    cache: dict[str, str] = {}

    def code(name: str | None) -> str:
        if not name:
            return ""
        if name not in cache:
            cleaned = re.sub(r"\b(governorate|province)\b", "", name, flags=re.I).strip()
            place = extractor.gazetteer.admin1(cleaned, "SY") or extractor.gazetteer.admin1(cleaned)
            cache[name] = f"{place.country}.{place.admin1_code}" if place else fold(cleaned)
        return cache[name]

    return code


def print_report(report: dict, console) -> None:
    """The report as tables: fields, sub-event type scores, the commonest confusions."""
    from rich.table import Table

    console.print(f"{report['format']}: {report['items']} texts, {report['gold_events']} gold events, "
                  f"{report['predicted_events']} factual events predicted, {report['seconds']} s "
                  f"({report['items_per_second']} texts/s)")
    fields = Table("field", "right", "total", "share", title="agreement with the coders")
    for name, tally in report["fields"].items():
        fields.add_row(name, str(tally["right"]), str(tally["total"]), percent(tally["share"]))
    scores = report["sub_event_type"]
    if scores:
        fields.add_row("sub_event_type (accuracy)", "", "", percent(scores["accuracy"]))
        fields.add_row("sub_event_type (macro F1)", "", "", f"{scores['macro_f1']:.3f}")
        fields.add_row("sub_event_type (weighted F1)", "", "", f"{scores['weighted_f1']:.3f}")
    km = report["point_error_km"]
    if km:
        fields.add_row(f"point error on precise rows (n={km['n']})", f"median {km['median']} km",
                       f"mean {km['mean']} km", f"{percent(km['within_25km'])} within 25 km")
    console.print(fields)
    confusion = Table("gold", "predicted", "count", title="commonest confusions")
    for row in report["confusion"][:15]:
        confusion.add_row(row["gold"], row["predicted"], str(row["count"]))
    console.print(confusion)


def percent(value: float | None) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.1%}"
