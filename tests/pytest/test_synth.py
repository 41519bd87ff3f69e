"""The synthetic substrate, the shipped sample (SPEC §8) and the defects set.

The inputs are checked by a small reference reading of SPEC §2-§4 (reading.py: strict parsing,
schema, canonical evidence, latest score, the RAG/SFT gates and preference pairing), deliberately
independent of the dbt models: it checks that the *inputs* hold what they claim to hold.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import pathlib
import re
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

import pytest
from reading import (
    Reading,
    bad_refs,
    evidence_valid,
    is_blank_line,
    parse_line,
    provenance_complete,
    read,
    read_manifest,
    score_valid,
    sft_context,
    split_lines,
    task_class,
)
from spec_oracle import (
    blank,
    contaminated,
    eval_protected,
    eval_texts,
    jaccard,
    parse_ts,
    secret,
    shared_sequences,
    unsafe_path,
)
from spec_oracle import shingles as oracle_shingles
from spec_oracle import tokens as oracle_tokens

from distill import synth
from distill.cli import main
from distill.synth import writer
from tools import sample

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLE_DIR = ROOT / "data" / "sample"
FILES = ("evidence.jsonl", "scored_runs.jsonl", "repo_manifest.txt")


def sha(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load(d: pathlib.Path) -> tuple[bytes, bytes, bytes]:
    return tuple((d / f).read_bytes() for f in FILES)  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------
# synth
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[pathlib.Path, dict]:
    out = tmp_path_factory.mktemp("clean")
    return out, synth.write_substrate(out, 2000, seed=1, defect_rate=0.0)


@pytest.fixture(scope="module")
def defective(tmp_path_factory: pytest.TempPathFactory) -> tuple[pathlib.Path, dict]:
    out = tmp_path_factory.mktemp("defective")
    return out, synth.write_substrate(out, 2000, seed=2, defect_rate=0.3)


def test_same_seed_writes_identical_bytes(tmp_path: pathlib.Path) -> None:
    a = synth.write_substrate(tmp_path / "a", 700, seed=7, defect_rate=0.2)
    b = synth.write_substrate(tmp_path / "b", 700, seed=7, defect_rate=0.2)
    assert a == b
    for f in FILES:
        assert sha(tmp_path / "a" / f) == sha(tmp_path / "b" / f), f


def test_different_seed_writes_different_bytes(tmp_path: pathlib.Path) -> None:
    synth.write_substrate(tmp_path / "a", 700, seed=7)
    synth.write_substrate(tmp_path / "b", 700, seed=8)
    for f in ("evidence.jsonl", "scored_runs.jsonl"):
        assert sha(tmp_path / "a" / f) != sha(tmp_path / "b" / f), f


def test_output_does_not_depend_on_worker_processes(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "CHUNK_RUNS", 400)  # 5 chunks
    monkeypatch.setattr(writer, "_workers", lambda chunks: 3)  # the multi-process path
    synth.write_substrate(tmp_path / "parallel", 1900, seed=5, defect_rate=0.1)
    monkeypatch.setattr(writer, "_workers", lambda chunks: 1)
    synth.write_substrate(tmp_path / "serial", 1900, seed=5, defect_rate=0.1)
    for f in FILES:
        assert sha(tmp_path / "parallel" / f) == sha(tmp_path / "serial" / f), f


def test_short_texts_keep_the_runs_and_defects_in_under_half_the_bytes(
    tmp_path: pathlib.Path, clean: tuple[pathlib.Path, dict]
) -> None:
    _, full = clean
    counts = synth.write_substrate(tmp_path, 2000, seed=1, defect_rate=0.0, short_texts=True)
    assert (counts["runs"], counts["evidence_lines"], counts["scored_lines"]) == (
        full["runs"], full["evidence_lines"], full["scored_lines"]
    )  # fmt: skip
    assert counts["evidence_bytes"] * 2 < full["evidence_bytes"], (counts, full)
    evidence, _, _ = load(tmp_path)
    texts = [parse_line(raw)["text"] for raw in split_lines(evidence)]
    assert all(0 < len(t.encode()) < 1024 for t in texts)
    assert all(t.startswith("## ") for t in texts)
    planted = synth.write_substrate(
        tmp_path / "d", 2000, seed=2, defect_rate=0.3, short_texts=True
    )["defects"]
    assert all(n > 0 for n in planted.values()), planted


def test_valid_lines_carry_every_spec_field(clean: tuple[pathlib.Path, dict]) -> None:
    out, counts = clean
    evidence, scored, manifest_bytes = load(out)
    manifest = read_manifest(manifest_bytes)
    assert manifest_bytes.decode().split("\n")[:-1] == sorted(manifest, key=str.encode)
    ev_lines, sc_lines = split_lines(evidence), split_lines(scored)
    assert len(ev_lines) == len(sc_lines) == counts["runs"] == counts["evidence_lines"] == 2000
    assert b"\r" not in evidence and evidence.endswith(b"\n")
    assert "—".encode() in evidence and "é".encode() in evidence
    task_types, instructions, tasks = Counter(), {}, Counter()
    for raw in ev_lines:
        rec = parse_line(raw)
        assert rec is not None and evidence_valid(rec), raw[:200]
        assert json.dumps(rec, ensure_ascii=False).encode() == raw  # valid, canonical JSON
        assert list(rec) == [
            "run_id", "task_id", "task_type", "role", "model", "instruction", "context", "text",
            "title", "file_refs", "provenance",
        ]  # fmt: skip
        _, ms, path = rec["run_id"].split(":", 2)
        assert ms.isdigit() and len(ms) == 13 and path in manifest
        task_types[rec["task_type"]] += 1
        assert provenance_complete(rec) and isinstance(rec["provenance"]["line"], int)
        assert re.fullmatch(r"[0-9a-f]{64}", rec["provenance"]["sig_hash"])
        assert 1024 <= len(rec["text"].encode()) <= 4000
        assert rec["text"].startswith("## ")
        assert not blank(rec["instruction"]) and not bad_refs(rec, manifest)
        assert not secret(rec["title"], rec["text"], rec["instruction"], sft_context(rec))
        if rec["task_id"] is not None:
            tasks[rec["task_id"]] += 1
            assert instructions.setdefault(rec["task_id"], rec["instruction"]) == rec["instruction"]
    assert set(task_types) >= {
        "scrum_review", "observer_review", "mode_experiment", "observer_escalation",
        "audit_facts", "distilled_playbook",
    }  # fmt: skip
    assert max(tasks.values()) <= 6 and Counter(tasks.values())[1] > 0
    reading = read(evidence, scored, manifest_bytes)
    assert set(reading.scores) == set(reading.evidence)
    share = Counter(s["category"] for s in reading.scores.values())
    for category, expected in (
        ("accepted", 0.36),
        ("partially_accepted", 0.13),
        ("rejected", 0.04),
        ("needs_human_review", 0.47),
    ):
        assert abs(share[category] / 2000 - expected) < 0.03, (category, share)
    # Rejected runs mostly share a task with an accepted run: preference pairs in numbers.
    paired = {rej for _, rej in reading.pairs}
    assert len(paired) >= 0.7 * share["rejected"]
    assert Counter(reading.pairs.values())["exported"] == len(paired)


DEFECT_PARSE_KINDS = (
    "not_json", "json_array", "json_string", "invalid_utf8", "raw_control_char",
    "lone_surrogate", "duplicate_key_top", "duplicate_key_provenance", "duplicate_key_context",
)  # fmt: skip


def test_every_defect_kind_is_planted_where_claimed(defective: tuple[pathlib.Path, dict]) -> None:
    out, counts = defective
    d = counts["defects"]
    assert set(d) == set(synth.DEFECT_KINDS)
    assert all(n > 0 for n in d.values()), d
    assert counts["defects_total"] == sum(d.values())
    evidence, scored, manifest_bytes = load(out)
    manifest = read_manifest(manifest_bytes)
    ev_lines, sc_lines = split_lines(evidence), split_lines(scored)
    assert (counts["evidence_lines"], counts["scored_lines"]) == (len(ev_lines), len(sc_lines))
    r = read(evidence, scored, manifest_bytes)
    ev_in, sc_in = Counter(r.evidence_ingest), Counter(r.scored_ingest)
    assert ev_in["blank"] + sc_in["blank"] == d["blank_line"]
    unparsable = sum(parse_line(x) is None for x in ev_lines if not is_blank_line(x))
    assert unparsable == sum(d[k] for k in DEFECT_PARSE_KINDS)
    shared = d["blank_run_id"] + d["control_char_run_id"]  # both lines of the run
    evidence_bad = sum(d[k] for k in DEFECT_PARSE_KINDS) + (
        d["wrong_type_evidence"] + d["missing_required_evidence"]
    )
    scored_bad = d["wrong_type_scored"] + d["missing_required_scored"] + d["category_invalid"]
    scored_bad += d["scored_not_json"]
    assert ev_in["schema_violation"] == evidence_bad + shared
    assert sc_in["schema_violation"] == scored_bad + shared
    assert ev_in["duplicate_id"] == d["duplicate_evidence"]
    orphans = set(r.scores) - set(r.evidence)
    assert len(orphans) == d["orphan_scored"] + evidence_bad
    assert len(set(r.evidence) - set(r.scores)) == d["unscored_evidence"] + scored_bad
    canon = list(r.evidence.values())
    assert sum(blank(e["text"]) for e in canon) == d["blank_text"]
    assert sum(blank(e["instruction"]) for e in canon) == d["blank_instruction"]
    incomplete = sum(not provenance_complete(e) for e in canon)
    assert incomplete == d["missing_provenance"] + d["unparseable_recorded_at"]
    assert (
        sum(any(unsafe_path(p) for p in e["file_refs"] or []) for e in canon)
        == (d["unsafe_file_ref"])
    )
    assert sum(bad_refs(e, manifest) for e in canon) == (
        d["unsafe_file_ref"] + d["file_ref_not_in_manifest"]
    )
    leaked = sum(secret(e["title"], e["text"], e["instruction"]) for e in canon)
    assert leaked == d["secret"]
    scored_ok = [parse_line(x) for x in sc_lines if not is_blank_line(x)]
    scored_ok = [s for s in scored_ok if s is not None and score_valid(s)]
    assert sum(parse_ts(s["scored_at"]) is None for s in scored_ok) == d["unparseable_scored_at"]
    assert sum(n > 1 for n in r.score_counts.values()) == d["rescored"]
    assert sum(r.score_counts.values()) - len(r.score_counts) >= d["rescored"]


# --------------------------------------------------------------------------------------------
# The shipped sample (SPEC §8)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> tuple[tuple[bytes, bytes, bytes], Reading]:
    files = load(SAMPLE_DIR)
    return files, read(*files)


def test_sample_has_the_spec_composition(shipped: tuple) -> None:
    (_, _, manifest_bytes), r = shipped
    assert set(r.evidence_ingest) == {"staged"} and set(r.scored_ingest) == {"staged"}
    assert len(r.scores) == sum(r.score_counts.values()) == 1052  # one score per run
    assert Counter(s["category"] for s in r.scores.values()) == sample.SAMPLE_COUNTS
    orphans = [run for run in r.scores if run not in r.evidence]
    assert len(orphans) == 33 and {r.scores[o]["category"] for o in orphans} == {"accepted"}
    assert set(r.evidence) <= set(r.scores)
    blanks = [run for run, e in r.evidence.items() if blank(e["text"])]
    assert len(blanks) == 37
    assert {r.scores[b]["category"] for b in blanks} == {"partially_accepted"}
    manifest = read_manifest(manifest_bytes)
    refs = {p for e in r.evidence.values() for p in e["file_refs"]}
    assert refs == manifest
    assert manifest_bytes.decode().split("\n")[:-1] == sorted(manifest, key=str.encode)
    for e in r.evidence.values():
        assert task_class(e["task_type"]) == "conversational"
        assert provenance_complete(e) and not blank(e["instruction"])
        assert not bad_refs(e, manifest)
        assert not secret(e["title"], e["text"], e["instruction"], sft_context(e))
    for s in r.scores.values():
        assert parse_ts(s["scored_at"]) is not None
    ids = {(run, e["provenance"]["sig_hash"]) for run, e in r.evidence.items()}
    assert len(ids) == len(r.evidence) == 1052 - 33


def test_sample_exports_the_spec_reference_figures(shipped: tuple) -> None:
    (evidence, scored, _), r = shipped
    assert Counter(r.rag.values()) == {
        "exported": 446,
        "unsafe_rag_category": 39,
        "category_disallowed": 497,
        "missing_source_run_id": 33,
        "empty_content": 37,
    }
    assert Counter(r.sft.values()) == {
        "exported": 351,
        "unsafe_sft_category": 536,
        "category_disallowed": 132,
        "missing_source_run_id": 33,
    }
    without_manifest = read(evidence, scored, None)
    assert (without_manifest.rag, without_manifest.sft) == (r.rag, r.sft)  # §8: no manifest


def test_sample_holds_preference_pairs(shipped: tuple) -> None:
    (evidence, scored, manifest_bytes), r = shipped
    outcomes = Counter(r.pairs.values())
    assert outcomes == {"exported": sample.PAIRED_REJECTED}
    by_task = Counter(r.evidence[c]["task_id"] for c, _ in r.pairs)
    assert len(by_task) == sample.PREFERENCE_TASKS
    wider = read(evidence, scored, manifest_bytes, min_gap=1)
    assert len(wider.pairs) > len(r.pairs)


def test_sample_regenerates_byte_identical(tmp_path: pathlib.Path) -> None:
    sample.write_sample(tmp_path)
    committed = sorted(p.relative_to(SAMPLE_DIR) for p in SAMPLE_DIR.rglob("*") if p.is_file())
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert committed == fresh
    for rel in fresh:
        assert (tmp_path / rel).read_bytes() == (SAMPLE_DIR / rel).read_bytes(), rel


# --------------------------------------------------------------------------------------------
# The defects set
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def defects() -> tuple[sample.Defects, dict[str, bytes], Reading]:
    d = sample.build_defects()
    files = d.files()
    return (
        d,
        files,
        read(files["evidence.jsonl"], files["scored_runs.jsonl"], files["repo_manifest.txt"]),
    )


def test_defects_files_have_the_whole_file_edge_cases(defects: tuple) -> None:
    _, files, _ = defects
    ev, mf = files["evidence.jsonl"], files["repo_manifest.txt"]
    assert ev.startswith(b"\xef\xbb\xbf{") and mf.startswith(b"\xef\xbb\xbf")
    assert ev.split(b"\n")[1].endswith(b"\r") and ev.count(b"\r\n") == 1
    assert not ev.endswith(b"\n") and files["scored_runs.jsonl"].endswith(b"\n")
    assert b"\r\n" in mf and b"\n\n" in mf
    assert (
        40 <= len(split_lines(ev)) <= 100
        and 40 <= len(split_lines(files["scored_runs.jsonl"])) <= 100
    )


def test_defects_readme_states_what_the_spec_expects(defects: tuple) -> None:
    d, files, r = defects
    assert [x.ingest for x in d.evidence] == r.evidence_ingest
    assert [x.ingest for x in d.scored] == r.scored_ingest
    assert {run: (rag, sft) for run, (_, rag, sft) in d.runs.items()} == {
        run: (r.rag[run], r.sft[run]) for run in r.scores
    }
    winners = {n: run for run, n in r.score_lines.items()}
    assert d.winning_lines() == winners
    assert {(p.chosen, p.rejected): p.outcome for p in d.pairs} == r.pairs
    readme = files["README.md"].decode()
    for n, x in enumerate(d.evidence, 1):
        assert f"| {n} | " in readme and x.case.split("`")[0] in readme


def test_defects_cover_every_kind(defects: tuple) -> None:
    d, files, r = defects
    ev_lines = split_lines(files["evidence.jsonl"])
    raw_invalid = [x for x in ev_lines if not is_blank_line(x) and parse_line(x) is None]
    assert len(raw_invalid) >= 10
    cases = " ".join(x.case for x in d.evidence + d.scored)
    for needle in (
        "not JSON", "JSON array", "JSON string", "invalid UTF-8", "raw control character",
        "lone surrogate", "duplicate top-level key", "inside provenance", "inside context",
        "wrong type", "missing", "blank run_id", "control character (escaped", "outside the enum",
        "duplicate run_id", "unscored", "text of spaces", "instruction empty", "provenance null",
        "recorded_at not a calendar date", "absolute", "`..`", "backslashes", "`~`", "`C:`",
        "not in the manifest", "AWS", "GitHub", "API key", "Slack", "private key", "re-scored",
        "needs_human_review", "no evidence record", "empty line", "whitespace-only",
    ):  # fmt: skip
        assert needle in cases, needle
    assert Counter(r.pairs.values())["invalid_preference_pairing"] >= 3
    pt1 = [p for p in d.pairs if p.task_id == "scrum-task-pt1"]
    assert len(pt1) == 2 and {p.outcome for p in pt1} == {"exported"}
    assert sum(n > 1 for n in r.score_counts.values()) == 4


# --------------------------------------------------------------------------------------------
# The planted substrate (`distill synth --planted`): ground truth for SPEC §4.3's quality gates,
# checked against spec_oracle's own reading of §4.3
# --------------------------------------------------------------------------------------------

PLANTED_RUNS = 2000
EVAL_KINDS = ("verbatim", "case_ws", "short_whole", "near_miss_12", "short_ignored")
CONTAMINATING_KINDS = ("verbatim", "case_ws", "short_whole")


def synth_cli(*args: str) -> dict:
    """`distill synth ARGS --json` in this process; its counts."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["synth", *args, "--json"])
    assert code == 0
    return json.loads(out.getvalue())


