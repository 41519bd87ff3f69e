"""One `dbt build`, in-process, and what came of it.

Thin over dbt's programmatic interface: build the arguments, call dbtRunner, branch on
success/exception, and read the per-node results (the same data as target/run_results.json).
dbt's docs: one invocation at a time per process; dbt-duckdb keeps the warehouse file open
afterwards (dbt-core#11980), so the connections are closed before anyone else opens it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import pickle
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from distill.config import Inputs, Options, Paths, project_dir

if TYPE_CHECKING:
    from dbt_common.events.base_types import EventMsg

INPUT_ERROR_MARK = "distill input error: "


@dataclass
class TestFailure:
    name: str  # dbt node name, e.g. firewall_no_rejected_in_sft
    message: str  # dbt's message ("Got 3 results, configured to fail if != 0")
    compiled_sql: str | None  # the test's query, to show offending rows


@dataclass
class BuildOutcome:
    success: bool  # every node ran and every error-severity test passed
    invocation_id: str | None
    tests_passed: int = 0
    tests_warned: int = 0
    tests_failed: int = 0
    failures: list[TestFailure] = field(default_factory=list)  # failed tests
    errors: list[str] = field(default_factory=list)  # models/seeds that errored, with messages
    input_error: str | None = None  # an unreadable input named by the framing step


def dbt_vars(inputs: Inputs, options: Options) -> dict:
    return {
        # every input file, [kind, path as given, absolute path], globs expanded, files sorted
        # (SPEC §2): the Spark framing reads this list, so 0-byte files are counted and paths
        # stay as given while Spark reads the absolute ones
        "input_files": [[kind, path, os.path.abspath(path)] for kind, path in inputs.files()],
        "evidence_path": inputs.evidence,
        "scored_path": inputs.scored,
        "manifest_path": inputs.manifest or "",
        "eval_set_path": inputs.eval_set or "",
        "near_dup": options.near_dup,
        "near_dup_threshold": options.near_dup_threshold,
        "include_review": options.include_review,
        "include_partial": options.include_partial,
        "preference_min_gap": options.min_gap,
        "eval_fraction": options.eval_fraction,
    }


def run_build(
    inputs: Inputs,
    options: Options,
    paths: Paths,
    selector: str | None,
    quiet: bool = False,
    colours: bool = False,
    on_event: Callable[[EventMsg], None] | None = None,
) -> BuildOutcome:
    """Run `dbt build`: every node, or the nodes of one selector of selectors.yml. dbt colours
    its log only when `colours` (it would whether or not it writes to a terminal), and calls
    `on_event` with each of its events (distill.progress counts the nodes with them)."""
    from dbt.cli.main import dbtRunner, dbtRunnerResult

    project = project_dir()
    skipped = skipped_gates(inputs, options)
    variables = {
        **dbt_vars(inputs, options),  # globs expanded once, for the parse and the build
        # the gates that are off are left out of the build (selection): their old tables go
        "skipped_gate_tags": skipped,
    }
    common = [
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target-path",
        str(paths.dbt_target.resolve()),
        "--log-path",
        str((paths.dbt_target / "logs").resolve()),
        "--vars",
        json.dumps(variables),
        # dbt starts every line with an escape code when colours are on, a terminal or not;
        # its own log file (target/logs/dbt.log) is never a terminal
        "--use-colors" if colours else "--no-use-colors",
        "--no-use-colors-file",
    ]
    if paths.engine == "spark":
        common += ["--target", "spark"]
    if quiet:
        common += ["--quiet"]
    args = [
        "build",
        *common,
        # Unit tests prove the SQL on fixed fixtures (make test runs them); an export run tests
        # the data. They also assume the default options, which an export may change.
        "--exclude-resource-type",
        "unit_test",
        # seeds are recreated, not truncated and refilled: a seed whose columns changed (a
        # newer checkout on an older warehouse) loads instead of failing. Nothing else here
        # is incremental.
        "--full-refresh",
        # manifest.json (2 MB on every build, about 0.4 s of the sample's) is for dbt's own
        # tools, which parse the project themselves; run_results.json, which says how each
        # node went, is written below from the build's result
        "--no-write-json",
    ]
    args += selection(project, selector, skipped)
    env_before = os.environ.get("DISTILL_WAREHOUSE")
    os.environ["DISTILL_WAREHOUSE"] = str(paths.warehouse.resolve())
    sink = io.StringIO()
    callbacks = [on_event] if on_event else []
    try:
        with contextlib.redirect_stdout(sink) if quiet else contextlib.nullcontext():
            manifest = _parsed_manifest(common, project, paths, variables, callbacks)
            if isinstance(manifest, dbtRunnerResult):  # the parse failed: its error is the answer
                result = manifest
            else:
                result = dbtRunner(manifest=manifest, callbacks=callbacks).invoke(args)
                if result.result is not None and hasattr(result.result, "write"):
                    result.result.write(str(paths.dbt_target.resolve() / "run_results.json"))
    finally:
        _release_warehouse(paths.engine)
        if env_before is None:
            os.environ.pop("DISTILL_WAREHOUSE", None)
        else:
            os.environ["DISTILL_WAREHOUSE"] = env_before
    return _outcome(result, sink.getvalue())


# The quality gates' nodes, by tag: models, and the data tests only they make meaningful
GATE_TAGS = {"eval": "eval_gate", "near_dup": "near_dup_gate"}


def skipped_gates(inputs: Inputs, options: Options) -> list[str]:
    """The tags of the SPEC §4.3 gates this build runs without: their models and tests are
    left out (the models that read them read nothing in their place), and an earlier build's
    relations of theirs are dropped (the var skipped_gate_tags; macros/gates.sql)."""
    skipped = []
    if not inputs.eval_set:
        skipped.append(GATE_TAGS["eval"])
    if not options.near_dup:
        skipped.append(GATE_TAGS["near_dup"])
    return skipped


def selection(project: Path, selector: str | None, skipped: list[str]) -> list[str]:
    """dbt's selection arguments: the models of one selector of selectors.yml and everything
    upstream of them (all of them without one), less the skipped gates' nodes. dbt ignores
    --exclude beside --selector, so a selector's union of `fqn` entries is passed as --select;
    tests run only when every model they read is built (cautious), as the selectors say."""
    args = []
    if selector:
        import yaml

        selectors = yaml.safe_load((project / "selectors.yml").read_text(encoding="utf-8"))
        (definition,) = [s["definition"] for s in selectors["selectors"] if s["name"] == selector]
        select = []
        for entry in definition["union"]:
            if entry.get("method") != "fqn" or not entry.get("parents"):
                raise ValueError(f"selectors.yml {selector}: only fqn entries with parents")
            select.append("+" + entry["value"])
        args += ["--select", *select]
    if skipped:
        args += ["--exclude", *(f"tag:{tag}" for tag in skipped)]
    return [*args, "--indirect-selection", "cautious"] if args else []


# The project parsed once and reused by later builds (dbtRunner(manifest=...), dbt's
# programmatic interface), keyed by what the parse depends on: in this process, and across
# processes through a pickle of the parsed manifest in the project's target/parse-cache/.
# dbt's own partial parse cannot be reused across warehouses: its state check compares the
# profile's connection keys (the warehouse path among them) and every --vars value, and even
# when nothing changed it takes much longer to load and check than the pickle takes to load
# (docs/performance.md).
#
# The vars are not in the key: models and tests read them when they are compiled, at run time,
# with this run's values. The one exception is the DuckDB framing model's config, which dbt
# renders from the input path vars at parse time (models/staging/base/_base__models.yml), so a
# reused parse takes those values from this run's vars. test_cli's parse test fails if another
# node's refs or config come to depend on a var.
_PARSED: dict[tuple, object] = {}
PARSE_TIME_PATH_VARS = ("evidence_path", "scored_path", "manifest_path", "eval_set_path")
PROJECT_PARTS = ("models", "macros", "seeds", "tests", "dbt_project.yml", "selectors.yml",
                 "profiles.yml")  # fmt: skip


def _project_fingerprint(project) -> tuple:
    """Every project file's path, size and modification time: a change to any one reparses."""
    found = []
    for part in PROJECT_PARTS:
        top = project / part
        if top.is_file():
            found.append((part, *_stat(top)))
        for root, dirs, files in os.walk(top):
            dirs.sort()
            for name in sorted(files):
                full = os.path.join(root, name)
                found.append((os.path.relpath(full, project), *_stat(full)))
    return tuple(found)


