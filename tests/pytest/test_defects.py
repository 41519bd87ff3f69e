"""The committed defects substrate (data/sample/defects) end to end: every planted defect line
gets the outcome its README documents, through one real `distill export-all`.

The expected tables below are hard-coded from data/sample/defects/README.md (one comment per
line naming the defect) and were checked against SPEC §2-§5 by hand; the README is not read at
test time.
"""

from __future__ import annotations

import json

import pytest
from conftest import PROJECT, query, read_jsonl, run_inprocess

DEFECTS = "data/sample/defects"
EVIDENCE = f"{DEFECTS}/evidence.jsonl"
SCORED = f"{DEFECTS}/scored_runs.jsonl"
MANIFEST = f"{DEFECTS}/repo_manifest.txt"

EXPORTED = "exported"
SCHEMA = "schema_violation"
DUPLICATE = "duplicate_id"
UNSAFE_RAG = "unsafe_rag_category"
UNSAFE_SFT = "unsafe_sft_category"
DISALLOWED = "category_disallowed"
NO_EVIDENCE = "missing_source_run_id"
NO_PROVENANCE = "missing_provenance"
EMPTY = "empty_content"
BAD_PATH = "hallucinated_file_path"
SECRET = "secret_detected"
INVALID_PAIR = "invalid_preference_pairing"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """One `export-all` on the defects set, run from a directory whose data/ is the shipped
    data, with relative input paths (so quarantine rows carry them verbatim)."""
    root = tmp_path_factory.mktemp("defects")
    (root / "data").symlink_to(PROJECT / "data")
    result = run_inprocess(
        ["export-all", "--quiet", "--evidence", EVIDENCE, "--scored", SCORED,
         "--manifest", MANIFEST],
        root,
    )  # fmt: skip
    assert result.code == 0, result.err
    return root


def sql(root, statement: str) -> list[tuple]:
    return query(root / "warehouse/distill.duckdb", statement)


# --- ingest -------------------------------------------------------------------------------------

# (file, line) -> (reason, run_id on the quarantine row). run_id is None where the line is not a
# JSON object, or its run_id is missing or invalid (SPEC §2.5, §5 "null when unknown").
INGEST_QUARANTINE = {
    (EVIDENCE, 9): (SCHEMA, None),  # not JSON: record truncated mid-string
    (EVIDENCE, 10): (SCHEMA, None),  # JSON array instead of an object
    (EVIDENCE, 11): (SCHEMA, None),  # JSON string (double-encoded record)
    (EVIDENCE, 12): (SCHEMA, None),  # JSON null instead of an object
    (EVIDENCE, 13): (SCHEMA, None),  # invalid UTF-8: byte 0xEF alone inside text
    (EVIDENCE, 14): (SCHEMA, None),  # raw control character U+0001 inside text
    (EVIDENCE, 15): (SCHEMA, None),  # raw TAB inside text
    (EVIDENCE, 16): (SCHEMA, None),  # lone surrogate escape \ud800 in text
    # duplicate top-level key `text`
    (EVIDENCE, 18): (SCHEMA, "scrum:1776920854000:services/kb_loader/kb_loader/app.py"),
    # duplicate key `line` inside provenance
    (EVIDENCE, 19): (SCHEMA, "scrum:1776920915000:services/orchestrator/orchestrator/replay.py"),
    # duplicate key `matrix` inside context
    (EVIDENCE, 20): (SCHEMA, "scrum:1776920976000:web/src/components/RunTable.test.tsx"),
    # wrong type: file_refs is a string
    (EVIDENCE, 24): (SCHEMA, "scrum:1776921220000:crates/ingest/src/tracing.rs"),
    # wrong type: text is a number
    (EVIDENCE, 25): (SCHEMA, "scrum:1776921281000:crates/lakehouse/src/compaction.rs"),
    # wrong type: provenance is a string
    (EVIDENCE, 26): (SCHEMA, "scrum:1776921342000:crates/notifier/tests/backoff_test.rs"),
    # wrong type: context is an array
    (EVIDENCE, 27): (SCHEMA, "scrum:1776921403000:crates/planner/src/lock_table.rs"),
    # wrong type: task_id is a number
    (EVIDENCE, 28): (SCHEMA, "scrum:1776921464000:crates/playbook/tests/snapshot_test.rs"),
    (EVIDENCE, 29): (SCHEMA, None),  # required field run_id missing
    # required field task_type missing
    (EVIDENCE, 30): (SCHEMA, "scrum:1776921586000:crates/scheduler/src/cache.rs"),
    (EVIDENCE, 31): (SCHEMA, None),  # blank run_id
    (EVIDENCE, 32): (SCHEMA, None),  # control character (escaped \u0007) in run_id
    # duplicate run_id, later recorded_at (first in file); line 34 is canonical
    (EVIDENCE, 33): (DUPLICATE, "scrum:1776921769000:crates/vectord/src/wal.rs"),
    # duplicate run_id, unparseable recorded_at (sorts last); line 36 is canonical
    (EVIDENCE, 35): (DUPLICATE, "scrum:1776921830000:services/exporter/exporter/replay.py"),
    # category outside the enum ("approved")
    (SCORED, 81): (SCHEMA, "scrum:1776925490000:crates/raftlog/src/shard.rs"),
    # category in the wrong case ("Accepted")
    (SCORED, 82): (SCHEMA, "scrum:1776925551000:crates/scheduler/src/index.rs"),
    (SCORED, 83): (SCHEMA, None),  # not JSON: truncated
    (SCORED, 84): (SCHEMA, None),  # JSON array
    # required field category missing
    (SCORED, 86): (SCHEMA, "scrum:1776925673000:crates/tokenizer/src/main.rs"),
    (SCORED, 87): (SCHEMA, None),  # required field run_id missing
    # wrong type: rationale a number
    (SCORED, 88): (SCHEMA, "scrum:1776925795000:services/exporter/exporter/utils.py"),
    # wrong type: scored_at a number
    (SCORED, 89): (SCHEMA, "scrum:1776925856000:services/orchestrator/orchestrator/models.py"),
    (SCORED, 90): (SCHEMA, None),  # blank run_id
}


