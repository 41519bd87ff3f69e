"""Spark parity (issue 18): the files written from a Spark build are the bytes of a DuckDB build.

One substrate holds the shipped sample, the defects set, a `distill synth` substrate with every
defect kind, a planted one (near-duplicates and an eval set, SPEC §4.3), test_bad_input's cases
(every SPEC §2 framing and parsing rule: invalid UTF-8, BOMs, CRLF and lone CR, gzip members,
duplicate keys, lone surrogates, every timestamp form, ...) and a few edges of their own below.
distill exports it under three option sets on each engine (one with both quality gates on), and
every file it writes must be the same bytes (the dataset card but the row naming the engine).

Spark runs once, in one child process (tests/pytest/spark_session.py): the three exports, then
the dbt unit tests on Spark, then two weakened gates, which must fail the build on Spark as on
DuckDB (test_mutations). Without a Java runtime the module is skipped; `make test` has one.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PROJECT, SAMPLE, evidence, run_inprocess, run_process, score, write_jsonl
from test_bad_input import write_bad_input
from test_mutations import MUTANTS, copy_project, mutate

from distill.config import Paths
from tools import bench

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")

INPUTS = ["--evidence", "in/*/ev*", "--scored", "in/*/sc*"]
OPTION_SETS = {
    "defaults": ["--manifest", "manifest.txt"],
    "no-manifest-hf-jsonl": ["--manifest", "", "--include-review", "--eval-fraction", "0.3",
                             "--hf-format", "jsonl"],
    # with SPEC §4.3's quality gates on, over the planted substrate's near-duplicates and eval
    # set; at 0.8, where it plants pairs of Jaccard exactly 0.8 and just below (docs/planted.md):
    # the boundary where two engines' arithmetic could disagree. (0.6 is tested on DuckDB; on
    # Spark its 732K band candidates cost minutes here: docs/quality-gates.md.) Last: a build
    # without the gates drops their tables, which the unit tests after it read for column types.
    "review-partial-gap1-quality": ["--manifest", "manifest.txt", "--include-review",
                                    "--include-partial", "--min-gap", "1", "--near-dup",
                                    "--near-dup-threshold", "0.8", "--eval-set", "eval_set.jsonl"],
}  # fmt: skip
SPARK_MUTANTS = ["1 no leak into SFT", "3 chosen must outrank rejected"]
AKIA = "AKIAIOSFODNN7EXAMPLE"


def edge_lines() -> tuple[list, list]:
    """Evidence and scores for rules the other inputs leave out, each where engines differ."""
    ev, sc = [], []

    def run(run_id: str, record: dict | str, when: str = "2026-11-02T10:00:00Z") -> None:
        ev.append(record)
        sc.append(score(run_id, "accepted", scored_at=when))

    base = json.dumps(evidence("edge-num"), ensure_ascii=False)[:-1]
    # SPEC §2 rev. 3: NaN, Infinity and -Infinity only, case-sensitive
    for n, literal in enumerate(["[Inf]", "[-NaN]", "nan", "INFINITY", "-inf", "[NaN, -Infinity]"]):
        run(f"edge-num-{n}", base.replace('"edge-num"', f'"edge-num-{n}"') + f', "x": {literal}}}')
    # 500 levels of nesting in an extra field (SPEC §2); a surrogate pair written as escapes
    run(
        "edge-deep",
        base.replace('"edge-num"', '"edge-deep"') + ', "x": ' + "[" * 500 + "]" * 500 + "}",
    )
    run("edge-pair", json.dumps(evidence("edge-pair", text="smile \\ud83d\\ude00 done"))
        .replace("\\\\ud83d\\\\ude00", "\\ud83d\\ude00"))  # fmt: skip
    # RE2's \b is ASCII: é is no word character there, so a key after it is a secret; after
    # a letter or an underscore it is not (Java's \b is Unicode-aware: macros/text.sql)
    for n, text in enumerate([f"café{AKIA}", f"x{AKIA}", f"_{AKIA}", f"日本{AKIA}", f"é {AKIA}"]):
        run(f"edge-akia-{n}", evidence(f"edge-akia-{n}", text=f"## Note\n\n{text}"))
    # ids and paths sorted by UTF-8 bytes, not by UTF-16 or collation
    for run_id in ["edge-Ä", "edge-z", "edge-é", "edge-\U0001f600", "edge-\uffef"]:
        run(run_id, evidence(run_id, task_id="edge-order", file_refs=[f"docs/{run_id}.md"]))
    # the first and last UTC instants; scores apart by one microsecond, or by less (a tie)
    for n, at in enumerate(["0001-01-01T00:00:00Z", "0001-01-01T01:00:00+01:00",
                            "9999-12-31T23:59:59.999999Z"]):  # fmt: skip
        run(f"edge-ts-{n}", evidence(f"edge-ts-{n}", provenance={
            "source_file": "s", "line": 1, "sig_hash": f"h{n}", "recorded_at": at}))  # fmt: skip
    ev.append(evidence("edge-tie"))
    sc.append(score("edge-tie", "accepted", scored_at="2026-11-02T10:00:00.0000011Z"))
    sc.append(score("edge-tie", "rejected", scored_at="2026-11-02T10:00:00.000001Z"))
    sc.append(score("edge-tie", "needs_human_review", scored_at="2026-11-02T10:00:00.000000Z"))
    return ev, sc


@pytest.fixture(scope="module")
def substrate(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("parity")
    into = root / "in"
    for name, folder in (("sample", SAMPLE), ("defects", SAMPLE / "defects")):
        (into / name).mkdir(parents=True)
        shutil.copy(folder / "evidence.jsonl", into / name / "evidence.jsonl")
        shutil.copy(folder / "scored_runs.jsonl", into / name / "scored_runs.jsonl")
        shutil.copy(folder / "repo_manifest.txt", root / f"{name}_manifest.txt")
    synth = run_inprocess(["synth", "--runs", "3000", "--seed", "5", "--defect-rate", "0.3",
                           "--short-texts", "--quiet", "--out", str(into / "synth")],
                          root)  # fmt: skip
    assert synth.code == 0, synth.err
    (into / "synth/repo_manifest.txt").rename(root / "synth_manifest.txt")
    planted = run_inprocess(["synth", "--runs", "1000", "--seed", "7", "--planted", "--quiet",
                             "--out", str(into / "planted")], root)  # fmt: skip
    assert planted.code == 0, planted.err
    (into / "planted/repo_manifest.txt").rename(root / "planted_manifest.txt")
    (into / "planted/eval_set.jsonl").rename(root / "eval_set.jsonl")
    (into / "planted/planted.json").rename(root / "planted.json")
    write_bad_input(root / "bad")
    (root / "bad/in").rename(into / "bad")
    (into / "bad/manifest.txt").rename(root / "bad_manifest.txt")
    ev, sc = edge_lines()
    write_jsonl(into / "edge/ev é edge.jsonl", ev)  # a space and a non-ASCII name
    (into / "edge/ev-empty.jsonl").write_bytes(b"")
    (into / "edge/ev-gz-crlf.jsonl.gz").write_bytes(
        gzip.compress(json.dumps(evidence("edge-gz")).encode() + b"\r\n")
    )
    write_jsonl(into / "edge/sc-edge.jsonl", [*sc, score("edge-gz", "accepted")])
    manifests = sorted(root.glob("*_manifest.txt"))
    (root / "manifest.txt").write_bytes(b"".join(p.read_bytes() for p in manifests))
    return root


# The export that the bench's engine table is made from (test_bench_sets_spark_beside_duckdb):
# it prints its --json summary, and its dbt run_results.json is kept before the next export
# overwrites it
MEASURED = "defaults"


def export_args(engine: str, name: str, warehouse: Path) -> list[str]:
    out = Path("out") / name / engine
    return ["export-all", "--json" if name == MEASURED else "--quiet", "--engine", engine,
            *INPUTS, *OPTION_SETS[name], "--exports", str(out / "exports"),
            "--reports", str(out / "reports"), "--warehouse", str(warehouse)]  # fmt: skip


def measured(substrate: Path, engine: str) -> dict[str, Path]:
    """Where the measured export's summary and run_results.json are kept, per engine."""
    return {"summary": substrate / f"{engine}-summary.json",
            "run_results": substrate / f"{engine}-run_results.json"}  # fmt: skip


