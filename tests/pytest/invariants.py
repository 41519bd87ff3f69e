"""Reading the files a property example wrote and checking them against the oracle: the SPEC §5
file format on the way in, then each SPEC §1 invariant, the gate each refused row names (SPEC §4)
and each exported row's fields (SPEC §5)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from oracle import ANY, FILES, KEYS, US, Oracle, hex16, out_provenance
from spec_oracle import RANK, WS, blank, has_control
from substrate import Substrate, record_of


class Problems:
    def __init__(self):
        self.by_invariant: dict[str, list[str]] = {}

    def add(self, invariant: str, message: str) -> None:
        found = self.by_invariant.setdefault(invariant, [])
        if len(found) < 8:
            found.append(message)

    def check(self, ok: bool, invariant: str, message: str) -> None:
        if not ok:
            self.add(invariant, message)

    def __bool__(self) -> bool:
        return bool(self.by_invariant)

    def __str__(self) -> str:
        return "\n".join(
            f"[{inv}] {msg}" for inv, msgs in sorted(self.by_invariant.items()) for msg in msgs
        )


def read_file(root: Path, name: str, problems: Problems) -> list[dict]:
    """Rows of one export file, checking the SPEC §5 file format on the way."""
    raw = (root / FILES[name]).read_bytes()
    shape = name[2:] if name.startswith("q_") else name
    keys = KEYS["quarantine" if name.startswith("q_") else shape]
    problems.check(raw == b"" or raw.endswith(b"\n"), "format", f"{name}: no final \\n")
    rows = []
    for number, line in enumerate(raw.split(b"\n")[:-1], start=1):
        row = json.loads(line.decode("utf-8"))
        problems.check(list(row) == keys, "format", f"{name}:{number}: keys {list(row)}")
        rows.append(row)
    ids = [row["id"].encode() for row in rows]
    problems.check(ids == sorted(ids), "format", f"{name}: not sorted by id")
    problems.check(len(set(ids)) == len(ids), "6", f"{name}: duplicate ids")
    return rows


def check_quarantine_row(row: dict, exporter: str, problems: Problems) -> None:
    where = row["source_provenance"] or {}
    if exporter == "ingest":
        key = f"{where.get('input_file')}:{where.get('input_line')}"
    elif exporter == "preference":
        chosen = ((row["source_record"] or {}).get("chosen") or {}).get("scored_run") or {}
        key = f"{row['run_id']}{US}{chosen.get('run_id')}"
    else:
        key = row["run_id"]
    problems.check(
        row["id"] == "q-" + hex16(exporter, str(key), row["reason"]),
        "6",
        f"quarantine/{exporter}: id {row['id']} does not recompute from {key!r}",
    )
    problems.check(row["exporter"] == exporter, "format", f"{row['id']}: exporter")
    problems.check(
        isinstance(row["errors"], list)
        and len(row["errors"]) > 0
        and all(isinstance(e, str) and e for e in row["errors"]),
        "format",
        f"{row['id']}: errors {row['errors']!r}",
    )


def prov_complete_out(prov) -> bool:
    return (
        isinstance(prov, dict)
        and list(prov) == ["source_file", "line", "sig_hash", "recorded_at"]
        and not blank(prov["source_file"])
        and isinstance(prov["sig_hash"], str)
        and not blank(prov["sig_hash"])
        and not has_control(prov["sig_hash"])
        and isinstance(prov["recorded_at"], str)
        and re.fullmatch(
            r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z", prov["recorded_at"]
        )
        is not None
    )


@dataclass
class Example:
    """One example: its substrate, its oracle, the rows it wrote, its receipts, the problems."""

    s: Substrate
    o: Oracle
    f: dict[str, list[dict]]  # rows per FILES key
    receipts: dict[str, dict]  # per stage
    p: Problems

    @property
    def latest(self) -> dict:
        return self.o.latest


def no_leak_into_sft(x: Example) -> None:
    """Invariant 1: no SFT row for a run whose latest score SFT refuses."""
    s, f, latest, p = x.s, x.f, x.latest, x.p
    for row in f["sft"]:
        run = row["source_run_id"]
        cat = latest[run].record["category"] if run in latest else None
        p.check(
            cat not in ("rejected", "needs_human_review", None),
            "1",
            f"SFT row {row['id']} for run {run!r} whose latest score is {cat!r}",
        )
        p.check(
            cat != "partially_accepted" or s.include_partial,
            "1",
            f"SFT row for partially_accepted {run!r} without --include-partial",
        )


def no_leak_into_rag(x: Example) -> None:
    """Invariant 2: no RAG row for a run whose latest score RAG refuses."""
    s, f, latest, p = x.s, x.f, x.latest, x.p
    for row in f["rag"]:
        run = row["source_run_id"]
        cat = latest[run].record["category"] if run in latest else None
        p.check(
            cat not in ("rejected", None),
            "2",
            f"RAG row {row['id']} for run {run!r} whose latest score is {cat!r}",
        )
        p.check(
            cat != "needs_human_review" or s.include_review,
            "2",
            f"RAG row for needs_human_review {run!r} without --include-review",
        )


def no_fabricated_pairs(x: Example) -> None:
    """Invariant 3: every pair is two runs of one task, ranked min_gap apart, with their texts."""
    s, o, f, latest, p = x.s, x.o, x.f, x.latest, x.p
    for row in f["preference"]:
        c, r = row["chosen_run_id"], row["rejected_run_id"]
        c_ev, r_ev = o.evidence.get(c), o.evidence.get(r)
        p.check(c != r, "3", f"pair {row['id']}: chosen and rejected are both {c!r}")
        p.check(
            c_ev is not None
            and r_ev is not None
            and c_ev.get("task_id") == r_ev.get("task_id") == row["task_id"]
            and not blank(row["task_id"]),
            "3",
            f"pair {row['id']}: task_id {row['task_id']!r}, but the runs' evidence says "
            f"{(c_ev or {}).get('task_id')!r} / {(r_ev or {}).get('task_id')!r}",
        )
        c_rank = RANK.get(latest[c].record["category"]) if c in latest else None
        r_rank = RANK.get(latest[r].record["category"]) if r in latest else None
        p.check(
            c_rank is not None and r_rank is not None and c_rank - r_rank >= s.gap,
            "3",
            f"pair {row['id']}: ranks {c_rank} vs {r_rank}, min_gap {s.gap}",
        )
        p.check(
            isinstance(row["chosen"], str)
            and isinstance(row["rejected"], str)
            and row["chosen"].strip(WS) != row["rejected"].strip(WS),
            "3",
            f"pair {row['id']}: texts equal after trim: {row['chosen']!r} / {row['rejected']!r}",
        )
        p.check(
            c_ev is not None
            and r_ev is not None
            and row["chosen"] == c_ev.get("text")
            and row["rejected"] == r_ev.get("text"),
            "3",
            f"pair {row['id']}: texts are not the runs' canonical evidence texts",
        )


def no_empty_content(x: Example) -> None:
    """Invariant 4: no exported row with a blank text field."""
    f, p = x.f, x.p
    for name, fields in (
        ("rag", ["title", "text"]),
        ("sft", ["instruction", "response"]),
        ("preference", ["prompt", "chosen", "rejected"]),
    ):
        for row in f[name]:
            for key in fields:
                p.check(not blank(row[key]), "4", f"{name} {row['id']}: blank {key} {row[key]!r}")


def provenance_on_every_row(x: Example) -> None:
    """Invariant 5: every exported row carries the canonical evidence's complete provenance."""
    o, f, p = x.o, x.f, x.p
    for name in ("rag", "sft"):
        for row in f[name]:
            p.check(
                prov_complete_out(row["provenance"]),
                "5",
                f"{name} {row['id']}: provenance {row['provenance']!r}",
            )
            ev = o.evidence.get(row["source_run_id"])
            p.check(
                ev is not None and row["provenance"] == out_provenance(ev),
                "5",
                f"{name} {row['id']}: provenance is not the canonical evidence's",
            )
    for row in f["preference"]:
        prov = row["provenance"]
        ok = isinstance(prov, dict) and list(prov) == ["chosen", "rejected"]
        p.check(
            ok and prov_complete_out(prov["chosen"]) and prov_complete_out(prov["rejected"]),
            "5",
            f"preference {row['id']}: provenance {prov!r}",
        )


