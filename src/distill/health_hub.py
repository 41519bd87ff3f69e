"""`distill health` for the Hub-ready folder (SPEC §5.1), trusting neither the warehouse nor the
writer: every file the receipts list is there with its sha256 and row count; its rows are
exactly the rows of the SPEC export beside it (same ids, same fields, each once); each row is
in the split its split key gives; and the dataset card is the one the receipts give.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pyarrow.parquet as pq

from distill import hub
from distill.config import project_dir
from distill.registry import EXPORTS, HUB_CONFIGS


def _as_export(config: str, row: dict) -> dict:
    """The export row a Hub row stands for, rebuilt from the Hub row alone."""
    if config == "rag":
        return row
    out = dict(row)
    if config == "sft":
        out["instruction"] = _turn(out.pop("prompt"), "user")
        out["response"] = _turn(out.pop("completion"), "assistant")
    else:
        out["prompt"] = _turn(out["prompt"], "user")
        out["chosen"] = _turn(out["chosen"], "assistant")
        out["rejected"] = _turn(out["rejected"], "assistant")
    return out


def _turn(turns, role: str) -> str | None:
    if isinstance(turns, list) and len(turns) == 1 and turns[0].get("role") == role:
        return turns[0].get("content")
    return None  # not one turn of that role: no export row has a null text, so it mismatches


def _digest(row: dict) -> bytes:
    return hashlib.sha256(json.dumps(row, sort_keys=True, ensure_ascii=False).encode()).digest()


def _hub_rows(path: Path) -> Iterator[dict]:
    if path.suffix == ".parquet":
        for batch in pq.ParquetFile(path).iter_batches(batch_size=10_000):
            yield from batch.to_pylist()
    else:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)


def _split_of(key: str, threshold: int) -> str:
    return "test" if int(hashlib.sha256(key.encode()).hexdigest()[:16], 16) < threshold else "train"


def _split_key(config: str, row: dict, blank) -> str:
    run_id = row["rejected_run_id"] if config == "preference" else row["source_run_id"]
    return run_id if blank(row.get("task_id")) else row["task_id"]


def check_hub(paths, receipts: dict, new_check, blank, sha256_file) -> list:
    """The Hub folder's checks, one per config the receipts list files for, and the card."""
    checks = []
    for config in HUB_CONFIGS.values():
        receipt = receipts.get(config.stage)
        files = hub.split_rows(receipt, config.name) if receipt else {}
        if files:
            check = new_check(f"hf/{config.name}")
            checks.append(check)
            _check_config(paths, receipt, config, files, check, blank, sha256_file)
    if checks:
        card = new_check("hf/README.md (the dataset card)")
        checks.append(card)
        path = paths.exports / "hf" / "README.md"
        latest = {stage: receipts.get(stage) for stage in {c.stage for c in HUB_CONFIGS.values()}}
        expected = hub.card(latest, hub.seed_gates(project_dir()))
        if not path.is_file():
            card.fail(f"{path}: missing")
        elif path.read_text(encoding="utf-8") != expected:
            card.fail(f"{path}: differs from the card the receipts give (counts, inputs, configs)")
    return checks


def _check_config(paths, receipt, config, files, check, blank, sha256_file) -> None:
    export = EXPORTS[config.export]
    source = paths.exports / export.path
    if not source.is_file():
        check.fail(f"{source}: missing, so the Hub rows cannot be compared with it")
        return
    with open(source, encoding="utf-8") as handle:
        expected = {(row := json.loads(line))["id"]: _digest(row) for line in handle}
    fraction = Fraction(receipt["options"].get("eval_fraction", "0.05"))
    threshold = math.ceil(fraction * 2**64)
    listed = {Path(o["path"]).as_posix(): o for o in receipt["outputs"]}
    seen: set[str] = set()
    for split, (relative, rows) in files.items():
        path = paths.exports / "hf" / relative
        if not path.is_file():
            check.fail(f"{path}: missing")
            continue
        entry = listed.get(path.as_posix())
        if entry is not None and sha256_file(path)[0] != entry["sha256"]:
            check.fail(f"{path}: sha256 differs from the receipt's")
        count = 0
        for row in _hub_rows(path):
            count += 1
            row_id = row.get("id")
            if row_id in seen:
                check.fail(f"{path}: id {row_id} is in the folder twice")
            seen.add(row_id)
            if expected.get(row_id) != _digest(_as_export(config.name, row)):
                check.fail(f"{path}: row {row_id} is not the row of {export.path} with that id")
            elif _split_of(_split_key(config.name, row, blank), threshold) != split:
                check.fail(f"{path}: row {row_id} belongs to the other split")
        if count != rows:
            check.fail(f"{path}: {count} rows, the receipt says {rows}")
    for missing in sorted(set(expected) - seen)[:5]:
        check.fail(f"{export.path}: row {missing} is not in hf/{config.name}/")