@pytest.fixture(scope="module")
def ingest_quarantine(root) -> dict[tuple[str, int], list[tuple[str, str | None]]]:
    rows = sql(
        root,
        "select source_provenance.input_file, source_provenance.input_line, reason, run_id"
        " from quarantine_ingest",
    )
    got: dict[tuple[str, int], list[tuple[str, str | None]]] = {}
    for input_file, input_line, reason, run_id in rows:
        got.setdefault((input_file, input_line), []).append((reason, run_id))
    return got


def test_every_input_line_is_blank_staged_or_ingest_quarantined_per_file(root):
    rows = sql(
        root,
        "select input_file, lines, blank_lines, staged, ingest_quarantined"
        " from rpt_input_files_accounted order by input_file",
    )
    assert rows == [
        # 97 lines: blank 3, 5, 7; 20 schema violations and 2 duplicate ids (table above)
        (EVIDENCE, 97, 3, 72, 22),
        # 92 lines after the byte-order mark: one blank line, the CRLF line is a path
        (MANIFEST, 92, 1, 91, 0),
        # 96 lines: blank 85, 91; 9 schema violations; the 5 superseded scores are staged
        (SCORED, 96, 2, 85, 9),
    ]
    for _, lines, blank, staged, quarantined in rows:
        assert lines == blank + staged + quarantined


def test_no_line_outside_the_documented_defects_is_ingest_quarantined(ingest_quarantine):
    assert sorted(ingest_quarantine) == sorted(INGEST_QUARANTINE)


@pytest.mark.parametrize(
    "where, expected",
    [
        pytest.param(k, v, id=f"{k[0].rsplit('/', 1)[1]}:{k[1]}")
        for k, v in INGEST_QUARANTINE.items()
    ],
)
def test_each_ingest_defect_line_gets_its_documented_reason(ingest_quarantine, where, expected):
    assert ingest_quarantine.get(where) == [expected]


def test_latest_score_wins_for_each_rescored_run(root):
    rows = sql(
        root,
        "select run_id, category, input_file, input_line, superseded_scores"
        " from int_scores_resolved where superseded_scores > 0 order by input_line",
    )
    assert rows == [
        # RS2: 09:06Z accepted (49) beats 06:06Z review (53) and 08:06+01:00 = 07:06Z rejected (56)
        ("scrum:1776923843000:services/kb_loader/tests/test_kb_loader.py", "accepted",
         SCORED, 49, 2),
        # RS4: the parseable review (51) beats the accepted score with scored_at "yesterday" (55)
        ("scrum:1776923965000:crates/authz/Cargo.toml", "needs_human_review", SCORED, 51, 1),
        # RS1: re-scored a day later as rejected (52) over its accepted first score (48)
        ("scrum:1776923782000:services/dashboard/dashboard/queue.py", "rejected", SCORED, 52, 1),
        # RS3: same scored_at, so the later line (54, accepted) beats line 50 (partial)
        ("scrum:1776923904000:services/scorer/scorer/prompts.py", "accepted", SCORED, 54, 1),
    ]  # fmt: skip
    assert sql(root, "select count(*), sum(superseded_scores) from int_scores_resolved") == [
        (80, 5)
    ]


# --- RAG and SFT: every scored run (latest score) ------------------------------------------------

