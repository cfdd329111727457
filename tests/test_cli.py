"""End to end through the `detente` command: extract, ingest, queries, exit codes, kill and resume."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from detente.cli import main
from tests.paths import EXAMPLES, REPO, SEED, SEED_EXPECTED, shared_path


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def labels(entities: list[dict]) -> set[str]:
    return {" ".join([e["code"], *e["sector"][:1]]) for e in entities if e.get("code")}


@pytest.fixture(scope="module")
def seed_record():
    shared_path("examples", SEED.name)
    code, text = run("extract", str(SEED), "--published", "2015-12-16")
    assert code == 0
    records = [json.loads(line) for line in text.splitlines()]
    assert len(records) == 1
    return records[0]


def test_extract_seed_is_a_valid_record(seed_record):
    expected = json.loads(SEED_EXPECTED.read_text())
    record = seed_record
    assert record["schema"] == "detente.document.v1"
    assert record["title"] == expected["document"]["title"]
    assert record["published"] == "2015-12-16" and record["published_source"] == "given"
    for line in expected["boilerplate_not_in_body"]:
        assert line not in record["body"]
    assert record["body"].startswith("Foreign Minister Sergei Lavrov says Russia")
    for key in ("events", "quotes", "stances", "commitments", "timexes", "places"):
        assert isinstance(record[key], list)
    assert record["rejected"] is None
    for event in record["events"]:
        start, end = event["text_info"]["start"], event["text_info"]["end"]
        assert 0 <= start < end <= len(record["body"])


def test_extract_seed_finds_the_meeting_and_the_agreement(seed_record):
    events = seed_record["events"]
    consult = [e for e in events if "CONSULT" in e["event"] and "USA GOV" in labels(e["actor"])
               and "RUS GOV" in labels(e["recipient"])]
    assert consult, [(e["event"], labels(e["actor"]), labels(e["recipient"]), e["event_text"]) for e in events]
    agree = [e for e in events if {"AGREE", "SUPPORT"} & set(e["event"]) and "RUS GOV" in labels(e["actor"])]
    assert agree, [(e["event"], labels(e["actor"]), e["event_text"]) for e in events]


def test_extract_to_file_and_rejections(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n\n")
    good = tmp_path / "good.txt"
    good.write_text("Russia and Iran held talks in Tehran on Monday.\n")
    target = tmp_path / "out.jsonl"
    code, _ = run("extract", str(good), str(empty), "-o", str(target), "--published", "2020-03-04")
    records = [json.loads(line) for line in target.read_text().splitlines()]
    assert code == 1
    assert [r["rejected"] and r["rejected"]["code"] for r in records] == [None, "E101"]
    assert records[1]["events"] == []


@pytest.mark.parametrize("argv,code", [
    (["ingest", "/no/such/path"], 2),
    (["extract", "x.txt", "--published", "16/12/2015"], 2),
    (["events", "--format", "parquet"], 2),
    (["frobnicate"], 2),
])
def test_usage_errors_exit_2(tmp_path, monkeypatch, argv, code):
    monkeypatch.chdir(tmp_path)
    assert run(*argv)[0] == code


def test_ingest_examples_then_reingest_stores_nothing_new(tmp_path):
    db = str(tmp_path / "t.duckdb")
    code, text = run("ingest", "--db", db, "-q", str(EXAMPLES))
    assert code == 0, text
    assert "stored 4" in text and "rejected 0" in text
    code, text = run("ingest", "--db", db, "-q", str(EXAMPLES))
    assert code == 0 and "stored 0" in text and "duplicates 4" in text

    code, text = run("documents", "--db", db, "--format", "json")
    docs = [json.loads(line) for line in text.splitlines()]
    assert len(docs) == 4
    assert {d["published"][:10] for d in docs} == {"2021-04-05", "2021-04-07", "2021-04-08", "2022-06-02"}

    code, text = run("events", "--db", db, "--format", "json")
    events = [json.loads(line) for line in text.splitlines()]
    assert code == 0 and events
    code, text = run("events", "--db", db, "--actor", "EGY", "--format", "json")
    assert all("EGY" in line for line in text.splitlines())

    csv_path, parquet_path = tmp_path / "e.csv", tmp_path / "e.parquet"
    assert run("events", "--db", db, "--format", "csv", "-o", str(csv_path))[0] == 0
    assert run("events", "--db", db, "--format", "parquet", "-o", str(parquet_path))[0] == 0
    import pandas as pd

    assert len(pd.read_parquet(parquet_path)) == len(events) == len(pd.read_csv(csv_path))

    code, text = run("show", "--db", db, "demo-nile-1", "--no-color")
    assert code == 0 and "Egypt and Ethiopia agree" in text and "events (" in text
    # stances and commitments read as sentences, commitments with their tracked status: the meeting the
    # African Union announced for Tuesday was held in Kinshasa, as the next article reports
    assert "Sameh Shoukry (EGY GOV) against: unilateral filling of the reservoir" in text
    assert "African Union (IGO GOV) announced: delegations meet in Kinshasa, due 2021-04-06 (day) - kept by" in text
    assert run("show", "--db", db, "no-such-document")[0] == 2


def test_ingest_reports_rejections_and_goes_on(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Egypt accused Ethiopia of stalling the talks on Monday.\n")
    (corpus / "b.txt").write_bytes(b"\x00\x01\x02binary\x00\xff" * 50)
    (corpus / "c.jsonl").write_text('{"text": "Iran rejected the proposal."}\n{not json\n')
    code, text = run("ingest", "--db", str(tmp_path / "t.duckdb"), "-q", str(corpus), "--published", "2020-01-01")
    assert code == 1
    assert "stored 2" in text and "rejected 2" in text
    assert "E102" in text and "E105" in text and "c.jsonl:2" in text


def _corpus(path, n: int) -> None:
    """n distinct short dated reports, enough work that an ingest takes several seconds."""
    countries = ["Egypt", "Ethiopia", "Sudan", "Iran", "Russia", "France", "Turkey", "Qatar"]
    with open(path, "w") as handle:
        for i in range(n):
            a, b = countries[i % 8], countries[(i * 3 + 1) % 8]
            text = (f"{a} and {b} held talks in Geneva on Monday, report {i}.\n\n"
                    f"{a} accused {b} of violating the truce, officials said on day {i}.")
            handle.write(json.dumps({"id": f"doc-{i}", "published": "2021-05-04", "text": text}) + "\n")


def _count(db: str) -> tuple[int, int]:
    import detente

    with detente.open(db, read_only=True) as store:
        docs = store.documents()
        return len(docs), docs["id"].nunique()


def test_ingest_killed_with_sigkill_resumes_without_duplicates(tmp_path):
    corpus, db = tmp_path / "corpus.jsonl", str(tmp_path / "k.duckdb")
    n = 400
    _corpus(corpus, n)
    cmd = [sys.executable, "-m", "detente.cli", "ingest", "--db", db, "-q", "--batch-size", "10", str(corpus)]
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wal = tmp_path / "k.duckdb.wal"
    deadline = time.time() + 120
    # The write-ahead log appears with the first committed batch; give the run a moment more, then kill it.
    while not wal.exists() and time.time() < deadline and child.poll() is None:
        time.sleep(0.1)
    time.sleep(1.0)
    child.send_signal(signal.SIGKILL)
    child.wait()

    stored_before, unique_before = _count(db)
    assert stored_before == unique_before
    assert stored_before < n, "the run finished before it could be killed; make the corpus larger"

    code, text = run("ingest", "--db", db, "-q", "--batch-size", "10", str(corpus))
    assert code == 0, text
    assert f"duplicates {stored_before}" in text
    assert _count(db) == (n, n)


def test_wire_copy_is_stored_as_near_duplicate_and_not_coded(tmp_path):
    original = ("Egypt and Ethiopia held talks in Kinshasa on Tuesday on the Grand Ethiopian Renaissance Dam, "
                "officials said, after months of deadlock over how fast the reservoir should be filled. The "
                "African Union, which is mediating, said the delegations would meet again next week and hoped "
                "to reach a binding agreement by June.")
    copy = original.replace("officials said", "officials told reporters") + " (Reuters)"
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "published": "2021-04-07", "text": t}) + "\n"
                              for i, t in (("orig", original), ("copy", copy))))
    db = str(tmp_path / "n.duckdb")
    code, text = run("ingest", "--db", db, "-q", str(corpus))
    assert code == 0 and "stored 2" in text and "near-duplicates 1" in text
    code, text = run("show", "--db", db, "copy", "--json")
    record = json.loads(text)
    assert record["near_duplicate_of"] == "orig" and record["events"] == []
    assert json.loads(run("show", "--db", db, "orig", "--json")[1])["events"]


def test_stances_commitments_processes_and_timeline(tmp_path):
    db = str(tmp_path / "p.duckdb")
    assert run("ingest", "--db", db, "-q", str(EXAMPLES))[0] == 0
    code, text = run("commitments", "--db", db, "--format", "json")
    commitments = [json.loads(line) for line in text.splitlines()]
    assert code == 0 and commitments
    assert {c["status"] for c in commitments} <= {"pending", "kept", "missed"}
    code, text = run("commitments", "--db", db, "--status", "pending", "--format", "json")
    assert all(json.loads(line)["status"] == "pending" for line in text.splitlines())
    code, text = run("stances", "--db", db, "--format", "json")
    assert code == 0 and text.strip()
    code, text = run("processes", "--db", db, "--format", "json")
    processes = [json.loads(line) for line in text.splitlines()]
    assert code == 0 and processes
    first = processes[0]
    code, text = run("timeline", "--db", db, first["id"], "--format", "json")
    assert code == 0 and text.strip()
    assert run("timeline", "--db", db, "no such process anywhere")[0] == 2


def test_ingest_merges_five_outlets_into_one_stored_event(tmp_path):
    """Ingest in two runs (the wire copy last): the stored merged event has five sources, listed by `merged`."""
    corpus = REPO / "tests" / "data" / "merging"
    lines = (corpus / "five_outlets.jsonl").read_text().splitlines()
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("\n".join(lines[:3]) + "\n")
    second.write_text("\n".join(lines[3:]) + "\n")
    db = str(tmp_path / "m.duckdb")
    for part in (first, second):
        assert run("ingest", "--db", db, "-q", str(part))[0] == 0
    code, text = run("merged", "--db", db, "--type", "CONSULT", "--party", "RUS", "--format", "json")
    meetings = [json.loads(line) for line in text.splitlines()]
    assert code == 0 and [(m["sources"], m["date"]) for m in meetings] == [(5, "2015-12-03")]
    code, text = run("merged", "--db", db, "--reports", meetings[0]["id"], "--format", "json")
    assert sorted(json.loads(line)["doc_id"] for line in text.splitlines()) == [
        "outlet-a", "outlet-b", "outlet-c", "outlet-d", "outlet-e"]
    assert run("merged", "--db", db, "--reports", "me-nosuchevent")[0] == 2
