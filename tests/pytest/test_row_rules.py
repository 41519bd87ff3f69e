"""A model's row rules are one dbt test (tests/generic/row_contract.sql), not one per rule: each
kind of rule must still fail on a row that breaks it, and say which rule, how many rows and the
first offending key. The defects set is built, rows are broken in its warehouse, and dbt's own
`test --store-failures` records what each test returned."""

from __future__ import annotations

import os
import subprocess

import duckdb
from conftest import PROJECT, SAMPLE, run_inprocess
from test_mutations import DBT

TESTS = ["rag_samples_row_rules", "quarantine_ingest_row_rules", "task_types_row_rules",
         "int_evidence_deduplicated_row_rules", "sft_samples_row_rules"]  # fmt: skip


def break_rows(con: duckdb.DuckDBPyConnection) -> dict[str, set[tuple]]:
    """Break rows of four relations, each rule kind at least once; what each test must return."""
    # a view on DuckDB (the writer reads it once): its rows, as a table of the same name
    con.execute("create table rag_rows as select * from rag_samples")
    con.execute("drop view rag_samples")
    con.execute("alter table rag_rows rename to rag_samples")
    first = "select id from {} order by id limit 3"
    ids = [row[0] for row in con.sql(first.format("rag_samples")).fetchall()]
    con.execute("insert into rag_samples select * from rag_samples where id = ?", [ids[0]])
    con.execute("update rag_samples set title = ' \u3000\t' where id = ?", [ids[1]])
    con.execute(
        "update rag_samples set provenance = {'source_file': provenance.source_file,"
        " 'line': provenance.line, 'sig_hash': provenance.sig_hash,"
        " 'recorded_at': '2026-11-01T10:00:00+00:00'} where id = ?",
        [ids[2]],
    )
    q = [row[0] for row in con.sql(first.format("quarantine_ingest")).fetchall()]
    con.execute("update quarantine_ingest set errors = [] where id = ?", [q[0]])
    con.execute("update quarantine_ingest set errors = ['a reason', ' '] where id = ?", [q[1]])
    con.execute("update quarantine_ingest set source_record = null where id = ?", [q[2]])
    pattern = con.execute("select min(task_type_pattern) from task_types").fetchone()[0]
    con.execute("insert into task_types select * from task_types where task_type_pattern = ?",
                [pattern])  # fmt: skip
    con.execute("insert into task_types values ('zz-chat%', 'chatty', 'd'), ('zz-no%', null, 'd')")
    # a second record of a run that is not canonical is allowed; a second canonical one is not
    run_id, line = con.execute(
        "select run_id, input_line from int_evidence_deduplicated where is_canonical"
        " order by run_id limit 1"
    ).fetchone()
    for shift, canonical in ((100000, False), (200000, True)):
        con.execute(
            "insert into int_evidence_deduplicated select * replace (input_line + ? as input_line,"
            " ? as is_canonical) from int_evidence_deduplicated"
            " where run_id = ? and input_line = ?",
            [shift, canonical, run_id, line],
        )
    return {
        "rag_samples_row_rules": {
            ("unique(id)", 1, ids[0]),
            ("not_blank(title)", 1, ids[1]),
            ("provenance_complete(provenance)", 1, ids[2]),
        },
        "quarantine_ingest_row_rules": {
            ("non_empty_list(errors)", 2, q[0]),
            ("not_null(source_record)", 1, q[2]),
        },
        "task_types_row_rules": {
            ("unique(task_type_pattern)", 1, pattern),
            ("not_null(task_class)", 1, "zz-no%"),
            ("accepted_values(task_class)", 1, "zz-chat%"),  # a null is not_null's to refuse
        },
        "int_evidence_deduplicated_row_rules": {
            ("unique(run_id) where is_canonical", 1, run_id),
        },
        "sft_samples_row_rules": set(),  # untouched: passes
    }


def test_each_row_rule_fails_on_a_row_that_breaks_it_naming_the_rule_and_first_key(tmp_path):
    warehouse, defects = tmp_path / "w.duckdb", SAMPLE / "defects"
    built = run_inprocess(
        ["export-all", "--quiet", "--evidence", str(defects / "evidence.jsonl"),
         "--scored", str(defects / "scored_runs.jsonl"),
         "--manifest", str(defects / "repo_manifest.txt"), "--warehouse", str(warehouse),
         "--exports", str(tmp_path / "exports"), "--reports", str(tmp_path / "reports")],
        tmp_path,
    )  # fmt: skip
    assert built.code == 0, built.err  # every row rule passes on the defects set
    con = duckdb.connect(str(warehouse))
    try:
        want = break_rows(con)
    finally:
        con.close()
    done = subprocess.run(
        [str(DBT), "test", "--select", *TESTS, "--store-failures",
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=PROJECT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "DISTILL_WAREHOUSE": str(warehouse)},
    )  # fmt: skip
    assert done.returncode != 0, done.stdout[-3000:]
    failed = {line.split(" FAIL ")[1].split()[1] for line in done.stdout.splitlines()
              if " FAIL " in line}  # fmt: skip
    assert failed == {name for name, rows in want.items() if rows}, done.stdout[-3000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for name, rows in want.items():
            got = con.sql(f"select rule, offending, first_key from main_dbt_test__audit.{name}")
            assert set(got.fetchall()) == rows, name
    finally:
        con.close()
