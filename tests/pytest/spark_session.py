"""Run several distill and dbt invocations in one process, so that they share one Spark session.

A local Spark session costs about 15 s to start and keeps its warehouse folder for the life of
its JVM, so test_spark runs everything it needs from Spark here, in order, in one child process:

    python tests/pytest/spark_session.py PLAN.json RESULTS.json

PLAN is a list of steps, each {"kind": "distill" | "dbt", "cwd": folder, "args": [...]}, and
optionally "warehouse" (DISTILL_WAREHOUSE from that step on: one folder for the whole plan, since
the session keeps the one it started with), "stdout" (a distill step's standard output is written
whole there) and "copy" ([[source, copy], ...], files copied once the step is done: the next step
may overwrite them). RESULTS holds, per step, its exit status, its output's tail, its seconds,
this process's peak RSS so far and, for dbt, the nodes that failed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import shutil
import sys
import time
import traceback
from pathlib import Path


def run_distill(args: list[str], stdout: str | None = None) -> dict:
    """`distill ARGS`; its standard output whole into the file `stdout` when given (the
    `--json` summary), else with its standard error in the result's tail."""
    from distill.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err if stdout else out):
        try:
            code = main(args)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    if stdout:
        Path(stdout).write_text(out.getvalue())
        out = err
    return {"code": code, "output": out.getvalue()[-4000:], "failed": []}


def run_dbt(args: list[str]) -> dict:
    from dbt.cli.main import dbtRunner

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        result = dbtRunner().invoke(args)
    failed = []
    if result.result is not None and hasattr(result.result, "results"):
        failed = [r.node.name for r in result.result.results if str(r.status) in ("fail", "error")]
    return {"code": 0 if result.success else 1, "output": out.getvalue()[-4000:], "failed": failed}


def main(plan_path: str, results_path: str) -> int:
    plan = json.loads(Path(plan_path).read_text())
    results = []
    for step in plan:
        if "warehouse" in step:
            os.environ["DISTILL_WAREHOUSE"] = step["warehouse"]
        os.chdir(step["cwd"])
        started = time.monotonic()
        try:
            if step["kind"] == "distill":
                results.append(run_distill(step["args"], step.get("stdout")))
            else:
                results.append(run_dbt(step["args"]))
            for source, copy in step.get("copy", []):
                shutil.copyfile(source, copy)
        except Exception:
            results.append({"code": -1, "output": traceback.format_exc()[-4000:], "failed": []})
        results[-1]["seconds"] = round(time.monotonic() - started, 3)
        # this process's peak so far (the JVM is a child of it, and not counted)
        results[-1]["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        Path(results_path).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