def ids_recompute(x: Example) -> None:
    """Invariant 6: every id recomputes from the row's own fields."""
    f, p = x.f, x.p
    for name in ("rag", "sft"):
        for row in f[name]:
            prov = row["provenance"] or {}
            want = f"{name}-" + hex16(row["source_run_id"], str(prov.get("sig_hash")))
            p.check(row["id"] == want, "6", f"{name} id {row['id']} != {want}")
    for row in f["preference"]:
        prov = row["provenance"] or {}
        want = "pref-" + hex16(
            row["chosen_run_id"],
            str((prov.get("chosen") or {}).get("sig_hash")),
            row["rejected_run_id"],
            str((prov.get("rejected") or {}).get("sig_hash")),
        )
        p.check(row["id"] == want, "6", f"preference id {row['id']} != {want}")
    for exporter in ("ingest", "rag", "sft", "preference"):
        for row in f[f"q_{exporter}"]:
            check_quarantine_row(row, exporter, p)


def ingest_lines_accounted(x: Example) -> None:
    """Invariant 8 at ingest: every invalid or duplicate input line has its one quarantine row."""
    o, f, p = x.o, x.f, x.p
    got_ingest = {}
    for row in f["q_ingest"]:
        where = row["source_provenance"] or {}
        got_ingest[(where.get("input_file"), where.get("input_line"))] = (
            row["reason"],
            row["run_id"],
        )
    for key in sorted(set(got_ingest) | set(o.ingest), key=str):
        want, got = o.ingest.get(key), got_ingest.get(key)
        p.check(
            want is not None
            and got is not None
            and want[0] == got[0]
            and (want[1] is ANY or want[1] == got[1]),
            "8",
            f"ingest line {key}: expected (reason, run_id) {want}, quarantine has {got}",
        )
    p.check(len(got_ingest) == len(f["q_ingest"]), "8", "two ingest rows for one input line")


