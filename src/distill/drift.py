"""The drift alarm (SPEC §7 revision 4, docs/report.md): each new receipt against the previous
receipt of its stage, when both were made with the same options.

Two kinds of drift, each against a threshold of seeds/drift_thresholds.csv that the command line
may override:
- `exported_drop`: the stage's exported count fell by more than `max_exported_drop` (a share of
  the previous count);
- `reason_share`: a quarantine reason's share of the rows read moved, up or down, by more than
  `max_reason_share_move` percentage points.

The inputs may differ between the two receipts (that is what the alarm watches); options that
change what a gate decides may not: a receipt made with other options is no baseline, never an
alarm. Shares are compared as exact fractions, so a move of exactly the threshold is no drift on
any platform.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

SEED = Path("seeds") / "drift_thresholds.csv"

# Receipt options that cannot change a count, so two receipts that differ only in them still
# compare: the inputs (what the alarm watches) and the Hub folder's presentation. Every other
# option, a new one included, must be equal, so a new option never causes a false alarm.
OPTIONS_NOT_COMPARED = ("evidence", "scored", "eval_fraction", "hf_format", "license", "language")


class ThresholdError(Exception):
    """seeds/drift_thresholds.csv cannot be read: SPEC §7 exit status 2, naming the file."""


@dataclass(frozen=True)
class Thresholds:
    max_drop: Decimal  # the exported count may fall by at most this share (0.2 = 20%)
    max_share_move: Decimal  # a reason's share of rows read may move by at most this many pp

    def as_dict(self) -> dict:
        return {
            "max_exported_drop": float(self.max_drop),
            "max_reason_share_move": float(self.max_share_move),
        }


def seed_thresholds(project: Path) -> Thresholds:
    """The defaults, from the project's seeds/drift_thresholds.csv."""
    path = project / SEED
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            values = {row["threshold"]: row["value"] for row in csv.DictReader(handle)}
        return Thresholds(
            max_drop=Decimal(values["max_exported_drop"]),
            max_share_move=Decimal(values["max_reason_share_move"]),
        )
    except (OSError, KeyError, InvalidOperation) as err:
        raise ThresholdError(f"{path}: cannot read the drift thresholds ({err!r})") from err


def thresholds(project: Path, max_drop: str | None, max_share_move: str | None) -> Thresholds:
    """The seed's thresholds, each overridden by its command-line value when one was given."""
    seeded = seed_thresholds(project)
    return Thresholds(
        max_drop=seeded.max_drop if max_drop is None else Decimal(max_drop),
        max_share_move=seeded.max_share_move if max_share_move is None else Decimal(max_share_move),
    )


def compared_options(receipt: dict) -> dict:
    return {k: v for k, v in receipt.get("options", {}).items() if k not in OPTIONS_NOT_COMPARED}


def compare(
    previous: dict | None, current: dict, limits: Thresholds, baseline_path: str | None
) -> dict:
    """The receipt's `drift` object: its baseline (or why there is none) and every drift."""
    verdict: dict = {"thresholds": limits.as_dict()}
    if previous is None:
        return verdict | {"baseline": None, "no_baseline": "first run", "drifts": []}
    before_options, after_options = compared_options(previous), compared_options(current)
    if before_options != after_options:
        changed = sorted(
            k
            for k in before_options.keys() | after_options.keys()
            if before_options.get(k) != after_options.get(k)
        )
        return verdict | {
            "baseline": None,
            "no_baseline": "options differ from the previous receipt's: " + ", ".join(changed),
            "drifts": [],
        }
    baseline = {"started_at": previous["started_at"], "path": baseline_path}
    return verdict | {"baseline": baseline, "drifts": drifts(previous, current, limits)}


def drifts(previous: dict, current: dict, limits: Thresholds) -> list[dict]:
    exporter = current["stage"].removeprefix("export-")
    before, after = previous["record_counts"], current["record_counts"]
    found = []
    fell_from, fell_to = before.get("exported", 0), after.get("exported", 0)
    if fell_from > 0 and Fraction(fell_from - fell_to, fell_from) > Fraction(limits.max_drop):
        found.append({
            "kind": "exported_drop",
            "exporter": exporter,
            "reason": None,
            "before": fell_from,
            "after": fell_to,
            "change": round((fell_to - fell_from) / fell_from, 4),
            "threshold": float(limits.max_drop),
        })  # fmt: skip
    reasons = sorted(before.get("by_reason", {}).keys() | after.get("by_reason", {}).keys())
    for reason in reasons:
        share_before = _share(before, reason)
        share_after = _share(after, reason)
        if abs(share_after - share_before) > Fraction(limits.max_share_move):
            found.append({
                "kind": "reason_share",
                "exporter": exporter,
                "reason": reason,
                "before": round(float(share_before), 2),
                "after": round(float(share_after), 2),
                "change": round(float(share_after - share_before), 2),
                "threshold": float(limits.max_share_move),
                "rows_before": before.get("by_reason", {}).get(reason, 0),
                "rows_after": after.get("by_reason", {}).get(reason, 0),
            })  # fmt: skip
    return found


def _share(counts: dict, reason: str) -> Fraction:
    """The reason's rows as percent of the rows the stage read (0 when it read none)."""
    read = counts.get("in", 0)
    return Fraction(100 * counts.get("by_reason", {}).get(reason, 0), read) if read else Fraction(0)


def describe(item: dict) -> str:
    """One drift in words, for the summary, latest.md and the report."""
    if item["kind"] == "exported_drop":
        return (
            f"{item['exporter']}: exported {item['before']:,} -> {item['after']:,}"
            f" ({item['change']:+.1%}; the alarm is a fall of more than {item['threshold']:.0%})"
        )
    return (
        f"{item['exporter']}: {item['reason']} {item['before']:.2f}% -> {item['after']:.2f}%"
        f" of rows read ({item['change']:+.2f} pp; the alarm is a move of more than"
        f" {item['threshold']:g} pp)"
    )


def status(drift: dict | None) -> str:
    """The stage's drift verdict in a few words."""
    if drift is None:
        return "not checked (receipt made before the drift alarm)"
    if drift["baseline"] is None:
        return f"no baseline ({drift['no_baseline']})"
    count = len(drift["drifts"])
    if count == 0:
        return f"no drift against {drift['baseline']['started_at']}"
    return f"{count} drift{'s' if count > 1 else ''} against {drift['baseline']['started_at']}"
