"""Receipts (SPEC §6): what went into a stage and what came out, one JSON file per stage,
and reports/distillation/latest.md, a table a person reads in ten seconds."""

from __future__ import annotations

import contextlib
import hashlib
import json
import subprocess
import threading
from datetime import datetime
from importlib import metadata
from pathlib import Path

import duckdb

from distill import drift
from distill.config import Inputs, Options
from distill.dbt import BuildOutcome
from distill.registry import STAGES, Stage
from distill.writer import Commit, Written, sha256_file


def record_counts(con: duckdb.DuckDBPyConnection, stage: Stage) -> dict:
    """The counts SPEC §2-§4 name for one stage, from its rpt_ counts model: one row per count
    in the receipt's key order; a map is a header row (no key, no value) and its entries."""
    rows = con.execute(
        f"select measure, key, value from {stage.counts} where stage = ?"
        " order by position, key nulls first",
        [stage.name],
    ).fetchall()
    counts: dict = {}
    for measure, key, value in rows:
        if key is not None:
            counts[measure][key] = int(value)
        elif value is None:
            counts[measure] = {}
        else:
            counts[measure] = int(value)
    return counts


class InputDigests:
    """sha256 and size of each input file, hashed on a thread of their own from the moment the
    command starts, so that the receipts do not read the inputs again once dbt is done: dbt and
    DuckDB leave part of the second core idle (framing, dbt between nodes), and hashlib releases
    the GIL. A daemon thread: a command that fails early does not wait for it at exit."""

    def __init__(self, paths: list[str]):
        self._paths = list(dict.fromkeys(paths))
        self._digests: dict[str, tuple[str, int]] = {}
        self._done = threading.Event()
        threading.Thread(target=self._hash_all, name="distill-input-digests", daemon=True).start()

    def _hash_all(self) -> None:
        try:
            for path in self._paths:
                # on an error, get() hashes the path again and raises where it is handled
                with contextlib.suppress(OSError):
                    self._digests[path] = sha256_file(Path(path))
        finally:
            self._done.set()

    def get(self, path: str) -> tuple[str, int]:
        """(sha256, bytes) of one input file; a path not hashed ahead is hashed now."""
        self._done.wait()
        found = self._digests.get(path)
        return found if found is not None else sha256_file(Path(path))


def input_files(
    con: duckdb.DuckDBPyConnection, kinds: tuple[str, ...], digests: InputDigests | None = None
) -> list[dict]:
    rows = con.sql(
        "select input_kind, input_file, lines from rpt_input_files_accounted"
        " order by input_kind, input_file"
    ).fetchall()
    result = []
    for kind, path, lines in rows:
        if kind not in kinds:
            continue
        digest, size = digests.get(path) if digests else sha256_file(Path(path))
        result.append(
            {"kind": kind, "path": path, "sha256": digest, "bytes": size, "lines": int(lines)}
        )
    return result