# (scored line of the latest score, run_id, RAG outcome, SFT outcome, test id)
RUNS = [
    # 1: valid accepted run (evidence line 1, after the byte-order mark)
    (1, "scrum:1776920061000:crates/blobstore/src/hnsw.rs", EXPORTED, EXPORTED, "accepted-bom"),
    # 2: accepted (evidence line ends in CRLF)
    (2, "observer:1776920122000:crates/catalog/tests/query_plan_test.rs", EXPORTED, EXPORTED,
     "accepted-crlf"),
    # 3: partially_accepted: RAG allows it, SFT needs --include-partial
    (3, "scrum:1776920183000:crates/gateway/src/partition.rs", EXPORTED, DISALLOWED, "partial"),
    # 4: needs_human_review: RAG needs --include-review, SFT never
    (4, "mode:1776920244000:crates/kvstore/src/backoff.rs", DISALLOWED, UNSAFE_SFT, "review"),
    # 5: rejected (task_id null)
    (5, "scrum:1776920305000:crates/lakehouse/src/ratelimit.rs", UNSAFE_RAG, UNSAFE_SFT,
     "rejected"),
    # 6: accepted; its evidence line is invalid (truncated evidence)
    (6, "scrum:1776920366000:crates/observer/src/election.rs", NO_EVIDENCE, NO_EVIDENCE,
     "evidence-truncated"),
    # 7: accepted; its evidence line is invalid (invalid UTF-8)
    (7, "scrum:1776920549000:crates/raftlog/tests/errors_test.rs", NO_EVIDENCE, NO_EVIDENCE,
     "evidence-bad-utf8"),
    # 8: accepted; its evidence line is invalid (lone surrogate)
    (8, "scrum:1776920732000:crates/tokenizer/src/partition.rs", NO_EVIDENCE, NO_EVIDENCE,
     "evidence-lone-surrogate"),
    # 9: accepted (emoji via surrogate pair escape)
    (9, "scrum:1776920793000:docs/design notes/leases.md", EXPORTED, EXPORTED, "surrogate-pair"),
    # 10: accepted; its evidence line is invalid (duplicate provenance key)
    (10, "scrum:1776920915000:services/orchestrator/orchestrator/replay.py", NO_EVIDENCE,
     NO_EVIDENCE, "evidence-duplicate-provenance-key"),
    # 11: accepted (duplicate key one level deeper, not checked)
    (11, "scrum:1776921037000:crates/blobstore/Cargo.toml", EXPORTED, EXPORTED,
     "duplicate-key-deeper"),
    # 12: accepted (NaN literal, trailing commas: DuckDB leniency)
    (12, "scrum:1776921098000:crates/catalog/src/quantize.rs", EXPORTED, EXPORTED,
     "nan-trailing-commas"),
    # 13: accepted (raw U+007F inside text)
    (13, "scrum:1776921159000:crates/gateway/src/handler.rs", EXPORTED, EXPORTED, "raw-del"),
    # 14: accepted; its evidence line is invalid (file_refs a string)
    (14, "scrum:1776921220000:crates/ingest/src/tracing.rs", NO_EVIDENCE, NO_EVIDENCE,
     "evidence-file-refs-string"),
    # 15: accepted; its evidence line is invalid (task_type missing)
    (15, "scrum:1776921586000:crates/scheduler/src/cache.rs", NO_EVIDENCE, NO_EVIDENCE,
     "evidence-task-type-missing"),
    # 16: accepted (evidence duplicated; canonical is the earlier recorded_at)
    (16, "scrum:1776921769000:crates/vectord/src/wal.rs", EXPORTED, EXPORTED,
     "evidence-duplicated"),
    # 17: accepted (evidence duplicated, one with an unparseable recorded_at)
    (17, "scrum:1776921830000:services/exporter/exporter/replay.py", EXPORTED, EXPORTED,
     "evidence-duplicated-unparseable"),
    # 18: accepted: text of spaces
    (18, "scrum:1776921952000:web/src/components/ModelPicker.test.tsx", EMPTY, EMPTY,
     "text-spaces"),
    # 19: partially_accepted: text null (SFT stops at the category gate first)
    (19, "scrum:1776922013000:crates/authz/src/stream.rs", EMPTY, DISALLOWED, "text-null"),
    # 20: accepted: text of U+00A0, U+3000, newline
    (20, "scrum:1776922074000:crates/catalog/src/codec.rs", EMPTY, EMPTY, "text-unicode-space"),
    # 21: accepted: instruction empty (not a RAG field)
    (21, "scrum:1776922135000:crates/embedder/tests/manifest_test.rs", EXPORTED, EMPTY,
     "instruction-empty"),
    # 22: accepted: provenance null
    (22, "scrum:1776922196000:crates/ingest/src/playbook_memory.rs", NO_PROVENANCE,
     NO_PROVENANCE, "provenance-null"),
    # 23: accepted: provenance without sig_hash
    (23, "scrum:1776922257000:crates/kvstore/tests/main_test.rs", NO_PROVENANCE, NO_PROVENANCE,
     "provenance-no-sig-hash"),
    # 24: accepted: provenance.recorded_at a number (wrong sub-type: absent)
    (24, "scrum:1776922318000:crates/notifier/src/ratelimit.rs", NO_PROVENANCE, NO_PROVENANCE,
     "recorded-at-number"),
    # 25: accepted: provenance.line a string (absent: exported with line null)
    (25, "scrum:1776922379000:crates/planner/src/budget.rs", EXPORTED, EXPORTED,
     "provenance-line-string"),
    # 26: accepted: recorded_at not a calendar date (2026-02-30)
    (26, "scrum:1776922440000:crates/playbook/src/schema.rs", NO_PROVENANCE, NO_PROVENANCE,
     "recorded-at-feb-30"),
    # 27: accepted: recorded_at with second 60
    (27, "scrum:1776922501000:crates/raftlog/src/compaction.rs", NO_PROVENANCE, NO_PROVENANCE,
     "recorded-at-second-60"),
    # 28: accepted: recorded_at with 9 fraction digits and an offset (valid)
    (28, "scrum:1776922562000:crates/sandbox/src/tracing.rs", EXPORTED, EXPORTED,
     "recorded-at-nanos-offset"),
    # 29: accepted: unsafe file_ref: absolute path (/etc/passwd)
    (29, "scrum:1776922623000:crates/scrumd/src/partition.rs", BAD_PATH, BAD_PATH,
     "path-absolute"),
    # 30: accepted: unsafe file_ref: a `..` segment
    (30, "scrum:1776922684000:crates/telemetry/tests/pool_test.rs", BAD_PATH, BAD_PATH,
     "path-dotdot"),
    # 31: accepted: unsafe file_ref: backslashes
    (31, "scrum:1776922745000:crates/vectord/src/retry.rs", BAD_PATH, BAD_PATH,
     "path-backslash"),
    # 32: accepted: unsafe file_ref: home-relative `~`
    (32, "scrum:1776922806000:services/exporter/exporter/__init__.py", BAD_PATH, BAD_PATH,
     "path-home"),
    # 33: accepted: unsafe file_ref: drive letter `C:`
    (33, "scrum:1776922867000:services/observer_api/observer_api/queue.py", BAD_PATH, BAD_PATH,
     "path-drive-letter"),
    # 34: accepted: file_ref not in the manifest
    (34, "scrum:1776922928000:services/scorer/tests/test_scorer.py", BAD_PATH, BAD_PATH,
     "path-not-in-manifest"),
    # 35: accepted: file_ref with a leading `./` (listed once it is removed)
    (35, "scrum:1776922989000:crates/authz/src/lib.rs", EXPORTED, EXPORTED, "path-dot-slash"),
    # 36: accepted: file_ref listed on the manifest's CRLF line
    (36, "scrum:1776923050000:docs/runbooks/failover.md", EXPORTED, EXPORTED,
     "manifest-crlf-line"),
    # 37: accepted: file_ref listed on the manifest's first line (after its BOM)
    (37, "scrum:1776923111000:.github/workflows/ci.yml", EXPORTED, EXPORTED,
     "manifest-bom-line"),
    # 38: accepted: secret in text: AWS access key id
    (38, "scrum:1776923172000:crates/ingest/src/backoff.rs", SECRET, SECRET, "secret-aws-text"),
    # 39: accepted: secret in text: GitHub token
    (39, "scrum:1776923233000:crates/kvstore/src/schema.rs", SECRET, SECRET,
     "secret-github-text"),
    # 40: accepted: secret in title only: API key (title is not an SFT field)
    (40, "scrum:1776923294000:crates/notifier/src/checkpoint.rs", SECRET, EXPORTED,
     "secret-api-key-title"),
    # 41: accepted: secret in instruction only: Slack token (not a RAG field)
    (41, "scrum:1776923355000:crates/observer/src/snapshot.rs", EXPORTED, SECRET,
     "secret-slack-instruction"),
    # 42: accepted: secret in text: private key block
    (42, "scrum:1776923416000:crates/playbook/src/index.rs", SECRET, SECRET,
     "secret-private-key-text"),
    # 43: accepted: secret (API key) in model, so in the built SFT context only
    (43, "scrum:1776923477000:crates/querycore/tests/checkpoint_test.rs", EXPORTED, SECRET,
     "secret-api-key-model"),
    # 44: accepted: near miss: AKIA followed by 15 characters
    (44, "scrum:1776923538000:crates/sandbox/src/lib.rs", EXPORTED, EXPORTED,
     "secret-near-miss"),
    # 45: accepted, task type audit_facts (extraction)
    (45, "audit:1776923599000:crates/scrumd/Cargo.toml", EXPORTED, DISALLOWED,
     "task-extraction-audit"),
    # 46: accepted, task type distilled_playbook (extraction via distilled_%)
    (46, "distill:1776923660000:crates/telemetry/src/schema.rs", EXPORTED, DISALLOWED,
     "task-extraction-distilled"),
    # 47: accepted, task type triage_note (matches no seed row: unclassified)
    (47, "triage:1776923721000:crates/vectord/src/errors.rs", EXPORTED, DISALLOWED,
     "task-unclassified"),
    # 49: RS2 latest score (accepted)
    (49, "scrum:1776923843000:services/kb_loader/tests/test_kb_loader.py", EXPORTED, EXPORTED,
     "rescore-rs2"),
    # 51: RS4 parseable scored_at (needs_human_review) beats an unparseable one
    (51, "scrum:1776923965000:crates/authz/Cargo.toml", DISALLOWED, UNSAFE_SFT, "rescore-rs4"),
    # 52: RS1 re-scored later as rejected
    (52, "scrum:1776923782000:services/dashboard/dashboard/queue.py", UNSAFE_RAG, UNSAFE_SFT,
     "rescore-rs1"),
    # 54: RS3 tie on scored_at: the later line (accepted) wins
    (54, "scrum:1776923904000:services/scorer/scorer/prompts.py", EXPORTED, EXPORTED,
     "rescore-rs3"),
    # 57: PT1 accepted (recorded first)
    (57, "scrum:1776924026000:crates/blobstore/src/pool.rs", EXPORTED, EXPORTED, "pt1-accepted-a"),
    # 58: PT1 rejected
    (58, "scrum:1776924087000:crates/embedder/src/compaction.rs", UNSAFE_RAG, UNSAFE_SFT,
     "pt1-rejected-a"),
    # 59: PT1 accepted (recorded last)
    (59, "scrum:1776924148000:crates/gateway/src/stream.rs", EXPORTED, EXPORTED, "pt1-accepted-b"),
    # 60: PT1 rejected
    (60, "scrum:1776924209000:crates/kvstore/src/errors.rs", UNSAFE_RAG, UNSAFE_SFT,
     "pt1-rejected-b"),
    # 61: PT2 accepted
    (61, "scrum:1776924270000:crates/lakehouse/src/txn.rs", EXPORTED, EXPORTED, "pt2-accepted"),
    # 62: PT2 rejected (same text as the chosen plus whitespace)
    (62, "scrum:1776924331000:crates/observer/src/metrics.rs", UNSAFE_RAG, UNSAFE_SFT,
     "pt2-rejected"),
    # 63: PT3 accepted
    (63, "scrum:1776924392000:crates/planner/tests/session_test.rs", EXPORTED, EXPORTED,
     "pt3-accepted"),
    # 64: PT3 rejected (different instruction)
    (64, "scrum:1776924453000:crates/querycore/src/quantize.rs", UNSAFE_RAG, UNSAFE_SFT,
     "pt3-rejected"),
    # 65: PT4 accepted, instruction blank: fine for RAG, empty for SFT
    (65, "scrum:1776924514000:crates/sandbox/src/backoff.rs", EXPORTED, EMPTY, "pt4-accepted"),
    # 66: PT4 rejected
    (66, "scrum:1776924575000:crates/scheduler/src/router.rs", UNSAFE_RAG, UNSAFE_SFT,
     "pt4-rejected"),
    # 67: PT5 accepted, file_refs ["/etc/hosts"]
    (67, "scrum:1776924636000:crates/telemetry/src/main.rs", BAD_PATH, BAD_PATH, "pt5-accepted"),
    # 68: PT5 rejected
    (68, "scrum:1776924697000:crates/tokenizer/src/txn.rs", UNSAFE_RAG, UNSAFE_SFT,
     "pt5-rejected"),
    # 69: PT6 accepted (non-ASCII path, listed in the manifest)
    (69, "scrum:1776924758000:docs/référence/café_du_matin.md", EXPORTED, EXPORTED,
     "pt6-accepted"),
    # 70: PT6 rejected (file_ref not in the manifest)
    (70, "scrum:1776924819000:services/kb_loader/kb_loader/prompts.py", UNSAFE_RAG, UNSAFE_SFT,
     "pt6-rejected"),
    # 71: PT7 accepted
    (71, "scrum:1776924880000:services/orchestrator/orchestrator/utils.py", EXPORTED, EXPORTED,
     "pt7-accepted"),
    # 72: PT7 rejected (a secret in its text; the category gate comes first)
    (72, "scrum:1776924941000:web/src/components/SettingsForm.tsx", UNSAFE_RAG, UNSAFE_SFT,
     "pt7-rejected"),
    # 73: PT8 partially_accepted
    (73, "scrum:1776925002000:crates/blobstore/src/config.rs", EXPORTED, DISALLOWED,
     "pt8-partial"),
    # 74: PT8 rejected
    (74, "scrum:1776925063000:crates/catalog/src/wal.rs", UNSAFE_RAG, UNSAFE_SFT, "pt8-rejected"),
    # 75: PT9 accepted
    (75, "scrum:1776925124000:crates/gateway/src/manifest.rs", EXPORTED, EXPORTED,
     "pt9-accepted"),
    # 76: PT9 rejected (blank text)
    (76, "scrum:1776925185000:crates/ingest/tests/partition_test.rs", UNSAFE_RAG, UNSAFE_SFT,
     "pt9-rejected"),
    # 77: PT10 accepted (secret only in its rationale, which RAG and SFT do not carry)
    (77, "scrum:1776925246000:crates/lakehouse/src/partition.rs", EXPORTED, EXPORTED,
     "pt10-accepted"),
    # 78: PT10 rejected
    (78, "scrum:1776925307000:crates/observer/src/bloom.rs", UNSAFE_RAG, UNSAFE_SFT,
     "pt10-rejected"),
    # 79: PT11 accepted
    (79, "scrum:1776925368000:crates/planner/src/pool.rs", EXPORTED, EXPORTED, "pt11-accepted"),
    # 80: PT11 rejected
    (80, "scrum:1776925429000:crates/querycore/src/config.rs", UNSAFE_RAG, UNSAFE_SFT,
     "pt11-rejected"),
    # 92: accepted, no evidence record
    (92, "scrum:1776925917000:web/src/components/PlaybookView.tsx", NO_EVIDENCE, NO_EVIDENCE,
     "no-evidence-accepted"),
    # 93: needs_human_review, no evidence record (the category gate comes first)
    (93, "scrum:1776925978000:crates/authz/tests/pool_test.rs", DISALLOWED, UNSAFE_SFT,
     "no-evidence-review"),
    # 94: rejected, no evidence record
    (94, "scrum:1776926039000:crates/catalog/src/lock_table.rs", UNSAFE_RAG, UNSAFE_SFT,
     "no-evidence-rejected"),
    # 95: partially_accepted, no evidence record
    (95, "scrum:1776926100000:crates/gateway/src/batch.rs", NO_EVIDENCE, DISALLOWED,
     "no-evidence-partial"),
    # 96: accepted (last evidence line, no trailing newline)
    (96, "scrum:1776926161000:crates/ingest/src/schema.rs", EXPORTED, EXPORTED,
     "last-line-no-newline"),
]  # fmt: skip

