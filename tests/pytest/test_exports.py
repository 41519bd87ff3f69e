"""SPEC §8 reference figures on the shipped sample, and what the options change."""

from __future__ import annotations

import json

import pytest
from conftest import PROJECT, query, read_jsonl, run_inprocess


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory):
    """A working directory whose data/ is the shipped sample, so default paths resolve."""
    root = tmp_path_factory.mktemp("sample")
    (root / "data").symlink_to(PROJECT / "data")
    return root


@pytest.fixture(scope="module")
def default_export(sample_dir):
    result = run_inprocess(["export-all", "--quiet"], sample_dir)
    assert result.code == 0, result.err
    return sample_dir


def reasons(root, exporter: str) -> dict:
    rows = query(
        root / "warehouse/distill.duckdb",
        f"select reason, count(*) from quarantine where exporter = '{exporter}' group by 1",
    )
    return dict(rows)


def test_sample_rag_matches_the_reference_figures(default_export):
    assert len(read_jsonl(default_export / "exports/rag/playbooks.jsonl")) == 446
    assert len(read_jsonl(default_export / "exports/quarantine/rag.jsonl")) == 606
    assert reasons(default_export, "rag") == {
        "unsafe_rag_category": 39,
        "category_disallowed": 497,
        "missing_source_run_id": 33,
        "empty_content": 37,
    }


def test_sample_sft_matches_the_reference_figures(default_export):
    assert len(read_jsonl(default_export / "exports/sft/instruction_response.jsonl")) == 351
    assert len(read_jsonl(default_export / "exports/quarantine/sft.jsonl")) == 701
    assert reasons(default_export, "sft") == {
        "unsafe_sft_category": 536,
        "category_disallowed": 132,
        "missing_source_run_id": 33,
    }


def test_sample_receipts_account_for_every_scored_run(default_export):
    receipt = json.loads(
        (default_export / "reports/distillation/export-preference/receipt.json").read_text()
    )
    counts = receipt["record_counts"]
    assert sum(counts["by_status"].values()) == counts["scored_runs"] == 1052
    assert counts["exported"] + counts["quarantined"] == counts["candidate_pairs"]
    assert counts["exported"] > 0


def test_include_partial_adds_partial_runs_to_sft(sample_dir):
    result = run_inprocess(
        ["export-sft", "--include-partial", "--quiet", "--exports", "x-partial",
         "--reports", "r-partial", "--warehouse", "w-partial/d.duckdb"],
        sample_dir,
    )  # fmt: skip
    assert result.code == 0, result.err
    rows = read_jsonl(sample_dir / "x-partial/sft/instruction_response.jsonl")
    scores = {row["quality_score"] for row in rows}
    assert len(rows) == 351 + 132 - 37 and scores == {"accepted", "partially_accepted"}
    got = dict(
        query(
            sample_dir / "w-partial/d.duckdb",
            "select reason, count(*) from quarantine_sft group by 1",
        )
    )
    assert got == {"unsafe_sft_category": 536, "missing_source_run_id": 33, "empty_content": 37}


def test_include_review_adds_review_runs_to_rag_but_never_to_sft(sample_dir):
    result = run_inprocess(
        ["export-all", "--include-review", "--quiet", "--exports", "x-review",
         "--reports", "r-review", "--warehouse", "w-review/d.duckdb"],
        sample_dir,
    )  # fmt: skip
    assert result.code == 0, result.err
    rag = read_jsonl(sample_dir / "x-review/rag/playbooks.jsonl")
    assert len(rag) == 446 + 497
    sft = read_jsonl(sample_dir / "x-review/sft/instruction_response.jsonl")
    assert {row["quality_score"] for row in sft} == {"accepted"}
    assert len(sft) == 351
