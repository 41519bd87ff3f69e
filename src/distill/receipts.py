"""Receipts (SPEC §6): what went into a stage and what came out, one JSON file per stage,
and reports/distillation/latest.md, a table a person reads in ten seconds."""

from __future__ import annotations

import contextlib
import json
import subprocess
import threading
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path

import duckdb

from distill.config import Inputs, Options
from distill.dbt import BuildOutcome
from distill.writer import Commit, Written, sha256_file


@dataclass(frozen=True)
class Stage:
    name: str  # receipt folder: build-evidence, score, export-rag, export-sft, export-preference
    exports: tuple[str, ...]  # writer.EXPORTS keys the stage writes
    input_kinds: tuple[str, ...]  # which inputs the stage reads


STAGES = {
    s.name: s
    for s in [
        Stage("build-evidence", ("quarantine_ingest",), ("evidence", "scored", "manifest")),
        Stage("score", ("quarantine_ingest",), ("evidence", "scored")),
        Stage("export-rag", ("rag", "quarantine_rag"), ("evidence", "scored", "manifest")),
        Stage("export-sft", ("sft", "quarantine_sft"), ("evidence", "scored", "manifest")),
        Stage(
            "export-preference",
            ("preference", "quarantine_preference"),
            ("evidence", "scored", "manifest"),
        ),
    ]
}


def _q(con: duckdb.DuckDBPyConnection, sql: str):
    return con.sql(sql).fetchall()


def _by(con, sql: str) -> dict:
    return {str(k): int(v) for k, v in _q(con, sql)}


def record_counts(con: duckdb.DuckDBPyConnection, stage: str) -> dict:
    """The counts SPEC §2-§4 name for one stage, read from the warehouse after the build."""
    if stage in ("build-evidence", "score"):
        kind = "evidence" if stage == "build-evidence" else "scored"
        lines, blank, staged, quarantined = _q(
            con,
            "select coalesce(sum(lines), 0), coalesce(sum(blank_lines), 0),"
            " coalesce(sum(staged), 0), coalesce(sum(ingest_quarantined), 0)"
            f" from int_input_files_accounted where input_kind = '{kind}'",
        )[0]
        counts = {
            "in": int(lines),
            "lines": int(lines),
            "blank_lines": int(blank),
            "staged": int(staged),
            "exported": int(staged),
            "quarantined": int(quarantined),
            "ingest_quarantined": int(quarantined),
            "by_reason": _by(
                con,
                "select q.reason, count(*) from quarantine_ingest q"
                " inner join (select distinct input_file from int_input_files_accounted"
                f" where input_kind = '{kind}') f on q.source_provenance.input_file = f.input_file"
                " group by 1 order by 1",
            ),
        }
        if stage == "build-evidence":
            counts["unscored"] = _q(
                con,
                "select count(*) from int_evidence_deduplicated e where is_canonical"
                " and not exists (select 1 from int_scores_resolved s where s.run_id = e.run_id)",
            )[0][0]
            counts["by_category"] = {}
        else:
            counts["runs"] = _q(con, "select count(*) from int_scores_resolved")[0][0]
            counts["superseded"] = int(
                _q(con, "select coalesce(sum(superseded_scores), 0) from int_scores_resolved")[0][0]
            )
            counts["by_category"] = _by(
                con, "select category, count(*) from int_scores_resolved group by 1 order by 1"
            )
        return counts
    gated = {
        "export-rag": "int_rag_gated",
        "export-sft": "int_sft_gated",
        "export-preference": "int_preference_pairs_gated",
    }[stage]
    total, exported = _q(
        con, f"select count(*), count(*) filter (where reason is null) from {gated}"
    )[0]
    counts = {
        "in": int(total),
        "exported": int(exported),
        "quarantined": int(total - exported),
        "by_reason": _by(
            con,
            f"select reason, count(*) from {gated} where reason is not null group by 1 order by 1",
        ),
    }
    if stage == "export-preference":
        counts["scored_runs"] = _q(con, "select count(*) from int_runs_joined")[0][0]
        counts["candidates"] = _q(con, "select count(*) from int_preference_candidates")[0][0]
        counts["candidate_pairs"] = int(total)
        counts["by_status"] = _by(
            con,
            "select preference_status, count(*) from int_preference_run_status"
            " group by 1 order by 1",
        )
        counts["by_category"] = _by(
            con,
            f"select chosen_score || ' > ' || rejected_score, count(*) from {gated}"
            " where reason is null group by 1 order by 1",
        )
    else:
        counts["by_category"] = _by(
            con, f"select category, count(*) from {gated} group by 1 order by 1"
        )
        counts["exported_by_category"] = _by(
            con,
            f"select category, count(*) from {gated} where reason is null group by 1 order by 1",
        )
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
    rows = _q(
        con,
        "select input_kind, input_file, lines from int_input_files_accounted"
        " order by input_kind, input_file",
    )
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


def versions() -> dict:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return {
        "distill": version("distill"),
        "dbt": version("dbt-core"),
        "dbt_duckdb": version("dbt-duckdb"),
        "duckdb": duckdb.__version__,
    }


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
) -> dict:
    mine = [w for w in written if w.export.key in stage.exports]
    return {
        "stage": stage.name,
        "started_at": started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration_ms": duration_ms,
        "git": git,
        "versions": versions(),
        "options": {
            "evidence": inputs.evidence,
            "scored": inputs.scored,
            "manifest": inputs.manifest,
            **options.as_dict(),
        },
        "inputs": [i for i in input_listing if i["kind"] in stage.input_kinds],
        "outputs": [
            {"path": str(w.path), "sha256": w.sha256, "bytes": w.bytes, "rows": w.rows}
            for w in mine
        ],
        "record_counts": record_counts(con, stage.name),
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


def stage_receipts(commit: Commit, reports_dir: Path, made: list[dict]) -> None:
    """The receipts of this command and the new latest.md, renamed with its export files."""
    for receipt in made:
        path = reports_dir / receipt["stage"] / "receipt.json"
        commit.add_text(path, json.dumps(receipt, indent=2) + "\n")
    latest = {name: _read(reports_dir / name / "receipt.json") for name in STAGES}
    latest.update({r["stage"]: r for r in made})
    commit.add_text(reports_dir / "latest.md", latest_markdown(latest))


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
        ]
    )