RAG_CASES = [pytest.param(line, run_id, rag, id=f"{line}-{name}")
             for line, run_id, rag, _, name in RUNS]  # fmt: skip
SFT_CASES = [pytest.param(line, run_id, sft, id=f"{line}-{name}")
             for line, run_id, _, sft, name in RUNS]  # fmt: skip


def expected_run_outcome(line: int, reason: str) -> list[tuple]:
    """Exported rows carry no input line; quarantine rows name the latest score's line."""
    return [(EXPORTED, None, None)] if reason == EXPORTED else [(reason, SCORED, line)]


def run_outcomes(root, exported: str, quarantined: str) -> dict[str, list[tuple]]:
    got: dict[str, list[tuple]] = {}
    for (run_id,) in sql(root, f"select source_run_id from {exported}"):
        got.setdefault(run_id, []).append((EXPORTED, None, None))
    for run_id, reason, input_file, input_line in sql(
        root,
        "select run_id, reason, source_provenance.input_file, source_provenance.input_line"
        f" from {quarantined}",
    ):
        got.setdefault(run_id, []).append((reason, input_file, input_line))
    return got


@pytest.fixture(scope="module")
def rag(root):
    return run_outcomes(root, "rag_samples", "quarantine_rag")


@pytest.fixture(scope="module")
def sft(root):
    return run_outcomes(root, "sft_samples", "quarantine_sft")


