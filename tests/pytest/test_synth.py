"""The synthetic substrate, the shipped sample (SPEC §8) and the defects set.

The inputs are checked by a small reference reading of SPEC §2-§4 (reading.py: strict parsing,
schema, canonical evidence, latest score, the RAG/SFT gates and preference pairing), deliberately
independent of the dbt models: it checks that the *inputs* hold what they claim to hold.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
import re
from collections import Counter

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
from spec_oracle import blank, parse_ts, secret, unsafe_path

from distill import synth
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
