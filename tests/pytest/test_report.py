"""reports/distillation/report.html (issue 25, docs/report.md) opened in a real browser.

Headless Chromium (Debian's `chromium`, which `make browser` installs) renders the page each
export writes; the numbers are read back from the rendered DOM's data-* attributes and compared
with the receipts, the files on disk and the quarantine files, for the sample and for the
defects set. The screenshot must not be blank. Without a browser the tests skip, saying how to
install one.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import PROJECT, read_jsonl, run_inprocess

STAGES = ("build-evidence", "score", "export-rag", "export-sft", "export-preference")
DEFECTS = ["--evidence", "data/sample/defects/evidence.jsonl",
           "--scored", "data/sample/defects/scored_runs.jsonl",
           "--manifest", "data/sample/defects/repo_manifest.txt"]  # fmt: skip
BAR = 360  # px, a funnel bar at 100% (distill.report.BAR)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip(
            "no Chromium to open the report in: `make browser` installs Debian's chromium "
            "(apt-get install chromium)"
        )
    return found


def browse(page: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [chromium(), "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
         "--disable-extensions", *args, page.resolve().as_uri()],
        capture_output=True, text=True, timeout=180, check=True,
    )  # fmt: skip


class Dom(HTMLParser):
    """The rendered page's elements that carry data-* attributes, each with its parents'."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.found: list[tuple[str, dict, list[tuple[str, dict]]]] = []
        self.tags: Counter = Counter()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags[tag] += 1
        if any(k.startswith("data-") for k in attributes):
            self.found.append((tag, attributes, list(self.stack)))
        if tag not in ("rect", "circle", "line", "polyline", "br", "meta", "i"):
            self.stack.append((tag, attributes))

    def handle_startendtag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags[tag] += 1
        if any(k.startswith("data-") for k in attributes):
            self.found.append((tag, attributes, list(self.stack)))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        self.text.append(data)

    def rows(self, **match) -> list[dict]:
        return [
            a for tag, a, _ in self.found if all(a.get(f"data-{k}") == v for k, v in match.items())
        ]

    def inside(self, tag: str, **match) -> list[tuple[dict, dict]]:
        """(element, its nearest `tag` parent) for the elements under a matching parent."""
        out = []
        for _, attributes, parents in self.found:
            for parent_tag, parent in reversed(parents):
                if parent_tag == tag:
                    if all(parent.get(f"data-{k}") == v for k, v in match.items()):
                        out.append((attributes, parent))
                    break
        return out


def rendered(page: Path) -> Dom:
    dom = Dom()
    dom.feed(browse(page, "--dump-dom").stdout)
    return dom


def png_is_drawn(path: Path) -> bool:
    """A PNG whose pixels are not all one colour (decoded with zlib: no imaging library)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    pixels = zlib.decompress(idat)
    return len(set(pixels[:: max(1, len(pixels) // 200_000)])) > 20


def export(root: Path, *args: str) -> dict[str, dict]:
    result = run_inprocess(["export-all", "--quiet", *args], root)
    assert result.code == 0, result.err
    return {
        s: json.loads((root / "reports/distillation" / s / "receipt.json").read_text("utf-8"))
        for s in STAGES
    }


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("report-sample")
    (root / "data").symlink_to(PROJECT / "data")
    export(root)
    return root, export(root)  # a second run: a baseline and a history of two


@pytest.fixture(scope="module")
def defects(tmp_path_factory):
    root = tmp_path_factory.mktemp("report-defects")
    (root / "data").symlink_to(PROJECT / "data")
    return root, export(root, *DEFECTS)


def check_funnels(dom: Dom, receipts: dict[str, dict]) -> None:
    """Every stage's funnel in the rendered page holds its receipt's numbers, and each bar's
    length is its count's share of the rows read."""
    for stage, receipt in receipts.items():
        counts = receipt["record_counts"]
        steps = {r["data-gate"]: r for r in dom.rows(stage=stage) if "data-gate" in r}
        assert int(steps["read"]["data-count"]) == counts["in"], stage
        assert int(steps["exported"]["data-count"]) == counts["exported"], stage
        for reason, n in counts["by_reason"].items():
            assert int(steps[reason]["data-count"]) == n, (stage, reason)
        gates = [g for g in steps if g not in ("read", "exported", "blank")]
        assert sum(int(steps[g]["data-count"]) for g in gates) == counts["quarantined"], stage
        if "blank" in steps:
            assert int(steps["blank"]["data-count"]) == counts["blank_lines"], stage
        # the funnel closes: what is left after the last gate is what was exported
        assert int(steps[gates[-1]]["data-remaining"]) == counts["exported"], stage
        # the picture: each refusal's bar is as long as its share of the rows read
        bars = dom.inside("tr", stage=stage)
        for rect, row in bars:
            if "data-width" in rect and int(row["data-count"]) > 0:
                want = BAR * int(row["data-count"]) / counts["in"]
                assert abs(float(rect["data-width"]) - max(want, 1.0)) <= 0.1, (stage, row)
        assert sum(1 for rect, _ in bars if "data-width" in rect) == 2 + sum(
            1 for g in [*gates, "blank"] if g in steps and int(steps[g]["data-count"]) > 0
        ), stage


