"""`make bench` / `python -m tools.bench`: distill export-all on a synthetic substrate, per
phase, beside an I/O floor measured in the same run.

The floor is the least work any implementation must do: one DuckDB script that reads both
inputs, joins them and writes the export-shaped files, with no validation and no gates.
Figures are medians of --repeat runs; peak memory is the largest resident set of the
distill process alone (it runs dbt and DuckDB in-process, so that is the whole tree).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from distill.config import DEFAULT_WAREHOUSE, Paths, duckdb_settings, project_dir

PAIRS_FILE = "preference/chosen_rejected.jsonl"
PHASES = ("staging", "gating", "pairing", "shaping", "tests", "writing", "receipts")


def default_scratch() -> Path:
    """Where substrates are cached and runs are made: the git-ignored .bench/ folder."""
    return project_dir() / ".bench"


def cached(folder: Path, marker: str, write) -> Path:
    """`folder`, written by `write(tmp)` into a temp folder beside it and renamed, unless a
    previous bench left it whole (its `marker` file is there)."""
    if not (folder / marker).is_file():
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        write(tmp)
        tmp.rename(folder)
    return folder


def substrate(runs: int, seed: int, scratch: Path) -> Path:
    """Generated once per (runs, seed) and cached in the scratch folder."""
    from distill.synth import write_substrate

    return cached(
        scratch / f"synth-{runs}-{seed}",
        "scored_runs.jsonl",
        lambda tmp: write_substrate(tmp, runs=runs, seed=seed),
    )


def _phase(unique_id: str) -> str:
    name = unique_id.split(".")[-1] if unique_id.startswith("model.") else ""
    if unique_id.startswith(("test.", "unit_test.")):
        return "tests"
    if name.startswith("stg_"):
        return "staging"
    if name.startswith("int_preference"):
        return "pairing"
    if name.endswith("_refused"):  # the quarantine rows, before their records are joined in
        return "shaping"
    if name.startswith("int_"):
        return "gating"
    return "shaping"  # export and quarantine models, seeds


class DistillFailed(SystemExit):
    """export-all exited non-zero (or was stopped at its timeout): what was measured so far."""

    def __init__(self, message: str, code: int, wall_s: float, peak_rss_mib: float, work: Path):
        super().__init__(message)
        self.code, self.wall_s, self.peak_rss_mib, self.work = code, wall_s, peak_rss_mib, work


def run_distill(
    data: Path,
    work: Path,
    engine: str = "duckdb",
    extra: Sequence[str] = (),
    timeout: float | None = None,
    min_free_gb: float | None = None,
) -> dict:
    """export-all on a substrate, `extra` options appended (the quality gates' bench passes
    --near-dup and --eval-set); stopped after `timeout` seconds, or when the disk it works on
    has less than `min_free_gb` free (DuckDB's spill can fill a disk), if given."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    args = [
        sys.executable, "-m", "distill.cli", "export-all", "--json", "--engine", engine,
        "--evidence", str(data / "evidence.jsonl"), "--scored", str(data / "scored_runs.jsonl"),
    ]  # fmt: skip
    if (data / "repo_manifest.txt").is_file():
        args += ["--manifest", str(data / "repo_manifest.txt")]
    args += list(extra)
    started = time.monotonic()
    peak_kib, code, out, err = _run_measured(args, work, timeout, min_free_gb)
    wall = time.monotonic() - started
    if code != 0:
        stopped = {
            TIMED_OUT: f"stopped after {timeout} s",
            LOW_DISK: f"stopped: less than {min_free_gb} GB free",
        }.get(code, f"failed ({code})")
        raise DistillFailed(
            f"distill export-all {stopped}:\n{err[-4000:]}", code, wall, peak_kib / 1024, work
        )
    warehouse = Paths(Path("exports"), Path("reports"), work / DEFAULT_WAREHOUSE[engine], engine)
    results = json.loads((warehouse.dbt_target / "run_results.json").read_text())
    return export_measures(json.loads(out), results, wall, peak_kib / 1024, work / "exports")