@dataclass
class Planted:
    out: pathlib.Path
    counts: dict
    truth: dict
    reading: Reading
    evidence: dict[str, dict]  # canonical evidence per run_id
    eval_lines: list[dict]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Planted:
    out = tmp_path_factory.mktemp("planted")
    counts = synth_cli("--runs", str(PLANTED_RUNS), "--seed", "3", "--out", str(out), "--planted")
    files = load(out)
    reading = read(*files)
    truth = json.loads((out / "planted.json").read_text(encoding="utf-8"))
    eval_raw = (out / "eval_set.jsonl").read_bytes()
    eval_lines = [json.loads(x) for x in split_lines(eval_raw)]
    return Planted(out, counts, truth, reading, reading.evidence, eval_lines)


def rag_shingles(rec: dict) -> set[str]:
    return oracle_shingles(oracle_tokens(rec["text"]))


def sft_shingles(rec: dict) -> set[str]:
    return oracle_shingles(oracle_tokens(rec["instruction"]) + oracle_tokens(rec["text"]))


def test_planted_truth_matches_an_independent_jaccard(planted: Planted) -> None:
    truth, ev = planted.truth, planted.evidence
    pairs = truth["near_dup_pairs"]
    for p in pairs:
        a, b = ev[p["a"]], ev[p["b"]]
        for side, shingle in (("rag", rag_shingles), ("sft", sft_shingles)):
            sa, sb = shingle(a), shingle(b)
            inter, union = len(sa & sb), len(sa | sb)
            assert (p[f"{side}_inter"], p[f"{side}_union"]) == (inter, union), (side, p)
            assert p[f"{side}_jaccard"] == jaccard(sa, sb) == inter / union, (side, p)
    # Every pair of every group, and nothing else.
    recorded = {frozenset((p["a"], p["b"])) for p in pairs}
    assert len(recorded) == len(pairs)
    expected = {
        frozenset(x) for g in truth["near_dup_groups"] for x in combinations(g["runs"], 2)
    }  # fmt: skip
    assert recorded == expected
    # Similarities spread over 0.5-1.0, most of them 0.6-0.9, exact 1.0s, some below 0.5.
    rag = [p["rag_jaccard"] for p in pairs]
    assert sum(0.6 <= j < 0.9 for j in rag) >= 40
    assert sum(0.5 <= j < 0.6 for j in rag) >= 5 and sum(0.9 <= j < 1 for j in rag) >= 5
    assert sum(j == 1.0 for j in rag) >= 10 and sum(j < 0.5 for j in rag) >= 5
    # SFT differs from RAG where the instructions differ.
    assert sum(p["sft_jaccard"] != p["rag_jaccard"] for p in pairs) >= len(pairs) // 2
    # Exactly at the thresholds 0.5, 0.8 and 0.9, of RAG and of SFT, and just below.
    for t, (num, den) in (("0.5", (1, 2)), ("0.8", (4, 5)), ("0.9", (9, 10))):
        for side in ("rag", "sft"):
            exact = [p for p in pairs if p["edit"] == f"tail_exact_{t}_{side}"]
            below = [p for p in pairs if p["edit"] == f"tail_below_{t}_{side}"]
            assert exact and below, (t, side)
            for p in exact:
                assert p[f"{side}_inter"] * den == p[f"{side}_union"] * num
                assert p[f"{side}_jaccard"] >= float(t)
            assert all(p[f"{side}_jaccard"] < float(t) for p in below)
    # Every kind of edit, and case/whitespace/punctuation-only edits give exactly 1.0.
    steps = Counter(p["edit"] for p in pairs if p["steps"] == 1)
    for kind in ("swap", "insert", "delete", "mixed", "reorder", "case_ws", "punct", "identical"):
        assert steps[kind] > 0, kind
    edits = Counter(p["edit"] for p in pairs)
    assert steps["unicode_case"] > 0 and edits["tiny_case_ws"] > 0 and edits["tiny_append"] > 0
    for p in pairs:
        if p["edit"] in ("case_ws", "punct", "identical", "tiny_case_ws"):
            assert p["rag_jaccard"] == 1.0, p
        if p["edit"] == "unicode_case":  # SPEC lowercases ASCII letters only
            assert p["rag_jaccard"] < 1.0, p
        if p["edit"].startswith("tiny_"):
            assert len(oracle_tokens(ev[p["a"]]["text"])) < 5
    # Instructions: unique per run, except in groups that share one (and a task_id).
    instructions = Counter(ev[r]["instruction"] for r in truth["planted_runs"])
    for g in truth["near_dup_groups"]:
        recs = [ev[r] for r in g["runs"]]
        if g["shared_instruction"]:
            assert len({r["instruction"] for r in recs}) == 1
            assert len({r["task_id"] for r in recs}) == 1 and recs[0]["task_id"]
        else:
            assert all(instructions[r["instruction"]] == 1 for r in recs)
            assert all(r["task_id"] is None for r in recs)