def test_every_scored_run_is_exported_or_quarantined_by_rag_and_by_sft(rag, sft):
    expected = sorted(run_id for _, run_id, *_ in RUNS)
    assert len(expected) == 80
    assert sorted(rag) == expected
    assert sorted(sft) == expected


@pytest.mark.parametrize("line, run_id, reason", RAG_CASES)
def test_rag_gives_each_documented_run_its_outcome(rag, line, run_id, reason):
    assert rag.get(run_id) == expected_run_outcome(line, reason)


@pytest.mark.parametrize("line, run_id, reason", SFT_CASES)
def test_sft_gives_each_documented_run_its_outcome(sft, line, run_id, reason):
    assert sft.get(run_id) == expected_run_outcome(line, reason)


def test_rescored_runs_export_with_their_latest_category(root):
    rescored = (
        "scrum:1776923843000:services/kb_loader/tests/test_kb_loader.py",  # RS2
        "scrum:1776923904000:services/scorer/scorer/prompts.py",  # RS3
    )
    where = f" where source_run_id in {rescored} order by 1"
    rag = sql(root, "select source_run_id, success_score from rag_samples" + where)
    sft = sql(root, "select source_run_id, quality_score from sft_samples" + where)
    assert rag == sft == [(rescored[0], "accepted"), (rescored[1], "accepted")]


