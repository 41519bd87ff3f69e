"""The defects set's case families: one function per family, run in the order of the table.

Each family writes its lines through the builder and states what SPEC expects of each line, run
and pair. The order is the order of the files (and of the random draws): do not reorder.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from tools.sample.builder import (
    API_KEY,
    AWS_KEY,
    GH_TOKEN,
    NEAR_MISS,
    PRIVATE_KEY,
    SLACK_TOKEN,
    DefectsBuilder,
)
from tools.sample.common import dumps, iso, shift, sorted_paths
from tools.sample.defects import EXPORTED, Defects
from tools.sample.pairs import preference


def valid_runs(b: DefectsBuilder) -> None:
    """Valid runs of every category, among blank lines; the first line follows the BOM."""
    r = b.record(b.run_id())
    b.ev(r, "valid accepted run, after the byte-order mark")
    b.scored_run(r, "accepted", "accepted", EXPORTED, EXPORTED)
    r = b.record(b.run_id("observer"))
    b.ev(r, "valid accepted run, line ends in CRLF")
    b.d.evidence[-1].end = b"\r\n"
    b.scored_run(r, "accepted", "accepted (evidence line ends in CRLF)", EXPORTED, EXPORTED)
    b.ev("", "empty line", "blank")
    r = b.record(b.run_id())
    b.ev(r, "valid partially accepted run")
    b.scored_run(r, "partially_accepted", "partially_accepted", EXPORTED, "category_disallowed")
    b.ev("  \t ", "whitespace-only line (spaces, tab)", "blank")
    r = b.record(b.run_id("mode"))
    b.ev(r, "valid needs_human_review run")
    b.scored_run(
        r,
        "needs_human_review",
        "needs_human_review",
        "category_disallowed",
        "unsafe_sft_category",
    )
    b.ev("\u00a0\u00a0", "line of two U+00A0 (whitespace per SPEC §2)", "blank")
    r = b.record(b.run_id(), task_id=None)
    b.ev(r, "valid rejected run, task_id null")
    b.scored_run(r, "rejected", "rejected", "unsafe_rag_category", "unsafe_sft_category")


def malformed(b: DefectsBuilder) -> None:
    """Evidence lines that are no JSON object: truncated, array, string, null, bad bytes."""
    sv = "schema_violation"
    rid = b.run_id()
    line = dumps(b.record(rid))
    b.ev(line[:90], "not JSON: record truncated mid-string", sv, rid)
    b.orphaned(rid, "truncated evidence")
    rid = b.run_id()
    b.ev("[" + dumps(b.record(rid)) + "]", "JSON array instead of an object", sv, rid)
    rid = b.run_id()
    b.ev(dumps(dumps(b.record(rid))), "JSON string (double-encoded record)", sv, rid)
    b.ev("null", "JSON null instead of an object", sv)
    rid = b.run_id()
    line = dumps(b.record(rid)).replace("naïve", "na\udcefve")
    b.ev(line, "invalid UTF-8: byte 0xEF alone inside text", sv, rid)
    b.orphaned(rid, "invalid UTF-8")
    rid = b.run_id()
    line = dumps(b.record(rid)).replace("## Review", "## Re\x01view", 1)
    b.ev(line, "raw control character U+0001 inside text", sv, rid)
    rid = b.run_id()
    line = dumps(b.record(rid)).replace("## Review", "## Review\t", 1)
    b.ev(line, "raw TAB inside text", sv, rid)
    rid = b.run_id()
    line = dumps(b.record(rid)).replace("## Review", "## \\ud800Review", 1)
    b.ev(line, "lone surrogate escape \\ud800 in text", sv, rid)
    b.orphaned(rid, "lone surrogate")
    r = b.record(b.run_id())
    line = dumps(r).replace("## Review", "## \\ud83d\\ude00 Review", 1)
    b.ev(line, "valid surrogate pair escape (an emoji) in text", run_id=r["run_id"])
    b.scored_run(r, "accepted", "accepted (emoji via surrogate pair)", EXPORTED, EXPORTED)


def schema(b: DefectsBuilder) -> None:
    """JSON objects that break the schema (duplicate keys, wrong types, missing or blank
    required fields), and what DuckDB's leniency lets through."""
    sv = "schema_violation"
    rid = b.run_id()
    r = b.record(rid)
    line = dumps(r)[:-1] + ', "text": "second text"}'
    b.ev(line, "duplicate top-level key `text`", sv, rid)
    rid = b.run_id()
    r = b.record(rid)
    prov = dumps(r["provenance"])
    line = dumps(r).replace(prov, prov[:-1] + ', "line": 7}')
    b.ev(line, "duplicate key `line` inside provenance", sv, rid)
    b.orphaned(rid, "duplicate provenance key")
    rid = b.run_id()
    line = dumps(b.record(rid)).replace(
        '"context": {"matrix": ["lakehouse_arch_v1", "lakehouse_symbols_v1"]}',
        '"context": {"matrix": ["lakehouse_arch_v1"], "matrix": ["crate_graph_v3"]}',
    )
    b.ev(line, "duplicate key `matrix` inside context", sv, rid)
    r = b.record(b.run_id())
    line = dumps(r)[:-1] + ', "meta": {"attempt": 1, "attempt": 2}}'
    b.ev(
        line,
        "duplicate key one level deeper (extra field `meta`): not checked",
        run_id=r["run_id"],
    )
    b.scored_run(r, "accepted", "accepted (duplicate key deeper)", EXPORTED, EXPORTED)
    r = b.record(b.run_id())
    line = dumps(r)[:-1] + ', "latency_ms": NaN, "tokens": [1, 2,],}'
    b.ev(line, "DuckDB leniency: NaN literal and trailing commas", run_id=r["run_id"])
    b.scored_run(r, "accepted", "accepted (NaN, trailing commas)", EXPORTED, EXPORTED)
    r = b.record(b.run_id())
    r["text"] = r["text"].replace("## Review", "## Review\x7f", 1)
    b.ev(r, "raw U+007F inside text (valid JSON)")
    b.scored_run(r, "accepted", "accepted (raw U+007F)", EXPORTED, EXPORTED)
    rid = b.run_id()
    r = b.record(rid)
    r["file_refs"] = r["file_refs"][0]
    b.ev(r, "wrong type: file_refs is a string", sv)
    b.orphaned(rid, "file_refs string")
    b.ev(b.record(b.run_id(), text=42), "wrong type: text is a number", sv)
    b.ev(
        b.record(b.run_id(), provenance="data/_kb/scrum_reviews.jsonl:12"),
        "wrong type: provenance is a string",
        sv,
    )
    b.ev(
        b.record(b.run_id(), context=["lakehouse_arch_v1"]),
        "wrong type: context is an array",
        sv,
    )
    b.ev(b.record(b.run_id(), task_id=4711), "wrong type: task_id is a number", sv)
    r = b.record(b.run_id())
    del r["run_id"]
    b.ev(r, "required field run_id missing", sv)
    rid = b.run_id()
    r = b.record(rid)
    del r["task_type"]
    b.ev(r, "required field task_type missing", sv, rid)
    b.orphaned(rid, "task_type missing")
    r = b.record(b.run_id())
    r["run_id"] = "   "
    b.ev(r, "blank run_id", sv)
    r = b.record(b.run_id())
    r["run_id"] += "\u0007"
    b.ev(r, "control character (escaped \\u0007) in run_id", sv)