def _stat(path) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_size, stat.st_mtime_ns


def _parsed_manifest(common, project, paths, variables, callbacks):
    """The parsed project for these args: parsed now (dbt parse, which also writes target/'s
    manifest.json and partial-parse file) or reused from an earlier build in this process; the
    failed parse's result when it fails."""
    from dbt.cli.main import dbtRunner

    key = (
        str(project),
        paths.engine,
        paths.warehouse.stem,  # dbt-duckdb names the database after the file
        # what the profile and dbt's flags read from the environment (DISTILL_WAREHOUSE aside:
        # the database name above is all of it that reaches the parse)
        tuple(
            sorted(
                (k, v)
                for k, v in os.environ.items()
                if k.startswith(("DBT_", "DISTILL_")) and k != "DISTILL_WAREHOUSE"
            )
        ),
        _project_fingerprint(project),
    )
    manifest = _PARSED.get(key)
    if manifest is None:
        cache = _parse_cache_file(project, key)
        manifest = _read_parse_cache(cache)
        if manifest is None:
            parsed = dbtRunner(callbacks=callbacks).invoke(["parse", *common])
            if not parsed.success or parsed.result is None:
                return parsed
            manifest = parsed.result
            _write_parse_cache(cache, manifest)
        _PARSED.clear()  # one parse kept: a process rarely goes back to another
        _PARSED[key] = manifest
    for node in manifest.nodes.values():
        for name in PARSE_TIME_PATH_VARS:
            if node.config.get(name) is not None:
                node.config[name] = variables[name]
    return manifest