def receipts_count_every_line(x: Example) -> None:
    """Invariant 8 in the receipts: lines, blank, staged, quarantined, unscored, superseded."""
    o, receipts, latest, p = x.o, x.receipts, x.latest, x.p
    for stage, kind in (("build-evidence", "evidence"), ("score", "scored")):
        counts = receipts[stage]["record_counts"]
        want = o.counts[kind]
        got = {k: counts[k] for k in want}
        p.check(got == want, "8", f"{stage} receipt counts {got}, expected {want}")
        p.check(
            counts["lines"]
            == counts["blank_lines"] + counts["staged"] + counts["ingest_quarantined"],
            "8",
            f"{stage}: lines do not add up",
        )
        for item in receipts[stage]["inputs"]:
            if item["path"] in o.file_lines:
                p.check(
                    item["lines"] == o.file_lines[item["path"]],
                    "8",
                    f"{item['path']}: receipt says {item['lines']} lines, "
                    f"file has {o.file_lines[item['path']]}",
                )
    p.check(
        receipts["build-evidence"]["record_counts"]["unscored"] == o.unscored,
        "8",
        f"unscored {receipts['build-evidence']['record_counts']['unscored']} != {o.unscored}",
    )
    score_counts = receipts["score"]["record_counts"]
    p.check(
        (score_counts["runs"], score_counts["superseded"]) == (len(latest), o.superseded),
        "8",
        f"score receipt runs/superseded {score_counts['runs']}/"
        f"{score_counts['superseded']} != {len(latest)}/{o.superseded}",
    )


def every_run_exported_or_quarantined(x: Example) -> None:
    """Invariant 8 for RAG and SFT: each scored run once, with the gate SPEC §4 names
    and the row SPEC §5 describes."""
    s, o, f, latest, p = x.s, x.o, x.f, x.latest, x.p
    files = s.evidence + s.scored
    line_of = {(f.path, n): line for f in files for n, line in enumerate(f.lines, start=1)}
    for exporter, check_run in (("rag", o.rag), ("sft", o.sft)):
        seen: dict[str, list[str]] = {}
        rows = {row["source_run_id"]: row for row in f[exporter]}
        for row in f[exporter]:
            seen.setdefault(row["source_run_id"], []).append("exported")
        qrows = {}
        for row in f[f"q_{exporter}"]:
            seen.setdefault(row["run_id"], []).append(row["reason"])
            qrows[row["run_id"]] = row
        for run in sorted(set(seen) | set(latest), key=str):
            p.check(
                len(seen.get(run, [])) == 1 and run in latest,
                "8",
                f"{exporter}: run {run!r} (scored: {run in latest}) appears as "
                f"{seen.get(run, [])} in export + quarantine",
            )
            if run not in latest or len(seen.get(run, [])) != 1:
                continue
            # beyond the invariants: the gate SPEC §4 names, and the row SPEC §5 describes
            reason, row = check_run(run)
            got = seen[run][0]
            p.check(
                got == (reason or "exported"),
                "gates",
                f"{exporter}: run {run!r} is {got}, SPEC §4 says {reason or 'exported'}",
            )
            if reason is None and got == "exported":
                p.check(
                    rows[run] == row,
                    "rows",
                    f"{exporter}: row for {run!r}\n  got  {rows[run]!r}\n  want {row!r}",
                )
            if got != "exported":
                sc = latest[run]
                p.check(
                    qrows[run]["source_provenance"]
                    == {"input_file": sc.path, "input_line": sc.line},
                    "8",
                    f"{exporter}: quarantine row of {run!r} points at "
                    f"{qrows[run]['source_provenance']}, latest score is {sc.path}:{sc.line}",
                )
                # SPEC §5: the joined input, whole (fields the gates ignore included), read
                # back from the framed lines by the quarantine view
                ev_at = o.evidence_at.get(run)
                want = {
                    "scored_run": record_of(line_of[(sc.path, sc.line)]),
                    "evidence": record_of(line_of[ev_at]) if ev_at else None,
                }
                p.check(
                    qrows[run]["source_record"] == want,
                    "rows",
                    f"{exporter}: quarantine row of {run!r} carries\n  got  "
                    f"{qrows[run]['source_record']!r}\n  want {want!r}",
                )