def test_the_sample_report_shows_the_receipts_funnels_in_a_browser(sample, tmp_path):
    root, receipts = sample
    page = root / "reports/distillation/report.html"
    dom = rendered(page)
    check_funnels(dom, receipts)
    statuses = {r["data-status"]: int(r["data-count"]) for r in dom.rows() if r.get("data-status")}
    assert statuses == receipts["export-preference"]["record_counts"]["by_status"]
    shot = tmp_path / "report.png"
    browse(page, f"--screenshot={shot}", "--window-size=1280,2400")
    assert png_is_drawn(shot)


def test_the_defects_report_shows_the_receipts_funnels_in_a_browser(defects, tmp_path):
    root, receipts = defects
    page = root / "reports/distillation/report.html"
    dom = rendered(page)
    check_funnels(dom, receipts)
    # the defects set refuses rows at gates the sample never reaches
    assert {"schema_violation", "duplicate_id"} <= set(
        receipts["build-evidence"]["record_counts"]["by_reason"]
    )
    assert "secret_detected" in receipts["export-rag"]["record_counts"]["by_reason"]
    shot = tmp_path / "report.png"
    browse(page, f"--screenshot={shot}", "--window-size=1280,2400")
    assert png_is_drawn(shot)


def test_each_reason_names_two_of_its_own_rows_and_the_sql_that_finds_them(defects):
    root, receipts = defects
    dom = rendered(root / "reports/distillation/report.html")
    quarantined = {
        exporter: read_jsonl(root / f"exports/quarantine/{exporter}.jsonl")
        for exporter in ("ingest", "rag", "sft", "preference")
    }
    kinds = {"build-evidence": "evidence", "score": "scored"}
    reason_rows = [r for r in dom.rows() if "data-reason" in r and "data-exporter" in r]
    assert {r["data-stage"] for r in reason_rows} == set(STAGES)
    for row in reason_rows:
        stage, exporter, reason = row["data-stage"], row["data-exporter"], row["data-reason"]
        files = {i["path"] for i in receipts[stage]["inputs"] if i["kind"] == kinds.get(stage)}
        ids = {
            q["id"]
            for q in quarantined[exporter]
            if q["reason"] == reason
            and (exporter != "ingest" or q["source_provenance"]["input_file"] in files)
        }
        assert int(row["data-count"]) == len(ids), (stage, reason)
        examples = [
            e["data-example"]
            for e, _ in dom.inside("tr", stage=stage, reason=reason)
            if "data-example" in e
        ]
        assert examples == sorted(ids)[:2], (stage, reason)
    text = "".join(dom.text)
    assert (
        "distill sql \"select * from quarantine where exporter = 'rag' and reason = "
        "'secret_detected' limit 20\"" in text
    )


def test_inputs_and_outputs_are_listed_with_their_real_sizes(sample):
    root, receipts = sample
    dom = rendered(root / "reports/distillation/report.html")
    outputs = {r["data-output"]: r for r in dom.rows() if "data-output" in r}
    listed = {o["path"] for r in receipts.values() for o in r["outputs"]}
    assert set(outputs) == listed
    for path, row in outputs.items():
        assert int(row["data-bytes"]) == os.stat(root / path).st_size, path
    inputs = {r["data-input"]: r for r in dom.rows() if "data-input" in r}
    assert set(inputs) == {
        "data/sample/evidence.jsonl",
        "data/sample/scored_runs.jsonl",
        "data/sample/repo_manifest.txt",
    }
    for path, row in inputs.items():
        assert int(row["data-bytes"]) == os.stat(root / path).st_size, path


