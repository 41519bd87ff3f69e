"""SPEC §5-§6: files a trainer can trust. Byte-stable re-runs, retractions, all-or-nothing
writes that survive SIGKILL, receipts, and `distill health` catching what it must."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import (
    PROJECT,
    SMALL_ARGS,
    file_bytes,
    read_jsonl,
    run_inprocess,
    score,
    small_substrate,
    write_jsonl,
)

SCHEMA = {
    "rag/playbooks.jsonl": {
        "id": str, "title": str, "text": str, "success_score": str, "source_category": str,
        "source_run_id": str, "task_id": (str, type(None)), "tags": list, "provenance": dict,
        "created_at": str,
    },
    "sft/instruction_response.jsonl": {
        "id": str, "instruction": str, "context": str, "response": str, "quality_score": str,
        "source_run_id": str, "task_id": (str, type(None)), "tags": list, "provenance": dict,
        "created_at": str,
    },
    "preference/chosen_rejected.jsonl": {
        "id": str, "prompt": str, "chosen": str, "rejected": str, "reason": str,
        "chosen_run_id": str, "rejected_run_id": str, "chosen_score": str,
        "rejected_score": str, "task_id": str, "provenance": dict, "created_at": str,
    },
}  # fmt: skip
QUARANTINE = {
    "id": str, "exporter": str, "reason": str, "errors": list, "run_id": (str, type(None)),
    "source_record": dict, "source_provenance": dict,
}  # fmt: skip
PROVENANCE = {"source_file": str, "line": (int, type(None)), "sig_hash": str, "recorded_at": str}


@pytest.fixture(scope="module")
def first_export(tmp_path_factory):
    root = small_substrate(tmp_path_factory.mktemp("first_export"))
    result = run_inprocess(["export-all", "--quiet", *SMALL_ARGS], root)
    assert result.code == 0, result.err
    return root


@pytest.fixture
def exported(first_export, tmp_path):
    """A fresh copy of one export (inputs, warehouse, files, receipts) for each test to change
    or break: a copy costs milliseconds, an export five seconds. Every path the export keeps
    is relative to its folder, so the copy is a whole export of its own."""
    shutil.copytree(first_export, tmp_path, dirs_exist_ok=True)
    return tmp_path


def receipt(root: Path, stage: str) -> dict:
    return json.loads((root / "reports/distillation" / stage / "receipt.json").read_text())


def test_every_exported_row_has_spec_keys_in_order_and_types(exported):
    for name, shape in {**SCHEMA, **{f"quarantine/{q}.jsonl": QUARANTINE for q in
                                     ("ingest", "rag", "sft", "preference")}}.items():  # fmt: skip
        path = exported / "exports" / name
        raw = path.read_bytes()
        assert raw == b"" or raw.endswith(b"\n")
        rows = read_jsonl(path)
        assert [r["id"] for r in rows] == sorted(r["id"] for r in rows), name
        for row in rows:
            assert list(row) == list(shape), name
            for key, kind in shape.items():
                assert isinstance(row[key], kind), (name, key, row[key])
            provenance = row.get("provenance")
            if name.startswith("preference"):
                assert list(provenance) == ["chosen", "rejected"]
                provenance = provenance["chosen"]
            if provenance is not None:
                assert list(provenance) == list(PROVENANCE)
                for key, kind in PROVENANCE.items():
                    assert isinstance(provenance[key], kind)
    rag = read_jsonl(exported / "exports/rag/playbooks.jsonl")
    assert {r["source_run_id"] for r in rag} == {"a1", "p1", "a2"}
    pairs = read_jsonl(exported / "exports/preference/chosen_rejected.jsonl")
    assert [(p["chosen_run_id"], p["rejected_run_id"]) for p in pairs] == [("a1", "r1")]


def test_files_are_utf8_not_escaped(exported):
    text = (exported / "exports/rag/playbooks.jsonl").read_text(encoding="utf-8")
    assert "Accepted answer é — two." in text


def rows_in(path: Path) -> int:
    """Rows of a written file: JSON Lines, or a Hub folder's Parquet file."""
    if path.suffix == ".parquet":
        return pq.ParquetFile(path).metadata.num_rows
    return path.read_bytes().count(b"\n")


def test_rerun_writes_byte_identical_files_and_reports_no_change(exported):
    before = file_bytes(exported)
    result = run_inprocess(["export-all", "--quiet", *SMALL_ARGS], exported)
    assert result.code == 0, result.err
    assert file_bytes(exported) == before
    for stage in ("export-rag", "export-sft", "export-preference", "build-evidence"):
        for path, change in receipt(exported, stage)["changes"].items():
            assert (change["added"], change["removed"]) == (0, 0), path
            assert change["unchanged"] == rows_in(exported / path), path