def export_measures(
    summary: dict, results: dict, wall_s: float, peak_rss_mib: float, exports: Path
) -> dict:
    """One export-all's figures: its `--json` summary and dbt's run_results.json, with the wall
    time and peak RSS measured around it, and the folder it wrote."""
    phases = dict.fromkeys(PHASES, 0.0)
    for node in results["results"]:
        phases[_phase(node["unique_id"])] += node["execution_time"]
    phases["writing"] = summary["timings_ms"]["write"] / 1000
    phases["receipts"] = summary["timings_ms"]["receipts"] / 1000
    build_s = summary["timings_ms"]["dbt_build"] / 1000
    return {
        "wall_s": wall_s,
        "peak_rss_mib": peak_rss_mib,
        "phases_s": phases,
        "build_s": build_s,
        # every node's seconds by unique_id: where the time of one model or test goes
        "node_s": {n["unique_id"]: n["execution_time"] for n in results["results"]},
        # the build's time outside its nodes: dbt's parse and compile, and on Spark the JVM and
        # the session starting (nodes run one at a time: threads 1)
        "outside_nodes_s": build_s - sum(n["execution_time"] for n in results["results"]),
        "nodes": [(n["unique_id"].split(".")[0], n["execution_time"]) for n in results["results"]],
        # exports/hf/ (SPEC §5.1): its models and tests, and writing its files
        "hub_s": sum(n["execution_time"] for n in results["results"] if _is_hub(n["unique_id"]))
        + sum(ms for key, ms in summary["write_ms_by_export"].items() if key.startswith("hf_"))
        / 1000,
        "files_s": {key: ms / 1000 for key, ms in summary["write_ms_by_export"].items()},
        "output_mb": _folder_mb(exports),
    }


def _is_hub(unique_id: str) -> bool:
    name = unique_id.split(".")[2] if unique_id.count(".") >= 2 else unique_id
    return name.startswith(("hf_", "unique_hf_", "hub_rows_are_the_exports"))


TIMED_OUT, LOW_DISK = -1000, -1001  # _run_measured's status for a command it stopped


def _run_measured(
    args: list[str], cwd: Path, timeout: float | None = None, min_free_gb: float | None = None
) -> tuple[int, int, str, str]:
    """Run a command; return the peak RSS (KiB) of that process alone, its exit status, stdout
    and stderr. wait4 reports the one child's usage; RUSAGE_CHILDREN would be the largest of
    every child so far (the floor's included). The command is killed, status TIMED_OUT, after
    `timeout` seconds, or, status LOW_DISK, when `cwd`'s disk has less than `min_free_gb`."""
    watched = timeout is not None or min_free_gb is not None
    deadline = None if timeout is None else time.monotonic() + timeout
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err)
        stopped = None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if watched else 0)
            if pid:
                break
            if deadline is not None and time.monotonic() > deadline:
                stopped = TIMED_OUT
            elif min_free_gb is not None and shutil.disk_usage(cwd).free < min_free_gb * 1e9:
                stopped = LOW_DISK
            if stopped is not None:
                proc.kill()  # this command alone, by its pid
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.5)
        # reaped: keep Popen in step
        code = stopped if stopped is not None else os.waitstatus_to_exitcode(status)
        proc.returncode = code
        out.seek(0)
        err.seek(0)
        return usage.ru_maxrss, code, out.read().decode(), err.read().decode()


