"""`make bench` end to end on tiny substrates: the report it writes and the table it prints.

Speed is judged by running the bench, never here: these tests only check that the bench runs
distill and the I/O floor on the same substrate and reports what the README says it does.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools.bench import ENGINE_ROWS, FLOOR_FILES, FLOOR_STEPS, PHASES

ROOT = Path(__file__).resolve().parents[2]  # `python -m tools.bench` runs from the checkout


def bench(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "tools.bench", "--repeat", "1",
         "--scratch", str(tmp_path / "scratch"), "--out", str(out), *args],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done, out


def test_bench_reports_each_phase_each_file_and_the_ratio_to_the_floor(tmp_path):
    done, out = bench(tmp_path, "--runs", "300")
    report = json.loads((out / "latest.json").read_text())
    assert report["runs"] == 300 and report["repeat"] == 1
    distill, floor = report["distill"], report["floor"]
    assert set(distill["phases"]) == set(PHASES)
    assert all(p["s"] >= 0 for p in distill["phases"].values())
    assert distill["phases"]["staging"]["s"] > 0 and distill["phases"]["writing"]["s"] > 0
    # of the unrounded medians; the report rounds each to 0.01 s
    assert report["ratio_to_floor"] == pytest.approx(distill["wall_s"] / floor["wall_s"], rel=0.05)
    assert set(floor["steps_s"]) == {label for label, _ in FLOOR_STEPS}
    assert set(report["files"]) == set(FLOOR_FILES)
    for name, pair in report["files"].items():  # a tiny file's COPY may round to 0.00 s
        assert pair["distill_s"] >= 0 and pair["floor_s"] == floor["steps_s"][name], name
    assert sum(pair["distill_s"] for pair in report["files"].values()) > 0
    assert sum(pair["floor_s"] for pair in report["files"].values()) > 0
    # both sides wrote their files, of comparable size (same rows, different shapes)
    floor_dir = tmp_path / "scratch" / "work" / "floor"
    assert sorted(p.stem for p in floor_dir.glob("*.jsonl")) == sorted(FLOOR_FILES)
    assert 0.5 < distill["output_mb"] / floor["output_mb"] < 2
    assert distill["peak_rss_mib"] > 0
    # the Hub folder's share: its models and files take time, less than the whole
    assert 0 < report["hub_s"] < distill["wall_s"] and 0 < report["hub_share"] < 1
    assert "distill / floor" in done.stdout and "quarantine_sft" in done.stdout
    # the substrate is cached for the next run
    assert (tmp_path / "scratch" / "synth-300-1" / "evidence.jsonl").is_file()


def test_bench_pairs_one_big_task_like_many_small_ones(tmp_path):
    done, out = bench(tmp_path, "--attempts", "30")
    report = json.loads((out / "attempts.json").read_text())
    # accepted, partially accepted and rejected in turn: one pair per rejected attempt
    assert report["one_task"]["pairs"] == report["spread"]["pairs"] == 10
    assert report["pairing_ratio"] == round(
        report["one_task"]["pairing_s"] / max(report["spread"]["pairing_s"], 1e-9), 2
    )
    assert "pairing one task / spread" in done.stdout


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")
def test_bench_sets_spark_beside_duckdb_with_where_the_time_goes(tmp_path):
    done, out = bench(tmp_path, "--engine", "spark", "--runs", "200")
    report = json.loads((out / "engines.json").read_text())
    for engine in ("duckdb", "spark"):
        row = report[engine]
        assert set(ENGINE_ROWS) <= set(row), engine
        assert row["models_s"] > 0 and row["tests_s"] > 0 and row["outside_nodes_s"] > 0, engine
        assert row["models_s"] + row["seeds_s"] + row["tests_s"] < row["wall_s"], engine
    # the JVM and the session start outside any node: Spark spends more there than DuckDB
    assert report["spark"]["outside_nodes_s"] > report["duckdb"]["outside_nodes_s"]
    ratio = report["spark"]["wall_s"] / report["duckdb"]["wall_s"]
    assert report["ratio_spark_to_duckdb"] == pytest.approx(ratio, rel=0.05)
    assert "outside_nodes_s" in done.stdout
