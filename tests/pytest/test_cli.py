"""SPEC §7: the command line. Exit statuses, messages that name the file, read-only SQL,
one writer per warehouse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from conftest import (
    PROJECT,
    SMALL_ARGS,
    evidence,
    read_jsonl,
    run_inprocess,
    run_process,
    score,
    small_substrate,
    write_jsonl,
    write_manifest,
)

from distill.warehouse import WarehouseLock, read_only


def test_missing_input_file_exits_2_naming_it(tmp_path):
    result = run_inprocess(["build-evidence", "--evidence", "nope.jsonl"], tmp_path)
    assert result.code == 2
    assert "nope.jsonl: no such file" in result.err


def test_glob_matching_nothing_exits_2_naming_it(tmp_path):
    small_substrate(tmp_path)
    result = run_inprocess(
        ["export-rag", "--evidence", "in/*.jsonl.gz", "--scored", "in/scored.jsonl"], tmp_path
    )
    assert result.code == 2
    assert "in/*.jsonl.gz: the glob matches no file" in result.err


def test_min_gap_outside_1_and_2_is_a_usage_error(tmp_path):
    result = run_inprocess(["export-preference", "--min-gap", "3"], tmp_path)
    assert result.code == 2
    assert "must be 1 or 2" in result.err


def test_exports_in_one_process_each_read_their_own_inputs(tmp_path):
    """One process parses the project once and reuses it (distill.dbt): the input paths that
    dbt renders into the framing model's config at parse time must still be this export's.
    The two substrates have the same relative paths in two folders, then another file name."""
    first = small_substrate(tmp_path / "first")
    second = tmp_path / "second"
    write_jsonl(second / "in/evidence.jsonl", [evidence("b1", task_id="T9", text="Only b1.")])
    write_jsonl(second / "in/scored.jsonl", [score("b1", "accepted")])
    write_manifest(second / "in/manifest.txt")
    (second / "in/evidence.jsonl").rename(second / "in/other.jsonl")
    second_args = ["--evidence", "in/other.jsonl", *SMALL_ARGS[2:]]

    def sft_texts(root):
        rows = read_jsonl(root / "exports/sft/instruction_response.jsonl")
        return sorted(row["response"] for row in rows)

    for root, args in ((first, SMALL_ARGS), (second, second_args), (first, SMALL_ARGS)):
        result = run_inprocess(["export-sft", "--quiet", *args], root)
        assert result.code == 0, result.err
        if root == second:
            assert sft_texts(second) == ["Only b1."]
    assert sft_texts(first) == sorted(
        ["## Fix\n\nUse a bounded channel.", "Accepted answer é — two."]
    )


def test_the_parse_distill_reuses_depends_on_no_var_but_the_input_paths(tmp_path, monkeypatch):
    """distill.dbt reuses one parse whatever the vars, setting only the input path vars in the
    configs that hold them. Two parses with every var changed must give the same nodes, refs and
    configs apart from those values: a var that comes to decide a ref, a config or whether a node
    exists fails here, before a reused parse could build the wrong graph."""
    from dbt.cli.main import dbtRunner

    from distill.config import Inputs, Options
    from distill.dbt import dbt_vars

    small_substrate(tmp_path)
    (tmp_path / "in/eval.jsonl").write_text('{"text": "x"}\n')
    given = [
        dbt_vars(Inputs(evidence=str(PROJECT / "data/sample/evidence.jsonl"),
                        scored=str(PROJECT / "data/sample/scored_runs.jsonl"),
                        manifest=str(PROJECT / "data/sample/repo_manifest.txt")), Options()),
        dbt_vars(Inputs(evidence=str(tmp_path / "in/evidence.jsonl"),
                        scored=str(tmp_path / "in/scored.jsonl"), manifest="",
                        eval_set=str(tmp_path / "in/eval.jsonl")),
                 Options(include_review=True, include_partial=True, min_gap=1, near_dup=True,
                         near_dup_threshold="0.6", eval_fraction="0.5")),
    ]  # fmt: skip
    assert all(given[0][name] != given[1][name] for name in given[0]), "every var must change"
    graphs = []
    for number, variables in enumerate(given):
        monkeypatch.setenv("DISTILL_WAREHOUSE", str(tmp_path / f"w{number}/distill.duckdb"))
        parsed = dbtRunner().invoke(["parse", "--project-dir", str(PROJECT), "--profiles-dir",
                                     str(PROJECT), "--target-path", str(tmp_path / f"t{number}"),
                                     "--vars", json.dumps(variables), "--quiet"])  # fmt: skip
        assert parsed.success, parsed.exception
        nodes = {**parsed.result.nodes, **parsed.result.unit_tests}
        graphs.append({name: graph_node(node) for name, node in nodes.items()}
                      | {"disabled": sorted(parsed.result.disabled)})  # fmt: skip
    assert graphs[0] == graphs[1]


def test_a_later_process_reuses_the_parse_until_a_project_file_changes(tmp_path):
    """The parse is kept across processes (distill.dbt's parse cache): a second build in a new
    process runs from it without a dbt parse; after an edit to a model the next process parses
    again, so the edit takes effect (here: it breaks the parse)."""
    from test_mutations import copy_project

    project = copy_project(tmp_path / "project")
    small_substrate(tmp_path)
    env = {**os.environ, "DISTILL_PROJECT_DIR": str(project)}
    log = tmp_path / "warehouse/.distill.duckdb.dbt-target/logs/dbt.log"
    for number in range(2):
        result = run_process(["build-evidence", "--quiet", *SMALL_ARGS], tmp_path, env=env)
        assert result.returncode == 0, result.stderr
        parses = log.read_text().count('"command_name": "parse"')
        assert parses == 1, f"process {number + 1}: {parses} dbt parses in its log"
    assert len(list((project / "target/parse-cache").glob("*.pickle"))) == 1
    model = project / "models/staging/stg_substrate__evidence.sql"
    model.write_text(model.read_text() + "\n{% if %}\n")
    result = run_process(["build-evidence", "--quiet", *SMALL_ARGS], tmp_path, env=env)
    assert result.returncode != 0
    assert "stg_substrate__evidence" in result.stderr, result.stderr
    assert log.read_text().count('"command_name": "parse"') == 2


def graph_node(node) -> tuple:
    from distill.dbt import PARSE_TIME_PATH_VARS

    config = {k: v for k, v in node.config.to_dict().items() if k not in PARSE_TIME_PATH_VARS}
    return sorted(getattr(node.depends_on, "nodes", [])), node.depends_on.macros, config


def test_sql_answers_and_cannot_write(tmp_path):
    small_substrate(tmp_path)
    assert run_inprocess(["build-evidence", "--quiet", *SMALL_ARGS], tmp_path).code == 0
    answer = run_inprocess(
        ["sql", "select reason, count(*) as n from quarantine_ingest group by 1"], tmp_path
    )
    assert answer.code == 0, answer.err
    assert "(0 rows)" in answer.out
    refused = run_inprocess(["sql", "drop table quarantine_ingest"], tmp_path)
    assert refused.code == 2
    assert "read-only" in refused.err.lower()
    still = run_inprocess(["sql", "select count(*) from quarantine_ingest"], tmp_path)
    assert still.code == 0


def test_sql_without_a_warehouse_exits_2(tmp_path):
    result = run_inprocess(["sql", "select 1"], tmp_path)
    assert result.code == 2
    assert "no warehouse at warehouse/distill.duckdb" in result.err


def test_second_run_on_a_busy_warehouse_exits_2_naming_the_holder(tmp_path):
    small_substrate(tmp_path)
    with WarehouseLock(tmp_path / "warehouse/distill.duckdb"):
        result = run_process(["export-all", "--quiet", *SMALL_ARGS], tmp_path)
    assert result.returncode == 2
    assert f"is in use by another distill run (pid {os.getpid()})" in result.stderr


def test_two_export_alls_at_once_the_second_exits_2_and_the_first_completes(tmp_path):
    """Two real `distill export-all` processes on one warehouse: the first is held just before
    its commit (warehouse locked, temp files written); the second must refuse with exit 2
    naming the first's pid; released, the first completes and its files match its receipts."""
    small_substrate(tmp_path)
    marker = tmp_path / "held.marker"
    env = {**os.environ, "DISTILL_FAULT": "before-commit", "DISTILL_FAULT_MARKER": str(marker)}
    first = subprocess.Popen(
        [sys.executable, "-m", "distill.cli", "export-all", "--quiet", *SMALL_ARGS],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert first.poll() is None, f"the first run ended early: {first.communicate()}"
            assert time.monotonic() < deadline, "the first run never reached its commit"
            time.sleep(0.05)
        second = run_process(["export-all", "--quiet", *SMALL_ARGS], tmp_path)
        assert second.returncode == 2, second.stderr
        assert f"is in use by another distill run (pid {first.pid})" in second.stderr
        assert not (tmp_path / "exports/rag/playbooks.jsonl").exists()  # nothing committed yet
    finally:
        marker.unlink(missing_ok=True)
        _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    health = run_process(["health", "--quiet"], tmp_path)
    assert health.returncode == 0, health.stdout + health.stderr


def test_unwritable_export_folder_exits_2_naming_it(tmp_path):
    small_substrate(tmp_path)
    (tmp_path / "blocked").write_text("a file where the export folder should be")
    result = run_inprocess(["export-rag", "--quiet", "--exports", "blocked", *SMALL_ARGS], tmp_path)
    assert result.code == 2
    assert "blocked" in result.err


def test_summary_table_names_counts_and_paths(tmp_path):
    small_substrate(tmp_path)
    result = run_process(["export-rag", *SMALL_ARGS], tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split()[1:4] for line in result.stdout.splitlines() if line}
    assert rows["exporter"] == ["read", "exported", "quarantined"]
    assert rows["rag"] == ["6", "3", "3"]  # a1, p1, a2 exported; r1, n1 and the orphan refused
    assert "exports/rag/playbooks.jsonl" in result.stdout
    assert "wrote" in result.stdout


def test_json_summary_is_machine_readable(tmp_path):
    small_substrate(tmp_path)
    result = run_inprocess(["export-sft", "--json", *SMALL_ARGS], tmp_path)
    assert result.code == 0, result.err
    summary = result.json()
    (receipt,) = summary["receipts"]
    assert receipt["stage"] == "export-sft"
    assert receipt["record_counts"]["exported"] == 2  # a1 and a2: the accepted runs
    # each file this command wrote (SPEC §7: the SFT export and its quarantine; SPEC §5.1: the
    # Hub folder's sft config, one file per split), and no other, with the milliseconds its
    # COPY took
    written = summary["write_ms_by_export"]
    assert set(written) == {"sft", "quarantine_sft", "hf_sft_train", "hf_sft_test"}
    assert all(isinstance(ms, int) and ms >= 0 for ms in written.values())


def test_the_writers_connection_draws_no_progress_bar_on_stdout(tmp_path):
    # DuckDB prints one for a query over 2 s whenever Python runs interactively, which would
    # put bar characters in front of the --json summary (seen at 300K runs via `python -c`)
    small_substrate(tmp_path)
    assert run_inprocess(["export-sft", "--quiet", *SMALL_ARGS], tmp_path).code == 0
    with read_only(tmp_path / "warehouse" / "distill.duckdb") as con:
        (setting,) = con.execute("select current_setting('enable_progress_bar')").fetchall()
    assert setting == (False,)


def test_paths_with_quotes_spaces_and_sql_reach_duckdb_quoted(tmp_path):
    odd = "odd dir; it's $(x) é'; drop table quarantine; --"
    small_substrate(tmp_path / odd)
    args = [
        "--evidence", f"{odd}/in/evidence.jsonl", "--scored", f"{odd}/in/scored.jsonl",
        "--manifest", f"{odd}/in/manifest.txt", "--exports", f"{odd}/exports",
        "--reports", f"{odd}/reports", "--warehouse", f"{odd}/w.duckdb",
    ]  # fmt: skip
    result = run_inprocess(["export-all", "--quiet", *args], tmp_path)
    assert result.code == 0, result.err
    assert (tmp_path / odd / "exports/rag/playbooks.jsonl").stat().st_size > 0
    count = run_inprocess(
        ["sql", "select count(*) from quarantine", "--warehouse", f"{odd}/w.duckdb"], tmp_path
    )
    assert count.code == 0 and "(1 row)" in count.out
    assert run_inprocess(["health", *args[6:]], tmp_path).code == 0


def test_a_full_disk_exits_2_naming_the_file_and_keeps_the_old_set(tmp_path):
    """A real ENOSPC from a 128 KiB tmpfs mounted over the export folder (root only)."""
    import shutil
    import subprocess

    small_substrate(tmp_path)
    exports = tmp_path / "exports"
    exports.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(exports)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        assert run_inprocess(["export-all", "--quiet", *SMALL_ARGS], tmp_path).code == 0
        before = {p: p.read_bytes() for p in sorted(exports.rglob("*.jsonl"))}
        # the same runs, now with 60 KB texts: the new RAG file cannot fit
        evidence_file = tmp_path / "in/evidence.jsonl"
        rows = [json.loads(line) for line in evidence_file.read_text().splitlines()]
        for row in rows:
            row["text"] = row["text"] + "\n" + "y" * 60_000
        write_jsonl(evidence_file, rows)
        result = run_inprocess(["export-all", "--quiet", *SMALL_ARGS], tmp_path)
        assert result.code == 2, result.err
        assert "cannot write exports/" in result.err
        assert {p: p.read_bytes() for p in sorted(exports.rglob("*.jsonl"))} == before
        assert not list(exports.rglob(".*.tmp-*"))
        assert not (exports / ".distill-commit.json").exists()
    finally:
        subprocess.run(["umount", str(exports)], check=False)
        shutil.rmtree(exports, ignore_errors=True)
