"""Shared fixtures: run the real `distill` (in-process or as a process) on real files."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from distill.cli import main

PROJECT = Path(__file__).resolve().parents[2]
SAMPLE = PROJECT / "data" / "sample"

# `make test` runs pytest on two workers (pytest-xdist, --dist loadfile: a module stays on one
# worker, with its module fixtures). The longest modules are collected first, so that each starts
# at once instead of one of them running alone at the end (test_spark takes 11-12 min alone, the
# next ones 2-4 min). xdist hands each worker two modules at the start: the one queued behind the
# Spark module is a short one.
LONGEST_FIRST = ["test_spark.py", "test_bench.py", "test_seeds.py", "test_mutations.py",
                 "test_quality_gates.py"]  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: each module's tests keep their order


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def run_inprocess(args: list[str], cwd: Path) -> Result:
    """`distill ARGS` in this process (dbt imported once: seconds faster per call)."""
    out, err = io.StringIO(), io.StringIO()
    before = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as exit_:  # argparse usage errors
                code = int(exit_.code or 0)
    finally:
        os.chdir(before)
    return Result(code, out.getvalue(), err.getvalue())


def run_process(args: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    """`distill ARGS` as its own process, for exit statuses, signals and concurrency."""
    return subprocess.run(
        [sys.executable, "-m", "distill.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        **kwargs,
    )


@pytest.fixture
def distill():
    return run_inprocess


def write_jsonl(path: Path, lines: list) -> Path:
    """Lines as given: dicts become JSON, str and bytes are written verbatim."""
    path.parent.mkdir(parents=True, exist_ok=True)
    chunks = []
    for line in lines:
        if isinstance(line, bytes):
            chunks.append(line)
        elif isinstance(line, str):
            chunks.append(line.encode("utf-8"))
        else:
            chunks.append(json.dumps(line, ensure_ascii=False).encode("utf-8"))
    path.write_bytes(b"\n".join(chunks) + b"\n")
    return path


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def read_jsonl(path: Path) -> list[dict]:
    """A file's rows, split on "\\n" only (SPEC §5: one object per line, "\\n" endings).
    str.splitlines() also splits at U+2028, U+2029 and U+0085, which a JSON string holds raw,
    and reading in text mode turns a "\\r" into a line break."""
    text = path.read_bytes().decode("utf-8")
    assert not text or text.endswith("\n"), f"{path}: the last line has no \\n"
    return [json.loads(line) for line in text.split("\n")[:-1]]


def evidence(run_id: str, **fields) -> dict:
    """A valid evidence record; keyword arguments override or add fields."""
    record = {
        "run_id": run_id,
        "task_id": fields.pop("task_id", f"task-{run_id}"),
        "task_type": "scrum_review",
        "role": "executor",
        "model": "model-a",
        "instruction": "Review crates/a/src/lib.rs for correctness.",
        "context": {"matrix": ["lakehouse_arch_v1"]},
        "text": f"## Review of {run_id}\n\nThe function is correct.",
        "title": None,
        "file_refs": ["crates/a/src/lib.rs"],
        "provenance": {
            "source_file": "runs/2026-11.jsonl",
            "line": 1,
            "sig_hash": f"sig-{run_id}",
            "recorded_at": "2026-11-01T10:00:00Z",
        },
    }
    record.update(fields)
    return record


def score(run_id: str, category: str, **fields) -> dict:
    record = {
        "run_id": run_id,
        "category": category,
        "rationale": f"scored {category}",
        "scorer_version": "v1",
        "scored_at": "2026-11-02T10:00:00Z",
    }
    record.update(fields)
    return record


def small_substrate(root: Path) -> Path:
    """A few runs: one task with accepted/partial/rejected attempts, review and orphan runs."""
    write_jsonl(
        root / "in/evidence.jsonl",
        [
            evidence("a1", task_id="T1", text="## Fix\n\nUse a bounded channel."),
            evidence("p1", task_id="T1", text="## Fix\n\nMaybe a channel."),
            evidence("r1", task_id="T1", text="## Fix\n\nIgnore the error."),
            evidence("a2", task_id="T2", text="Accepted answer é — two."),
            evidence("n1", task_id="T2", text="Needs review."),
        ],
    )
    write_jsonl(
        root / "in/scored.jsonl",
        [
            score("a1", "accepted"),
            score("p1", "partially_accepted"),
            score("r1", "rejected"),
            score("a2", "accepted"),
            score("n1", "needs_human_review"),
            score("orphan", "accepted"),
        ],
    )
    write_manifest(root / "in/manifest.txt")
    return root


def write_manifest(path: Path) -> Path:
    path.write_text("crates/a/src/lib.rs\n", encoding="utf-8")
    return path


SMALL_ARGS = ["--evidence", "in/evidence.jsonl", "--scored", "in/scored.jsonl",
              "--manifest", "in/manifest.txt"]  # fmt: skip


def file_bytes(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted((root / "exports").rglob("*.jsonl"))
    }
