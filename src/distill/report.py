"""reports/distillation/report.html (docs/report.md): one self-contained page, from the receipts.

Where the rows went, per stage: a funnel from the rows read through each gate's refusals to the
rows exported, with counts and shares; the preference runs by status; each reason with its SQL
and two example ids; inputs and outputs with sizes and sha256; the drift verdicts; and the last
receipts of the history as charts. The charts are plain SVG written by the Jinja2 template
beside this module: no script, no font, no network at view time, and the same bytes for the
same receipts. Numbers sit in data-* attributes (data-exporter, data-gate, data-count) so a
test reads them from the rendered page.
"""

from __future__ import annotations

import contextlib
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from distill import drift as drifts
from distill.hub import seed_gates
from distill.registry import STAGES
from distill.writer import TMP_MARK, _fsync_path

HISTORY_SHOWN = 30  # receipts per stage in the history charts (the history keeps 50)
BAR = 360  # px: the width of a funnel bar at 100% of the rows read
CHART_W, CHART_H = 560, 140  # px: the exported-count chart of the history

# the exporters first: what a person opens the page for; ingest accounting after them
PAGE_ORDER = ("export-rag", "export-sft", "export-preference", "build-evidence", "score")
# what each stage reads, counts and writes, in the words of the page
STAGE_TERMS = {
    "build-evidence": ("ingest", "evidence lines", "staged"),
    "score": ("ingest", "scored-run lines", "staged"),
    "export-rag": ("rag", "scored runs", "exported"),
    "export-sft": ("sft", "scored runs", "exported"),
    "export-preference": ("preference", "candidate pairs", "exported"),
}


@dataclass
class Step:
    gate: str  # `read`, `blank`, a reason, or `exported`
    label: str
    count: int  # rows refused at this gate; for read and exported, the rows
    remaining: int  # rows left after it
    share: float  # count as percent of the rows read
    description: str = ""
    examples: list[str] = field(default_factory=list)

    def width(self, read: int) -> float:
        """The bar's length in px; a non-zero count never vanishes."""
        if read <= 0 or self.count <= 0:
            return 0.0
        return max(1.0, round(BAR * self.count / read, 1))


def examples_from(con) -> dict[tuple[str, str], list[str]] | None:
    """(stage, reason) -> its two example quarantine ids, from rpt_quarantine_examples;
    None when the warehouse has no such relation (a command that does not build it)."""
    try:
        rows = con.execute(
            "select stage, reason, id from rpt_quarantine_examples order by 1, 2, example"
        ).fetchall()
    except Exception:  # duckdb.CatalogException, or a Spark folder without the table
        return None
    found: dict[tuple[str, str], list[str]] = {}
    for stage, reason, example_id in rows:
        found.setdefault((stage, reason), []).append(example_id)
    return found


def funnel(receipt: dict, gates: dict, examples: dict | None) -> list[Step]:
    """The steps of a stage: rows read, each gate in order (blank lines first for ingest), an
    unknown reason after the seeded ones, then rows exported."""
    exporter, _, _ = STAGE_TERMS[receipt["stage"]]
    counts = receipt["record_counts"]
    read = counts["in"]
    by_reason = counts.get("by_reason", {})
    ordered = list(gates.get(exporter, []))
    known = {reason for reason, _ in ordered}
    unknown = "not in seeds/quarantine_reasons.csv"
    ordered += [(r, unknown) for r in sorted(by_reason) if r not in known]

    def share(n: int) -> float:
        return 100 * n / read if read else 0.0

    steps = [Step("read", "read", read, read, share(read) if read else 100.0)]
    remaining = read
    if exporter == "ingest":
        blank = counts.get("blank_lines", 0)
        remaining -= blank
        steps.append(Step("blank", "blank lines", blank, remaining, share(blank), "skipped"))
    for reason, description in ordered:
        refused = by_reason.get(reason, 0)
        remaining -= refused
        found = (examples or {}).get((receipt["stage"], reason), []) if refused else []
        steps.append(Step(reason, reason, refused, remaining, share(refused), description, found))
    exported = counts["exported"]
    steps.append(Step("exported", "exported", exported, exported, share(exported)))
    return steps


def _series(receipts: list[dict], current: dict | None) -> list[dict]:
    """The history of a stage for the charts: oldest first, the current receipt last."""
    runs = {(r["started_at"], (r.get("dbt") or {}).get("invocation_id") or ""): r for r in receipts}
    if current is not None:
        runs[(current["started_at"], (current.get("dbt") or {}).get("invocation_id") or "")] = (
            current
        )
    return [runs[k] for k in sorted(runs)][-HISTORY_SHOWN:]