@pytest.fixture(scope="module")
def duckdb_runs(substrate, spark_child) -> dict[str, dict]:
    """The DuckDB exports, made while the Spark child works (spark_child starts it first):
    each one's exit status and seconds."""
    runs = {}
    warehouse = substrate / "w.duckdb"
    for name in OPTION_SETS:
        started = time.monotonic()
        result = run_inprocess(export_args("duckdb", name, warehouse), substrate)
        runs[name] = {
            "code": result.code,
            "seconds": time.monotonic() - started,
            # this worker's peak so far, not the export's alone: the table prints it, no test
            # reads it
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
        assert result.code == 0, result.err
        if name == MEASURED:
            keep = measured(substrate, "duckdb")
            keep["summary"].write_text(result.out)
            shutil.copyfile(Paths(warehouse=warehouse).dbt_target / "run_results.json",
                            keep["run_results"])  # fmt: skip
    return runs


@pytest.fixture(scope="module")
def spark_child(substrate, tmp_path_factory):
    """Every Spark step of this module, in one child process, started before the DuckDB
    exports so that the two engines work at the same time; yields the child and its steps."""
    warehouse = substrate / "spark-warehouse"
    steps: list[tuple[str, dict]] = [
        (name, {"kind": "distill", "cwd": str(substrate), "warehouse": str(warehouse),
                "args": export_args("spark", name, warehouse)})
        for name in OPTION_SETS
    ]  # fmt: skip
    keep = measured(substrate, "spark")
    steps[list(OPTION_SETS).index(MEASURED)][1].update(
        stdout=str(keep["summary"]),
        copy=[[str(Paths(warehouse=warehouse).dbt_target / "run_results.json"),
               str(keep["run_results"])]],
    )  # fmt: skip
    steps.append(("sql", {"kind": "distill", "cwd": str(substrate), "args": [
        "sql", "--engine", "spark", "--warehouse", str(warehouse),
        "select reason, count(*) from quarantine group by 1 order by 1"]}))  # fmt: skip
    # the unit tests read the warehouse only for column types: the built one serves (the last
    # export had both quality gates on, so their tables are there)
    steps.append(("unit tests", {"kind": "dbt", "cwd": str(PROJECT), "args": [
        "test", "--target", "spark", "--select", "test_type:unit",
        "--target-path", str(substrate / "target-unit")]}))  # fmt: skip
    mutants = {invariant: (edits, firewall) for invariant, edits, firewall in MUTANTS}
    defects = SAMPLE / "defects"
    variables = json.dumps({
        "evidence_path": str(defects / "evidence.jsonl"),
        "scored_path": str(defects / "scored_runs.jsonl"),
        "manifest_path": str(defects / "repo_manifest.txt"),
    })  # fmt: skip
    # Each build makes what its firewall test reads, then runs that test alone (no test is
    # picked up indirectly: it could read tables left by another build). The unmutated
    # project, built the same way, passes both.
    firewalls = {invariant: mutants[invariant][1] for invariant in SPARK_MUTANTS}
    for invariant in ["unmutated", *SPARK_MUTANTS]:
        project = copy_project(tmp_path_factory.mktemp("spark-mutant") / "p")
        tests = list(firewalls.values()) if invariant == "unmutated" else [firewalls[invariant]]
        if invariant != "unmutated":
            assert mutate(project, mutants[invariant][0]) is None, invariant
        steps.append((invariant, {"kind": "dbt", "cwd": str(project), "args": [
            "build", "--target", "spark", "--full-refresh", "--indirect-selection", "empty",
            "--select", *[f"+{test}" for test in tests], "--exclude-resource-type", "unit_test",
            "--vars", variables, "--target-path", str(project / "target")]}))  # fmt: skip
    plan = substrate / "spark-plan.json"
    plan.write_text(json.dumps([step for _, step in steps]))
    results = substrate / "spark-results.json"
    stderr = substrate / "spark-stderr.txt"
    with open(stderr, "wb") as err:
        child = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("spark_session.py")), plan, results],
            stdout=subprocess.DEVNULL, stderr=err,
            env={**os.environ,
                 "PYTHONPATH": os.pathsep.join([str(PROJECT / "src"), str(PROJECT)])},
        )  # fmt: skip
    yield child, steps, results, stderr
    if child.poll() is None:  # a test failed before waiting for it
        child.kill()
        child.wait()