FLOOR_STEPS = (
    (
        "settings",
        """
set memory_limit = '{memory}'; set threads = {threads}; set preserve_insertion_order = false;
set enable_progress_bar = false""",
    ),
    (
        "read scored runs",
        """
create temp table scored as
select json ->> 'run_id' as run_id, json ->> 'category' as category, json as record
from read_ndjson_objects({scored}, ignore_errors = true)""",
    ),
    (
        "read evidence, join",
        """
create temp table joined as
select s.run_id, s.category, e.json ->> 'task_id' as task_id, s.record as scored_record,
       e.json as evidence_record
from scored as s
left join read_ndjson_objects({evidence}, ignore_errors = true) as e
    on s.run_id = e.json ->> 'run_id'""",
    ),
    (
        "rows view",
        """
create temp view rows as
select run_id as id, category, task_id, evidence_record ->> 'text' as text,
       evidence_record ->> 'title' as title, evidence_record ->> 'task_type' as task_type,
       evidence_record ->> 'instruction' as instruction,
       evidence_record -> 'provenance' as provenance,
       json_object('scored_run', scored_record, 'evidence', evidence_record) as source_record
from joined""",
    ),
    (
        "rag",
        """
copy (select id, title, text, category, task_type, provenance from rows
      where category in ('accepted', 'partially_accepted') order by id) to {rag} (format json)""",
    ),
    (
        "sft",
        """
copy (select id, instruction, text, category, provenance from rows
      where category = 'accepted' order by id) to {sft} (format json)""",
    ),
    (
        "preference",
        """
copy (select rejected.id, chosen.text as chosen, rejected.text as rejected
      from rows as rejected
      inner join (select task_id, arg_min(text, id) as text from rows
                  where category = 'accepted' group by task_id) as chosen using (task_id)
      where rejected.category = 'rejected' order by rejected.id) to {preference} (format json)""",
    ),
    (
        "quarantine_rag",
        """
copy (select id, category, source_record from rows
      where category not in ('accepted', 'partially_accepted') order by id)
     to {quarantine_rag} (format json)""",
    ),
    (
        "quarantine_sft",
        """
copy (select id, category, source_record from rows where category <> 'accepted' order by id)
     to {quarantine_sft} (format json)""",
    ),
)
FLOOR_FILES = ("rag", "sft", "preference", "quarantine_rag", "quarantine_sft")
# each step on the same connection, timed; the script prints the seconds as one JSON list
FLOOR_SCRIPT = """
import json, sys, time, duckdb
con, seconds = duckdb.connect(), []
for sql in json.loads(sys.argv[1]):
    started = time.monotonic()
    con.execute(sql)
    seconds.append(time.monotonic() - started)
print(json.dumps(seconds))
"""