def test_near_miss_secret_is_exported_verbatim(root):
    run_id = "scrum:1776923538000:crates/sandbox/src/lib.rs"
    [(rag_text,)] = sql(root, f"select text from rag_samples where source_run_id = '{run_id}'")
    [(sft_text,)] = sql(root, f"select response from sft_samples where source_run_id = '{run_id}'")
    assert rag_text == sft_text
    assert "Not a key: AKIAIOSFODNN7EXAMPL (15 characters after AKIA)." in rag_text


def test_wrong_typed_provenance_line_exports_with_line_null(root):
    rows = sql(
        root,
        "select provenance.line, provenance.recorded_at from rag_samples"
        " where source_run_id = 'scrum:1776922379000:crates/planner/src/budget.rs'",
    )
    assert rows == [(None, "2026-04-23T05:33:29Z")]


def test_nanosecond_offset_timestamp_is_valid_and_normalised_to_utc(root):
    # recorded_at "2026-04-23T12:00:00.123456789+02:00": fraction dropped, offset applied
    rows = sql(
        root,
        "select provenance.recorded_at, created_at from sft_samples"
        " where source_run_id = 'scrum:1776922562000:crates/sandbox/src/tracing.rs'",
    )
    assert rows == [("2026-04-23T10:00:00Z", "2026-04-23T10:00:00Z")]


