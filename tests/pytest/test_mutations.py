"""Mutation tests: weaken one gate in a copy of the project, run `dbt build` on the defects
substrate (the quality gates of SPEC §4.3: on a planted substrate, with both gates on), and
require the build to fail naming the firewall test of that invariant. This proves the data
tests catch what they claim. A mutant's build selects the firewall test and what it reads, and
no other test (no unit test, no other data test): only the firewall stands between the mutant
and a green build. The unmutated project, built whole on each substrate, passes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import PROJECT, run_inprocess

DEFECTS = PROJECT / "data/sample/defects"
DBT = Path(sys.executable).parent / "dbt"

# (invariant, [(file, original text, mutated text), ...], the firewall test that must fail, by
# its node name: a mutant's build selects it)
MUTANTS = [
    ("1 no leak into SFT",
     [("seeds/category_policy.csv",
       "sft,needs_human_review,unsafe", "sft,needs_human_review,allow")],
     "no_unsafe_category_exported"),
    ("2 no leak into RAG",
     [("seeds/category_policy.csv", "rag,rejected,unsafe", "rag,rejected,allow")],
     "no_unsafe_category_exported"),
    ("3 chosen must outrank rejected",
     [("models/intermediate/int_preference_pairs_gated.sql",
       "best.preference_rank - rejected.preference_rank >= {{ min_gap }}",
       "best.preference_rank - rejected.preference_rank >= 0")],
     "preference_pairs_are_genuine"),
    # Pairs made across tasks. Without the task condition the best run of every task ties, so
    # the mutant also breaks the tie towards another task's run, by run_id: left to chance, a
    # build picked same-task runs and passed. The instruction check is dropped as well: alone
    # it would quarantine most such pairs.
    ("3 pairs stay within one task",
     [("models/intermediate/int_preference_pairs_gated.sql",
       "rejected.task_id = best.task_id", "true"),
      ("models/intermediate/int_preference_pairs_gated.sql",
       "order by best.preference_rank desc\n",
       "order by best.preference_rank desc, best.task_id = rejected.task_id, best.run_id\n"),
      ("models/intermediate/int_preference_pairs_gated.sql",
       "case when instructions_differ then", "case when false then")],
     "preference_pairs_are_genuine"),
    ("4 no empty content",
     [("models/intermediate/int_rag_checked.sql",
       "case when runs.has_evidence and runs.is_text_blank then 'text is blank' end",
       "null")],
     "rag_samples_row_rules"),
    ("5 provenance on every row",
     [("models/intermediate/int_runs_joined.sql",
       "when has_evidence and not is_provenance_complete", "when false")],
     "sft_samples_row_rules"),
    ("6 deterministic ids",
     [("models/intermediate/int_rag_checked.sql",
       "distill.export_id('rag', ['runs.run_id', 'runs.prov_sig_hash'])",
       "distill.export_id('rag', ['runs.run_id'])")],
     "ids_recompute_from_parts"),
    # A scored-run line that breaks the schema is neither staged nor quarantined: the line
    # accounting must name it.
    ("7 every input line accounted",
     [("models/quarantine/quarantine_ingest.sql",
       "    from scores\n    where not is_valid\n",
       "    from scores\n    where not is_valid and false\n")],
     "input_lines_accounted"),
    # A refused run exported as well: exactly_once_in must find it twice.
    ("8 each run exported or quarantined once",
     [("models/exports/rag_samples.sql",
       "    where reason is null\n",
       "    where reason is null or reason = 'missing_provenance'\n")],
     "every_run_exported_or_quarantined_once_by_rag"),
    ("8 no silent drops",
     [("macros/quarantine.sql",
       "from {{ ref(gated) }}\nwhere reason is not null\n",
       "from {{ ref(gated) }}\nwhere reason is not null and reason <> 'missing_provenance'\n")],
     "every_run_exported_or_quarantined_once_by_rag"),
    # The union leaves the SFT rows of one reason out: the reasons test compares it with the
    # four relations.
    ("8 the quarantine union holds every row",
     [("models/quarantine/quarantine.sql",
       "    union all\n    select * from sft\n",
       "    union all\n    select * from sft where reason <> 'missing_provenance'\n")],
     "quarantine_reasons_allowed"),
    # A refused run's evidence record read by its score line's id: the file would print the
    # wrong record under source_record.evidence.
    ("5 quarantine records are the refused run's own",
     [("models/intermediate/int_runs_joined.sql",
       "evidence.line_id as evidence_line_id", "scores.line_id as evidence_line_id")],
     "quarantine_records_found"),
    ("secrets never exported",
     [("models/intermediate/int_sft_checked.sql",
       "('text', 'runs.secrets_in_text')", "('text', 'runs.secrets_in_title')")],
     "no_secret_in_exports"),
    # SPEC §5.1: a split keyed on the row instead of its task puts attempts of one task in
    # both splits; a filter in a Hub model drops exported rows from the folder.
    ("5.1 every attempt at one task in one split",
     [("models/exports/hub/hf_sft.sql",
       "{{ distill.hub_split('task_id', 'source_run_id') }}",
       "{{ distill.hub_split('id', 'id') }}")],
     "hub_rows_are_the_exports"),
    ("5.1 the Hub folder holds every exported row",
     [("models/exports/hub/hf_rag.sql",
       "    from rag\n", "    from rag\n    where success_score <> 'partially_accepted'\n")],
     "hub_rows_are_the_exports"),
]  # fmt: skip

# SPEC §4.3's gates, built with --near-dup and --eval-set on `distill synth --planted`, whose
# texts sit at known similarities around the threshold and whose eval items sit in titles,
# instructions and texts, as near misses too
QUALITY_MUTANTS = [
    ("4.3 near-dup threshold off by 0.1",
     [("macros/quality.sql", "{{- return(threshold) -}}",
       "{{- return([threshold[0] - threshold[1] // 10, threshold[1]]) -}}")],
     "near_duplicates_hold_on_strings"),
    ("4.3 near-dup edge not verified",
     [("models/intermediate/int_near_dup_edges.sql",
       "    where shared * {{ threshold[1] }} >= {{ threshold[0] }} * (count_sum - shared)\n",
       "    where true\n")],
     "near_duplicates_hold_on_strings"),
    ("4.3 near-dup keeps the largest id",
     [("macros/components.sql", "least(node, min(neighbour))", "greatest(node, max(neighbour))"),
      ("macros/components.sql", "min(label) as label", "max(label) as label"),
      ("macros/components.sql", "least(spread.label, jumped.label)",
       "greatest(spread.label, jumped.label)")],
     "near_duplicates_hold_on_strings"),
    ("4.3 eval protects 12-windows",
     [("models/intermediate/int_eval_sequences.sql", "' - 13, 0) + 1'", "' - 12, 0) + 1'"),
      ("models/intermediate/int_eval_sequences.sql", "' - starts.window_start, 13)'",
       "' - starts.window_start, 12)'")],
     "eval_sequences_are_protected"),
    ("4.3 eval leaves the RAG title unchecked",
     [("models/intermediate/int_rag_checked.sql",
       "distill.eval_error([('title', 'runs.eval_in_title'), ('text', 'runs.eval_in_text')])",
       "distill.eval_error([('text', 'runs.eval_in_text')])")],
     "no_eval_item_in_exports"),
]  # fmt: skip
PLANTED_RUNS = 3000
UNMUTATED = {  # the unmutated builds' tests, and the build each reads
    "test_unmutated_project_passes_on_the_defects_substrate": "unmutated",
    "test_unmutated_project_passes_on_the_planted_substrate_with_the_quality_gates_on":
        "unmutated, quality gates on",
}  # fmt: skip


def copy_project(to: Path) -> Path:
    to.mkdir()
    for name in ("dbt_project.yml", "profiles.yml", "selectors.yml"):
        shutil.copy(PROJECT / name, to / name)
    for folder in ("models", "macros", "seeds", "tests"):
        shutil.copytree(PROJECT / folder, to / folder, ignore=shutil.ignore_patterns("pytest"))
    return to


def defects_vars() -> dict:
    return {
        "evidence_path": str(DEFECTS / "evidence.jsonl"),
        "scored_path": str(DEFECTS / "scored_runs.jsonl"),
        "manifest_path": str(DEFECTS / "repo_manifest.txt"),
    }


def planted_vars(folder: Path) -> dict:
    return {
        "evidence_path": str(folder / "evidence.jsonl"),
        "scored_path": str(folder / "scored_runs.jsonl"),
        "manifest_path": str(folder / "repo_manifest.txt"),
        "eval_set_path": str(folder / "eval_set.jsonl"),
        "near_dup": True,
        "near_dup_threshold": "0.8",
    }


# dbt's partial parse, in each copy's target folder: dbt parses again only the files changed
# since, if the profile (the warehouse path, hence named alike in every copy) and the vars are
# the same. A mutant starts from the parse of the unmutated build on its substrate, so that it
# parses only what it mutated (a whole parse is most of a mutant's build).
PARSE = "target/partial_parse.msgpack"


def dbt_build(
    project: Path, variables: dict, select: list[str] | None = None
) -> subprocess.CompletedProcess:
    """`dbt build` in a project copy, on a warehouse inside it; `select`: the firewall test
    and what it reads, else everything (unit tests aside)."""
    (project / "w").mkdir()
    selection = ["--indirect-selection", "empty", "--select", *select] if select else []
    return subprocess.run(
        [str(DBT), "build", "--exclude-resource-type", "unit_test", *selection,
         "--vars", json.dumps(variables), "--target-path", "target"],
        cwd=project, capture_output=True, text=True, timeout=600,
        env={**os.environ, "DISTILL_WAREHOUSE": "w/d.duckdb"},
    )  # fmt: skip


def mutate(project: Path, edits: list[tuple[str, str, str]]) -> str | None:
    """Apply the edits; None, or why the mutant no longer applies."""
    for path, original, mutated in edits:
        target = project / path
        text = target.read_text()
        if original not in text:
            return f"the mutant no longer applies: {original!r} is gone from {path}"
        target.write_text(text.replace(original, mutated))
    return None


@pytest.fixture(scope="module")
def builds(request, tmp_path_factory) -> dict[str, subprocess.CompletedProcess | str]:
    """The builds the selected tests of this module need, the unmutated ones first, two at a
    time: each dbt process keeps about one core busy, and the machines these run on have two.
    Each build has its own project copy and warehouse. A mutant that no longer applies maps to
    the reason."""
    jobs = [
        ("unmutated", [], "defects", None),
        ("unmutated, quality gates on", [], "planted", None),
    ]
    jobs += [(invariant, edits, "defects", firewall) for invariant, edits, firewall in MUTANTS]
    jobs += [(invariant, edits, "planted", firewall)
             for invariant, edits, firewall in QUALITY_MUTANTS]  # fmt: skip
    assert len({job[0] for job in jobs}) == len(jobs), "two mutants share a name"
    selected = {
        item.callspec.params["invariant"]
        if hasattr(item, "callspec")
        else UNMUTATED[item.originalname]
        for item in request.session.items
        if item.module is request.module
    }
    jobs = [job for job in jobs if job[0] in selected]
    planted = None
    if any(job[2] == "planted" for job in jobs):
        planted = tmp_path_factory.mktemp("planted")
        made = run_inprocess(["synth", "--runs", str(PLANTED_RUNS), "--seed", "3", "--planted",
                              "--quiet", "--out", str(planted)], planted)  # fmt: skip
        assert made.code == 0, made.err

    parsed: dict[str, Path] = {}  # substrate: the unmutated build's parse

    def build(job) -> subprocess.CompletedProcess | str:
        _, edits, kind, firewall = job
        project = copy_project(tmp_path_factory.mktemp("mutant") / "p")
        if kind in parsed:
            (project / PARSE).parent.mkdir()
            shutil.copy(parsed[kind], project / PARSE)
        variables = planted_vars(planted) if kind == "planted" else defects_vars()
        result = mutate(project, edits) or dbt_build(
            project, variables, [f"+{firewall}"] if firewall else None
        )
        if not edits and (project / PARSE).is_file():
            parsed[kind] = project / PARSE
        return result

    done = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for batch in ([j for j in jobs if not j[1]], [j for j in jobs if j[1]]):
            done.update(zip([j[0] for j in batch], pool.map(build, batch), strict=True))
    return done


def test_unmutated_project_passes_on_the_defects_substrate(builds):
    result = builds["unmutated"]
    assert result.returncode == 0, result.stdout[-3000:]


def test_unmutated_project_passes_on_the_planted_substrate_with_the_quality_gates_on(builds):
    result = builds["unmutated, quality gates on"]
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize(
    ("invariant", "edits", "firewall"),
    MUTANTS + QUALITY_MUTANTS,
    ids=[m[0] for m in MUTANTS + QUALITY_MUTANTS],
)
def test_weakened_gate_fails_the_build_naming_its_firewall(builds, invariant, edits, firewall):
    result = builds[invariant]
    assert not isinstance(result, str), result
    assert result.returncode != 0, f"invariant {invariant}: the mutant built green"
    failed = [line for line in result.stdout.splitlines() if "FAIL" in line]
    assert any(firewall in line for line in failed), "\n".join(failed) or result.stdout[-3000:]