def duplicates_and_unscored(b: DefectsBuilder) -> None:
    """Evidence recorded twice (the earliest parseable record wins) and evidence never scored."""
    rid = b.run_id()
    early = b.record(rid)
    late = json.loads(dumps(early))
    late["provenance"]["recorded_at"] = shift(early["provenance"]["recorded_at"], 3_600_000)
    late["provenance"]["line"] += 50
    b.ev(late, "duplicate run_id, later recorded_at (first in file)", "duplicate_id")
    b.ev(early, "duplicate run_id, earliest recorded_at: the canonical record")
    b.scored_run(early, "accepted", "accepted (evidence duplicated)", EXPORTED, EXPORTED)
    rid = b.run_id()
    good = b.record(rid)
    bad = json.loads(dumps(good))
    bad["provenance"]["recorded_at"] = "2026-04-23T25:00:00Z"
    b.ev(bad, "duplicate run_id, unparseable recorded_at (sorts last)", "duplicate_id")
    b.ev(good, "duplicate run_id, parseable recorded_at: the canonical record")
    b.scored_run(
        good, "accepted", "accepted (evidence duplicated, one unparseable)", EXPORTED, EXPORTED
    )
    b.ev(b.record(b.run_id()), "unscored evidence (no scored run)")


def content_and_provenance(b: DefectsBuilder) -> None:
    """Blank content and incomplete or unparseable provenance, against both gates."""

    def case(rec: dict, what: str, category: str, rag: str, sft: str) -> None:
        b.ev(rec, what)
        b.scored_run(rec, category, f"{category}: {what}", rag, sft)

    ec, mp = "empty_content", "missing_provenance"
    case(b.record(b.run_id(), text="   "), "text of spaces", "accepted", ec, ec)
    case(
        b.record(b.run_id(), text=None),
        "text null",
        "partially_accepted",
        ec,
        "category_disallowed",
    )
    case(
        b.record(b.run_id(), text="\u00a0\u3000\n"),
        "text of U+00A0, U+3000, newline",
        "accepted",
        ec,
        ec,
    )
    case(
        b.record(b.run_id(), instruction=""),
        "instruction empty",
        "accepted",
        EXPORTED,
        ec,
    )
    case(b.record(b.run_id(), provenance=None), "provenance null", "accepted", mp, mp)
    r = b.record(b.run_id())
    del r["provenance"]["sig_hash"]
    case(r, "provenance without sig_hash", "accepted", mp, mp)
    r = b.record(b.run_id())
    r["provenance"]["recorded_at"] = 1776920000
    case(r, "provenance.recorded_at a number (wrong sub-type: absent)", "accepted", mp, mp)
    r = b.record(b.run_id())
    r["provenance"]["line"] = "12"
    case(
        r,
        "provenance.line a string (absent: exported with line null)",
        "accepted",
        EXPORTED,
        EXPORTED,
    )
    r = b.record(b.run_id())
    r["provenance"]["recorded_at"] = "2026-02-30T10:00:00Z"
    case(r, "recorded_at not a calendar date (2026-02-30)", "accepted", mp, mp)
    r = b.record(b.run_id())
    r["provenance"]["recorded_at"] = "2026-04-23T10:00:60Z"
    case(r, "recorded_at with second 60", "accepted", mp, mp)
    r = b.record(b.run_id())
    r["provenance"]["recorded_at"] = "2026-04-23T12:00:00.123456789+02:00"
    case(
        r,
        "recorded_at with 9 fraction digits and an offset (valid)",
        "accepted",
        EXPORTED,
        EXPORTED,
    )


