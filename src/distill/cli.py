"""`distill COMMAND [OPTIONS]` (SPEC §7).

Exit status: 0 success; 1 a gate (dbt test) failed and nothing was written; 2 usage or input
error, naming the file and the problem; 3 anything else; 4 (revision 4) --fail-on-drift was
given and a drift was found against the previous receipt: everything was written, as on success.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from distill import __version__
from distill.config import DEFAULT_WAREHOUSE, ENGINES, Inputs, Options, Paths, project_dir
from distill.lines import InputError, check_eval_set, check_manifest

EXIT_OK, EXIT_GATE, EXIT_USAGE, EXIT_OTHER, EXIT_DRIFT = 0, 1, 2, 3, 4
REPORT_PAGE = "report.html"  # under --reports: written by every command that writes receipts


class UsageError(Exception):
    """Exit 2: the message names what is wrong."""


def _min_gap(value: str) -> int:
    if value not in ("1", "2"):
        raise argparse.ArgumentTypeError(f"must be 1 or 2, got {value!r}")
    return int(value)


def _decimal_between(low: str, high: str):
    """An argparse type: a decimal in [low, high], kept as written (normalised), so that what
    it decides (a split, a refusal) stays exact in SQL."""

    def parse(value: str) -> str:
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal(-1)
        if not (number.is_finite() and Decimal(low) <= number <= Decimal(high)):
            raise argparse.ArgumentTypeError(
                f"must be a decimal from {low} to {high}, got {value!r}"
            )
        return format(number.normalize(), "f")

    return parse


_eval_fraction = _decimal_between("0", "0.5")  # SPEC §5.1
_near_dup_threshold = _decimal_between("0.5", "1")  # SPEC §4.3
_max_drop = _decimal_between("0", "1")  # drift: a share of the previous exported count
_max_share_move = _decimal_between("0", "100")  # drift: percentage points of the rows read


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, got {value!r}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="distill",
        description="Export scored LLM-agent runs into RAG, SFT and preference datasets.",
    )
    parser.add_argument("--version", action="version", version=f"distill {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--exports", default="exports", help="export folder (default: exports)")
    common.add_argument(
        "--reports",
        default="reports/distillation",
        help="receipts folder (default: reports/distillation)",
    )
    common.add_argument(
        "--warehouse",
        help="the warehouse: a DuckDB file (default warehouse/distill.duckdb), or with "
        "--engine spark a folder of Spark tables (default warehouse/spark)",
    )
    common.add_argument("--quiet", action="store_true", help="print only errors")
    common.add_argument(
        "--json", action="store_true", help="print a machine-readable summary on stdout"
    )

    inputs = argparse.ArgumentParser(add_help=False)
    inputs.add_argument("--evidence", help="evidence JSON Lines: path or glob")
    inputs.add_argument("--scored", help="scored runs JSON Lines: path or glob")
    inputs.add_argument(
        "--manifest",
        help="repo manifest (default: the sample's while --evidence is the default; '' = none)",
    )

    engine = argparse.ArgumentParser(add_help=False)
    engine.add_argument(
        "--engine",
        choices=ENGINES,
        default="duckdb",
        help="the engine dbt builds on: duckdb (default) or spark (dbt-spark, a local session)",
    )

    drift = argparse.ArgumentParser(add_help=False)
    drift.add_argument(
        "--fail-on-drift",
        action="store_true",
        help="exit 4 (after writing everything) when a receipt drifts from the previous one",
    )
    drift.add_argument(
        "--drift-max-drop",
        type=_max_drop,
        metavar="SHARE",
        help="drift when an exported count falls by more than this share, 0 to 1 "
        "(default: seeds/drift_thresholds.csv, 0.2)",
    )
    drift.add_argument(
        "--drift-max-share-move",
        type=_max_share_move,
        metavar="PP",
        help="drift when a reason's share of rows read moves by more than this many "
        "percentage points, 0 to 100 (default: seeds/drift_thresholds.csv, 5)",
    )

    def pipeline(name: str, help_text: str, *flags: str) -> None:
        sub = commands.add_parser(name, parents=[common, inputs, engine, drift], help=help_text)
        if "review" in flags:
            sub.add_argument(
                "--include-review", action="store_true", help="RAG takes needs_human_review runs"
            )
        if "partial" in flags:
            sub.add_argument(
                "--include-partial", action="store_true", help="SFT takes partially_accepted runs"
            )
        if "hub" in flags:
            sub.add_argument(
                "--eval-fraction",
                type=_eval_fraction,
                default="0.05",
                help="share of tasks in exports/hf/'s test split, 0 to 0.5 (default 0.05)",
            )
            sub.add_argument(
                "--hf-format",
                choices=("parquet", "jsonl"),
                default="parquet",
                help="file format of exports/hf/ (default parquet)",
            )
            sub.add_argument(
                "--license", default="other", help="the dataset card's license (default other)"
            )
            sub.add_argument(
                "--language", default="en", help="the dataset card's language (default en)"
            )
        if "eval" in flags:
            sub.add_argument(
                "--eval-set",
                metavar="PATH",
                help="refuse rows that share a protected token sequence with these eval texts "
                "(SPEC §4.3): a path or glob; .jsonl/.jsonl.gz lines give every string value, "
                "other files every non-blank line",
            )
        if "near-dup" in flags:
            sub.add_argument(
                "--near-dup",
                action="store_true",
                help="refuse RAG and SFT rows whose 5-token shingles are similar (Jaccard >= T) "
                "to a kept row's (SPEC §4.3)",
            )
            sub.add_argument(
                "--near-dup-threshold",
                type=_near_dup_threshold,
                default="0.8",
                metavar="T",
                help="the Jaccard threshold T of --near-dup, 0.5 to 1 (default 0.8)",
            )
        if "gap" in flags:
            sub.add_argument(
                "--min-gap",
                type=_min_gap,
                default=2,
                help="preference rank gap: 1 or 2 (default 2)",
            )

    pipeline("build-evidence", "stage and validate evidence; ingest quarantine")
    pipeline("score", "stage scored runs; resolve the latest score per run")
    pipeline("export-rag", "RAG export and its quarantine", "review", "hub", "eval", "near-dup")
    pipeline("export-sft", "SFT export and its quarantine", "partial", "hub", "eval", "near-dup")
    pipeline("export-preference", "preference export and its quarantine", "gap", "hub", "eval")
    pipeline(
        "export-all",
        "every export in one dbt build",
        *("review", "partial", "gap", "hub", "eval", "near-dup"),
    )

    commands.add_parser(
        "health", parents=[common], help="re-check the files on disk against the last receipts"
    )
    commands.add_parser(
        "report",
        parents=[common, engine],
        help="write REPORTS/report.html again from the receipts (every export writes it too)",
    )

    synth = commands.add_parser("synth", help="write a realistic synthetic substrate")
    synth.add_argument("--runs", type=_positive, required=True, help="number of scored runs")
    synth.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    synth.add_argument("--out", required=True, help="output folder")
    synth.add_argument(
        "--defect-rate", type=float, default=0.02, help="share of defective lines (default 0.02)"
    )
    synth.add_argument(
        "--short-texts",
        action="store_true",
        help="texts of a few hundred bytes, not 1-4 KB (10M runs on a small disk)",
    )
    synth.add_argument(
        "--planted",
        action="store_true",
        help="replace 5%% of the runs (at least 200, at most half) by planted near duplicates and "
        "eval-contaminated runs for SPEC §4.3's gates; also write eval_set.jsonl and their "
        "ground truth, planted.json (docs/planted.md)",
    )
    synth.add_argument(
        "--eval-items",
        type=_positive,
        metavar="N",
        help="with --planted: lines of eval_set.jsonl (default 10000), at most --runs / 10",
    )
    synth.add_argument("--quiet", action="store_true")
    synth.add_argument("--json", action="store_true")

    sql = commands.add_parser("sql", parents=[engine], help="read-only SQL on the warehouse")
    sql.add_argument("query", help='e.g. "select reason, count(*) from quarantine group by 1"')
    sql.add_argument("--warehouse", help="as for the other commands")
    sql.add_argument("--json", action="store_true", help="print rows as JSON Lines")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # usage errors exit 2 here (argparse)
    try:
        if args.command == "synth":
            return _synth(args)
        if args.command == "sql":
            return _sql(args)
        paths = Paths(Path(args.exports), Path(args.reports), _warehouse(args), _engine(args))
        if args.command == "health":
            from distill.health import run_health

            return run_health(paths, quiet=args.quiet, as_json=args.json)
        if args.command == "report":
            return _report(args, paths)
        return _pipeline(args, paths)
    except InputError as err:
        _error(f"input error: {err.path}: {err.problem}")
        return EXIT_USAGE
    except UsageError as err:
        _error(str(err))
        return EXIT_USAGE
    except Exception as err:
        return _exit_for(err)
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_OTHER


def _exit_for(err: Exception) -> int:
    from distill.warehouse import WarehouseBusy
    from distill.writer import WriteError

    if isinstance(err, WarehouseBusy):
        _error(str(err))
        return EXIT_USAGE
    if isinstance(err, WriteError):
        _error(f"cannot write {err}")
        return EXIT_USAGE
    _error(f"internal error: {err}")
    traceback.print_exc(file=sys.stderr)
    return EXIT_OTHER


def _error(message: str) -> None:
    print(f"distill: {message}", file=sys.stderr)


def _check_secret_literals(seed: Path) -> None:
    """Exit 2 before dbt starts when a row's literals could let one of its matches through the
    Spark gates' prefilter (src/distill/secret_literals.py)."""
    from distill.secret_literals import problems

    found = problems(seed)
    if found:
        raise UsageError(
            f"{seed}: {'; '.join(found)}: list strings every match contains, or leave the"
            " literals cell empty"
        )


