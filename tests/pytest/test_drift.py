"""The drift alarm (issue 25, SPEC §7 revision 4): each receipt against the previous receipt of
its stage made with the same options, through real `distill export-all` runs on the sample and
on the sample with its partially accepted runs re-scored as rejected.

One working directory, six runs in order (each test reads the steps it needs):
  1. sample                       first run: no baseline
  2. sample                       nothing changed: no drift
  3. rescored, --fail-on-drift    RAG loses its partially accepted rows: drift, exit 4
  4. rescored, --include-review   other options: no baseline, never an alarm
  5. sample, --include-review, thresholds raised to 70% and 15 pp: moves beyond the seed's
     thresholds (preference pairs down 61%, reason shares 12.55 pp), no drift
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import PROJECT, SAMPLE, read_jsonl, run_inprocess

STAGES = ("build-evidence", "score", "export-rag", "export-sft", "export-preference")
# ../shared/golden/sample.sha256: the seven files export-all writes with its defaults on the sample
GOLDEN = {
    "preference/chosen_rejected.jsonl": "cf89faf7fbc332bbdd27760933ac7d8dac3a8a536a03dbd9316e46a31769ea02",  # noqa: E501
    "quarantine/ingest.jsonl": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "quarantine/preference.jsonl": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  # noqa: E501
    "quarantine/rag.jsonl": "f89906528fb5336f3e9c922e3986f7298ff625b1899659c5e6ec5a33cf4a34be",
    "quarantine/sft.jsonl": "51ef60acfc1241b6d9dd7d3e31853531d11424fe2563312ac3a1944f4abc5cba",
    "rag/playbooks.jsonl": "fbc8c918ac07f4e085789d60a98336301f9aeb9f6a6036ae0618baf19dbfd1a7",
    "sft/instruction_response.jsonl": "30dd2c51e390e988779447cf0ba66c9ece0171b8eeb1c143154fff3b40f20a1b",  # noqa: E501
}  # fmt: skip


def rescore_partial_as_rejected(path: Path) -> Path:
    """The sample's scored runs with every partially_accepted run re-scored as rejected."""
    lines = []
    for line in (SAMPLE / "scored_runs.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["category"] == "partially_accepted":
            record["category"] = "rejected"
        lines.append(json.dumps(record, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def snapshot(root: Path, result) -> dict:
    """What one run left: its exit, its output, the receipts, latest.md and file facts."""
    reports = root / "reports/distillation"
    exports = root / "exports"
    return {
        "root": root,
        "code": result.code,
        "out": result.out,
        "err": result.err,
        "receipts": {
            s: json.loads((reports / s / "receipt.json").read_text(encoding="utf-8"))
            for s in STAGES
        },
        "latest": (reports / "latest.md").read_text(encoding="utf-8"),
        "rag_rows": len(read_jsonl(exports / "rag/playbooks.jsonl")),
        "quarantine": {
            exporter: Counter(
                r["reason"] for r in read_jsonl(exports / f"quarantine/{exporter}.jsonl")
            )
            for exporter in ("rag", "sft")
        },
        "hashes": {
            name: __import__("hashlib").sha256((exports / name).read_bytes()).hexdigest()
            for name in GOLDEN
        },
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> list[dict]:
    root = tmp_path_factory.mktemp("drift")
    (root / "data").symlink_to(PROJECT / "data")
    rescored = str(rescore_partial_as_rejected(root / "rescored.jsonl").name)
    steps = [
        [],
        [],
        ["--scored", rescored, "--fail-on-drift"],
        ["--scored", rescored, "--include-review", "--fail-on-drift"],
        ["--include-review", "--fail-on-drift", "--drift-max-drop", "0.7",
         "--drift-max-share-move", "15"],
    ]  # fmt: skip
    taken = []
    for args in steps:
        result = run_inprocess(["export-all", *args], root)
        assert result.code in (0, 4), result.err
        taken.append(snapshot(root, result))
    return taken


def share(counter: Counter, reason: str, read: int) -> float:
    return 100 * counter.get(reason, 0) / read


def test_first_run_reports_no_baseline_and_no_alarm(runs):
    first = runs[0]
    assert first["code"] == 0
    for stage, receipt in first["receipts"].items():
        assert receipt["drift"]["baseline"] is None, stage
        assert receipt["drift"]["drifts"] == [], stage
        assert "first run" in receipt["drift"]["no_baseline"]
    assert "export-rag         no baseline (first run)" in first["out"]
    assert "- export-rag: no baseline (first run)" in first["latest"]
    assert "DRIFT" not in first["out"] + first["latest"]


def test_the_sample_files_stay_byte_identical(runs):
    assert runs[0]["hashes"] == GOLDEN
    assert runs[1]["hashes"] == GOLDEN


def test_a_rerun_with_nothing_changed_reports_no_drift_against_the_previous_receipt(runs):
    first, second = runs[0], runs[1]
    for stage, receipt in second["receipts"].items():
        drift = receipt["drift"]
        assert drift["drifts"] == [], stage
        assert drift["baseline"]["started_at"] == first["receipts"][stage]["started_at"]
        kept = json.loads((second["root"] / drift["baseline"]["path"]).read_text("utf-8"))
        assert kept == first["receipts"][stage]  # the history holds the baseline receipt
    assert "DRIFT" not in second["out"] + second["latest"]


def test_rescored_category_is_named_as_drift_and_fail_on_drift_exits_4_after_writing(
    runs, tmp_path
):
    before, after = runs[1], runs[2]
    assert after["code"] == 4
    assert "--fail-on-drift" in after["err"]
    # everything was written: the new files (RAG lost its partially accepted rows) and receipts
    assert after["rag_rows"] < before["rag_rows"]
    assert after["hashes"] != before["hashes"]
    rag = after["receipts"]["export-rag"]
    assert rag["outputs"][0]["rows"] == after["rag_rows"]
    drifts = {(d["kind"], d["exporter"], d["reason"]): d for d in rag["drift"]["drifts"]}
    # counted from the files, not from the receipts
    drop = drifts[("exported_drop", "rag", None)]
    assert (drop["before"], drop["after"]) == (before["rag_rows"], after["rag_rows"])
    assert (before["rag_rows"] - after["rag_rows"]) / before["rag_rows"] > 0.2
    read = rag["record_counts"]["in"]
    moved = drifts[("reason_share", "rag", "unsafe_rag_category")]
    assert moved["before"] == pytest.approx(
        share(before["quarantine"]["rag"], "unsafe_rag_category", read), abs=0.005
    )
    assert moved["after"] == pytest.approx(
        share(after["quarantine"]["rag"], "unsafe_rag_category", read), abs=0.005
    )
    sft_reasons = {d["reason"] for d in after["receipts"]["export-sft"]["drift"]["drifts"]}
    assert sft_reasons == {"unsafe_sft_category", "category_disallowed"}
    # nothing else moved: ingest and a reason whose share stayed put are not named
    for stage in ("build-evidence", "score"):
        assert after["receipts"][stage]["drift"]["drifts"] == []
    assert "missing_source_run_id" not in json.dumps(rag["drift"]["drifts"])
    # named in stdout (after the summary table), in latest.md
    table_end = after["out"].index("runs: ")
    named = after["out"].index(f"DRIFT rag: exported {before['rag_rows']} -> {after['rag_rows']}")
    assert named > table_end
    assert "DRIFT rag: unsafe_rag_category" in after["out"]
    assert f"DRIFT rag: exported {before['rag_rows']} -> {after['rag_rows']}" in after["latest"]
    assert "DRIFT sft: unsafe_sft_category" in after["latest"]


def test_a_run_with_other_options_has_no_baseline_and_never_alarms(runs):
    other = runs[3]
    assert other["code"] == 0  # --fail-on-drift, yet RAG's counts changed completely
    for stage, receipt in other["receipts"].items():
        assert receipt["drift"]["baseline"] is None, stage
        assert "include_review" in receipt["drift"]["no_baseline"]
        assert receipt["drift"]["drifts"] == []
    assert "DRIFT" not in other["out"] + other["latest"]
    assert "no baseline (options differ" in other["latest"]


def test_thresholds_from_the_command_line_replace_the_seeds(runs):
    previous, last = runs[3], runs[4]
    assert last["code"] == 0
    for stage, receipt in last["receipts"].items():
        drift = receipt["drift"]
        assert drift["thresholds"] == {"max_exported_drop": 0.7, "max_reason_share_move": 15}
        assert drift["baseline"] is not None and drift["drifts"] == [], stage
    # moves the seed's thresholds (20%, 5 pp) name as drifts happened, under the raised ones
    read = last["receipts"]["export-rag"]["record_counts"]["in"]
    move = share(last["quarantine"]["rag"], "unsafe_rag_category", read) - share(
        previous["quarantine"]["rag"], "unsafe_rag_category", read
    )
    assert 5 < abs(move) <= 15
    pairs = [r["receipts"]["export-preference"]["outputs"][0]["rows"] for r in (previous, last)]
    assert 0.2 < (pairs[0] - pairs[1]) / pairs[0] <= 0.7


def receipt(stage: str, read: int, exported: int, by_reason: dict, **options) -> dict:
    """A receipt as distill writes one, with only what the comparison reads."""
    return {
        "stage": stage,
        "started_at": "2026-12-01T00:00:00Z",
        "options": {"evidence": "a.jsonl", "scored": "b.jsonl", "manifest": "m.txt",
                    "include_review": False, "eval_fraction": "0.05"} | options,
        "record_counts": {"in": read, "exported": exported, "by_reason": by_reason},
    }  # fmt: skip


def test_a_move_of_exactly_the_threshold_is_no_drift_and_one_row_more_is():
    from decimal import Decimal

    from distill.drift import Thresholds, compare

    limits = Thresholds(max_drop=Decimal("0.2"), max_share_move=Decimal("5"))
    before = receipt("export-sft", 1000, 500, {"unsafe_sft_category": 100})
    at_limit = receipt("export-sft", 1000, 400, {"unsafe_sft_category": 150})
    beyond = receipt("export-sft", 1000, 399, {"unsafe_sft_category": 151})
    assert compare(before, at_limit, limits, "h.json")["drifts"] == []
    kinds = {d["kind"] for d in compare(before, beyond, limits, "h.json")["drifts"]}
    assert kinds == {"exported_drop", "reason_share"}
    # a reason that appears, and one that disappears, move their share too
    gone = receipt("export-sft", 1000, 500, {"empty_content": 100})
    moved = {d["reason"] for d in compare(before, gone, limits, None)["drifts"]}
    assert moved == {"unsafe_sft_category", "empty_content"}


def test_new_input_paths_keep_the_baseline_but_another_manifest_does_not():
    from decimal import Decimal

    from distill.drift import Thresholds, compare

    limits = Thresholds(max_drop=Decimal("0.2"), max_share_move=Decimal("5"))
    before = receipt("export-rag", 1000, 500, {})
    renamed = receipt("export-rag", 1000, 100, {}, evidence="day2.jsonl", scored="day2s.jsonl",
                      eval_fraction="0.1")  # fmt: skip
    found = compare(before, renamed, limits, "h.json")
    assert found["baseline"] == {"started_at": "2026-12-01T00:00:00Z", "path": "h.json"}
    assert [d["kind"] for d in found["drifts"]] == ["exported_drop"]
    other = receipt("export-rag", 1000, 100, {}, manifest=None)
    found = compare(before, other, limits, "h.json")
    assert found["baseline"] is None and found["drifts"] == []
    assert found["no_baseline"].endswith(": manifest")
