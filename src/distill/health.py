"""`distill health`: re-read the files on disk, trusting neither the warehouse nor the writer.

For every file named by the latest receipts: it exists, its sha256 matches the receipt, every
line is one JSON object with SPEC §5's keys in order, ids are unique, sorted and recompute from
the row's own fields, and invariants 1-5 hold. The inputs must still hash as the receipts say,
else the exports are stale. One verdict per check; exit 1 when any fails.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from distill.health_hub import check_hub
from distill.registry import EXPORTS, STAGES, Export
from distill.writer import recover, sha256_file

US = "\x1f"
# SPEC §2 whitespace: U+0009-U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028,
# U+2029, U+202F, U+205F, U+3000
WS = "".join(
    [chr(c) for c in range(0x09, 0x0E)]
    + [" ", "\x85", "\xa0", "\u1680"]
    + [chr(c) for c in range(0x2000, 0x200B)]
    + ["\u2028", "\u2029", "\u202f", "\u205f", "\u3000"]
)
ID_RE = re.compile(r"^(rag|sft|pref|q)-[0-9a-f]{16}$")
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
RANK = {"accepted": 3, "partially_accepted": 2, "rejected": 1}
PROVENANCE_KEYS = ["source_file", "line", "sig_hash", "recorded_at"]


def hex16(*parts: str | None) -> str:
    joined = US.join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip(WS) == "")


@dataclass
class Check:
    name: str
    problems: list[str] = field(default_factory=list)

    def fail(self, problem: str) -> None:
        if len(self.problems) < 20:
            self.problems.append(problem)
        elif len(self.problems) == 20:
            self.problems.append("… (more)")

    @property
    def ok(self) -> bool:
        return not self.problems


def _rows(path: Path, check: Check) -> Iterator[tuple[int, dict]]:
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.endswith(b"\n"):
                check.fail(f"{path}:{number}: line does not end with \\n")
            try:
                row = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as err:
                check.fail(f"{path}:{number}: not JSON ({err})")
                continue
            if not isinstance(row, dict):
                check.fail(f"{path}:{number}: not a JSON object")
                continue
            yield number, row


def _provenance_complete(p) -> bool:
    return (
        isinstance(p, dict)
        and list(p) == PROVENANCE_KEYS
        and not blank(p.get("source_file"))
        and not blank(p.get("sig_hash"))
        and isinstance(p.get("recorded_at"), str)
        and bool(TS_RE.match(p["recorded_at"]))
    )


def _run_provenance_problems(row: dict, prefix: str) -> list[str]:
    """Invariants 5 and 6 of a RAG or SFT row: complete provenance, an id that recomputes."""
    prov = row["provenance"]
    if not _provenance_complete(prov):
        return ["invariant 5: provenance incomplete"]
    if row["id"] != f"{prefix}-" + hex16(row["source_run_id"], prov["sig_hash"]):
        return ["invariant 6: id does not recompute from source_run_id and sig_hash"]
    return []


def _check_rag(row: dict, options: dict) -> list[str]:
    problems = []
    if row["success_score"] == "rejected":
        problems.append("invariant 2: a rejected run in RAG")
    if row["success_score"] == "needs_human_review" and not options.get("include_review"):
        problems.append("invariant 2: needs_human_review in RAG without --include-review")
    if blank(row["text"]) or blank(row["title"]):
        problems.append("invariant 4: blank title or text")
    return problems + _run_provenance_problems(row, "rag")


def _check_sft(row: dict, options: dict) -> list[str]:
    problems = []
    if row["quality_score"] in ("rejected", "needs_human_review"):
        problems.append(f"invariant 1: a {row['quality_score']} run in SFT")
    if row["quality_score"] == "partially_accepted" and not options.get("include_partial"):
        problems.append("SFT holds partially_accepted without --include-partial")
    if blank(row["instruction"]) or blank(row["response"]):
        problems.append("invariant 4: blank instruction or response")
    return problems + _run_provenance_problems(row, "sft")


def _check_preference(row: dict, options: dict) -> list[str]:
    problems = []
    gap = int(options.get("min_gap", 2))
    if row["chosen_run_id"] == row["rejected_run_id"]:
        problems.append("invariant 3: chosen and rejected are the same run")
    chosen, rejected = RANK.get(row["chosen_score"]), RANK.get(row["rejected_score"])
    if chosen is None or rejected is None or chosen - rejected < gap:
        problems.append("invariant 3: chosen does not rank above rejected by the minimum gap")
    if not blank(row["chosen"]) and row["chosen"].strip(WS) == (row["rejected"] or "").strip(WS):
        problems.append("invariant 3: chosen and rejected texts are identical")
    if blank(row["prompt"]) or blank(row["chosen"]) or blank(row["rejected"]):
        problems.append("invariant 4: blank prompt, chosen or rejected")
    prov = row["provenance"]
    if not (
        isinstance(prov, dict)
        and list(prov) == ["chosen", "rejected"]
        and _provenance_complete(prov["chosen"])
        and _provenance_complete(prov["rejected"])
    ):
        problems.append("invariant 5: provenance incomplete")
    elif row["id"] != "pref-" + hex16(
        row["chosen_run_id"], prov["chosen"]["sig_hash"],
        row["rejected_run_id"], prov["rejected"]["sig_hash"],
    ):  # fmt: skip
        problems.append("invariant 6: id does not recompute from both runs and sig_hashes")
    return problems


def _check_quarantine(row: dict, options: dict) -> list[str]:
    problems = []
    if not row["errors"] or not isinstance(row["errors"], list):
        problems.append("quarantine row without errors")
    exporter, reason = row["exporter"], row["reason"]
    record = row["source_record"] or {}
    where = row["source_provenance"] or {}
    if exporter == "ingest":
        key = f"{where.get('input_file')}:{where.get('input_line')}"
    elif exporter == "preference":
        chosen = ((record.get("chosen") or {}).get("scored_run") or {}).get("run_id")
        key = f"{row['run_id']}{US}{chosen}"
    else:
        key = row["run_id"]
    if row["id"] != "q-" + hex16(exporter, key, reason):
        problems.append("invariant 6: quarantine id does not recompute")
    return problems


CHECKERS: dict[str, Callable[[dict, dict], list[str]]] = {
    "rag": _check_rag,
    "sft": _check_sft,
    "preference": _check_preference,
    "quarantine": _check_quarantine,
}


def check_file(export: Export, path: Path, options: dict, check: Check) -> int:
    checker = CHECKERS[export.shape]
    expected_keys = list(export.keys)
    previous: bytes | None = None
    seen: set[str] = set()
    rows = 0
    for number, row in _rows(path, check):
        rows += 1
        where = f"{path}:{number}"
        if list(row) != expected_keys:
            check.fail(f"{where}: keys {list(row)} are not SPEC §5's {expected_keys}")
            continue
        row_id = row["id"]
        if not isinstance(row_id, str) or not ID_RE.match(row_id):
            check.fail(f"{where}: malformed id {row_id!r}")
            continue
        if row_id in seen:
            check.fail(f"{where}: duplicate id {row_id}")
        seen.add(row_id)
        encoded = row_id.encode()
        if previous is not None and encoded < previous:
            check.fail(f"{where}: id {row_id} is out of order")
        previous = encoded
        for problem in checker(row, options):
            check.fail(f"{where}: {problem}")
    return rows


def run_health(paths, quiet: bool = False, as_json: bool = False) -> int:
    checks: list[Check] = []
    recovered = recover(paths.exports, paths.reports) if paths.exports.is_dir() else []
    receipts = {}
    found = Check("receipts present")
    for stage in sorted(STAGES):
        receipt_path = paths.reports / stage / "receipt.json"
        if not receipt_path.is_file():
            found.fail(f"{receipt_path}: missing (run distill export-all)")
            continue
        receipts[stage] = json.loads(receipt_path.read_text(encoding="utf-8"))
        if not receipts[stage].get("validation_pass"):
            found.fail(f"{receipt_path}: the stage did not pass validation")
    checks.append(found)

    for export in EXPORTS.values():
        stage = export.stages[0]
        receipt = receipts.get(stage)
        path = paths.exports / export.path
        check = Check(f"{export.path}")
        checks.append(check)
        if receipt is None:
            check.fail(f"no receipt for {stage}")
            continue
        listed = {Path(o["path"]).as_posix(): o for o in receipt["outputs"]}
        entry = listed.get(path.as_posix())
        if not path.is_file():
            check.fail(f"{path}: missing")
            continue
        if entry is None:
            check.fail(f"{path}: not listed in the {stage} receipt")
            continue
        digest, _ = sha256_file(path)
        if digest != entry["sha256"]:
            check.fail(
                f"{path}: sha256 {digest[:12]}… differs from the receipt's {entry['sha256'][:12]}…"
            )
        rows = check_file(export, path, receipt.get("options", {}), check)
        if rows != entry["rows"]:
            check.fail(f"{path}: {rows} rows, the receipt says {entry['rows']}")

    checks += check_hub(paths, receipts, Check, blank, sha256_file)

    stale = Check("inputs unchanged since the export (else stale)")
    seen_inputs: dict[str, str] = {}
    for receipt in receipts.values():
        for item in receipt.get("inputs", []):
            seen_inputs.setdefault(item["path"], item["sha256"])
    for input_path, expected in sorted(seen_inputs.items()):
        if not Path(input_path).is_file():
            stale.fail(f"{input_path}: input is gone")
            continue
        digest, _ = sha256_file(Path(input_path))
        if digest != expected:
            stale.fail(f"{input_path}: changed since the export (stale)")
    checks.append(stale)

    healthy = all(c.ok for c in checks)
    if as_json:
        print(json.dumps({
            "healthy": healthy,
            "recovered": recovered,
            "checks": [{"name": c.name, "ok": c.ok, "problems": c.problems} for c in checks],
        }, indent=2))  # fmt: skip
    elif not quiet or not healthy:
        for note in recovered:
            print(f"note: {note}")
        for c in checks:
            print(f"{'ok  ' if c.ok else 'FAIL'}  {c.name}")
            for problem in c.problems:
                print(f"      {problem}")
        print("healthy" if healthy else "NOT healthy")
    return 0 if healthy else 1