def _pipeline(args: argparse.Namespace, paths: Paths) -> int:
    from distill import drift, progress, receipts
    from distill.dbt import run_build
    from distill.registry import (
        COMMANDS,
        EXPORTER_INPUTS,
        STAGES,
        exports_of,
        hub_exports,
        selector,
    )
    from distill.warehouse import WarehouseLock, read_only
    from distill.writer import Commit, recover, write_exports

    started = datetime.now(UTC)
    clock = time.monotonic()
    inputs = Inputs.from_args(
        args.evidence, args.scored, args.manifest, getattr(args, "eval_set", None)
    )
    options = _options(args)
    try:
        limits = drift.thresholds(project_dir(), args.drift_max_drop, args.drift_max_share_move)
    except drift.ThresholdError as err:
        raise UsageError(str(err)) from err
    _check_secret_literals(project_dir() / "seeds" / "secret_patterns.csv")
    listed = inputs.files()  # exit 2 before dbt starts when one is missing
    check_eval_set([path for kind, path in listed if kind == "eval"])
    check_manifest([path for kind, path in listed if kind == "manifest"])
    files = [path for _, path in listed]
    if paths.engine == "spark":
        _check_spark()
    digests = receipts.InputDigests(files)  # hashed while dbt builds, read by the receipts
    stages = [STAGES[name] for name in COMMANDS[args.command]]
    display = progress.for_run(quiet=args.quiet or args.json)

    timings: dict[str, int] = {}
    with WarehouseLock(paths.warehouse):
        with display.dbt_build() as on_event:
            outcome = run_build(
                inputs,
                options,
                paths,
                selector(args.command),
                quiet=args.quiet or args.json,
                colours=display.dbt_colours,
                on_event=on_event,
            )
        timings["dbt_build"] = int((time.monotonic() - clock) * 1000)
        if outcome.input_error:
            raise UsageError(outcome.input_error)
        if outcome.errors:
            for message in outcome.errors:
                _error(message)
            _error("dbt build failed; nothing was written")
            return EXIT_OTHER
        if outcome.failures:
            _report_failures(paths, outcome)
            _error(
                f"{outcome.tests_failed} gate test(s) failed; nothing was written "
                f"(exports in {paths.exports} are untouched)"
            )
            return EXIT_GATE
        exports = exports_of(args.command) + hub_exports(
            args.command, options.hf_format, options.eval_fraction
        )
        recover(paths.exports, paths.reports)
        commit = Commit(paths.exports)
        try:
            with read_only(paths.warehouse) as con:
                mark = time.monotonic()
                with display.writing(len(exports)):
                    written = write_exports(con, commit, exports, progress=display)
                timings["write"] = int((time.monotonic() - mark) * 1000)
                mark = time.monotonic()
                git = receipts.git_state(project_dir())  # the code that made the files
                listing = receipts.input_files(con, EXPORTER_INPUTS, digests)
                duration = int((time.monotonic() - clock) * 1000)
                made = [
                    receipts.build_receipt(
                        stage=stage,
                        con=con,
                        started_at=started,
                        duration_ms=duration,
                        git=git,
                        inputs=inputs,
                        options=options,
                        written=written,
                        outcome=outcome,
                        input_listing=listing,
                        engine=paths.engine,
                    )
                    for stage in stages
                ]
                mark_report = time.monotonic()
                latest = _receipts_drift_report(commit, con, paths, made, limits)
                timings["drift_and_report"] = int((time.monotonic() - mark_report) * 1000)
                if any(e.split for e in exports):
                    _stage_hub_card(commit, latest, exports)
            commit.commit()  # exports, receipts, latest.md and the card: all renamed, or none
        except BaseException:
            commit.abort()
            raise
        timings["receipts"] = int((time.monotonic() - mark) * 1000)
    timings["total"] = int((time.monotonic() - clock) * 1000)
    drifted = sum(len(r["drift"]["drifts"]) for r in made)
    code = EXIT_DRIFT if args.fail_on_drift and drifted else EXIT_OK
    if args.json:
        summary = {
            "command": args.command,
            "exit": code,
            "timings_ms": timings,
            "write_ms_by_export": {w.export.key: w.write_ms for w in written},
            "receipts": made,
        }
        print(json.dumps(summary, indent=2))
    elif not args.quiet:
        print(_summary(made, paths))
    if code == EXIT_DRIFT:
        _error(
            f"{drifted} drift(s) against the previous receipts (--fail-on-drift); everything was "
            f"written: see {paths.reports}/latest.md"
        )
    return code