@pytest.fixture(scope="module")
def spark(spark_child) -> dict[str, dict]:
    """The Spark steps' results by step name, once the child is done."""
    child, steps, results, stderr = spark_child
    try:
        code = child.wait(timeout=1800)
    except subprocess.TimeoutExpired:
        child.kill()
        raise
    tail = stderr.read_text(errors="replace")[-3000:]
    assert code == 0, tail
    got = json.loads(results.read_text())
    assert len(got) == len(steps), tail
    return {name: result for (name, _), result in zip(steps, got, strict=True)}


ENGINE_ROW = "| `"  # the card's provenance table row: git sha, versions, the engine


def written(root: Path) -> dict[str, bytes]:
    """Every file distill wrote there; in the dataset card, all but the row that names the
    engine and its versions."""
    files = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.name == "README.md":
            data = b"".join(line for line in data.splitlines(keepends=True)
                            if not line.startswith(ENGINE_ROW.encode()))  # fmt: skip
        files[str(path.relative_to(root))] = data
    return files


def jsonl_rows(path: Path) -> list[dict]:
    """A file's rows, split on '\n' only (texts hold U+2028, which splitlines() splits on)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


@pytest.mark.parametrize("name", list(OPTION_SETS))
def test_spark_writes_the_bytes_duckdb_writes(substrate, duckdb_runs, spark, name):
    assert spark[name]["code"] == 0, spark[name]["output"]
    exports = substrate / "out" / name
    want, got = written(exports / "duckdb/exports"), written(exports / "spark/exports")
    assert sorted(got) == sorted(want)
    differ = [path for path in want if got[path] != want[path]]
    assert not differ, f"{name}: differ from DuckDB's: {differ}"


@pytest.mark.parametrize("name", list(OPTION_SETS))
def test_receipts_count_the_same_rows_and_name_the_engine(substrate, duckdb_runs, spark, name):
    assert spark[name]["code"] == 0, spark[name]["output"]
    reports = substrate / "out" / name
    for receipt in sorted((reports / "duckdb/reports").glob("*/receipt.json")):
        mine = json.loads(receipt.read_text())
        twin = json.loads((reports / "spark/reports" / receipt.parent.name / "receipt.json")
                          .read_text())  # fmt: skip
        assert (mine["engine"], twin["engine"]) == ("duckdb", "spark")
        assert {"dbt_spark", "pyspark"} <= set(twin["versions"]), twin["versions"]
        for key in ("options", "inputs", "record_counts"):
            assert twin[key] == mine[key], f"{receipt.parent.name}: {key}"
        assert outputs(twin) == outputs(mine), receipt.parent.name
        assert twin["dbt"]["tests"] == mine["dbt"]["tests"], receipt.parent.name


def outputs(receipt: dict) -> list[tuple]:
    return [(Path(o["path"]).name, o["rows"], o["sha256"]) for o in receipt["outputs"]]


@pytest.mark.parametrize("name", list(OPTION_SETS))
def test_health_passes_on_the_files_spark_wrote(substrate, spark, name):
    assert spark[name]["code"] == 0, spark[name]["output"]
    out = Path("out") / name / "spark"
    result = run_inprocess(["health", "--exports", str(out / "exports"),
                            "--reports", str(out / "reports")], substrate)  # fmt: skip
    assert result.code == 0, result.out + result.err


def test_the_parity_substrate_reaches_every_gate_and_the_edges(substrate, duckdb_runs):
    """A parity of empty files would prove nothing: the substrate must exercise the gates."""
    quarantine = substrate / "out/defaults/duckdb/exports/quarantine"
    rows = [row for path in sorted(quarantine.glob("*.jsonl")) for row in jsonl_rows(path)]
    reasons = {row["reason"] for row in rows}
    assert reasons >= {"schema_violation", "duplicate_id", "unsafe_rag_category",
                       "unsafe_sft_category", "missing_source_run_id", "missing_provenance",
                       "empty_content", "hallucinated_file_path", "secret_detected"}  # fmt: skip
    by_run = {}
    for row in rows:
        by_run.setdefault(row.get("run_id") or row.get("source_run_id"), set()).add(row["reason"])
    ingest = {(row["source_provenance"]["input_file"], row["source_provenance"]["input_line"]):
              row["reason"] for row in jsonl_rows(quarantine / "ingest.jsonl")}  # fmt: skip
    edge = "in/edge/ev é edge.jsonl"
    for line in range(1, 6):  # [Inf], [-NaN], nan, INFINITY, -inf: no JSON
        assert ingest.get((edge, line)) == "schema_violation", line
    for line in range(6, 9):  # [NaN, -Infinity], 500 levels, a surrogate pair: records
        assert (edge, line) not in ingest, line
    assert "edge-num-5" not in by_run and "edge-deep" not in by_run and "edge-pair" not in by_run
    assert "secret_detected" in by_run["edge-akia-0"] and "secret_detected" in by_run["edge-akia-3"]
    assert "edge-akia-1" not in by_run and "edge-akia-2" not in by_run
    sft = substrate / "out/defaults/duckdb/exports/sft/instruction_response.jsonl"
    exported = {row["source_run_id"] for row in jsonl_rows(sft)}
    assert {"edge-ts-0", "edge-ts-1", "edge-ts-2", "edge-gz"} <= exported
    assert "edge-tie" not in exported  # the rejected score, a microsecond later, wins
    # the quality option set: planted pairs at exactly its threshold and just below, and refusals
    edits = {pair["edit"] for pair in json.loads((substrate / "planted.json").read_text())
             ["near_dup_pairs"]}  # fmt: skip
    assert {"tail_exact_0.8_rag", "tail_below_0.8_rag", "tail_exact_0.8_sft"} <= edits
    quality = substrate / "out/review-partial-gap1-quality/duckdb/exports/quarantine"
    reasons = {row["reason"] for path in quality.glob("*.jsonl") for row in jsonl_rows(path)}
    assert {"near_duplicate", "eval_contaminated"} <= reasons


def test_unit_tests_pass_on_spark(spark):
    result = spark["unit tests"]
    assert result["code"] == 0 and not result["failed"], result["failed"] or result["output"]


def test_unmutated_firewalls_pass_on_spark(spark):
    result = spark["unmutated"]
    assert result["code"] == 0 and not result["failed"], result["failed"] or result["output"]


@pytest.mark.parametrize("invariant", SPARK_MUTANTS)
def test_weakened_gate_fails_the_spark_build_naming_its_firewall(spark, invariant):
    firewall = {m[0]: m[2] for m in MUTANTS}[invariant]
    result = spark[invariant]
    assert result["code"] != 0, f"invariant {invariant}: the mutant built green on Spark"
    assert result["failed"] == [firewall], result["failed"] or result["output"]


def test_sql_answers_on_the_spark_warehouse(substrate, spark):
    """`distill sql --engine spark` on the last export's warehouse: the quarantine by reason,
    as its receipt counts it."""
    result = spark["sql"]
    assert result["code"] == 0, result["output"]
    last = substrate / "out" / list(OPTION_SETS)[-1] / "spark/exports/quarantine"
    want: dict[str, int] = {}
    for path in last.glob("*.jsonl"):
        for row in jsonl_rows(path):
            want[row["reason"]] = want.get(row["reason"], 0) + 1
    got = {}
    for line in result["output"].splitlines():
        cells = line.replace("|", " ").split()
        if len(cells) == 2 and cells[1].isdigit():
            got[cells[0]] = int(cells[1])
    assert got == want, result["output"]


def test_bench_sets_spark_beside_duckdb_with_where_the_time_goes(substrate, duckdb_runs, spark,
                                                                capsys):  # fmt: skip
    """The bench's engine table (`make bench BENCH_ARGS="--engine spark"`, engines.json), made
    from this module's measured export on each engine: the Spark session here serves, instead of
    a JVM and an export of the bench's own (five minutes of `make test`)."""
    by_engine, scored_runs = {}, set()
    for engine, run in (("duckdb", duckdb_runs[MEASURED]), ("spark", spark[MEASURED])):
        assert run["code"] == 0, run
        keep = measured(substrate, engine)
        summary = json.loads(keep["summary"].read_text())
        results = json.loads(keep["run_results"].read_text())
        exports = substrate / "out" / MEASURED / engine / "exports"
        by_engine[engine] = [bench.export_measures(summary, results, run["seconds"],
                                                   run["peak_rss_mib"], exports)]  # fmt: skip
        score = next(r for r in summary["receipts"] if r["stage"] == "score")
        scored_runs.add(score["record_counts"]["runs"])
    assert len(scored_runs) == 1, scored_runs  # both engines measured the same input
    report = bench.engine_report(scored_runs.pop(), 1, by_engine)
    for engine in ("duckdb", "spark"):
        row = report[engine]
        assert set(bench.ENGINE_ROWS) <= set(row), engine
        assert row["models_s"] > 0 and row["tests_s"] > 0 and row["outside_nodes_s"] > 0, engine
        assert row["models_s"] + row["seeds_s"] + row["tests_s"] < row["wall_s"], engine
        assert row["writing_s"] > 0, engine
    # the JVM and the session start outside any node: Spark spends more there than DuckDB
    assert report["spark"]["outside_nodes_s"] > report["duckdb"]["outside_nodes_s"]
    ratio = report["spark"]["wall_s"] / report["duckdb"]["wall_s"]
    assert report["ratio_spark_to_duckdb"] == pytest.approx(ratio, rel=0.05)
    bench.print_engine_report(report)
    table = capsys.readouterr().out
    assert f"{report['runs']:,} runs" in table and "outside_nodes_s" in table
    assert f"{report['spark']['wall_s']:>9.2f}" in table


def test_without_java_the_spark_engine_exits_2_saying_what_to_install(tmp_path):
    python = Path(sys.executable)
    env = {**os.environ, "PATH": str(python.parent), "JAVA_HOME": str(tmp_path)}
    result = run_process(["export-all", "--engine", "spark"], PROJECT, env=env)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Java runtime" in lines[0] and "install" in lines[0], lines