def test_planted_groups_share_no_shingle_with_any_other_run(planted: Planted) -> None:
    """Runs of different groups, eval runs and normal runs have Jaccard 0: the recorded pairs
    are every similar pair among the planted runs, and no normal run is near one."""
    truth, ev = planted.truth, planted.evidence
    group_of = {r: g["group"] for g in truth["near_dup_groups"] for r in g["runs"]}
    for n, item in enumerate(truth["eval_items"]):
        group_of[item["run_id"]] = f"eval-{n}"
    for shingle in (rag_shingles, sft_shingles):
        owners: dict[str, set] = {}
        for run_id, rec in ev.items():
            if blank(rec.get("text")) or (shingle is sft_shingles and blank(rec["instruction"])):
                continue
            owner = group_of.get(run_id, "normal")
            for s in shingle(rec):
                owners.setdefault(s, set()).add(owner)
        for s, who in owners.items():
            if who != {"normal"}:
                assert len(who) == 1, (s, who)


def test_planted_runs_pass_every_gate_for_rag_and_sft(planted: Planted) -> None:
    truth, r = planted.truth, planted.reading
    runs = truth["planted_runs"]
    assert len(runs) == len(set(runs)) == planted.counts["planted"]["runs"] == 200
    near = {x for g in truth["near_dup_groups"] for x in g["runs"]}
    evals = {x["run_id"] for x in truth["eval_items"]}
    assert near | evals == set(runs) and not near & evals
    manifest = read_manifest((planted.out / "repo_manifest.txt").read_bytes())
    patterns = seed_secret_patterns()
    for run_id in runs:
        rec, score = r.evidence[run_id], r.scores[run_id]
        assert r.score_counts[run_id] == 1 and score["category"] == "accepted"
        assert rec["task_type"] == "scrum_review" and task_class("scrum_review") == "conversational"
        assert not blank(rec["instruction"]) and not blank(rec["text"])
        assert provenance_complete(rec) and not bad_refs(rec, manifest)
        assert (r.rag[run_id], r.sft[run_id]) == ("exported", "exported"), run_id
        for value in (rec["title"], rec["text"], rec["instruction"], sft_context(rec)):
            if isinstance(value, str):
                assert not any(p.search(value) for p in patterns), (run_id, value[:80])
    # Gate 8: unique run_ids and (run_id, sig_hash), so unique export ids.
    sigs = [r.evidence[x]["provenance"]["sig_hash"] for x in runs]
    others = {
        e["provenance"].get("sig_hash")
        for run_id, e in r.evidence.items()
        if run_id not in set(runs) and isinstance(e.get("provenance"), dict)
    }
    assert len(set(sigs)) == len(sigs) and not set(sigs) & others
    evidence = (planted.out / "evidence.jsonl").read_bytes()
    recs = [parse_line(x) for x in split_lines(evidence)]
    ids = Counter(x.get("run_id") for x in recs if x and isinstance(x.get("run_id"), str))
    assert all(ids[run_id] == 1 for run_id in runs)
    # SPEC §2 line separators other than `\n` are in the texts, but escaped in the lines.
    texts = "".join(r.evidence[x]["text"] for x in runs)
    assert "\u2028" in texts and "\x85" in texts and "\u3000" in texts
    assert "\u2028".encode() not in evidence and "\x85".encode() not in evidence


