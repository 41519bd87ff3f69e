"""`make bench` end to end on tiny substrates: the report it writes and the table it prints.

Speed is judged by running the bench, never here: these tests only check that the bench runs
distill and the I/O floor on the same substrate and reports what the README says it does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import spec_oracle

from tools import bench_quality
from tools.bench import FLOOR_FILES, FLOOR_STEPS, PHASES
from tools.bench_quality import QUALITY_MODELS, QUALITY_TESTS

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
    """`make bench` (--suite): the floor's report, then the sample's median and the per-row
    peer beside export-all, each figure beside its target (issue 26)."""
    done, out = bench(tmp_path, "--suite", "--runs", "300", "--per-row-runs", "300",
                      "--sample-repeat", "1")  # fmt: skip
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
    suite = json.loads((out / "suite.json").read_text())
    assert suite["floor"] == report
    sample, peer = suite["sample"], suite["per_row"]
    assert len(sample["samples_s"]) == 1 and sample["median_s"] == sample["samples_s"][0] > 0
    # the peer wrote distill's seven files, byte for byte: the ratio compares like with like
    assert peer["files_differ"] == []
    assert peer["ratio_per_row_to_distill"] == pytest.approx(  # rounded to 0.01
        peer["per_row_s"] / peer["distill_s"], rel=0.05, abs=0.005
    )
    assert suite["figures"] == {
        "sample_median_s": sample["median_s"],
        "per_row_ratio": peer["ratio_per_row_to_distill"],
        "floor_ratio": report["ratio_to_floor"],
        "peak_rss_mib": distill["peak_rss_mib"],
    }
    # at 300 runs dbt's fixed cost loses to the peer, and the table says so
    assert "per-row / distill" in done.stdout and "NOT met" in done.stdout


def test_bench_pairs_one_big_task_like_many_small_ones(tmp_path):
    done, out = bench(tmp_path, "--attempts", "30")
    report = json.loads((out / "attempts.json").read_text())
    # accepted, partially accepted and rejected in turn: one pair per rejected attempt
    assert report["one_task"]["pairs"] == report["spread"]["pairs"] == 10
    assert report["pairing_ratio"] == round(
        report["one_task"]["pairing_s"] / max(report["spread"]["pairing_s"], 1e-9), 2
    )
    assert "pairing one task / spread" in done.stdout


def test_bench_measures_the_quality_gates_cost_recall_and_peer(tmp_path):
    done, out = bench(tmp_path, "--quality-gates", "--runs", "1000")
    report = json.loads((out / "quality.json").read_text())
    assert report["runs"] == 1000 and report["repeat"] == 1 and report["threshold"] == "0.8"
    # cost: both sides ran on the same substrate, with the ratio of their medians
    off, on = report["off"], report["on"]
    assert off["status"] == on["status"] == "ok"
    assert off["wall_s"] > 0 and on["wall_s"] > 0 and on["peak_rss_mib"] > 0
    assert report["ratio"] == pytest.approx(on["wall_s"] / off["wall_s"], rel=0.05)
    # where the time goes: every node §4.3 added has its seconds
    for node in (*QUALITY_MODELS, *QUALITY_TESTS):
        assert node in report["quality_nodes_s"], node
    assert report["near_dup_models_s"] > 0 and report["eval_models_s"] > 0
    assert report["top_deltas_s"] and report["by_threshold"].keys() == {"0.8", "0.6"}
    for t, run in report["by_threshold"].items():
        assert run["status"] == "ok" and run["near_dup_models_s"] > 0, t
        assert set(run["nodes_s"]) >= {"int_near_dup_sets", "int_near_dup_edges"}, t
    # recall on the planted pairs, per threshold and exporter; a planted pair below T never
    # has an edge (every edge is verified)
    assert set(report["recall"]) == {"0.8", "0.6"}
    for by_exporter in report["recall"].values():
        assert set(by_exporter) == {"rag", "sft"}
        for figures in by_exporter.values():
            assert figures["high"] > 0 and 0 <= figures["recall_high"] <= 1
            assert figures["below_edge"] == 0 and figures["missing_rows"] == 0
    for counts in report["candidates"].values():
        assert counts["rag"]["candidates"] >= counts["rag"]["verified"] > 0
    assert all(x["wrong"] == 0 for x in report["eval_verdicts"].values())
    # the peer, against the exact rule: distill refuses nothing the rule keeps
    peer = report["peer"]
    assert peer["num_perm"] == 256 and peer["rows"] > 0 and peer["build_s"] > 0
    for t, figures in peer["thresholds"].items():
        assert figures["distill"]["false_refusals"] == 0, t
        assert figures["distill"]["refused"] == report["recall"][t]["rag"]["refused"], t
        assert {"refused", "false_refusals", "misses"} <= set(figures["peer"]), t
        assert report["peer_ratio"][t]["peer_s"] == figures["peer_s"] > 0, t
    for text in ("ratio", "recall on the planted pairs", "peer/distill", "false refusals"):
        assert text in done.stdout, text
    assert (tmp_path / "scratch" / "planted-1000-1" / "planted.json").is_file()


def test_the_bench_tokens_are_the_spec_oracles():
    """The peer and the exact check shingle as SPEC §4.3 says: the bench's regex against the
    tests' character-by-character reading."""
    samples = [
        "Hello, World! foo_bar baz-qux x.y",
        "ÄÖÜ äöü ÉCOLE Straße καδεφι ΚΑΔΕΦΙ",
        "a\u00a0b\u2028c\u3000d\x85e\tf\u200ag\u202fh\u205fi\u1680j\u2029k",
        "tab\there\r\nnew{line}[brackets]`tick`~tilde@at^caret|pipe",
        "  ",
        "one two three four",
    ]
    for text in samples:
        assert bench_quality.tokens(text) == spec_oracle.tokens(text), text
        toks = spec_oracle.tokens(text)
        assert bench_quality.shingles(toks) == spec_oracle.shingles(toks), text


