"""The oracle of the property tests: what SPEC §2-§5 say the written files must hold, computed in
Python from the generated substrate alone, never from the warehouse or src/distill."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from spec_oracle import CONVERSATIONAL, RANK, WS, blank, has_control, parse_ts, secret, unsafe_path
from substrate import InputFile, Substrate

# ---------------------------------------------------------------------------------------------
# SPEC §5 definitions, written out again here (independent of src/distill)
# ---------------------------------------------------------------------------------------------

US = "\x1f"
# fmt: off
KEYS = {  # SPEC §5: keys in this order
    "rag": ["id", "title", "text", "success_score", "source_category", "source_run_id",
            "task_id", "tags", "provenance", "created_at"],
    "sft": ["id", "instruction", "context", "response", "quality_score", "source_run_id",
            "task_id", "tags", "provenance", "created_at"],
    "preference": ["id", "prompt", "chosen", "rejected", "reason", "chosen_run_id",
                   "rejected_run_id", "chosen_score", "rejected_score", "task_id",
                   "provenance", "created_at"],
    "quarantine": ["id", "exporter", "reason", "errors", "run_id", "source_record",
                   "source_provenance"],
}
# fmt: on
FILES = {
    "rag": "exports/rag/playbooks.jsonl",
    "sft": "exports/sft/instruction_response.jsonl",
    "preference": "exports/preference/chosen_rejected.jsonl",
    "q_ingest": "exports/quarantine/ingest.jsonl",
    "q_rag": "exports/quarantine/rag.jsonl",
    "q_sft": "exports/quarantine/sft.jsonl",
    "q_preference": "exports/quarantine/preference.jsonl",
}
ANY = object()  # an expected value this test does not pin down (SPEC leaves it open)


def hex16(*parts) -> str:
    return hashlib.sha256(US.join(parts).encode("utf-8")).hexdigest()[:16]


def fmt_ts(ts: datetime) -> str:
    return (
        f"{ts.year:04d}-{ts.month:02d}-{ts.day:02d}T{ts.hour:02d}:{ts.minute:02d}:{ts.second:02d}Z"
    )


def path_key(path: str) -> bytes:
    return path.encode("utf-8")


# ---------------------------------------------------------------------------------------------
# The oracle: what SPEC §2-§5 say the files must hold, computed from the generated input
# ---------------------------------------------------------------------------------------------


def sub(obj, key: str, kind):
    """A provenance/context sub-field; of the wrong JSON type it counts as absent (SPEC §2.1)."""
    if not isinstance(obj, dict):
        return None
    value = obj.get(key)
    if kind is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return value if isinstance(value, kind) else None


def provenance_complete(record: dict) -> bool:
    prov = record.get("provenance")
    sig = sub(prov, "sig_hash", str)
    return (
        not blank(sub(prov, "source_file", str))
        and not blank(sig)
        and not has_control(sig)
        and parse_ts(sub(prov, "recorded_at", str)) is not None
    )


def out_provenance(record: dict) -> dict:
    prov = record.get("provenance")
    ts = parse_ts(sub(prov, "recorded_at", str))
    return {
        "source_file": sub(prov, "source_file", str),
        "line": sub(prov, "line", int),
        "sig_hash": sub(prov, "sig_hash", str),
        "recorded_at": fmt_ts(ts) if ts else None,
    }


def built_context(record: dict) -> str:
    parts = []
    matrix = sub(record.get("context"), "matrix", list) or []
    entries = [e for e in matrix if isinstance(e, str) and not blank(e)]
    if entries:
        parts.append("matrix=" + ",".join(entries))
    if not blank(record.get("model")):
        parts.append(f"model={record['model']}")
    return " · ".join(parts)


def rag_title(record: dict) -> str:
    title = record.get("title")
    if blank(title):
        title = next(line for line in record["text"].split("\n") if not blank(line))
    return title.strip(WS)[:60]


def tags(record: dict, category: str) -> list[str]:
    out = [f"task:{record['task_type']}", f"category:{category}"]
    if not blank(record.get("role")):
        out.append(f"role:{record['role']}")
    return out


@dataclass
class Score:
    record: dict
    path: str
    line: int


class Oracle:
    def __init__(self, s: Substrate):
        self.s = s
        self.manifest = None
        if s.manifest is not None:
            self.manifest = {m for m in s.manifest if not blank(m)}
        # ingest: (input_file, input_line) -> (reason, run_id)
        self.ingest: dict[tuple[str, int], tuple[str, object]] = {}
        self.counts: dict[str, dict[str, int]] = {}  # kind -> lines, blank_lines, staged
        self.file_lines: dict[str, int] = {}
        valid_ev: dict[str, list[tuple[tuple, str, int, dict]]] = {}
        for f, number, line in self._lines("evidence", s.evidence):
            if line.kind == "valid":
                ts = parse_ts(sub(line.record.get("provenance"), "recorded_at", str))
                key = (ts is None, ts or datetime.min, path_key(f.path), number)
                valid_ev.setdefault(line.record["run_id"], []).append(
                    (key, f.path, number, line.record)
                )
        self.evidence: dict[str, dict] = {}
        self.evidence_at: dict[str, tuple[str, int]] = {}  # run -> the canonical record's line
        for run, copies in valid_ev.items():
            copies.sort(key=lambda c: c[0])
            self.evidence[run] = copies[0][3]
            self.evidence_at[run] = (copies[0][1], copies[0][2])
            for _, path, number, _ in copies[1:]:
                self.ingest[(path, number)] = ("duplicate_id", run)
        duplicates = sum(1 for reason, _ in self.ingest.values() if reason == "duplicate_id")
        self.counts["evidence"]["staged"] -= duplicates
        self.counts["evidence"]["ingest_quarantined"] = sum(
            1 for (path, _) in self.ingest if path.startswith("in/ev-")
        )
        scores: dict[str, list[tuple[tuple, Score]]] = {}
        for f, number, line in self._lines("scored", s.scored):
            if line.kind == "valid":
                ts = parse_ts(line.record.get("scored_at"))
                key = (ts is not None, ts or datetime.min, path_key(f.path), number)
                scores.setdefault(line.record["run_id"], []).append(
                    (key, Score(line.record, f.path, number))
                )
        self.counts["scored"]["ingest_quarantined"] = sum(
            1 for (path, _) in self.ingest if path.startswith("in/sc-")
        )
        self.superseded = sum(len(v) - 1 for v in scores.values())
        self.latest = {run: max(v, key=lambda c: c[0])[1] for run, v in scores.items()}
        self.unscored = sum(1 for run in self.evidence if run not in self.latest)

    def _lines(self, kind: str, files: list[InputFile]):
        counts = self.counts.setdefault(kind, {"lines": 0, "blank_lines": 0, "staged": 0})
        for f in files:
            self.file_lines[f.path] = len(f.lines)
            for number, line in enumerate(f.lines, start=1):
                counts["lines"] += 1
                if line.kind == "blank":
                    counts["blank_lines"] += 1
                elif line.kind == "invalid":
                    self.ingest[(f.path, number)] = ("schema_violation", line.run_id)
                else:
                    counts["staged"] += 1
                yield f, number, line

    def category(self, run: str) -> str:
        return self.latest[run].record["category"]

    def refs_bad(self, record: dict) -> bool:
        for ref in record.get("file_refs") or []:
            if unsafe_path(ref):
                return True
            if self.manifest is not None:
                bare = ref[2:] if ref.startswith("./") else ref
                if bare not in self.manifest:
                    return True
        return False

    def rag(self, run: str) -> tuple[str | None, dict | None]:
        """(first failing gate, expected row): SPEC §4 for RAG."""
        cat, ev = self.category(run), self.evidence.get(run)
        if cat == "rejected":
            return "unsafe_rag_category", None
        if cat == "needs_human_review" and not self.s.include_review:
            return "category_disallowed", None
        if ev is None:
            return "missing_source_run_id", None
        if not provenance_complete(ev):
            return "missing_provenance", None
        if blank(ev.get("text")):
            return "empty_content", None
        if self.refs_bad(ev):
            return "hallucinated_file_path", None
        if secret(ev.get("title"), ev.get("text")):
            return "secret_detected", None
        prov = out_provenance(ev)
        row = {
            "id": "rag-" + hex16(run, prov["sig_hash"]),
            "title": rag_title(ev),
            "text": ev["text"],
            "success_score": cat,
            "source_category": ev["task_type"],
            "source_run_id": run,
            "task_id": ev.get("task_id"),
            "tags": tags(ev, cat),
            "provenance": prov,
            "created_at": prov["recorded_at"],
        }
        return None, row

    def sft(self, run: str) -> tuple[str | None, dict | None]:
        cat, ev = self.category(run), self.evidence.get(run)
        if cat in ("rejected", "needs_human_review"):
            return "unsafe_sft_category", None
        if cat == "partially_accepted" and not self.s.include_partial:
            return "category_disallowed", None
        if ev is not None and ev["task_type"] not in CONVERSATIONAL:
            return "category_disallowed", None
        if ev is None:
            return "missing_source_run_id", None
        if not provenance_complete(ev):
            return "missing_provenance", None
        if blank(ev.get("instruction")) or blank(ev.get("text")):
            return "empty_content", None
        if self.refs_bad(ev):
            return "hallucinated_file_path", None
        context = built_context(ev)
        if secret(ev.get("instruction"), ev.get("text"), context):
            return "secret_detected", None
        prov = out_provenance(ev)
        row = {
            "id": "sft-" + hex16(run, prov["sig_hash"]),
            "instruction": ev["instruction"],
            "context": context,
            "response": ev["text"],
            "quality_score": cat,
            "source_run_id": run,
            "task_id": ev.get("task_id"),
            "tags": tags(ev, cat),
            "provenance": prov,
            "created_at": prov["recorded_at"],
        }
        return None, row

    def candidates(self) -> dict[str, dict]:
        out = {}
        for run in self.latest:
            ev = self.evidence.get(run)
            if (
                self.category(run) in RANK
                and ev is not None
                and not blank(ev.get("task_id"))
                and provenance_complete(ev)
                and not blank(ev.get("text"))
            ):
                out[run] = ev
        return out

    def pairs(self) -> dict[tuple[str, str], tuple[str | None, dict | None]]:
        """(R, C) -> (first failing gate, expected row): SPEC §4.1."""
        cands = self.candidates()
        out = {}
        for r_run, r_ev in cands.items():
            r_rank = RANK[self.category(r_run)]
            better = [
                c
                for c, c_ev in cands.items()
                if c_ev["task_id"] == r_ev["task_id"]
                and RANK[self.category(c)] - r_rank >= self.s.gap
            ]
            if not better:
                continue

            # microsecond precision: compare timedeltas exactly, not as floats
            best = min(
                better,
                key=lambda c: (
                    -RANK[self.category(c)],
                    datetime.max - parse_ts(cands[c]["provenance"]["recorded_at"]),
                    path_key(c),
                ),
            )
            out[(r_run, best)] = self._pair(r_run, best)
        return out

    def _pair(self, r_run: str, c_run: str) -> tuple[str | None, dict | None]:
        r_ev, c_ev = self.evidence[r_run], self.evidence[c_run]
        c_score = self.latest[c_run].record
        reason = (
            f"chosen scored '{self.category(c_run)}' | rejected scored '{self.category(r_run)}'"
        )
        if not blank(c_score.get("rationale")):
            reason += f" | chosen-rationale: {c_score['rationale']}"
        c_instr, r_instr = c_ev.get("instruction"), r_ev.get("instruction")
        if c_run == r_run:
            return "self_pairing", None
        if (
            c_ev["text"].strip(WS) == r_ev["text"].strip(WS)
            or (
                not blank(c_instr) and not blank(r_instr) and c_instr.strip(WS) != r_instr.strip(WS)
            )
            or blank(c_instr)
        ):
            return "invalid_preference_pairing", None
        if self.refs_bad(c_ev):
            return "hallucinated_file_path", None
        if secret(c_instr, c_ev["text"], r_ev["text"], reason):
            return "secret_detected", None
        c_prov, r_prov = out_provenance(c_ev), out_provenance(r_ev)
        row = {
            "id": "pref-" + hex16(c_run, c_prov["sig_hash"], r_run, r_prov["sig_hash"]),
            "prompt": c_instr,
            "chosen": c_ev["text"],
            "rejected": r_ev["text"],
            "reason": reason,
            "chosen_run_id": c_run,
            "rejected_run_id": r_run,
            "chosen_score": self.category(c_run),
            "rejected_score": self.category(r_run),
            "task_id": c_ev["task_id"],
            "provenance": {"chosen": c_prov, "rejected": r_prov},
            "created_at": max(c_prov["recorded_at"], r_prov["recorded_at"]),
        }
        return None, row