def paths_and_secrets(b: DefectsBuilder) -> None:
    """file_refs unsafe, unlisted or listed on the manifest's edge lines; a secret in each field."""
    hp, sd = "hallucinated_file_path", "secret_detected"

    def case(rec: dict, what: str, rag: str, sft: str, category: str = "accepted") -> None:
        b.ev(rec, what)
        b.scored_run(rec, category, f"{category}: {what}", rag, sft)

    for bad, what in (
        ("/etc/passwd", "absolute path"),
        ("../secrets/prod.env", "a `..` segment"),
        ("crates\\vectord\\src\\lib.rs", "backslashes"),
        ("~/notes/todo.md", "home-relative `~`"),
        ("C:/Users/dev/main.rs", "drive letter `C:`"),
    ):
        r = b.record(b.run_id())
        r["file_refs"] = [r["file_refs"][0], bad]
        case(r, f"unsafe file_ref: {what}", hp, hp)
    r = b.record(b.run_id())
    r["file_refs"] = [r["file_refs"][0], "crates/vectord/src/playbook_memory_v2.rs"]
    case(r, "file_ref not in the manifest", hp, hp)
    r = b.record(b.run_id())
    r["file_refs"] = ["./" + r["file_refs"][0]]
    case(r, "file_ref with a leading `./` (listed once it is removed)", EXPORTED, EXPORTED)
    crlf_path = "docs/runbooks/failover.md"
    r = b.record(b.run_id(path=crlf_path))
    case(r, "file_ref listed on the manifest's CRLF line", EXPORTED, EXPORTED)
    b.crlf_path = crlf_path
    r = b.record(b.run_id(path=".github/workflows/ci.yml"))
    case(r, "file_ref listed on the manifest's first line (after its BOM)", EXPORTED, EXPORTED)
    b.first_path = ".github/workflows/ci.yml"

    r = b.record(b.run_id())
    r["text"] = r["text"].replace("\n\n", f"\n\nThe config still holds `{AWS_KEY}`.\n\n", 1)
    case(r, "secret in text: AWS access key id", sd, sd)
    r = b.record(b.run_id())
    r["text"] += f"\n\nexport GITHUB_TOKEN={GH_TOKEN}"
    case(r, "secret in text: GitHub token", sd, sd)
    r = b.record(b.run_id())
    r["title"] = f"Review ({API_KEY})"
    case(r, "secret in title only: API key (title is not an SFT field)", sd, EXPORTED)
    r = b.record(b.run_id())
    r["instruction"] += f" Post the result with {SLACK_TOKEN}."
    case(r, "secret in instruction only: Slack token (not a RAG field)", EXPORTED, sd)
    r = b.record(b.run_id())
    r["text"] += "\n\n```\n" + PRIVATE_KEY + "\n```"
    case(r, "secret in text: private key block", sd, sd)
    r = b.record(b.run_id())
    r["model"] = "proxy/" + API_KEY
    case(r, "secret in model, so in the built SFT context only", EXPORTED, sd)
    r = b.record(b.run_id())
    r["text"] += f"\n\nNot a key: {NEAR_MISS} (15 characters after AKIA)."
    case(r, "near miss: AKIA followed by 15 characters", EXPORTED, EXPORTED)