def history_view(receipts: list[dict]) -> dict:
    """The history charts of a stage: the exported count as a line (points with data-count),
    each reason's share of rows read per run as a heat table, option changes and drifts."""
    points, columns = [], []
    top = max([r["record_counts"]["exported"] for r in receipts] + [1])
    step = CHART_W / max(len(receipts) - 1, 1)
    previous_options = None
    for index, r in enumerate(receipts):
        counts = r["record_counts"]
        options = drifts.compared_options(r)
        drift = r.get("drift") or {}
        columns.append({
            "started_at": r["started_at"],
            "label": r["started_at"][5:16].replace("T", " "),
            "options_changed": previous_options is not None and options != previous_options,
            "drifts": len(drift.get("drifts", [])),
            "read": counts["in"],
            "exported": counts["exported"],
        })  # fmt: skip
        previous_options = options
        points.append({
            "x": round(index * step if len(receipts) > 1 else CHART_W / 2, 1),
            "y": round(CHART_H - CHART_H * counts["exported"] / top, 1),
            "count": counts["exported"],
            "started_at": r["started_at"],
        })  # fmt: skip
    reasons = sorted({k for r in receipts for k in r["record_counts"].get("by_reason", {})})
    rows = []
    for reason in reasons:
        cells = []
        for r in receipts:
            counts = r["record_counts"]
            n = counts.get("by_reason", {}).get(reason, 0)
            value = 100 * n / counts["in"] if counts["in"] else 0.0
            flagged = any(
                d["kind"] == "reason_share" and d["reason"] == reason
                for d in (r.get("drift") or {}).get("drifts", [])
            )
            # a square-root scale: 1%, 4%, 16% and 50% get colours apart, 100% the darkest
            heat = min(9, math.ceil(math.sqrt(value) * 0.9)) if value > 0 else 0
            cells.append({"share": value, "rows": n, "heat": heat, "drift": flagged,
                          "started_at": r["started_at"]})  # fmt: skip
        rows.append({"reason": reason, "cells": cells})
    return {"columns": columns, "points": points, "top": top, "reasons": rows}


def status_bars(statuses: dict[str, int]) -> list[dict]:
    """The preference runs by status as one stacked bar: each status's x, width and share."""
    total = sum(statuses.values())
    bars, x = [], 0.0
    for status, n in statuses.items():
        width = BAR * 1.5 * n / total if total else 0.0
        share = 100 * n / total if total else 0.0
        bars.append({"status": status, "count": n, "share": share,
                     "x": round(x, 1), "width": round(width, 1)})  # fmt: skip
        x += width
    return bars


def stage_view(receipt: dict, gates: dict, examples: dict | None, history: list[dict]) -> dict:
    """One stage's part of the page."""
    exporter, read_as, exported_as = STAGE_TERMS[receipt["stage"]]
    found = receipt.get("drift")
    return {
        "name": receipt["stage"],
        "exporter": exporter,
        "read_as": read_as,
        "exported_as": exported_as,
        "receipt": receipt,
        "counts": receipt["record_counts"],
        "steps": funnel(receipt, gates, examples),
        "statuses": status_bars(receipt["record_counts"].get("by_status", {})),
        "drift": found,
        "drift_status": drifts.status(found),
        "drift_lines": [drifts.describe(d) for d in (found or {}).get("drifts", [])],
        "history": history_view(_series(history, receipt)),
    }


def build(
    latest: dict[str, dict | None],
    history: dict[str, list[dict]],
    project: Path,
    examples: dict | None,
) -> dict:
    """Everything the template shows, from the latest receipt and the history of each stage."""
    gates = seed_gates(project)  # the reasons in gate order, as the dataset card reads them
    stages = [
        stage_view(latest[name], gates, examples, history.get(name, []))
        for name in PAGE_ORDER
        if latest.get(name) is not None
    ]
    inputs = {}
    for stage in stages:
        for item in stage["receipt"]["inputs"]:
            inputs.setdefault(item["path"], item)
    newest = max((s["receipt"]["started_at"] for s in stages), default=None)
    header = next((s["receipt"] for s in stages if s["receipt"]["started_at"] == newest), None)
    return {
        "stages": stages,
        "inputs": [inputs[p] for p in sorted(inputs)],
        "header": header,
        "examples_found": examples is not None,
        "drift_count": sum(len(s["drift_lines"]) for s in stages),
        "bar": BAR,
        "chart_w": CHART_W,
        "chart_h": CHART_H,
    }


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return str(n)


def render(context: dict) -> str:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["size"] = _size
    env.filters["n"] = lambda v: f"{v:,}"
    env.filters["pct"] = lambda v: "<0.01%" if 0 < v < 0.01 else f"{v:.2f}%"
    return env.get_template("report.html.j2").render(**context)


def page(latest: dict[str, dict | None], reports_dir: Path, project: Path, con=None) -> str:
    """The report's HTML: the latest receipts (this command's, not yet renamed into place,
    among them), the history on disk, example ids from the warehouse `con` when given."""
    from distill.receipts import history

    shown = {name: history(reports_dir, name, HISTORY_SHOWN) for name in STAGES}
    examples = examples_from(con) if con is not None else None
    return render(build(latest, shown, project, examples))


def write_page(path: Path, text: str) -> None:
    """`distill report`: the page written whole to a temp file beside it, then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}{TMP_MARK}{os.getpid()}-report"
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _fsync_path(path.parent, directory=True)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