# --- preference ---------------------------------------------------------------------------------

# (task_id, chosen run_id, rejected run_id, outcome, scored line of the rejected run)
PAIRS = [
    # PT1: both rejected attempts pair with the accepted attempt recorded last
    ("scrum-task-pt1", "scrum:1776924148000:crates/gateway/src/stream.rs",
     "scrum:1776924087000:crates/embedder/src/compaction.rs", EXPORTED, 58, "pt1-a"),
    ("scrum-task-pt1", "scrum:1776924148000:crates/gateway/src/stream.rs",
     "scrum:1776924209000:crates/kvstore/src/errors.rs", EXPORTED, 60, "pt1-b"),
    # PT2: texts equal after trim
    ("scrum-task-pt2", "scrum:1776924270000:crates/lakehouse/src/txn.rs",
     "scrum:1776924331000:crates/observer/src/metrics.rs", INVALID_PAIR, 62, "pt2-same-text"),
    # PT3: instructions differ
    ("scrum-task-pt3", "scrum:1776924392000:crates/planner/tests/session_test.rs",
     "scrum:1776924453000:crates/querycore/src/quantize.rs", INVALID_PAIR, 64,
     "pt3-instructions-differ"),
    # PT4: the chosen run's instruction is blank
    ("scrum-task-pt4", "scrum:1776924514000:crates/sandbox/src/backoff.rs",
     "scrum:1776924575000:crates/scheduler/src/router.rs", INVALID_PAIR, 66,
     "pt4-chosen-instruction-blank"),
    # PT5: the chosen run's file_refs are unsafe
    ("scrum-task-pt5", "scrum:1776924636000:crates/telemetry/src/main.rs",
     "scrum:1776924697000:crates/tokenizer/src/txn.rs", BAD_PATH, 68, "pt5-chosen-unsafe-path"),
    # PT6: the rejected run's file_refs are not checked
    ("scrum-task-pt6", "scrum:1776924758000:docs/référence/café_du_matin.md",
     "scrum:1776924819000:services/kb_loader/kb_loader/prompts.py", EXPORTED, 70,
     "pt6-rejected-path-unchecked"),
    # PT7: secret in the rejected text
    ("scrum-task-pt7", "scrum:1776924880000:services/orchestrator/orchestrator/utils.py",
     "scrum:1776924941000:web/src/components/SettingsForm.tsx", SECRET, 72,
     "pt7-secret-rejected-text"),
    # PT10: secret in the chosen rationale, copied into the reason
    ("scrum-task-pt10", "scrum:1776925246000:crates/lakehouse/src/partition.rs",
     "scrum:1776925307000:crates/observer/src/bloom.rs", SECRET, 78,
     "pt10-secret-chosen-rationale"),
]  # fmt: skip

