"""`make bench` / `python -m distill.bench`: distill export-all on a synthetic substrate, per
phase, beside an I/O floor measured in the same run.

The floor is the least work any implementation must do: one DuckDB script that reads both
inputs, joins them and writes the export-shaped files, with no validation and no gates.
Figures are medians of --repeat runs; peak memory is the largest resident set of the
measured process (distill runs dbt and DuckDB in-process).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from distill.config import project_dir

PHASES = ("staging", "gating", "pairing", "shaping", "tests", "writing", "receipts")


def substrate(runs: int, seed: int) -> Path:
    """Generated once per (runs, seed) and cached in the git-ignored .bench/ folder."""
    folder = project_dir() / ".bench" / f"synth-{runs}-{seed}"
    if not (folder / "scored_runs.jsonl").is_file():
        from distill.synth import write_substrate

        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        write_substrate(tmp, runs=runs, seed=seed)
        tmp.rename(folder)
    return folder


def _phase(unique_id: str) -> str:
    name = unique_id.split(".")[-1] if unique_id.startswith("model.") else ""
    if unique_id.startswith(("test.", "unit_test.")):
        return "tests"
    if name.startswith("stg_"):
        return "staging"
    if name.startswith("int_preference"):
        return "pairing"
    if name.startswith("int_"):
        return "gating"
    return "shaping"  # export and quarantine models, seeds


def run_distill(data: Path, work: Path) -> dict:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    args = [
        sys.executable, "-m", "distill.cli", "export-all", "--json",
        "--evidence", str(data / "evidence.jsonl"), "--scored", str(data / "scored_runs.jsonl"),
        "--manifest", str(data / "repo_manifest.txt"),
    ]  # fmt: skip
    started = time.monotonic()
    proc = subprocess.run(args, cwd=work, capture_output=True, text=True)
    wall = time.monotonic() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        raise SystemExit(f"distill export-all failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    summary = json.loads(proc.stdout)
    results = json.loads(
        (work / "warehouse" / ".distill.duckdb.dbt-target" / "run_results.json").read_text()
    )
    phases = dict.fromkeys(PHASES, 0.0)
    for node in results["results"]:
        phases[_phase(node["unique_id"])] += node["execution_time"]
    phases["writing"] = summary["timings_ms"]["write"] / 1000
    phases["receipts"] = summary["timings_ms"]["receipts"] / 1000
    return {"wall_s": wall, "peak_rss_mib": peak_kib / 1024, "phases_s": phases}


FLOOR_SQL = """
set memory_limit = '{memory}'; set threads = {threads}; set preserve_insertion_order = false;
set enable_progress_bar = false;
create temp table joined as
select s.run_id, s.category, e.task_id, e.task_type, e.instruction, e.text, e.title,
       e.provenance, s.rationale
from read_json({scored}, format='newline_delimited', ignore_errors=true, columns={{
        run_id: 'varchar', category: 'varchar', rationale: 'varchar', scored_at: 'varchar'}}) s
left join read_json({evidence}, format='newline_delimited', ignore_errors=true, columns={{
        run_id: 'varchar', task_id: 'varchar', task_type: 'varchar', instruction: 'varchar',
        text: 'varchar', title: 'varchar', provenance: 'json'}}) e using (run_id);
copy (select run_id as id, title, text, category, task_type, provenance from joined
      where category in ('accepted', 'partially_accepted') order by id) to {rag} (format json);
copy (select run_id as id, instruction, text, category, provenance from joined
      where category = 'accepted' order by id) to {sft} (format json);
copy (select run_id as id, category, to_json(joined) as source_record from joined
      where category not in ('accepted', 'partially_accepted') order by id)
     to {quarantine} (format json);
"""


def run_floor(data: Path, work: Path) -> dict:
    """The I/O floor, in its own process so its memory is measured alone."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    def lit(path: Path) -> str:
        return "'" + str(path).replace("'", "''") + "'"

    sql = FLOOR_SQL.format(
        memory=os.environ.get("DISTILL_MEMORY_LIMIT", "4GB"),
        threads=int(os.environ.get("DISTILL_THREADS", "2")),
        scored=lit(data / "scored_runs.jsonl"),
        evidence=lit(data / "evidence.jsonl"),
        rag=lit(work / "rag.jsonl"),
        sft=lit(work / "sft.jsonl"),
        quarantine=lit(work / "quarantine.jsonl"),
    )
    script = f"import duckdb; duckdb.connect().execute({sql!r})"
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", script], check=True)
    return {"wall_s": time.monotonic() - started}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="distill-bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=1_000_000, help="scored runs (default 1M)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args(argv)

    data = substrate(args.runs, args.seed)
    input_mb = sum(p.stat().st_size for p in data.iterdir()) / 1e6
    scratch = project_dir() / ".bench" / "work"
    distill_runs, floor_runs = [], []
    for _ in range(args.repeat):  # interleaved, so that drift in machine load hits both alike
        floor_runs.append(run_floor(data, scratch / "floor"))
        distill_runs.append(run_distill(data, scratch / "distill"))

    def median(values):
        return statistics.median(values)

    total = median([r["wall_s"] for r in distill_runs])
    floor = median([r["wall_s"] for r in floor_runs])
    phases = {p: median([r["phases_s"][p] for r in distill_runs]) for p in PHASES}
    report = {
        "runs": args.runs,
        "input_mb": round(input_mb, 1),
        "repeat": args.repeat,
        "distill": {
            "wall_s": round(total, 2),
            "runs_per_s": round(args.runs / total),
            "input_mb_per_s": round(input_mb / total, 1),
            "peak_rss_mib": round(max(r["peak_rss_mib"] for r in distill_runs)),
            "phases_s": {p: round(v, 2) for p, v in phases.items()},
        },
        "floor": {"wall_s": round(floor, 2)},
        "ratio_to_floor": round(total / floor, 2),
        "samples": {"distill_wall_s": [round(r["wall_s"], 2) for r in distill_runs],
                    "floor_wall_s": [round(r["wall_s"], 2) for r in floor_runs]},
    }  # fmt: skip
    out = project_dir() / "reports" / "bench" / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{args.runs:,} runs, {input_mb:,.0f} MB of input, median of {args.repeat}")
    print(f"{'phase':<12} {'seconds':>8}")
    for phase, seconds in phases.items():
        print(f"{phase:<12} {seconds:>8.2f}")
    rates = f"{args.runs / total:,.0f} runs/s, {input_mb / total:.0f} MB/s"
    print(
        f"{'total':<12} {total:>8.2f}   ({rates}, peak {report['distill']['peak_rss_mib']:,} MiB)"
    )
    print(f"{'I/O floor':<12} {floor:>8.2f}   ratio {report['ratio_to_floor']}x")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