def run_floor(data: Path, work: Path) -> dict:
    """The I/O floor, in its own process so that its memory is measured alone. It reads each
    input once, joins scored runs to evidence by run_id, and writes the five large files
    distill writes (RAG, SFT and preference rows, RAG and SFT quarantine rows with both
    records) with rows chosen by category alone: no validation, no gates, no ids. Each step
    is timed, so that a file's COPY can be set beside distill's COPY of the same file."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    def lit(path: Path) -> str:
        return "'" + str(path).replace("'", "''") + "'"

    values = {
        "memory": duckdb_settings()["memory_limit"],
        "threads": duckdb_settings()["threads"],
        "scored": lit(data / "scored_runs.jsonl"),
        "evidence": lit(data / "evidence.jsonl"),
        **{name: lit(work / f"{name}.jsonl") for name in FLOOR_FILES},
    }
    steps = [sql.format(**values) for _, sql in FLOOR_STEPS]
    started = time.monotonic()
    done = subprocess.run(  # stderr left alone: a failing floor says why on the terminal
        [sys.executable, "-c", FLOOR_SCRIPT, json.dumps(steps)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    wall = time.monotonic() - started
    seconds = json.loads(done.stdout)
    return {
        "wall_s": wall,
        "output_mb": _folder_mb(work),
        "steps_s": {label: s for (label, _), s in zip(FLOOR_STEPS, seconds, strict=True)},
    }


def _folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*.jsonl")) / 1e6


def run_per_row(data: Path, work: Path) -> dict:
    """tools/per_row, the per-row stdlib peer of export-all (issue 26), in its own process on the
    same input paths: its time, its peak RSS, and the sha256 of the seven files it wrote."""
    from tools.per_row import FILES

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    peer = [sys.executable, "-m", "tools.per_row", "--out", str(work / "exports")]
    args = [*peer, "--evidence", str(data / "evidence.jsonl")]
    args += ["--scored", str(data / "scored_runs.jsonl")]
    if (data / "repo_manifest.txt").is_file():
        args += ["--manifest", str(data / "repo_manifest.txt")]
    started = time.monotonic()
    peak_kib, code, _, err = _run_measured(args, project_dir())  # tools/ is not installed
    wall = time.monotonic() - started
    if code != 0:
        raise SystemExit(f"tools.per_row failed ({code}):\n{err[-4000:]}")
    return {"wall_s": wall, "peak_rss_mib": peak_kib / 1024,
            "output_mb": _folder_mb(work / "exports"),
            "sha256": seven_files(work / "exports", FILES.values())}  # fmt: skip


def seven_files(exports: Path, relatives) -> dict[str, str]:
    return {r: hashlib.sha256((exports / r).read_bytes()).hexdigest() for r in relatives}


def bench_per_row(runs: int, seed: int, repeat: int, scratch: Path) -> dict:
    """export-all beside tools/per_row on one synth substrate, interleaved: medians, the ratio,
    and whether the peer wrote distill's bytes (it must, for the ratio to compare like with
    like)."""
    from tools.per_row import FILES

    data = substrate(runs, seed, scratch)
    work = scratch / "work"
    distill_runs, peer_runs = [], []
    for _ in range(repeat):
        peer_runs.append(run_per_row(data, work / "per_row"))
        distill_runs.append(run_distill(data, work / "distill"))
    mine = seven_files(work / "distill" / "exports", FILES.values())
    median = statistics.median
    distill_s = median(r["wall_s"] for r in distill_runs)
    peer_s = median(r["wall_s"] for r in peer_runs)
    return {
        "runs": runs, "repeat": repeat,
        "distill_s": round(distill_s, 2), "per_row_s": round(peer_s, 2),
        "ratio_per_row_to_distill": round(peer_s / distill_s, 2),
        "distill_peak_rss_mib": round(max(r["peak_rss_mib"] for r in distill_runs)),
        "per_row_peak_rss_mib": round(max(r["peak_rss_mib"] for r in peer_runs)),
        "files_differ": sorted(r for r in FILES.values() if peer_runs[-1]["sha256"][r] != mine[r]),
        "samples": {"distill_s": [round(r["wall_s"], 2) for r in distill_runs],
                    "per_row_s": [round(r["wall_s"], 2) for r in peer_runs]},
    }  # fmt: skip


def print_per_row(report: dict) -> None:
    same = "the same seven files" if not report["files_differ"] else (
        f"FILES DIFFER: {', '.join(report['files_differ'])}")  # fmt: skip
    print(f"{report['runs']:,} runs, median of {report['repeat']}: export-all"
          f" {report['distill_s']:.2f} s ({report['distill_peak_rss_mib']:,} MiB), per-row stdlib"
          f" {report['per_row_s']:.2f} s ({report['per_row_peak_rss_mib']:,} MiB):"
          f" per-row / distill = {report['ratio_per_row_to_distill']}x; {same}")  # fmt: skip


def sample_median(repeat: int, scratch: Path) -> dict:
    """`distill export-all` on the shipped sample, as a newcomer runs it (its own process, dbt
    start-up included), `repeat` times: the median wall time."""
    work = scratch / "work" / "sample"
    shutil.rmtree(work, ignore_errors=True)
    (work / "data").mkdir(parents=True)
    (work / "data" / "sample").symlink_to(project_dir() / "data" / "sample")
    walls = []
    for _ in range(repeat):
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "distill.cli", "export-all", "--quiet"],
                       cwd=work, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        walls.append(time.monotonic() - started)
    return {"repeat": repeat, "median_s": round(statistics.median(walls), 2),
            "samples_s": [round(w, 2) for w in walls]}  # fmt: skip


def attempts_substrate(attempts: int, one_task: bool, scratch: Path) -> Path:
    """`attempts` runs, accepted / partially_accepted / rejected in turn, each with a 2 KB
    text: all in one task, or three to a task. Same bytes either way but the task ids."""
    folder = scratch / f"attempts-{attempts}-{'one' if one_task else 'spread'}"
    if (folder / "scored_runs.jsonl").is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    categories = ("accepted", "partially_accepted", "rejected")
    body = " ".join(f"step {n}: check the lease, then retry with backoff." for n in range(40))
    with open(folder / "evidence.jsonl", "w") as ev, open(folder / "scored_runs.jsonl", "w") as sc:
        for i in range(attempts):
            run_id = f"bench:{i:06d}"
            task = "bench-task-0" if one_task else f"bench-task-{i // 3}"
            record = {
                "run_id": run_id, "task_id": task, "task_type": "scrum_review", "role": "executor",
                "model": "m", "instruction": "Review the change.", "context": {"matrix": []},
                "text": f"Attempt {i}. {body}", "title": None, "file_refs": [],
                "provenance": {"source_file": "runs/bench.jsonl", "line": i + 1,
                               "sig_hash": f"{i:016x}", "recorded_at": "2026-04-01T00:00:00Z"},
            }  # fmt: skip
            ev.write(json.dumps(record) + "\n")
            score = {"run_id": run_id, "category": categories[i % 3], "rationale": "r",
                     "scorer_version": "v1", "scored_at": "2026-04-02T00:00:00Z"}  # fmt: skip
            sc.write(json.dumps(score) + "\n")
    return folder


def pairing_scenario(attempts: int, repeat: int, scratch: Path) -> dict:
    """Preference pairing of one task with `attempts` attempts against the same number of
    runs spread three to a task: the pairing phase and the whole export-all, medians."""
    work = scratch / "work"
    result = {}
    for name, one_task in (("one_task", True), ("spread", False)):
        data = attempts_substrate(attempts, one_task, scratch)
        runs = [run_distill(data, work / f"attempts-{name}") for _ in range(repeat)]
        result[name] = {
            "pairing_s": round(statistics.median(r["phases_s"]["pairing"] for r in runs), 2),
            "wall_s": round(statistics.median(r["wall_s"] for r in runs), 2),
            "pairs": _rows(work / f"attempts-{name}" / "exports/preference/chosen_rejected.jsonl"),
        }
    result["pairing_ratio"] = round(
        result["one_task"]["pairing_s"] / max(result["spread"]["pairing_s"], 1e-9), 2
    )
    return result


def _rows(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="distill-bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=1_000_000, help="scored runs (default 1M)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument(
        "--attempts",
        type=int,
        metavar="N",
        help="instead: pairing of one task with N attempts vs N runs spread over tasks",
    )
    parser.add_argument(
        "--quality-gates",
        action="store_true",
        help="instead: SPEC §4.3's gates on a planted substrate: their cost (export-all without"
        " and with --near-dup --eval-set), near-dup recall at T 0.8 and 0.6, and datasketch's"
        " MinHash LSH beside them (quality.json; tools/bench_quality.py)",
    )
    parser.add_argument(
        "--gates",
        choices=("both", "near-dup", "eval"),
        default="both",
        help="with --quality-gates: the gates the measured runs switch on (default both:"
        " --near-dup and --eval-set)",
    )
    parser.add_argument(
        "--thresholds",
        default="0.8,0.6",
        help="with --quality-gates: near-dup thresholds, the first for the cost runs, one more"
        " export-all for each other (default 0.8,0.6)",
    )
    parser.add_argument(
        "--run-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="with --quality-gates: stop an export-all with the gates after this long, and"
        " report how far it got (dbt's log)",
    )
    parser.add_argument(
        "--min-free-gb",
        type=float,
        default=20.0,
        help="with --quality-gates: stop an export-all with the gates when the disk has less"
        " free than this (DuckDB spills to disk; default 20)",
    )
    parser.add_argument(
        "--no-peer",
        action="store_true",
        help="with --quality-gates: leave datasketch's MinHash LSH out (at 1M it needs 8 GB and"
        " most of the bench's time)",
    )
    parser.add_argument(
        "--suite",
        action="store_true",
        help="instead: issue 26's figures in one run: the sample's median of 7, export-all"
        " beside the per-row stdlib peer (tools/per_row) at --per-row-runs, and the floor at"
        " --runs; with --engine spark, Spark beside DuckDB at --spark-runs too (suite.json)",
    )
    parser.add_argument(
        "--per-row",
        action="store_true",
        help="instead: export-all beside the per-row stdlib peer (tools/per_row) at --runs",
    )
    parser.add_argument("--per-row-runs", type=int, default=200_000, help="with --suite")
    parser.add_argument("--sample-repeat", type=int, default=7, help="with --suite")
    parser.add_argument("--spark-runs", type=int, default=100_000, help="with --suite")
    parser.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="spark: export-all on Spark beside DuckDB (engines.json) instead of the floor",
    )
    parser.add_argument(
        "--scratch",
        type=Path,
        default=None,
        help="folder for the cached substrates and the runs (default: .bench/ in the checkout)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for latest.json / attempts.json / quality.json (default: reports/bench/)",
    )
    return parser.parse_args(argv)


def bench_attempts(args: argparse.Namespace, scratch: Path, out: Path) -> int:
    """--attempts N: pairing of one big task against the same runs spread over tasks."""
    report = {"attempts": args.attempts, "repeat": args.repeat,
              **pairing_scenario(args.attempts, args.repeat, scratch)}  # fmt: skip
    (out / "attempts.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"{args.attempts:,} attempts, median of {args.repeat}")
    for name in ("one_task", "spread"):
        r = report[name]
        print(f"{name:<9} pairing {r['pairing_s']:>6.2f} s  export-all {r['wall_s']:>6.2f} s"
              f"  {r['pairs']:,} pairs")  # fmt: skip
    print(f"pairing one task / spread: {report['pairing_ratio']}x")
    print(f"written {out / 'attempts.json'}")
    return 0


def bench_engines(args: argparse.Namespace, scratch: Path, out: Path) -> int:
    """--engine spark: export-all on Spark beside DuckDB on one substrate, runs interleaved,
    with where each engine's time goes (engines.json)."""
    data = substrate(args.runs, args.seed, scratch)
    runs: dict[str, list[dict]] = {"duckdb": [], "spark": []}
    for _ in range(args.repeat):
        for engine in runs:
            runs[engine].append(run_distill(data, scratch / "work" / engine, engine))
    report = engine_report(args.runs, args.repeat, runs)
    (out / "engines.json").write_text(json.dumps(report, indent=2) + "\n")
    print_engine_report(report)
    print(f"written {out / 'engines.json'}")
    return 0