def test_a_stopped_build_reports_its_finished_nodes_and_the_one_running(tmp_path):
    """A gated export-all that fails or is stopped at --run-timeout is reported from dbt's log:
    each finished node's seconds, and the node it was in."""
    from distill.config import Paths

    warehouse = tmp_path / "warehouse" / "distill.duckdb"
    log = Paths(warehouse=warehouse).dbt_target / "logs" / "dbt.log"
    log.parent.mkdir(parents=True)
    esc = "\x1b[0m"
    log.write_text(
        f"{esc}13:06:55.1 [info ] [Thread-1 (]: 1 of 9 START python table model"
        " main.base_substrate__lines_framed ..... [RUN]\n"
        f"{esc}13:06:57.2 [info ] [Thread-1 (]: 1 of 9 OK created python table model"
        f" main.base_substrate__lines_framed ..... [{esc}OK{esc} in 2.58s]\n"
        f"{esc}13:06:57.3 [info ] [Thread-1 (]: 2 of 9 START sql table model"
        " main.int_near_dup_sets ..... [RUN]\n"
        f"{esc}13:07:20.1 [info ] [Thread-1 (]: 2 of 9 OK created sql table model"
        f" main.int_near_dup_sets ..... [{esc}OK{esc} in 24.99s]\n"
        f"{esc}13:07:20.2 [info ] [Thread-1 (]: 3 of 9 START test"
        " near_dup_edges_are_ordered_pairs ..... [RUN]\n"
        f"{esc}13:07:20.3 [info ] [Thread-1 (]: 3 of 9 PASS"
        f" near_dup_edges_are_ordered_pairs ..... [{esc}PASS{esc} in 0.04s]\n"
        f"{esc}13:07:27.3 [info ] [Thread-1 (]: 4 of 9 START sql table model"
        " main.int_near_dup_edges ..... [RUN]\n"
    )
    finished, running = bench_quality.dbt_progress(warehouse)
    assert finished == {
        "base_substrate__lines_framed": 2.58,
        "int_near_dup_sets": 24.99,
        "near_dup_edges_are_ordered_pairs": 0.04,
    }
    assert running["node"] == "int_near_dup_edges" and running["running_s"] >= 0