def _parse_cache_file(project, key: tuple) -> Path:
    """Where the parse for this key is kept: its name is a digest of the key, with the Python
    and dbt versions whose classes the pickle holds."""
    from importlib.metadata import version

    packages = ("dbt-core", "dbt-adapters", "dbt-duckdb", "dbt-spark")
    versions = []
    for package in packages:
        try:
            versions.append(version(package))
        except Exception:  # not installed: the key says so
            versions.append(None)
    digest = hashlib.sha256(repr((sys.version, versions, key)).encode()).hexdigest()[:32]
    return Path(project) / "target" / "parse-cache" / f"{digest}.pickle"


def _read_parse_cache(path: Path):
    """The manifest kept at `path`, or None when there is none or it cannot be read (then
    the project is parsed, as without the cache)."""
    try:
        with open(path, "rb") as file:
            manifest = pickle.load(file)
    except Exception:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used now: _write_parse_cache removes what no process used for an hour
    return manifest


def _write_parse_cache(path: Path, manifest) -> None:
    """Keep the parse for the next process: written whole then renamed, so a concurrent
    reader sees the old file or the new one; a key unused for an hour is removed. A cache that
    cannot be written (a read-only checkout) costs the next process a parse, nothing else."""
    with contextlib.suppress(Exception):
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(temporary, "wb") as file:
            pickle.dump(manifest, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        for other in path.parent.iterdir():  # other keys, and a killed writer's temporary file
            if other != path and time.time() - other.stat().st_mtime > 3600:
                other.unlink(missing_ok=True)


def _release_warehouse(engine: str) -> None:
    """DuckDB: close dbt's connections, which keep the file locked (dbt-core#11980). Spark: the
    session stays up for the failing tests' sample rows; the process ends with it."""
    if engine != "duckdb":
        return
    with contextlib.suppress(Exception):
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        DuckDBConnectionManager.close_all_connections()


def _outcome(result, captured: str) -> BuildOutcome:
    outcome = BuildOutcome(success=bool(result.success), invocation_id=None)
    if result.exception is not None:
        outcome.success = False
        outcome.errors.append(str(result.exception))
        outcome.input_error = _input_error(str(result.exception))
        return outcome
    run = result.result
    if run is None:
        return outcome
    with contextlib.suppress(ImportError):
        from dbt_common.invocation import get_invocation_id  # the id run_results.json carries

        outcome.invocation_id = get_invocation_id()
    for node_result in run.results:
        node = node_result.node
        status = str(node_result.status).lower().split(".")[-1]
        is_test = node.resource_type in ("test", "unit_test")
        if is_test:
            if status == "pass":
                outcome.tests_passed += 1
            elif status == "warn":
                outcome.tests_warned += 1
            elif status == "error":  # the test itself broke: not a verdict on the data
                outcome.errors.append(f"{node.name}: {node_result.message}")
            elif status == "fail":
                outcome.tests_failed += 1
                outcome.failures.append(
                    TestFailure(
                        name=node.name,
                        message=str(node_result.message or status),
                        # a data test's query returns the offending rows; a unit test's
                        # message already holds its expected-vs-actual diff
                        compiled_sql=getattr(node, "compiled_code", None)
                        if node.resource_type == "test"
                        else None,
                    )
                )
        elif status == "error":
            message = str(node_result.message or "")
            outcome.errors.append(f"{node.name}: {message}")
            outcome.input_error = outcome.input_error or _input_error(message)
    if outcome.failures or outcome.errors:
        outcome.success = False
    return outcome


def _input_error(message: str) -> str | None:
    if INPUT_ERROR_MARK not in message:
        return None
    line = message.split(INPUT_ERROR_MARK, 1)[1].splitlines()[0]
    # DuckDB appends the start of the Python traceback of the Arrow reader to the same line
    line = line.split(" Detail: Python exception:", 1)[0]
    return line.strip()