def print_engine_report(report: dict) -> None:
    print(f"{report['runs']:,} runs, median of {report['repeat']}, export-all on each engine")
    print(f"{'':<22} {'duckdb':>9} {'spark':>9} {'ratio':>7}")
    for key in ENGINE_ROWS:
        duck, spark = report["duckdb"][key], report["spark"][key]
        ratio = f"{spark / duck:.1f}x" if duck else ""
        print(f"{key:<22} {duck:>9.2f} {spark:>9.2f} {ratio:>7}")


# tests_s, the data tests' nodes, is one of the phases
ENGINE_ROWS = ("wall_s", "outside_nodes_s", "models_s", "seeds_s", "median_model_s",
               "median_test_s", *(f"{p}_s" for p in PHASES))  # fmt: skip


def engine_report(runs: int, repeat: int, by_engine: dict[str, list[dict]]) -> dict:
    median = statistics.median
    report: dict = {"runs": runs, "repeat": repeat}
    for engine, results in by_engine.items():

        def kind_total(kind: str, r: dict) -> float:
            return sum(s for k, s in r["nodes"] if k == kind)

        def kind_median(kind: str, r: dict) -> float:
            return median([s for k, s in r["nodes"] if k == kind] or [0.0])

        row = {
            "wall_s": median(r["wall_s"] for r in results),
            "outside_nodes_s": median(r["outside_nodes_s"] for r in results),
            "models_s": median(kind_total("model", r) for r in results),
            "seeds_s": median(kind_total("seed", r) for r in results),
            "median_model_s": median(kind_median("model", r) for r in results),
            "median_test_s": median(kind_median("test", r) for r in results),
            **{f"{p}_s": median(r["phases_s"][p] for r in results) for p in PHASES},
        }
        report[engine] = {key: round(value, 2) for key, value in row.items()}
        report[engine]["peak_rss_mib"] = round(max(r["peak_rss_mib"] for r in results))
        report[engine]["wall_samples_s"] = [round(r["wall_s"], 2) for r in results]
    report["ratio_spark_to_duckdb"] = round(
        report["spark"]["wall_s"] / report["duckdb"]["wall_s"], 2
    )
    return report