def every_pair_exported_or_quarantined(x: Example) -> None:
    """Invariant 8 for preference: each SPEC §4.1 candidate pair once, with its gate and row;
    the receipt counts candidates and statuses."""
    o, f, receipts, latest, p = x.o, x.f, x.receipts, x.latest, x.p
    pairs = o.pairs()
    seen_pairs: dict[tuple[str, str], list[str]] = {}
    got_rows = {}
    for row in f["preference"]:
        key = (row["rejected_run_id"], row["chosen_run_id"])
        seen_pairs.setdefault(key, []).append("exported")
        got_rows[key] = row
    for row in f["q_preference"]:
        chosen = ((row["source_record"] or {}).get("chosen") or {}).get("scored_run") or {}
        seen_pairs.setdefault((row["run_id"], chosen.get("run_id")), []).append(row["reason"])
    for key in sorted(set(seen_pairs) | set(pairs), key=str):
        p.check(
            len(seen_pairs.get(key, [])) == 1 and key in pairs,
            "8",
            f"preference: pair (R, C) {key} (a SPEC §4.1 candidate pair: {key in pairs}) "
            f"appears as {seen_pairs.get(key, [])}",
        )
        if key in pairs and len(seen_pairs.get(key, [])) == 1:
            reason, row = pairs[key]
            got = seen_pairs[key][0]
            p.check(
                got == (reason or "exported"),
                "gates",
                f"preference: pair {key} is {got}, SPEC §4.1 says {reason or 'exported'}",
            )
            if reason is None and got == "exported":
                p.check(
                    got_rows[key] == row,
                    "rows",
                    f"preference: pair {key}\n  got  {got_rows[key]!r}\n  want {row!r}",
                )
    counts = receipts["export-preference"]["record_counts"]
    cands = o.candidates()
    p.check(
        (counts["scored_runs"], counts["candidates"], counts["candidate_pairs"])
        == (len(latest), len(cands), len(pairs)),
        "8",
        f"preference receipt scored_runs/candidates/candidate_pairs "
        f"{counts['scored_runs']}/{counts['candidates']}/{counts['candidate_pairs']} != "
        f"{len(latest)}/{len(cands)}/{len(pairs)}",
    )
    sides = {run for key in pairs for run in key}
    want_status = {
        "paired": len(sides),
        "no_counterpart": len(set(cands) - sides),
        "ineligible": len(set(latest) - set(cands)),
    }
    got_status = {k: counts["by_status"].get(k, 0) for k in want_status}
    p.check(got_status == want_status, "8", f"preference by_status {got_status} != {want_status}")


# Every check, in the order of the report.
CHECKS: tuple[Callable[[Example], None], ...] = (
    no_leak_into_sft,
    no_leak_into_rag,
    no_fabricated_pairs,
    no_empty_content,
    provenance_on_every_row,
    ids_recompute,
    ingest_lines_accounted,
    receipts_count_every_line,
    every_run_exported_or_quarantined,
    every_pair_exported_or_quarantined,
)


def check_all(s: Substrate, root: Path) -> Problems:
    """Every check of CHECKS on the files an example wrote under root."""
    p = Problems()
    f = {name: read_file(root, name, p) for name in FILES}
    receipts = {
        stage: json.loads((root / f"reports/distillation/{stage}/receipt.json").read_text())
        for stage in ("build-evidence", "score", "export-preference")
    }
    x = Example(s, Oracle(s), f, receipts, p)
    for check in CHECKS:
        check(x)
    return p