def _receipts_drift_report(commit, con, paths: Paths, made: list[dict], limits) -> dict:
    """Each receipt's drift against the one it replaces, then the receipts, their history,
    latest.md and the report page, all into the commit. Returns the latest receipts."""
    from distill import drift, receipts, report

    previous = receipts.latest_receipts(paths.reports)
    for receipt in made:
        before = previous.get(receipt["stage"])
        baseline = receipts.history_path(paths.reports, before) if before else None
        receipt["drift"] = drift.compare(
            before, receipt, limits, None if baseline is None else str(baseline)
        )
    latest = receipts.stage_receipts(commit, paths.reports, made, previous)
    commit.add_text(
        paths.reports / REPORT_PAGE, report.page(latest, paths.reports, project_dir(), con)
    )
    return latest


def _options(args: argparse.Namespace) -> Options:
    defaults = Options()
    return Options(**{
        name: getattr(args, name, getattr(defaults, name))
        for name in defaults.as_dict()
    })  # fmt: skip


def _stage_hub_card(commit, latest: dict, exports: list) -> None:
    """exports/hf/README.md from the latest receipts, and the Hub files of the configs written
    here that the new set no longer has (another format or split): both part of the commit."""
    from distill import hub

    text = hub.card(latest, hub.seed_gates(project_dir()))
    if text is not None:
        commit.add_text(commit.exports_dir / "hf" / "README.md", text)
    written = {commit.exports_dir / e.path for e in exports if e.split}
    for folder in {path.parent for path in written}:
        for stale in sorted(set(folder.iterdir()) - written):
            if stale.is_file() and not stale.name.startswith("."):
                commit.remove(stale)


