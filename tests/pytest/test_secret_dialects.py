"""The secret patterns mean the same in each regex dialect distill runs them in (SPEC §4, §2.5).

DuckDB searches with RE2 (`regexp_matches`), Spark with Java's regex (`rlike`, on the pattern as
macros/text.sql's `java_regex` translates it into a Spark literal), and the tests' oracle with
Python's `re` (re.ASCII). Every row of seeds/secret_patterns.csv, and the combined regex the
gates search first (macros/secrets.sql), runs on every secret and near miss of test_bad_input,
alone and inside a sentence as the gate sees it: the three dialects give each (text, pattern)
the same verdict, each finds every secret and no near miss, and each seed row finds its example.

Spark costs a JVM start (~10 s): one child process, one session and one query for every pair.
Without a Java runtime the Java tests are skipped, as test_spark is; `make test` has one.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from types import SimpleNamespace

import duckdb
import jinja2
import pytest
from conftest import PROJECT
from test_bad_input import NEAR_MISSES, SECRETS

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")

with open(PROJECT / "seeds/secret_patterns.csv", encoding="utf-8", newline="") as seed:
    ROWS = sorted(csv.DictReader(seed), key=lambda row: row["name"])  # as secret_patterns() reads
COMBINED = "|".join(f"(?:{row['pattern']})" for row in ROWS)  # secret_matches' first search
REGEXES = [(row["name"], row["pattern"]) for row in ROWS] + [("(combined)", COMBINED)]
TEXTS = [  # (id, text, is a secret)
    (f"{kind}-{case_id}{where}", text, kind == "secret")
    for kind, cases in (("secret", SECRETS), ("near-miss", NEAR_MISSES))
    for case_id, sample in cases
    for where, text in (("", sample), (" in a sentence", f"Notes: {sample} end."))
]
ENGINES = ["re2", "java", "python"]


def sql_string(text: str) -> str:
    """A SQL string literal, as macros/secrets.sql's sql_string writes a pattern."""
    return "'" + text.replace("'", "''") + "'"


def java_literals() -> list[str]:
    """Each pattern as Spark's rlike receives it: the dbt macro java_regex, rendered by Jinja
    (what dbt renders it with; `modules.re` is Python's re in dbt's context too)."""
    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    macros = env.from_string((PROJECT / "macros/text.sql").read_text(encoding="utf-8"))
    module = macros.make_module({"modules": SimpleNamespace(re=re)})
    return [str(module.java_regex(sql_string(pattern))).strip() for _, pattern in REGEXES]


SPARK_CHILD = """
import json, sys
from pyspark.sql import SparkSession
job = json.load(open(sys.argv[1], encoding="utf-8"))
spark = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false").config("spark.log.level", "FATAL")
         .config("spark.sql.ansi.enabled", "false")  # as dbt-spark runs it
         .getOrCreate())
texts = spark.createDataFrame(list(enumerate(job["texts"])), "id int, s string")
texts.createOrReplaceTempView("texts")
tests = ", ".join(f"s rlike {literal} as m{i}" for i, literal in enumerate(job["literals"]))
rows = spark.sql(f"select id, {tests} from texts order by id").collect()
json.dump([[bool(v) for v in row[1:]] for row in rows], open(sys.argv[2], "w"))
spark.stop()
"""


@pytest.fixture(scope="module")
def python_verdicts() -> list[list[bool]]:
    """One row per text (TEXTS), one verdict per regex (REGEXES); so for each dialect."""
    return [[bool(re.search(p, text, re.ASCII)) for _, p in REGEXES] for _, text, _ in TEXTS]


@pytest.fixture(scope="module")
def re2_verdicts() -> list[list[bool]]:
    con = duckdb.connect()
    try:
        con.execute("create table texts (id integer, s varchar)")
        rows = [(i, text) for i, (_, text, _) in enumerate(TEXTS)]
        con.executemany("insert into texts values (?, ?)", rows)
        tests = ", ".join(f"regexp_matches(s, {sql_string(p)})" for _, p in REGEXES)
        got = con.sql(f"select id, {tests} from texts order by id").fetchall()
    finally:
        con.close()
    return [list(row[1:]) for row in got]


@pytest.fixture(scope="module")
def java_verdicts(tmp_path_factory) -> list[list[bool]]:
    work = tmp_path_factory.mktemp("dialects")
    job, out = work / "job.json", work / "verdicts.json"
    texts = [text for _, text, _ in TEXTS]
    job.write_text(json.dumps({"texts": texts, "literals": java_literals()}), encoding="utf-8")
    child = subprocess.run(
        [sys.executable, "-c", SPARK_CHILD, str(job), str(out)],
        cwd=work, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYSPARK_PYTHON": sys.executable},
    )  # fmt: skip
    errors = [line for line in child.stderr.splitlines() if "Exception" in line]
    assert child.returncode == 0, "\n".join(errors[:5]) or child.stderr[-3000:]
    return json.loads(out.read_text())


def verdicts_of(request, engine: str) -> list[list[bool]]:
    return request.getfixturevalue(f"{engine}_verdicts")


@pytest.mark.parametrize(
    "engine, other",
    [("re2", "python"), pytest.param("java", "re2", marks=needs_java),
     pytest.param("java", "python", marks=needs_java)],
)  # fmt: skip
def test_two_dialects_agree_on_every_text_and_pattern(request, engine, other):
    mine, theirs = verdicts_of(request, engine), verdicts_of(request, other)
    differ = [
        (text_id, name, mine[i][j], theirs[i][j])
        for i, (text_id, _, _) in enumerate(TEXTS)
        for j, (name, _) in enumerate(REGEXES)
        if mine[i][j] != theirs[i][j]
    ]
    assert not differ, f"(text, pattern, {engine}, {other}): {differ}"


@pytest.mark.parametrize(
    "engine", [pytest.param(e, marks=needs_java) if e == "java" else e for e in ENGINES]
)
def test_each_dialect_finds_every_secret_and_no_near_miss(request, engine):
    got = verdicts_of(request, engine)
    wrong = [
        (text_id, [name for (name, _), hit in zip(REGEXES, got[i], strict=True) if hit])
        for i, (text_id, _, secret) in enumerate(TEXTS)
        if any(got[i][:-1]) != secret or got[i][-1] != secret
    ]
    assert not wrong, f"{engine}: (text, the patterns that match it): {wrong}"


@pytest.mark.parametrize(
    "engine", [pytest.param(e, marks=needs_java) if e == "java" else e for e in ENGINES]
)
def test_each_dialect_finds_each_seed_example_with_its_own_row(request, engine):
    got = verdicts_of(request, engine)
    index = {text_id: i for i, (text_id, _, _) in enumerate(TEXTS)}
    missed = [
        row["name"]
        for j, row in enumerate(ROWS)
        for where in ("", " in a sentence")
        if not got[index[f"secret-seed-{row['name']}{where}"]][j]
    ]
    assert not missed, f"{engine}: rows that miss their example: {missed}"


def test_the_test_covers_every_row_and_both_kinds_of_text():
    assert len(ROWS) >= 25 and {row["name"] for row in ROWS} >= {"connection_string_password"}
    assert sum(secret for _, _, secret in TEXTS) == 2 * len(SECRETS)
    assert sum(not secret for _, _, secret in TEXTS) == 2 * len(NEAR_MISSES)