def git_state(cwd: Path) -> dict | None:
    """sha, branch, dirty of the distill checkout at `cwd`; all null outside a git checkout."""

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(
                ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10, check=True
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip()

    sha = git("rev-parse", "HEAD")
    if sha is None:
        return {"sha": None, "branch": None, "dirty": None}
    return {
        "sha": sha,
        "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def versions(engine: str = "duckdb") -> dict:
    """The code that made the files: distill, dbt and the engine's adapter and runtime (DuckDB
    is listed on both engines: it writes the files)."""

    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    found = {"distill": version("distill"), "dbt": version("dbt-core")}
    if engine == "spark":
        found |= {"dbt_spark": version("dbt-spark"), "pyspark": version("pyspark")}
    else:
        found["dbt_duckdb"] = version("dbt-duckdb")
    return found | {"duckdb": duckdb.__version__}


def build_receipt(
    *,
    stage: Stage,
    con: duckdb.DuckDBPyConnection,
    started_at: datetime,
    duration_ms: int,
    git: dict | None,
    inputs: Inputs,
    options: Options,
    written: list[Written],
    outcome: BuildOutcome,
    input_listing: list[dict],
    engine: str = "duckdb",
) -> dict:
    mine = [w for w in written if stage.name in w.export.stages]
    return {
        "stage": stage.name,
        "started_at": started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration_ms": duration_ms,
        "git": git,
        "engine": engine,
        "versions": versions(engine),
        "options": {
            "evidence": inputs.evidence,
            "scored": inputs.scored,
            "manifest": inputs.manifest,
            "eval_set": inputs.eval_set,
            **options.as_dict(),
        },
        "inputs": [i for i in input_listing if i["kind"] in stage.input_kinds],
        "outputs": [
            {"path": str(w.path), "sha256": w.sha256, "bytes": w.bytes, "rows": w.rows}
            for w in mine
        ],
        "record_counts": record_counts(con, stage),
        "changes": {str(w.path): w.changes.as_dict() for w in mine},
        "dbt": {
            "invocation_id": outcome.invocation_id,
            "tests": {
                "passed": outcome.tests_passed,
                "warned": outcome.tests_warned,
                "failed": outcome.tests_failed,
            },
        },
        "validation_pass": outcome.success,
    }


HISTORY = "history"  # reports/distillation/history/<stage>/<started_at>-<invocation>.json
HISTORY_KEPT = 50  # receipts kept per stage; older ones are removed by the commit that adds one


def history_path(reports_dir: Path, receipt: dict) -> Path:
    """Where a receipt's copy in the history lives: named so that names sort by start time."""
    stamp = receipt["started_at"].replace("-", "").replace(":", "")
    token = (receipt.get("dbt") or {}).get("invocation_id") or hashlib.sha256(
        json.dumps(receipt, sort_keys=True).encode()
    ).hexdigest()
    return reports_dir / HISTORY / receipt["stage"] / f"{stamp}-{token[:8]}.json"


def history(reports_dir: Path, stage: str, last: int = HISTORY_KEPT) -> list[dict]:
    """The last receipts of a stage, oldest first (a file that no longer parses is skipped)."""
    folder = reports_dir / HISTORY / stage
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(p for p in folder.glob("*.json") if not p.name.startswith("."))[-last:]:
        with contextlib.suppress(OSError, ValueError):
            found.append(json.loads(path.read_text(encoding="utf-8")))
    return found


def stage_receipts(
    commit: Commit,
    reports_dir: Path,
    made: list[dict],
    previous: dict[str, dict | None] | None = None,
) -> dict[str, dict | None]:
    """The receipts of this command, their copies in the history (the oldest beyond
    HISTORY_KEPT removed) and the new latest.md, renamed with its export files. `previous`: the
    receipts on disk before this command, read again when not given. Returns the latest
    receipt of every stage, this command's and those on disk."""
    previous = latest_receipts(reports_dir) if previous is None else previous
    for receipt in made:
        text = json.dumps(receipt, indent=2) + "\n"
        commit.add_text(reports_dir / receipt["stage"] / "receipt.json", text)
        kept = [history_path(reports_dir, receipt)]
        commit.add_text(kept[0], text)
        before = previous.get(receipt["stage"])
        if before is not None and not history_path(reports_dir, before).is_file():
            # a receipt from before the history existed: kept too, it is the drift baseline
            kept.append(history_path(reports_dir, before))
            commit.add_text(kept[-1], json.dumps(before, indent=2) + "\n")
        folder = kept[0].parent
        on_disk = folder.glob("*.json") if folder.is_dir() else []
        names = sorted({p for p in on_disk if not p.name.startswith(".")} | set(kept))
        for stale in names[:-HISTORY_KEPT]:
            commit.remove(stale)
    latest = dict(previous)
    latest.update({r["stage"]: r for r in made})
    commit.add_text(reports_dir / "latest.md", latest_markdown(latest))
    return latest


def latest_receipts(reports_dir: Path) -> dict[str, dict | None]:
    """The receipt on disk of every stage, None where there is none."""
    return {name: _read(reports_dir / name / "receipt.json") for name in STAGES}


def _read(path: Path) -> dict | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def latest_markdown(latest: dict[str, dict | None]) -> str:
    """latest.md: one row per stage from its latest receipt."""
    rows = []
    for name in STAGES:
        r = latest.get(name)
        if r is None:
            rows.append(f"| {name} | - | | | | | |")
            continue
        counts = r["record_counts"]
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(counts["by_reason"].items())) or "-"
        outputs = "<br>".join(f"`{o['path']}` ({o['rows']})" for o in r["outputs"])
        changes = r["changes"].values()
        added = sum(c["added"] for c in changes)
        removed = sum(c["removed"] for c in changes)
        rows.append(
            f"| {name} | {r['started_at']} | {counts['in']} | {counts['exported']} |"
            f" {counts['quarantined']} ({reasons}) | +{added} / -{removed} |"
            f" {'pass' if r['validation_pass'] else 'FAIL'} · {outputs} |"
        )
    return "\n".join(
        [
            "# distill — latest receipts",
            "",
            "Each row is the latest `receipt.json` of a stage.",
            "",
            "| stage | started | in | exported | quarantined (by reason) | changes"
            " | tests · files |",
            "|---|---|---|---|---|---|---|",
            *rows,
            "",
            "## Drift",
            "",
            "Each stage's latest receipt against the previous receipt of that stage made with the"
            " same options (docs/report.md).",
            "",
            *drift_lines(latest),
            "",
        ]
    )


def drift_lines(latest: dict[str, dict | None]) -> list[str]:
    """latest.md's drift section: one item per stage with a receipt, one sub-item per drift."""
    lines = []
    for name in STAGES:
        r = latest.get(name)
        if r is None:
            continue
        found = r.get("drift")
        lines.append(f"- {name}: {drift.status(found)}")
        lines += [f"  - DRIFT {drift.describe(item)}" for item in (found or {}).get("drifts", [])]
    return lines
