"""Batch runs with the real model: shards loaded into a store equal ingesting the same documents; a run
killed with SIGKILL and rerun loads to the same store as a run that was never stopped; Dask writes the
same shards as the local engine."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from stores import store_checksums
from typer.testing import CliRunner

from fieldreport.batch import BatchError, Manifest, input_documents, load_shards, run_batch
from fieldreport.batch.parquet import read_shard
from fieldreport.batch.shards import MANIFEST, writing
from fieldreport.batch.work import LocalEngine
from fieldreport.cli import app
from fieldreport.ingest import Ingest, open_store
from fieldreport.model import Document

SEED = Path(__file__).parents[1] / "fixtures" / "seed" / "article.txt"
SRC = Path(__file__).parents[2] / "src"
REPORTS = [
    ("sana-1", "2018-01-20", "SANA", "Army units restored security and stability to the village of Tal Sultan in "
     "the southeastern countryside of Idlib on Saturday after fierce clashes with Jabhat al-Nusra terrorists."),
    ("reu-1", "2018-01-21", "Reuters", "Turkish jets struck Kurdish YPG positions near Afrin on Sunday, killing "
     "at least nine civilians, the Syrian Observatory for Human Rights said."),
    ("ana-1", "2018-01-19", "ANHA", "Hundreds of people protested in Qamishli on Friday against the Turkish "
     "threats to attack Afrin."),
    ("sana-2", "2018-01-22", "SANA", "Terrorists fired three rocket shells on residential neighborhoods in "
     "Damascus, injuring two civilians, a source at Damascus Police Command said."),
    ("reu-2", "2018-01-22", "Reuters", "Rebels shelled government-held areas of Aleppo city on Monday and the "
     "army responded with air strikes on rebel-held districts in the west of the city."),
]


def documents() -> list[Document]:
    seed = Document(text=SEED.read_text(encoding="utf-8"), id="seed", published=date(2018, 1, 18), outlet="FNA",
                    origin=SEED.name)
    return [seed] + [Document(text=text, id=ident, published=date.fromisoformat(day), outlet=outlet)
                     for ident, day, outlet, text in REPORTS]


def write_jsonl(path: Path, docs: list[Document]) -> Path:
    path.write_text("".join(json.dumps({"id": d.id, "text": d.text, "published": d.published.isoformat(),
                                        "outlet": d.outlet}) + "\n" for d in docs), encoding="utf-8")
    return path


def batch_here(docs: list[Document], folder: Path, extractor, shard_size: int = 2) -> None:
    manifest = Manifest.start(folder, [SEED], shard_size)
    run_batch(docs, manifest, lambda: LocalEngine(extractor))


def load_into(folder: Path, db: Path) -> list:
    with open_store(db) as store:
        return list(load_shards(folder, Ingest(store)))


def test_shards_loaded_into_a_store_equal_ingesting_the_same_documents(tmp_path, extractor):
    batch_here(documents(), tmp_path / "out", extractor)
    outcomes = load_into(tmp_path / "out", tmp_path / "loaded.db")
    with open_store(tmp_path / "ingested.db") as store:
        ingested = list(Ingest(store, extractor).many(documents()))
    assert all(o.stored for o in outcomes) and len(outcomes) == len(ingested) == 6
    sums = store_checksums(tmp_path / "loaded.db")
    assert sums["events"][0] > 6 and sums["canonical_events"][0] > 0 and sums["evidence"][0] > 0
    assert sums == store_checksums(tmp_path / "ingested.db")


def test_loading_twice_stores_once(tmp_path, extractor, store_url):
    batch_here(documents()[1:], tmp_path / "out", extractor)
    with open_store(store_url) as store:
        first = list(load_shards(tmp_path / "out", Ingest(store)))
        stored = store.counts(), store.canonical_count()
        again = list(load_shards(tmp_path / "out", Ingest(store)))
        assert [o.stored for o in first] == [True] * 5 and [o.stored for o in again] == [False] * 5
        assert (store.counts(), store.canonical_count()) == stored and stored[0]["events"] > 0


def test_a_shard_reads_back_as_the_events_that_were_extracted(tmp_path, extractor):
    docs = documents()[:2]
    batch_here(docs, tmp_path / "out", extractor)
    read = list(read_shard(tmp_path / "out", "shard-00000"))
    assert [document for document, _ in read] == docs
    assert [coded.events for _, coded in read] == [extractor.extract(document) for document in docs]


def test_a_rerun_over_changed_inputs_or_another_shard_size_is_refused(tmp_path, extractor):
    docs = documents()[1:3]
    batch_here(docs, tmp_path / "out", extractor)
    with pytest.raises(BatchError, match="shard size"):
        Manifest.start(tmp_path / "out", [SEED], 3)
    docs[1].text += " Two more were wounded."
    with pytest.raises(BatchError, match="inputs changed"):
        batch_here(docs, tmp_path / "out", extractor)


def test_a_second_run_on_a_folder_being_written_is_refused(tmp_path, extractor):
    folder = tmp_path / "out"
    manifest = Manifest.start(folder, [SEED], 2)
    with writing(folder), pytest.raises(BatchError, match="another batch run is writing it"):
        run_batch(documents(), manifest, lambda: LocalEngine(extractor))
    assert manifest.shards == {}


def run_cli(*args: object, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen([sys.executable, "-m", "fieldreport", *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def finished_shards(folder: Path) -> int:
    try:
        return len(json.loads((folder / MANIFEST).read_text())["shards"])
    except (FileNotFoundError, json.JSONDecodeError):
        return 0


def test_a_run_killed_with_sigkill_resumes_and_loads_to_the_store_of_an_uninterrupted_run(tmp_path, extractor):
    docs = documents()
    inputs = write_jsonl(tmp_path / "reports.jsonl", docs[1:] + docs[:1])  # the long seed last: time to kill
    killed = tmp_path / "killed"
    process = run_cli("batch", inputs, "--out", killed, "--shard-size", 1)
    deadline = time.monotonic() + 120
    while finished_shards(killed) == 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 1 <= finished_shards(killed) < len(docs), "killed after the first shard, before the last"

    rerun = run_cli("batch", inputs, "--out", killed, "--shard-size", 1)
    _, stderr = rerun.communicate(timeout=180)
    assert rerun.returncode == 0, stderr
    assert f"by an earlier run ({len(docs)} in" in stderr and "0 by an earlier run" not in stderr
    assert not list(killed.glob(".*.tmp")), "what the killed run left half-written is removed"

    whole = tmp_path / "whole"
    run_batch(input_documents([inputs]), Manifest.start(whole, [inputs], 1), lambda: LocalEngine(extractor))
    load_into(killed, tmp_path / "killed.db")
    load_into(whole, tmp_path / "whole.db")
    sums = store_checksums(tmp_path / "whole.db")
    assert sums["documents"][0] == len(docs) and sums["canonical_events"][0] > 0
    assert store_checksums(tmp_path / "killed.db") == sums


def same_shards(folder: Path, expected: Path) -> bool:
    names = Manifest.read(expected).shard_names()
    return Manifest.read(folder).shard_names() == names and all(
        list(read_shard(folder, name)) == list(read_shard(expected, name)) for name in names)


def test_dask_on_a_local_cluster_writes_the_shards_the_local_engine_writes(tmp_path, extractor):
    pytest.importorskip("distributed")
    inputs = write_jsonl(tmp_path / "reports.jsonl", documents()[1:])
    local = tmp_path / "local"
    run_batch(input_documents([inputs]), Manifest.start(local, [inputs], 2), lambda: LocalEngine(extractor))
    result = CliRunner().invoke(app, ["batch", str(inputs), "--out", str(tmp_path / "dask"), "--shard-size", "2",
                                      "--engine", "dask", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "3 shard(s) written now, 0 by an earlier run" in result.output
    assert same_shards(tmp_path / "dask", local)


def test_dask_runs_on_a_cluster_given_its_scheduler(tmp_path, extractor):
    distributed = pytest.importorskip("distributed")
    inputs = write_jsonl(tmp_path / "reports.jsonl", documents()[1:3])
    local = tmp_path / "local"
    run_batch(input_documents([inputs]), Manifest.start(local, [inputs], 1), lambda: LocalEngine(extractor))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = CliRunner().invoke(app, ["batch", str(inputs), "--out", str(tmp_path / "dask"), "--shard-size", "1",
                                          "--engine", "dask", "--scheduler", cluster.scheduler_address])
        assert len(cluster.workers) == 1, "the run leaves the cluster it was given running"
    assert result.exit_code == 0, result.output
    assert same_shards(tmp_path / "dask", local)


def test_skipped_inputs_and_documents_are_named_and_set_the_exit_code(tmp_path, extractor):
    inputs = tmp_path / "wire.jsonl"
    french = ("Les forces gouvernementales ont repris le contrôle du village après des combats violents avec les "
              "rebelles, selon une source locale qui a demandé à ne pas être nommée. Les habitants ont fui vers "
              "le nord de la province pendant la nuit, et les écoles de la région restent fermées depuis le début "
              "des bombardements de la semaine dernière, a indiqué un responsable de la ville.")
    inputs.write_text(json.dumps({"id": "fr", "text": french}) + "\n{not json\n" + json.dumps(
        {"id": "reu-1", "text": REPORTS[1][3], "published": "2018-01-21"}) + "\n", encoding="utf-8")
    batch = run_cli("batch", inputs, "--out", tmp_path / "out", "--shard-size", 5, "-q")
    _, stderr = batch.communicate(timeout=180)
    assert batch.returncode == 1
    assert f"error: {inputs}:2: not valid JSON" in stderr and f"error: {inputs}:1: no English text: skipped" in stderr
    assert "1 shard(s) written now" in stderr and "1 document(s) and 1 input(s) skipped" in stderr
    result = CliRunner().invoke(app, ["load", str(tmp_path / "out"), "--db", str(tmp_path / "events.db")])
    assert result.exit_code == 1
    error, summary = result.output.splitlines()
    assert error == f"error: {inputs}:1: no English text: skipped"
    assert summary.startswith("1 document(s) stored with ") and summary.endswith("0 already there, 1 skipped")


def test_load_of_a_folder_that_is_no_batch_output_is_one_line(tmp_path):
    result = CliRunner().invoke(app, ["load", str(tmp_path), "--db", str(tmp_path / "events.db")])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {tmp_path}: no manifest.json: not the output folder of `fieldreport batch`"


def test_loading_shards_loads_no_nlp():
    code = ("import sys, fieldreport.batch, fieldreport.batch.load; "
            "print(sorted(m for m in ('spacy', 'thinc', 'fieldreport.nlp') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(SRC)}).stdout
    assert loaded.strip() == "[]"


def test_a_scheduler_address_that_does_not_parse_is_one_line(tmp_path):
    pytest.importorskip("distributed")
    inputs = write_jsonl(tmp_path / "reports.jsonl", documents()[1:2])
    result = CliRunner().invoke(app, ["batch", str(inputs), "--out", str(tmp_path / "out"), "--engine", "dask",
                                      "--scheduler", "scheduler-host"])
    assert result.exit_code == 2
    assert result.output == ("error: cannot reach the Dask scheduler at scheduler-host (missing port number in "
                             "address 'scheduler-host')\n")
