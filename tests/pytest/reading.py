"""A reference reading of SPEC §2-§4 over a substrate's raw bytes, for test_synth: strict
parsing (with DuckDB's leniency), the schema, the canonical evidence, the latest score, the RAG
and SFT gates and preference pairing. Deliberately independent of the dbt models and of
src/distill: it checks that the *inputs* hold what they claim to hold."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from spec_oracle import (
    CATEGORIES,
    CONVERSATIONAL,
    EXTRACTION,
    RANK,
    WS,
    blank,
    has_control,
    parse_ts,
    secret,
    unsafe_path,
)


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


def bad_refs(rec: dict, manifest: set[str] | None) -> bool:
    for ref in rec.get("file_refs") or []:
        if unsafe_path(ref):
            return True
        if manifest is not None and ref.removeprefix("./") not in manifest:
            return True
    return False


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