def bench_floor(args: argparse.Namespace, scratch: Path, out: Path) -> int:
    """distill export-all beside the I/O floor on a synth substrate of --runs runs."""
    data = substrate(args.runs, args.seed, scratch)
    input_mb = sum(p.stat().st_size for p in data.iterdir()) / 1e6
    work = scratch / "work"
    distill_runs, floor_runs = [], []
    for _ in range(args.repeat):  # interleaved, so that drift in machine load hits both alike
        floor_runs.append(run_floor(data, work / "floor"))
        distill_runs.append(run_distill(data, work / "distill"))
    report = floor_report(args.runs, args.repeat, input_mb, distill_runs, floor_runs)
    (out / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print_floor_report(report, input_mb)
    print(f"written {out / 'latest.json'}")
    return 0


def _rates(runs: int, input_mb: float, seconds: float) -> dict:
    return {"runs_per_s": round(runs / seconds) if seconds else None,
            "input_mb_per_s": round(input_mb / seconds, 1) if seconds else None}  # fmt: skip


def floor_report(
    runs: int, repeat: int, input_mb: float, distill_runs: list[dict], floor_runs: list[dict]
) -> dict:
    """latest.json: medians of the runs, per phase and per file, and the ratio to the floor."""
    median = statistics.median
    total = median([r["wall_s"] for r in distill_runs])
    floor = median([r["wall_s"] for r in floor_runs])
    phases = {p: median([r["phases_s"][p] for r in distill_runs]) for p in PHASES}
    # the same five files, each distill's COPY beside the floor's (seconds, medians)
    files = {
        name: {
            "distill_s": round(median([r["files_s"][name] for r in distill_runs]), 2),
            "floor_s": round(median([r["steps_s"][name] for r in floor_runs]), 2),
        }
        for name in FLOOR_FILES
    }
    floor_steps = {
        label: round(median([r["steps_s"][label] for r in floor_runs]), 2)
        for label, _ in FLOOR_STEPS
    }

    def rates(seconds: float) -> dict:
        return _rates(runs, input_mb, seconds)

    return {
        "runs": runs,
        "input_mb": round(input_mb, 1),
        "repeat": repeat,
        "distill": {
            "wall_s": round(total, 2),
            **rates(total),
            "peak_rss_mib": round(max(r["peak_rss_mib"] for r in distill_runs)),
            "output_mb": round(distill_runs[-1]["output_mb"], 1),
            "phases": {p: {"s": round(v, 2), **rates(v)} for p, v in phases.items()},
        },
        "floor": {"wall_s": round(floor, 2), **rates(floor),
                  "output_mb": round(floor_runs[-1]["output_mb"], 1), "steps_s": floor_steps},
        "files": files,
        "ratio_to_floor": round(total / floor, 2),
        "hub_s": round(median([r["hub_s"] for r in distill_runs]), 2),
        "hub_share": round(median([r["hub_s"] / r["wall_s"] for r in distill_runs]), 3),
        "samples": {"distill_wall_s": [round(r["wall_s"], 2) for r in distill_runs],
                    "floor_wall_s": [round(r["wall_s"], 2) for r in floor_runs]},
    }  # fmt: skip


def print_floor_report(report: dict, input_mb: float) -> None:
    """The table: distill's phases and total beside the floor, then each file's COPY."""
    distill, floor = report["distill"], report["floor"]
    print(f"{report['runs']:,} runs, {input_mb:,.0f} MB of input, median of {report['repeat']}")
    print(f"{'phase':<12} {'seconds':>8} {'runs/s':>10} {'MB/s':>7}")
    for phase, r in distill["phases"].items():
        print(
            f"{phase:<12} {r['s']:>8.2f} {r['runs_per_s'] or 0:>10,} {r['input_mb_per_s'] or 0:>7}"
        )
    print(f"{'total':<12} {distill['wall_s']:>8.2f} {distill['runs_per_s']:>10,}"
          f" {distill['input_mb_per_s']:>7}"
          f"   peak {distill['peak_rss_mib']:,} MiB,"
          f" wrote {distill['output_mb']:,.0f} MB")  # fmt: skip
    print(f"{'I/O floor':<12} {floor['wall_s']:>8.2f}   wrote {floor['output_mb']:,.0f} MB;"
          f" distill / floor = {report['ratio_to_floor']}x")  # fmt: skip
    print(f"exports/hf/ (models, tests, files): {report['hub_s']:.2f} s,"
          f" {report['hub_share']:.1%} of export-all")  # fmt: skip
    print(f"\n{'file (COPY)':<16} {'distill s':>9} {'floor s':>8}")
    for name, pair in report["files"].items():
        print(f"{name:<16} {pair['distill_s']:>9.2f} {pair['floor_s']:>8.2f}")
    reading = sum(s for label, s in floor["steps_s"].items() if label not in report["files"])
    print(f"{'floor reading':<16} {'':>9} {reading:>8.2f}  (read both inputs, join)")


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    scratch = (args.scratch or default_scratch()).resolve()
    out = args.out or project_dir() / "reports" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    if args.attempts:
        return bench_attempts(args, scratch, out)
    if args.quality_gates:
        from tools.bench_quality import bench_quality

        return bench_quality(args, scratch, out)
    if args.suite:
        return bench_suite(args, scratch, out)
    if args.per_row:
        report = bench_per_row(args.runs, args.seed, args.repeat, scratch)
        (out / "per_row.json").write_text(json.dumps(report, indent=2) + "\n")
        print_per_row(report)
        return 0
    if args.engine == "spark":
        return bench_engines(args, scratch, out)
    return bench_floor(args, scratch, out)


TARGETS = {  # issue 26
    "sample_median_s": ("<=", 4.0),
    "per_row_ratio": (">=", 5.0),
    "floor_ratio": ("<=", 1.5),
    "peak_rss_mib": ("<=", 4096),
    "spark_ratio": ("<=", 4.0),
}


def bench_suite(args: argparse.Namespace, scratch: Path, out: Path) -> int:
    """`make bench`: each of issue 26's figures, measured in this one run, beside its target."""
    sample = sample_median(args.sample_repeat, scratch)
    print(f"sample: export-all median of {args.sample_repeat} {sample['median_s']:.2f} s"
          f" {sample['samples_s']}")  # fmt: skip
    per_row = bench_per_row(args.per_row_runs, args.seed, args.repeat, scratch)
    print_per_row(per_row)
    bench_floor(args, scratch, out)  # at --runs
    floor = json.loads((out / "latest.json").read_text())
    figures = {
        "sample_median_s": sample["median_s"],
        "per_row_ratio": per_row["ratio_per_row_to_distill"],
        "floor_ratio": floor["ratio_to_floor"],
        "peak_rss_mib": floor["distill"]["peak_rss_mib"],
    }
    report = {"sample": sample, "per_row": per_row, "floor": floor}
    if args.engine == "spark":
        bench_engines(argparse.Namespace(**{**vars(args), "runs": args.spark_runs}), scratch, out)
        report["engines"] = json.loads((out / "engines.json").read_text())
        figures["spark_ratio"] = report["engines"]["ratio_spark_to_duckdb"]
    report["figures"] = figures
    (out / "suite.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"\n{'figure':<16} {'measured':>10} {'target':>10}")
    for key, value in figures.items():
        op, target = TARGETS[key]
        met = value <= target if op == "<=" else value >= target
        print(f"{key:<16} {value:>10} {op + ' ' + str(target):>10}  {'met' if met else 'NOT met'}")
    print(f"written {out / 'suite.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