def test_rescored_run_is_retracted_from_sft_and_listed(exported):
    sft_before = {r["source_run_id"]: r["id"] for r in
                  read_jsonl(exported / "exports/sft/instruction_response.jsonl")}  # fmt: skip
    retracted = sft_before["a2"]
    scored = exported / "in/scored.jsonl"
    scored.write_text(
        scored.read_text()
        + json.dumps(score("a2", "rejected", scored_at="2026-11-09T00:00:00Z"))
        + "\n"
    )
    result = run_inprocess(["export-sft", "--quiet", *SMALL_ARGS], exported)
    assert result.code == 0, result.err
    ids = {r["id"] for r in read_jsonl(exported / "exports/sft/instruction_response.jsonl")}
    assert retracted not in ids
    change = receipt(exported, "export-sft")["changes"]["exports/sft/instruction_response.jsonl"]
    assert change["removed"] == 1 and change["retracted_ids"] == [retracted]


def mutated_project(tmp_path: Path, seed_line: tuple[str, str]) -> Path:
    """A copy of the dbt project with one line of a seed replaced."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT / name, copy / name)
    for folder in ("models", "macros", "seeds", "tests", "analyses"):
        if (PROJECT / folder).exists():
            shutil.copytree(
                PROJECT / folder, copy / folder, ignore=shutil.ignore_patterns("pytest")
            )
    seed = copy / "seeds/category_policy.csv"
    seed.write_text(seed.read_text().replace(*seed_line))
    return copy


def test_gate_failure_exits_1_and_leaves_existing_files_untouched(exported, tmp_path, monkeypatch):
    before = file_bytes(exported)
    receipts_before = (exported / "reports/distillation/export-sft/receipt.json").read_bytes()
    leak = mutated_project(
        tmp_path, ("sft,needs_human_review,unsafe", "sft,needs_human_review,allow")
    )
    monkeypatch.setenv("DISTILL_PROJECT_DIR", str(leak))
    result = run_inprocess(["export-all", "--quiet", *SMALL_ARGS], exported)
    assert result.code == 1
    assert "FAILED" in result.err and "nothing was written" in result.err
    assert "n1" in result.err  # a sample of the offending rows names the leaked run
    assert file_bytes(exported) == before
    assert (
        exported / "reports/distillation/export-sft/receipt.json"
    ).read_bytes() == receipts_before


def _kill_at(fault: str, root: Path) -> None:
    marker = root / f"{fault}.marker"
    env = {**os.environ, "DISTILL_FAULT": fault, "DISTILL_FAULT_MARKER": str(marker)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "distill.cli", "export-all", "--quiet", *SMALL_ARGS],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None, "distill ended before reaching the fault point"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _retract_a2(root: Path) -> None:
    scored = root / "in/scored.jsonl"
    scored.write_text(scored.read_text() + json.dumps(
        score("a2", "rejected", scored_at="2026-11-09T00:00:00Z")) + "\n")  # fmt: skip


def test_sigkill_before_commit_leaves_old_files_whole_and_next_run_cleans_up(exported):
    before = file_bytes(exported)
    _retract_a2(exported)
    _kill_at("before-commit", exported)
    assert file_bytes(exported) == before  # every final file is the old one, whole
    leftovers = list((exported / "exports").rglob(".*.tmp-*"))
    assert leftovers, "the killed writer had written its temp files"
    # the old receipts still describe the old files; only the changed input is reported
    check = run_inprocess(["health"], exported)
    assert "ok    rag/playbooks.jsonl" in check.out and "ok    receipts present" in check.out
    assert "in/scored.jsonl: changed since the export (stale)" in check.out
    result = run_inprocess(["export-all", "--quiet", *SMALL_ARGS], exported)
    assert result.code == 0, result.err
    assert not list((exported / "exports").rglob(".*.tmp-*"))
    assert "a2" not in (exported / "exports/sft/instruction_response.jsonl").read_text()


def test_sigkill_mid_commit_is_rolled_forward_to_the_complete_new_set(exported):
    _retract_a2(exported)
    _kill_at("mid-commit", exported)
    assert (exported / "exports/.distill-commit.json").exists()
    # health finishes the interrupted commit first, then finds the new set whole: the new
    # files and the receipts that describe them were renamed under one journal
    result = run_inprocess(["health"], exported)
    assert result.code == 0, result.out
    assert not (exported / "exports/.distill-commit.json").exists()
    assert "a2" not in (exported / "exports/sft/instruction_response.jsonl").read_text()
    assert not list((exported / "exports").rglob(".*.tmp-*"))
    assert "completed" in result.out


def test_health_passes_on_a_fresh_export(exported):
    result = run_inprocess(["health"], exported)
    assert result.code == 0, result.out
    assert result.out.strip().endswith("healthy")


def test_health_fails_on_a_hand_appended_rejected_row_in_sft(exported):
    sft = exported / "exports/sft/instruction_response.jsonl"
    row = read_jsonl(sft)[0]
    row.update(quality_score="rejected", id="sft-ffffffffffffffff")
    with open(sft, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    result = run_inprocess(["health"], exported)
    assert result.code == 1
    assert "invariant 1: a rejected run in SFT" in result.out
    assert "differs from the receipt" in result.out


def test_health_fails_on_an_edited_row_whose_id_no_longer_matches(exported):
    rag = exported / "exports/rag/playbooks.jsonl"
    rows = read_jsonl(rag)
    rows[0]["source_run_id"] = "someone-else"
    rag.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    result = run_inprocess(["health"], exported)
    assert result.code == 1
    assert "invariant 6: id does not recompute" in result.out


def test_health_fails_on_a_deleted_file(exported):
    (exported / "exports/preference/chosen_rejected.jsonl").unlink()
    result = run_inprocess(["health"], exported)
    assert result.code == 1
    assert "chosen_rejected.jsonl: missing" in result.out


def test_health_fails_when_an_input_changed_since_the_export(exported):
    write_jsonl(exported / "in/scored.jsonl", [score("a1", "rejected")])
    result = run_inprocess(["health"], exported)
    assert result.code == 1
    assert "in/scored.jsonl: changed since the export (stale)" in result.out


def test_receipt_names_inputs_outputs_versions_and_tests(exported):
    r = receipt(exported, "export-rag")
    assert r["stage"] == "export-rag" and r["validation_pass"] is True
    assert [i["path"] for i in r["inputs"]] == [
        "in/evidence.jsonl",
        "in/manifest.txt",
        "in/scored.jsonl",
    ]
    for item in r["inputs"]:  # hashed while dbt builds (receipts.InputDigests): the same bytes
        data = (exported / item["path"]).read_bytes()
        assert (item["sha256"], item["bytes"]) == (hashlib.sha256(data).hexdigest(), len(data))
    assert [o["path"] for o in r["outputs"]] == [
        "exports/rag/playbooks.jsonl", "exports/quarantine/rag.jsonl",
        "exports/hf/rag/train.parquet", "exports/hf/rag/test.parquet"]  # fmt: skip
    assert r["record_counts"]["in"] == 6
    assert r["record_counts"]["exported"] + r["record_counts"]["quarantined"] == 6
    assert r["dbt"]["tests"]["passed"] > 0 and r["dbt"]["tests"]["failed"] == 0
    assert set(r["versions"]) >= {"distill", "dbt", "duckdb"}
    latest = (exported / "reports/distillation/latest.md").read_text()
    assert "| export-rag |" in latest and "| export-preference |" in latest


def test_sigkill_at_random_moments_never_leaves_a_mixed_set(exported):
    """Kill `distill export-all` at random moments (DISTILL_KILL_LOOPS times; `make soak`
    runs 20). After each kill, once a distill command has rolled any journal forward, every
    file matches its receipt: the old set or the new one, never a mix. The next run succeeds."""
    import random

    loops = int(os.environ.get("DISTILL_KILL_LOOPS", "2"))
    rng = random.Random(20261126)
    scored = exported / "in/scored.jsonl"
    original = scored.read_text()
    for loop in range(loops):
        # alternate the input so that every run replaces the files
        retracted = original + json.dumps(
            score("a2", "rejected", scored_at=f"2026-11-{10 + loop % 10:02d}T00:00:00Z")
        ) + "\n"  # fmt: skip
        scored.write_text(retracted if loop % 2 == 0 else original)
        proc = subprocess.Popen(
            [sys.executable, "-m", "distill.cli", "export-all", "--quiet", *SMALL_ARGS],
            cwd=exported, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.5, 9.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        check = run_inprocess(["health"], exported)
        file_lines = [line for line in check.out.splitlines() if line.endswith(".jsonl")]
        assert file_lines and all(line.startswith("ok") for line in file_lines), check.out
        rerun = run_inprocess(["export-all", "--quiet", *SMALL_ARGS], exported)
        assert rerun.code == 0, rerun.err
        assert run_inprocess(["health"], exported).code == 0