# Scored runs of the PT tasks that end in no pair (README notes), with their cause (SPEC §4.1)
NO_PAIR = {
    # PT1: the accepted attempt recorded first is never the chosen side
    "scrum:1776924026000:crates/blobstore/src/pool.rs": "no_counterpart",
    # PT8: partially_accepted vs rejected is a gap of 1 < --min-gap 2
    "scrum:1776925002000:crates/blobstore/src/config.rs": "no_counterpart",
    "scrum:1776925063000:crates/catalog/src/wal.rs": "no_counterpart",
    # PT9: the rejected text is blank, so it is no candidate
    "scrum:1776925124000:crates/gateway/src/manifest.rs": "no_counterpart",
    "scrum:1776925185000:crates/ingest/tests/partition_test.rs": "ineligible",
    # PT11: task_ids "observer-task-pt11" and "observer-task-pt11 " differ verbatim
    "scrum:1776925368000:crates/planner/src/pool.rs": "no_counterpart",
    "scrum:1776925429000:crates/querycore/src/config.rs": "no_counterpart",
}


@pytest.fixture(scope="module")
def pairs(root) -> dict[tuple[str, str], list[tuple]]:
    got: dict[tuple[str, str], list[tuple]] = {}
    for chosen, rejected, task_id in sql(
        root, "select chosen_run_id, rejected_run_id, task_id from preference_pairs"
    ):
        got.setdefault((chosen, rejected), []).append((task_id, EXPORTED, None, None))
    for record, rejected, reason, input_file, input_line in sql(
        root,
        "select source_record, run_id, reason, source_provenance.input_file,"
        " source_provenance.input_line from quarantine_preference",
    ):
        chosen = json.loads(record)["chosen"]["evidence"]
        got.setdefault((chosen["run_id"], rejected), []).append(
            (chosen["task_id"], reason, input_file, input_line)
        )
    return got


def test_no_preference_pair_outside_the_documented_ones(pairs):
    assert sorted(pairs) == sorted((chosen, rejected) for _, chosen, rejected, *_ in PAIRS)


@pytest.mark.parametrize(
    "task_id, chosen, rejected, outcome, line",
    [pytest.param(*row[:5], id=row[5]) for row in PAIRS],
)
def test_each_documented_pair_is_exported_or_quarantined_with_its_reason(
    pairs, task_id, chosen, rejected, outcome, line
):
    expected = (task_id, EXPORTED, None, None) if outcome == EXPORTED else (
        task_id, outcome, SCORED, line)  # fmt: skip
    assert pairs.get((chosen, rejected)) == [expected]


def test_documented_no_pair_runs_are_in_no_pair_and_counted_by_cause(root, pairs):
    in_pairs = {run_id for pair in pairs for run_id in pair}
    assert in_pairs.isdisjoint(NO_PAIR)
    statuses = dict(
        sql(
            root,
            "select run_id, preference_status from rpt_preference_run_status"
            f" where run_id in {tuple(NO_PAIR)}",
        )
    )
    assert statuses == NO_PAIR


# --- the written files --------------------------------------------------------------------------


def test_exported_files_hold_exactly_the_documented_runs_and_no_unsafe_category(root):
    rag_rows = read_jsonl(root / "exports/rag/playbooks.jsonl")
    sft_rows = read_jsonl(root / "exports/sft/instruction_response.jsonl")
    pref_rows = read_jsonl(root / "exports/preference/chosen_rejected.jsonl")

    # invariant 2 (default options: no --include-review) and invariant 1
    assert {row["success_score"] for row in rag_rows} <= {"accepted", "partially_accepted"}
    assert not {row["quality_score"] for row in sft_rows} & {"rejected", "needs_human_review"}

    assert sorted(row["source_run_id"] for row in rag_rows) == sorted(
        run_id for _, run_id, rag, _, _ in RUNS if rag == EXPORTED
    )
    assert sorted(row["source_run_id"] for row in sft_rows) == sorted(
        run_id for _, run_id, _, sft, _ in RUNS if sft == EXPORTED
    )
    assert sorted((row["chosen_run_id"], row["rejected_run_id"]) for row in pref_rows) == sorted(
        (chosen, rejected) for _, chosen, rejected, outcome, *_ in PAIRS if outcome == EXPORTED
    )


def test_quarantine_files_hold_exactly_the_documented_reasons(root):
    def rows(name: str) -> list[dict]:
        return read_jsonl(root / f"exports/quarantine/{name}.jsonl")

    assert sorted(
        (row["source_provenance"]["input_file"], row["source_provenance"]["input_line"],
         row["reason"]) for row in rows("ingest")
    ) == sorted((*where, reason) for where, (reason, _) in INGEST_QUARANTINE.items())  # fmt: skip
    assert sorted((row["run_id"], row["reason"]) for row in rows("rag")) == sorted(
        (run_id, rag) for _, run_id, rag, _, _ in RUNS if rag != EXPORTED
    )
    assert sorted((row["run_id"], row["reason"]) for row in rows("sft")) == sorted(
        (run_id, sft) for _, run_id, _, sft, _ in RUNS if sft != EXPORTED
    )
    assert sorted((row["run_id"], row["reason"]) for row in rows("preference")) == sorted(
        (rejected, outcome) for _, _, rejected, outcome, *_ in PAIRS if outcome != EXPORTED
    )