def test_the_history_charts_every_kept_receipt(sample):
    root, _ = sample
    dom = rendered(root / "reports/distillation/report.html")
    kept = sorted((root / "reports/distillation/history/export-sft").glob("*.json"))
    assert len(kept) == 2
    points = [r for r, _ in dom.inside("svg", stage="export-sft") if "data-run" in r]
    runs = [json.loads(p.read_text("utf-8")) for p in kept]
    assert [(p["data-run"], int(p["data-count"])) for p in points] == [
        (r["started_at"], r["record_counts"]["exported"]) for r in runs
    ]
    cells = [c for c, _ in dom.inside("tr", reason="unsafe_sft_category") if "data-rows" in c]
    assert [int(c["data-rows"]) for c in cells] == [
        r["record_counts"]["by_reason"]["unsafe_sft_category"] for r in runs
    ]


def test_the_page_is_self_contained_and_small(sample):
    root, _ = sample
    page = root / "reports/distillation/report.html"
    text = page.read_text("utf-8")
    dom = rendered(page)
    assert dom.tags["script"] == 0 and dom.tags["link"] == 0 and dom.tags["img"] == 0
    for marker in ("http://", "https://", "url(", "@import", "src="):
        assert marker not in text, marker
    assert page.stat().st_size < 200_000


def test_distill_report_writes_the_same_page_again(sample, tmp_path):
    root, _ = sample
    page = root / "reports/distillation/report.html"
    before = page.read_bytes()
    page.unlink()
    result = run_inprocess(["report"], root)
    assert result.code == 0, result.err
    assert page.read_bytes() == before
    assert "report.html" in result.out and "KB" in result.out


def test_distill_report_without_receipts_is_a_usage_error(tmp_path):
    result = run_inprocess(["report", "--reports", "nowhere"], tmp_path)
    assert result.code == 2 and "no receipts" in result.err


def fabricated_history(runs: int, reasons: int, rows: int) -> dict[str, list[dict]]:
    """Receipts of every stage as a long-lived big export would leave them: `runs` receipts
    per stage, `reasons` reasons each (the seeded ones and more), `rows` rows read."""
    import random

    chance = random.Random(7)
    history: dict[str, list[dict]] = {}
    for stage in STAGES:
        kept = []
        for run in range(runs):
            by_reason = {f"reason_{k:02d}": chance.randint(0, rows // (reasons * 4))
                         for k in range(reasons)}  # fmt: skip
            quarantined = sum(by_reason.values())
            counts = {"in": rows, "exported": rows - quarantined, "quarantined": quarantined,
                      "by_reason": by_reason, "blank_lines": 0}  # fmt: skip
            if stage == "export-preference":
                counts["by_status"] = {"ineligible": rows // 2, "no_counterpart": rows // 3,
                                       "paired": rows - rows // 2 - rows // 3}  # fmt: skip
            kept.append({
                "stage": stage, "started_at": f"2026-11-{1 + run // 24:02d}T{run % 24:02d}:00:00Z",
                "engine": "duckdb", "git": None, "versions": {"distill": "0.1.0"},
                "options": {"include_review": False}, "inputs": [], "outputs": [],
                "record_counts": counts, "dbt": {"invocation_id": f"{run:08d}"},
                "drift": None,
            })  # fmt: skip
        history[stage] = kept
    return history


def test_a_report_of_1m_rows_14_reasons_and_50_runs_stays_small_and_complete(tmp_path):
    from distill import report

    history = fabricated_history(runs=50, reasons=14, rows=1_000_000)
    latest = {stage: kept[-1] for stage, kept in history.items()}
    page = tmp_path / "report.html"
    page.write_text(report.render(report.build(latest, history, PROJECT, None)), "utf-8")
    assert page.stat().st_size < 300_000  # 221 KB: it grows with reasons and runs, not rows
    dom = rendered(page)
    check_funnels(dom, latest)
    for stage in STAGES:
        heat = {r["data-reason"] for r, p in dom.inside("table", stage=stage) if "data-reason" in r}
        assert heat == set(latest[stage]["record_counts"]["by_reason"]), stage
        points = [r for r, _ in dom.inside("svg", stage=stage) if "data-run" in r]
        assert len(points) == report.HISTORY_SHOWN