def _engine(args: argparse.Namespace) -> str:
    return getattr(args, "engine", "duckdb")


def _warehouse(args: argparse.Namespace) -> Path:
    return Path(args.warehouse or DEFAULT_WAREHOUSE[_engine(args)])


def _check_spark() -> None:
    """--engine spark needs pyspark and dbt-spark (the `spark` extra) and a Java runtime."""
    import importlib.util
    import shutil
    import subprocess

    if (
        importlib.util.find_spec("pyspark") is None
        or importlib.util.find_spec("dbt.adapters.spark") is None
    ):
        raise UsageError("--engine spark needs pyspark and dbt-spark: pip install -e '.[spark]'")
    java = shutil.which(
        "java", path=os.path.join(os.environ.get("JAVA_HOME", ""), "bin")
    ) or shutil.which("java")
    try:
        ok = (
            java is not None
            and subprocess.run([java, "-version"], capture_output=True, timeout=30).returncode == 0
        )
    except (OSError, subprocess.SubprocessError):
        ok = False
    if not ok:
        raise UsageError(
            "--engine spark needs a Java runtime (17 or later) on PATH or in JAVA_HOME, "
            "e.g. apt install openjdk-17-jre-headless"
        )


def _report_failures(paths: Paths, outcome) -> None:
    from distill.warehouse import failing_rows

    for failure in outcome.failures:
        _error(f"FAILED {failure.name}: {failure.message}")
        if not failure.compiled_sql:
            continue
        try:
            columns, rows = failing_rows(paths, failure.compiled_sql, limit=5)
            for row in rows:
                shown = ", ".join(f"{c}={_short(v)}" for c, v in zip(columns, row, strict=True))
                print(f"    offending row: {shown}", file=sys.stderr)
        except Exception as err:  # the sample is a courtesy; the verdict stands without it
            print(
                f"    (could not sample offending rows: {str(err).splitlines()[0]})",
                file=sys.stderr,
            )


