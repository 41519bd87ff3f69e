"""The synthetic substrate, the shipped sample (SPEC §8) and the defects set.

A small reference reading of SPEC §2-§4 lives at the top of this file (strict parsing, schema,
canonical evidence, latest score, the RAG/SFT gates and preference pairing). It is deliberately
independent of the dbt models: it checks that the *inputs* hold what they claim to hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pathlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from spec_oracle import CATEGORIES, CONVERSATIONAL, EXTRACTION, RANK, SECRETS, WS

from distill import synth
from distill.synth import writer
from tools import sample

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLE_DIR = ROOT / "data" / "sample"
FILES = ("evidence.jsonl", "scored_runs.jsonl", "repo_manifest.txt")

# --------------------------------------------------------------------------------------------
# A reference reading of the SPEC, for the tests only
# --------------------------------------------------------------------------------------------

TS = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?",
    re.ASCII,
)


def blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip(WS) == "")


def has_control(s: str) -> bool:
    return any(ord(c) < 0x20 or c == "\x7f" for c in s)


def parse_ts(v: Any) -> dt.datetime | None:
    if not isinstance(v, str) or not (m := TS.fullmatch(v)):
        return None
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    if h > 23 or mi > 59 or s > 59:
        return None
    offset = 0
    if m.group(8) and m.group(8) != "Z":
        oh, om = int(m.group(8)[1:3]), int(m.group(8)[4:6])
        if oh > 23 or om > 59:
            return None
        offset = (oh * 60 + om) * (1 if m.group(8)[0] == "+" else -1)
    try:
        micro = int((m.group(7) or "")[:6].ljust(6, "0"))
        return dt.datetime(y, mo, d, h, mi, s, micro) - dt.timedelta(minutes=offset)
    except (ValueError, OverflowError):
        return None


class _Obj(dict):
    duplicate = False


def _hook(pairs: list[tuple[str, Any]]) -> _Obj:
    obj = _Obj()
    for k, v in pairs:
        obj.duplicate |= k in obj
        obj[k] = v
    return obj


def _drop_trailing_commas(s: str) -> str:
    out, in_str, esc = [], False, False
    for i, c in enumerate(s):
        if in_str:
            esc = c == "\\" and not esc
            in_str = not (c == '"' and not esc)
        elif c == '"':
            in_str = True
        elif c == "," and s[i + 1 :].lstrip(" \t\r\n")[:1] in ("}", "]"):
            continue
        out.append(c)
    return "".join(out)


def _surrogates(v: Any) -> bool:
    if isinstance(v, str):
        return any("\ud800" <= c <= "\udfff" for c in v)
    if isinstance(v, dict):
        return any(_surrogates(k) or _surrogates(x) for k, x in v.items())
    if isinstance(v, list):
        return any(_surrogates(x) for x in v)
    return False


def parse_line(raw: bytes) -> dict | None:
    """The record a line holds (SPEC §2 JSON, DuckDB's leniency), or None."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        obj = json.loads(text, object_pairs_hook=_hook)
    except ValueError:
        try:
            obj = json.loads(_drop_trailing_commas(text), object_pairs_hook=_hook)
        except ValueError:
            return None
    if not isinstance(obj, dict) or obj.duplicate or _surrogates(obj):
        return None
    if any(isinstance(obj.get(k), _Obj) and obj[k].duplicate for k in ("provenance", "context")):
        return None
    return obj


def split_lines(data: bytes) -> list[bytes]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def is_blank_line(raw: bytes) -> bool:
    try:
        return blank(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return False


def _opt(rec: dict, key: str, *types: type) -> bool:
    return rec.get(key) is None or isinstance(rec[key], types)


def _run_id_ok(v: Any) -> bool:
    return isinstance(v, str) and not blank(v) and not has_control(v)


def evidence_valid(rec: dict) -> bool:
    refs = rec.get("file_refs")
    return (
        _run_id_ok(rec.get("run_id"))
        and isinstance(rec.get("task_type"), str)
        and not blank(rec["task_type"])
        and all(_opt(rec, k, str) for k in ("task_id", "role", "model", "instruction", "text"))
        and _opt(rec, "title", str)
        and _opt(rec, "context", dict)
        and _opt(rec, "provenance", dict)
        and (refs is None or (isinstance(refs, list) and all(isinstance(r, str) for r in refs)))
    )


def score_valid(rec: dict) -> bool:
    return (
        _run_id_ok(rec.get("run_id"))
        and rec.get("category") in CATEGORIES
        and all(_opt(rec, k, str) for k in ("rationale", "scorer_version", "scored_at"))
    )


def read_manifest(data: bytes) -> set[str]:
    out = set()
    for raw in split_lines(data):
        line = raw.decode("utf-8").removesuffix("\r")
        if not blank(line):
            out.add(line)
    return out


def unsafe_path(p: str) -> bool:
    return (
        blank(p)
        or p[0] in "/~"
        or re.match(r"[A-Za-z]:", p) is not None
        or ".." in p.split("/")
        or "\\" in p
        or has_control(p)
    )


def bad_refs(rec: dict, manifest: set[str] | None) -> bool:
    for ref in rec.get("file_refs") or []:
        if unsafe_path(ref):
            return True
        if manifest is not None and ref.removeprefix("./") not in manifest:
            return True
    return False


def secret(*texts: Any) -> bool:
    return any(isinstance(t, str) and p.search(t) for t in texts for p in SECRETS)


def provenance_complete(rec: dict) -> bool:
    prov = rec.get("provenance")
    if not isinstance(prov, dict):
        return False
    src, sig = prov.get("source_file"), prov.get("sig_hash")
    return (
        isinstance(src, str)
        and not blank(src)
        and isinstance(sig, str)
        and not blank(sig)
        and not has_control(sig)
        and parse_ts(prov.get("recorded_at")) is not None
    )


def _like(pattern: str, value: str) -> bool:
    rx = "".join("." if c == "_" else ".*" if c == "%" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, value, re.DOTALL) is not None


def task_class(task_type: str) -> str:
    if any(_like(p, task_type) for p in EXTRACTION):
        return "extraction"
    if any(_like(p, task_type) for p in CONVERSATIONAL):
        return "conversational"
    return "unclassified"


def sft_context(rec: dict) -> str:
    parts = []
    ctx = rec.get("context")
    matrix = ctx.get("matrix") if isinstance(ctx, dict) else None
    entries = (
        [e for e in matrix if isinstance(e, str) and not blank(e)]
        if isinstance(matrix, list)
        else []
    )
    if entries:
        parts.append("matrix=" + ",".join(entries))
    if not blank(rec.get("model")):
        parts.append(f"model={rec['model']}")
    return " · ".join(parts)


@dataclass
class Reading:
    """What the reference reading of SPEC makes of one substrate."""

    evidence_ingest: list[str] = field(default_factory=list)  # per line
    scored_ingest: list[str] = field(default_factory=list)  # per line
    evidence: dict[str, dict] = field(default_factory=dict)  # canonical record per run_id
    scores: dict[str, dict] = field(default_factory=dict)  # latest score per run_id
    score_lines: dict[str, int] = field(default_factory=dict)  # its 1-based line
    score_counts: Counter = field(default_factory=Counter)  # valid scores per run_id
    rag: dict[str, str] = field(default_factory=dict)
    sft: dict[str, str] = field(default_factory=dict)
    pairs: dict[tuple[str, str], str] = field(default_factory=dict)  # (chosen, rejected)


def read(evidence: bytes, scored: bytes, manifest: bytes | None, min_gap: int = 2) -> Reading:
    out = Reading()
    mf = read_manifest(manifest) if manifest is not None else None
    staged: dict[str, list[tuple[Any, int, dict]]] = {}
    for n, raw in enumerate(split_lines(evidence), 1):
        if is_blank_line(raw):
            out.evidence_ingest.append("blank")
            continue
        rec = parse_line(raw)
        if rec is None or not evidence_valid(rec):
            out.evidence_ingest.append("schema_violation")
            continue
        out.evidence_ingest.append("staged")
        ts = parse_ts((rec.get("provenance") or {}).get("recorded_at"))
        staged.setdefault(rec["run_id"], []).append((ts, n, rec))
    for run_id, recs in staged.items():
        recs.sort(key=lambda x: (x[0] is None, x[0] or dt.datetime.min, x[1]))
        out.evidence[run_id] = recs[0][2]
        for _, n, _ in recs[1:]:
            out.evidence_ingest[n - 1] = "duplicate_id"
    keys: dict[str, tuple] = {}
    for n, raw in enumerate(split_lines(scored), 1):
        if is_blank_line(raw):
            out.scored_ingest.append("blank")
            continue
        rec = parse_line(raw)
        if rec is None or not score_valid(rec):
            out.scored_ingest.append("schema_violation")
            continue
        out.scored_ingest.append("staged")
        run_id = rec["run_id"]
        out.score_counts[run_id] += 1
        ts = parse_ts(rec.get("scored_at"))
        key = (ts is not None, ts or dt.datetime.min, n)  # null/unparseable oldest; later line
        if run_id not in keys or key > keys[run_id]:
            keys[run_id] = key
            out.scores[run_id] = rec
            out.score_lines[run_id] = n
    for run_id, score in out.scores.items():
        cat, ev = score["category"], out.evidence.get(run_id)
        out.rag[run_id] = _rag(cat, ev, mf)
        out.sft[run_id] = _sft(cat, ev, mf)
    out.pairs = _pairs(out, mf, min_gap)
    return out


def _rag(cat: str, ev: dict | None, mf: set[str] | None) -> str:
    if cat == "rejected":
        return "unsafe_rag_category"
    if cat == "needs_human_review":
        return "category_disallowed"
    if ev is None:
        return "missing_source_run_id"
    if not provenance_complete(ev):
        return "missing_provenance"
    if blank(ev.get("text")):
        return "empty_content"
    if bad_refs(ev, mf):
        return "hallucinated_file_path"
    if secret(ev.get("title"), ev.get("text")):
        return "secret_detected"
    return "exported"


def _sft(cat: str, ev: dict | None, mf: set[str] | None) -> str:
    if cat in ("rejected", "needs_human_review"):
        return "unsafe_sft_category"
    if cat == "partially_accepted" or (
        ev is not None and task_class(ev["task_type"]) != "conversational"
    ):
        return "category_disallowed"
    if ev is None:
        return "missing_source_run_id"
    if not provenance_complete(ev):
        return "missing_provenance"
    if blank(ev.get("instruction")) or blank(ev.get("text")):
        return "empty_content"
    if bad_refs(ev, mf):
        return "hallucinated_file_path"
    if secret(ev.get("instruction"), ev.get("text"), sft_context(ev)):
        return "secret_detected"
    return "exported"


def _pairs(r: Reading, mf: set[str] | None, min_gap: int) -> dict[tuple[str, str], str]:
    tasks: dict[str, list[str]] = {}
    for run_id, score in r.scores.items():
        ev = r.evidence.get(run_id)
        if (
            score["category"] in RANK
            and ev is not None
            and not blank(ev.get("task_id"))
            and provenance_complete(ev)
            and not blank(ev.get("text"))
        ):
            tasks.setdefault(ev["task_id"], []).append(run_id)
    out = {}
    for members in tasks.values():
        for rej in members:
            rank = RANK[r.scores[rej]["category"]]
            options = sorted(m for m in members if RANK[r.scores[m]["category"]] - rank >= min_gap)
            if not options:
                continue
            chosen = max(
                options,
                key=lambda m: (
                    RANK[r.scores[m]["category"]],
                    parse_ts(r.evidence[m]["provenance"]["recorded_at"]),
                ),
            )
            c, x = r.evidence[chosen], r.evidence[rej]
            reason = (
                f"chosen scored '{r.scores[chosen]['category']}' | "
                f"rejected scored '{r.scores[rej]['category']}'"
            )
            if not blank(r.scores[chosen].get("rationale")):
                reason += f" | chosen-rationale: {r.scores[chosen]['rationale']}"
            ci, xi = c.get("instruction"), x.get("instruction")
            if chosen == rej:
                outcome = "self_pairing"
            elif (
                c["text"].strip(WS) == x["text"].strip(WS)
                or (not blank(ci) and not blank(xi) and ci.strip(WS) != xi.strip(WS))
                or blank(ci)
            ):
                outcome = "invalid_preference_pairing"
            elif bad_refs(c, mf):
                outcome = "hallucinated_file_path"
            elif secret(ci, c["text"], x["text"], reason):
                outcome = "secret_detected"
            else:
                outcome = "exported"
            out[(chosen, rej)] = outcome
    return out


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