def task_classes(b: DefectsBuilder) -> None:
    """Task types of the extraction and unclassified task classes: SFT refuses both."""
    cd = "category_disallowed"
    r = b.record(b.run_id("audit"), task_type="audit_facts")
    b.ev(r, "extraction task type audit_facts")
    b.scored_run(r, "accepted", "accepted, task class extraction", EXPORTED, cd)
    r = b.record(b.run_id("distill"), task_type="distilled_playbook")
    b.ev(r, "extraction task type distilled_playbook (distilled_%)")
    b.scored_run(r, "accepted", "accepted, task class extraction", EXPORTED, cd)
    r = b.record(b.run_id("triage"), task_type="triage_note")
    b.ev(r, "task type matching no seed row (unclassified)")
    b.scored_run(r, "accepted", "accepted, task class unclassified", EXPORTED, cd)


def rescores(b: DefectsBuilder) -> None:
    """Re-scores: the evidence lines first, the scores below (some interleaved)."""
    rs = [b.record(b.run_id()) for _ in range(4)]
    for i, r in enumerate(rs, 1):
        b.ev(r, f"re-scored run RS{i} (see scored_runs.jsonl)")
    t0 = int(rs[0]["run_id"].split(":")[1]) + 600_000
    s = b.score
    ids = [r["run_id"] for r in rs]
    b.sc(s(ids[0], "accepted", scored_at=iso(t0)), "RS1 first score", superseded=True)
    b.sc(s(ids[1], "accepted", scored_at=iso(t0 + 3 * 3_600_000)), "RS2 latest score")
    b.sc(
        s(ids[2], "partially_accepted", scored_at=iso(t0)),
        "RS3 tie, earlier line",
        superseded=True,
    )
    b.sc(s(ids[3], "needs_human_review", scored_at=iso(t0)), "RS4 parseable scored_at")
    b.sc(
        s(ids[0], "rejected", scored_at=iso(t0 + 86_400_000)),
        "RS1 re-scored later as rejected",
    )
    b.sc(
        s(ids[1], "needs_human_review", scored_at=iso(t0)),
        "RS2 older score, later in file",
        superseded=True,
    )
    b.sc(
        s(ids[2], "accepted", scored_at=iso(t0)),
        "RS3 tie on scored_at: the later line wins",
    )
    b.sc(
        s(ids[3], "accepted", scored_at="yesterday"),
        "RS4 unparseable scored_at counts as oldest",
        superseded=True,
    )
    b.sc(
        s(ids[1], "rejected", scored_at=shift(iso(t0), 7_200_000).replace("Z", "+01:00")),
        "RS2 older score (t0 + 1 h, written with offset +01:00)",
        superseded=True,
    )
    b.expect(
        ids[0],
        "RS1: accepted, then rejected later",
        "unsafe_rag_category",
        "unsafe_sft_category",
    )
    b.expect(ids[1], "RS2: three scores, accepted is the latest", EXPORTED, EXPORTED)
    b.expect(ids[2], "RS3: tie on scored_at, later line (accepted) wins", EXPORTED, EXPORTED)
    b.expect(
        ids[3],
        "RS4: needs_human_review wins over an unparseable scored_at",
        "category_disallowed",
        "unsafe_sft_category",
    )