def _short(value, width: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _top_reasons(counts: dict) -> str:
    top = sorted(counts["by_reason"].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    return ", ".join(f"{k} {v}" for k, v in top) or "-"


def _summary(receipts_made: list[dict], paths: Paths) -> str:
    """The tables a person reads after a run: ingest accounting, then one row per exporter."""
    ingest = [r for r in receipts_made if r["stage"] in ("build-evidence", "score")]
    exports = [r for r in receipts_made if r not in ingest]
    lines: list[str] = []
    if ingest:
        lines.append(
            f"{'input':<10} {'lines':>9} {'blank':>7} {'staged':>9} {'quarantined':>11}"
            f" {'unscored':>9} {'superseded':>10}  top reasons"
        )
        for r in ingest:
            c = r["record_counts"]
            name = "evidence" if r["stage"] == "build-evidence" else "scored"
            lines.append(
                f"{name:<10} {c['lines']:>9,} {c['blank_lines']:>7,} {c['staged']:>9,}"
                f" {c['quarantined']:>11,} {c.get('unscored', '-'):>9}"
                f" {c.get('superseded', '-'):>10}  {_top_reasons(c)}"
            )
    if exports:
        if lines:
            lines.append("")
        lines.append(
            f"{'exporter':<18} {'read':>9} {'exported':>9} {'quarantined':>11}  top reasons"
        )
        for r in exports:
            c = r["record_counts"]
            lines.append(
                f"{r['stage'].removeprefix('export-'):<18} {c['in']:>9,} {c['exported']:>9,}"
                f" {c['quarantined']:>11,}  {_top_reasons(c)}"
            )
            if "by_status" in c:
                lines.append(
                    f"{'':<18} runs: " + ", ".join(f"{k} {v}" for k, v in c["by_status"].items())
                )
    lines.append("")
    lines += _drift_summary(receipts_made)
    files = sorted({o["path"] for r in receipts_made for o in r["outputs"]})
    lines.append("")
    lines.append("written: " + ", ".join(files))
    lines.append(
        f"receipts: {paths.reports}/<stage>/receipt.json, {paths.reports}/latest.md,"
        f" {paths.reports}/{REPORT_PAGE}"
    )
    lines.append(
        f"warehouse: {paths.warehouse}"
        '  (distill sql "select reason, count(*) from quarantine group by 1")'
    )
    return "\n".join(lines)


def _drift_summary(receipts_made: list[dict]) -> list[str]:
    """After the tables: each stage's drift verdict, and each drift on a line of its own."""
    from distill import drift

    limits = receipts_made[0]["drift"]["thresholds"]
    lines = [
        f"drift (against the previous receipt with the same options; alarm: exported count down"
        f" more than {limits['max_exported_drop']:.0%}, a reason's share of rows read moved more"
        f" than {limits['max_reason_share_move']:g} pp):"
    ]
    for r in receipts_made:
        lines.append(f"  {r['stage']:<18} {drift.status(r['drift'])}")
        lines += [f"    DRIFT {drift.describe(item)}" for item in r["drift"]["drifts"]]
    return lines


def _report(args: argparse.Namespace, paths: Paths) -> int:
    """`distill report`: the page from the receipts on disk, with example ids when the
    warehouse can be read (not while a run holds it, nor before export-all built it)."""
    from distill import receipts, report
    from distill.warehouse import WarehouseBusy, read_only

    latest = receipts.latest_receipts(paths.reports)
    if all(r is None for r in latest.values()):
        raise UsageError(f"no receipts in {paths.reports}: run `distill export-all` first")
    try:
        with read_only(paths.warehouse) as con:
            text = report.page(latest, paths.reports, project_dir(), con)
        note = ""
    except WarehouseBusy as err:
        text = report.page(latest, paths.reports, project_dir())
        note = f" (no example ids: {err})"
    target = paths.reports / REPORT_PAGE
    try:
        report.write_page(target, text)
    except OSError as err:
        raise UsageError(f"cannot write {target}: {err.strerror or err}") from err
    size = len(text.encode("utf-8"))
    if args.json:
        print(json.dumps({"command": "report", "exit": 0, "path": str(target), "bytes": size}))
    elif not args.quiet:
        print(f"wrote {target} ({size / 1024:,.0f} KB){note}")
    return EXIT_OK


def _synth(args: argparse.Namespace) -> int:
    from distill.synth import write_substrate

    if not 0 <= args.defect_rate <= 1:
        raise UsageError(f"--defect-rate must be between 0 and 1, got {args.defect_rate}")
    if args.eval_items is not None and not args.planted:
        raise UsageError("--eval-items needs --planted")
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"{out}: {err.strerror or err}") from err
    started = time.monotonic()
    files = "evidence.jsonl, scored_runs.jsonl, repo_manifest.txt"
    if args.planted:
        from distill.synth.planted import DEFAULT_EVAL_ITEMS, write_planted_substrate

        files += ", eval_set.jsonl, planted.json"
        counts = write_planted_substrate(
            out,
            runs=args.runs,
            seed=args.seed,
            defect_rate=args.defect_rate,
            short_texts=args.short_texts,
            eval_items=DEFAULT_EVAL_ITEMS if args.eval_items is None else args.eval_items,
        )
    else:
        counts = write_substrate(
            out,
            runs=args.runs,
            seed=args.seed,
            defect_rate=args.defect_rate,
            short_texts=args.short_texts,
        )
    if args.json:
        print(json.dumps(counts, indent=2))
    elif not args.quiet:
        print(f"wrote {out}/{files} in {time.monotonic() - started:.1f} s")
        for key, value in counts.items():
            print(f"  {key}: {value}")
    return EXIT_OK


def _sql(args: argparse.Namespace) -> int:
    import duckdb

    from distill.warehouse import read_only

    with read_only(_warehouse(args)) as con:
        try:
            cursor = con.sql(args.query)
        except duckdb.Error as err:
            raise UsageError(f"query failed: {str(err).splitlines()[0]}") from err
        if cursor is None:
            return EXIT_OK
        columns = cursor.columns
        rows = cursor.fetchall()
    if args.json:
        for row in rows:
            print(json.dumps(dict(zip(columns, row, strict=True)), default=str, ensure_ascii=False))
        return EXIT_OK
    print(_table(columns, rows))
    return EXIT_OK


def _table(columns: list[str], rows: list[tuple]) -> str:
    cells = [[str(c) for c in columns]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [min(60, max(len(row[i]) for row in cells)) for i in range(len(columns))]

    def fmt(row: list[str]) -> str:
        return "  ".join(
            (v if len(v) <= w else v[: w - 1] + "…").ljust(w)
            for v, w in zip(row, widths, strict=True)
        ).rstrip()

    out = [fmt(cells[0]), "  ".join("-" * w for w in widths)]
    out += [fmt(r) for r in cells[1:]]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