def seed_secret_patterns() -> list[re.Pattern]:
    """Every pattern of seeds/secret_patterns.csv that Python's re reads (RE2 syntax)."""
    import csv

    with open(ROOT / "seeds" / "secret_patterns.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for row in rows:
        try:
            out.append(re.compile(row["pattern"], re.ASCII))
        except re.error:
            continue
    assert len(out) >= 5
    return out


def test_planted_eval_verdicts_match_an_independent_reading(planted: Planted) -> None:
    truth, ev = planted.truth, planted.evidence
    # Every protected sequence of every eval text, and the lines that protect it.
    lines_of: dict[tuple[str, ...], set[int]] = {}
    for n, obj in enumerate(planted.eval_lines, 1):
        for text in eval_texts(obj):
            for seq in eval_protected(text):
                lines_of.setdefault(seq, set()).add(n)
    assert len(planted.eval_lines) == truth["eval_lines"] == 200
    protected_all = set(lines_of)

    def found(value) -> set[tuple[str, ...]]:
        return shared_sequences(value, protected_all)

    items = truth["eval_items"]
    assert {(x["kind"], x["field"]) for x in items} >= {
        (k, f) for k in EVAL_KINDS for f in ("title", "instruction", "text")
    }
    assert any("[" in x["eval_key"] for x in items)  # items planted from nested strings
    for x in items:
        rec = ev[x["run_id"]]
        assert x["eval_file"] == "eval_set.jsonl"
        line = planted.eval_lines[x["eval_line"] - 1]
        window = tuple(x["window"].split(" "))
        hits = {f: found(rec[f]) for f in ("title", "instruction", "text")}
        # only the planted field holds eval sequences, and only its own line's
        assert all(not h for f, h in hits.items() if f != x["field"]), x
        assert all(lines_of[s] == {x["eval_line"]} for s in hits[x["field"]]), x
        if x["kind"] in CONTAMINATING_KINDS:
            assert x["expect"] == "contaminated" and window in hits[x["field"]], x
        else:
            assert x["expect"] == "clean" and not hits[x["field"]], x
        rag = "contaminated" if hits["title"] or hits["text"] else "clean"
        sft = "contaminated" if hits["instruction"] or hits["text"] else "clean"
        assert (x["rag_expect"], x["sft_expect"]) == (rag, sft), x
        # the window is the item's: a protected sequence of a string of that line, or (short
        # texts) all of a string's tokens
        text = eval_text_at(line, x["eval_key"])
        assert text in eval_texts(line)
        if x["kind"] == "short_ignored":  # all of its tokens are there, but it protects nothing
            assert window == tuple(oracle_tokens(text)) and len(window) < 8
            assert not eval_protected(text) and contaminated(rec[x["field"]], {window})
        elif x["kind"] == "near_miss_12":  # 12 tokens of a 13-window, not the 13th
            assert window in eval_protected(text) and len(window) == 13
            assert contaminated(rec[x["field"]], {window[:12]} | {window[1:]})
        elif x["kind"] == "unicode_case":  # the item, with non-ASCII letters upper-cased
            assert window in eval_protected(text) and len(window) <= 12
            # a reading that lowercases every letter, not only ASCII ones, would find it
            lowered = tuple(t.lower() for t in window)
            assert contaminated(rec[x["field"]].lower(), {lowered})
        else:
            assert window in eval_protected(text)
            if x["kind"] == "case_ws":
                assert text not in rec[x["field"]]
            else:
                assert text in rec[x["field"]]
    # No run outside the eval items holds any protected sequence: normal runs and near
    # duplicates use other words.
    planted_eval = {x["run_id"] for x in items}
    for run_id, rec in ev.items():
        if run_id not in planted_eval:
            for f in ("title", "instruction", "text"):
                assert not found(rec.get(f)), (run_id, f)


def eval_text_at(line: dict, key: str) -> str:
    """The string of an eval line at `key`: `question`, `choices[2]`, `meta.source.note`, ..."""
    value = line
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", key):
        value = value[int(part[1:-1])] if part.startswith("[") else value[part]
    return value


def test_planted_run_count_is_exact_and_output_deterministic(tmp_path: pathlib.Path) -> None:
    args = ("--runs", "1000", "--defect-rate", "0", "--planted")
    a = synth_cli(*args, "--seed", "9", "--out", str(tmp_path / "a"))
    b = synth_cli(*args, "--seed", "9", "--out", str(tmp_path / "b"))
    c = synth_cli(*args, "--seed", "10", "--out", str(tmp_path / "c"), "--eval-items", "40")
    assert a == b
    names = (*FILES, "eval_set.jsonl", "planted.json")
    for f in names:
        assert sha(tmp_path / "a" / f) == sha(tmp_path / "b" / f), f
    for f in ("evidence.jsonl", "scored_runs.jsonl", "eval_set.jsonl", "planted.json"):
        assert sha(tmp_path / "a" / f) != sha(tmp_path / "c" / f), f
    evidence, scored, _ = load(tmp_path / "a")
    runs = {parse_line(x)["run_id"] for x in split_lines(evidence)}
    assert len(split_lines(evidence)) == len(split_lines(scored)) == len(runs) == 1000
    assert a["runs"] == a["evidence_lines"] == a["scored_lines"] == 1000
    assert a["planted"]["runs"] == 200 and a["planted"]["eval_items"] == 100
    assert c["planted"]["eval_items"] == 40
    assert len(split_lines((tmp_path / "c" / "eval_set.jsonl").read_bytes())) == 40


def test_planted_output_does_not_depend_on_worker_processes(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "CHUNK_RUNS", 400)
    monkeypatch.setattr(writer, "_workers", lambda chunks: 3)
    synth.write_planted_substrate(tmp_path / "parallel", 1900, seed=5, defect_rate=0.1)
    monkeypatch.setattr(writer, "_workers", lambda chunks: 1)
    synth.write_planted_substrate(tmp_path / "serial", 1900, seed=5, defect_rate=0.1)
    for f in (*FILES, "eval_set.jsonl", "planted.json"):
        assert sha(tmp_path / "parallel" / f) == sha(tmp_path / "serial" / f), f


# sha256 of `distill synth --runs 500 --seed 11 --out DIR` as it was before --planted existed
UNPLANTED_500_11 = {
    "evidence.jsonl": "32a6a059817d0206cbc2c3b56a1e74e36545787bf24881e172e233a3e7834261",
    "scored_runs.jsonl": "6a3984b722a224b46be943110f9cfb41a2c4b7684efe8d18dd9670ba59ee9a25",
    "repo_manifest.txt": "1243977b035b0a4359b8e760ed962d28fe1e1022d6fd38682479aae4053b5c35",
}


def test_synth_without_planted_writes_the_bytes_it_wrote_before(tmp_path: pathlib.Path) -> None:
    synth_cli("--runs", "500", "--seed", "11", "--out", str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(UNPLANTED_500_11)
    assert {f: sha(tmp_path / f) for f in UNPLANTED_500_11} == UNPLANTED_500_11


def test_planted_eval_items_needs_planted(tmp_path: pathlib.Path) -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["synth", "--runs", "10", "--out", str(tmp_path), "--eval-items", "5"])
    assert code == 2 and "--planted" in err.getvalue()