def scored_defects(b: DefectsBuilder) -> None:
    """Scored-run lines that break the schema, and scored runs without any evidence."""
    sv = "schema_violation"
    c1 = b.record(b.run_id())
    b.ev(c1, "evidence whose only score is invalid: unscored")
    b.sc(b.score(c1["run_id"], "approved"), "category outside the enum", sv)
    rid = b.run_id()
    b.sc(b.score(rid, "Accepted"), "category in the wrong case", sv)
    b.sc('{"run_id": "scrum:1:x", "category": "accepted"', "not JSON: truncated", sv)
    b.sc("[" + dumps(b.score(b.run_id(), "accepted")) + "]", "JSON array", sv)
    b.sc("", "empty line", "blank")
    s = b.score(b.run_id(), "accepted")
    del s["category"]
    b.sc(s, "required field category missing", sv)
    s = b.score(b.run_id(), "accepted")
    del s["run_id"]
    b.sc(s, "required field run_id missing", sv)
    b.sc(b.score(b.run_id(), "accepted", rationale=3), "wrong type: rationale a number", sv)
    b.sc(
        b.score(b.run_id(), "accepted", scored_at=1776920000),
        "wrong type: scored_at a number",
        sv,
    )
    b.sc(b.score(" ", "accepted"), "blank run_id", sv)
    b.sc("   ", "whitespace-only line", "blank")
    # Orphans: scored runs with no evidence at all.
    rid = b.run_id()
    b.sc(b.score(rid, "accepted"), "accepted, no evidence record")
    b.expect(rid, "orphan", "missing_source_run_id", "missing_source_run_id")
    rid = b.run_id()
    b.sc(b.score(rid, "needs_human_review"), "needs_human_review, no evidence record")
    b.expect(rid, "orphan", "category_disallowed", "unsafe_sft_category")
    rid = b.run_id()
    b.sc(b.score(rid, "rejected"), "rejected, no evidence record")
    b.expect(rid, "orphan", "unsafe_rag_category", "unsafe_sft_category")
    rid = b.run_id()
    b.sc(b.score(rid, "partially_accepted"), "partially_accepted, no evidence record")
    b.expect(rid, "orphan", "missing_source_run_id", "category_disallowed")


def finish(b: DefectsBuilder) -> None:
    """The last evidence line (no trailing newline), then the manifest of every cited path."""
    # The last evidence line: a valid run, without a trailing newline.
    r = b.record(b.run_id())
    b.ev(r, "valid accepted run, last line, no trailing newline")
    b.d.evidence[-1].end = b""
    b.scored_run(r, "accepted", "accepted (last evidence line, no newline)", EXPORTED, EXPORTED)
    # Superseded lines are not winners; a staged line of a run is its latest score.
    paths = sorted_paths(b.refs | {b.crlf_path, b.first_path})
    assert paths[0] == b.first_path, paths[0]
    mid = len(paths) // 2
    manifest = [(p, b"\r\n" if p == b.crlf_path else b"\n") for p in paths]
    manifest.insert(mid, ("", b"\n"))
    b.d.manifest = manifest
    b.d.notes.append(
        "Gate 8 (`duplicate_id` in RAG/SFT/preference) cannot fire on valid input: export ids "
        "hash the run_id, which is unique once scores are resolved. It stays a guard."
    )


# Every family, in the order its lines stand in the files.
CASE_FAMILIES: tuple[Callable[[DefectsBuilder], None], ...] = (
    valid_runs,
    malformed,
    schema,
    duplicates_and_unscored,
    content_and_provenance,
    paths_and_secrets,
    task_classes,
    rescores,
    preference,
    scored_defects,
    finish,
)


def build_defects() -> Defects:
    """The defects set, with what SPEC expects of every line, run and pair."""
    b = DefectsBuilder()
    for family in CASE_FAMILIES:
        family(b)
    return b.d
