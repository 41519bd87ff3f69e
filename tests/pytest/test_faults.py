"""Bad input at scale and by shape (the faults issue): a 50 MB line, a 0-byte file in a glob,
a run scored 10,000 times, duplicate evidence in both arrival orders — each with its exact
outcome, on real files through the real pipeline."""

from __future__ import annotations

import json

import pytest
from conftest import evidence, query, read_jsonl, run_inprocess, score, write_jsonl

BIG_TEXT = "## Huge review\n\n" + "x" * (50 * 1024 * 1024)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    early = {
        "source_file": "s",
        "line": 1,
        "sig_hash": "early",
        "recorded_at": "2026-01-01T00:00:00Z",
    }
    late = {
        "source_file": "s",
        "line": 2,
        "sig_hash": "late",
        "recorded_at": "2026-02-01T00:00:00Z",
    }
    # dup-a: the canonical (earlier) record arrives first; dup-b: it arrives second
    write_jsonl(
        root / "in/a.jsonl",
        [
            evidence("big", text=BIG_TEXT),
            evidence("storm"),
            evidence("dup-a", provenance=early),
            evidence("dup-a", provenance=late),
            evidence("dup-b", provenance=late),
            evidence("dup-b", provenance=early),
        ],
    )
    (root / "in/b.jsonl").write_bytes(b"")  # a 0-byte file matched by the glob
    storm = [
        score("storm", "accepted" if i % 2 else "rejected",
              scored_at=f"2026-03-{1 + i // 1000:02d}T{(i // 60) % 24:02d}:{i % 60:02d}:00Z")
        for i in range(10_000)
    ]  # fmt: skip
    storm.append(score("storm", "rejected", scored_at="2026-03-01T00:00:00Z"))  # older: loses
    write_jsonl(
        root / "in/scored.jsonl",
        [score("big", "accepted"), *storm, score("dup-a", "accepted"), score("dup-b", "accepted")],
    )
    result = run_inprocess(
        ["export-all", "--quiet", "--evidence", "in/?.jsonl", "--scored", "in/scored.jsonl",
         "--manifest", ""],
        root,
    )  # fmt: skip
    assert result.code == 0, result.err
    return root


def test_a_50_mb_line_is_staged_and_exported_whole(built):
    rows = [
        r for r in read_jsonl(built / "exports/rag/playbooks.jsonl") if r["source_run_id"] == "big"
    ]
    assert len(rows) == 1 and rows[0]["text"] == BIG_TEXT
    assert rows[0]["title"] == "## Huge review"


def test_a_0_byte_file_is_accounted_for_with_no_lines(built):
    rows = query(
        built / "warehouse/distill.duckdb",
        "select input_file, lines, blank_lines, staged, ingest_quarantined"
        " from rpt_input_files_accounted where input_kind = 'evidence' order by 1",
    )
    assert rows == [("in/a.jsonl", 6, 0, 4, 2), ("in/b.jsonl", 0, 0, 0, 0)]


def test_a_run_scored_10000_times_keeps_only_its_latest_score(built):
    (latest,) = query(
        built / "warehouse/distill.duckdb",
        "select category, superseded_scores, input_line from int_scores_resolved"
        " where run_id = 'storm'",
    )
    # score i=9999 has the greatest scored_at (2026-03-10T22:39:00Z) and is accepted
    assert latest == ("accepted", 10_000, 2 + 9_999)
    receipt = json.loads((built / "reports/distillation/score/receipt.json").read_text())
    assert receipt["record_counts"]["superseded"] == 10_000
    sft = {r["source_run_id"] for r in read_jsonl(built / "exports/sft/instruction_response.jsonl")}
    assert "storm" in sft


def test_duplicate_evidence_keeps_the_earliest_record_in_either_arrival_order(built):
    rows = query(
        built / "warehouse/distill.duckdb",
        "select source_provenance.input_line, reason, run_id from quarantine_ingest order by 1",
    )
    assert rows == [(4, "duplicate_id", "dup-a"), (5, "duplicate_id", "dup-b")]
    rag = {r["source_run_id"]: r for r in read_jsonl(built / "exports/rag/playbooks.jsonl")}
    assert rag["dup-a"]["provenance"]["sig_hash"] == "early"
    assert rag["dup-b"]["provenance"]["sig_hash"] == "early"
