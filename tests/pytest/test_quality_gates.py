"""SPEC §4.3 quality gates end to end: `distill export-all --near-dup --eval-set` on real files.

The planted substrate (`distill synth --planted`) holds groups of texts at known Jaccard
similarities and runs that carry eval items verbatim, with case and whitespace changes, as
12-token near misses and as items too short to protect; its planted.json is the truth, and
spec_oracle recomputes it from SPEC, independently of the SQL. The small cases beside it pin
one rule each where a failure is easy to read.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
import spec_oracle as oracle
from conftest import (
    SMALL_ARGS,
    evidence,
    file_bytes,
    query,
    read_jsonl,
    run_inprocess,
    score,
    small_substrate,
    write_jsonl,
    write_manifest,
)

PLANTED_RUNS = 10000
THRESHOLDS = ("0.8", "0.6")
RECALL_TARGET = 0.99


def run_gates(root: Path, name: str, inputs: list[str], *options: str):
    """export-all into out/<name>/ with its own warehouse; the result and the folders."""
    out = root / "out" / name
    where = ["--exports", str(out / "exports"), "--reports", str(out / "reports"),
             "--warehouse", str(out / "w.duckdb")]  # fmt: skip
    args = ["export-all", "--quiet", *inputs, *where, *options]
    return run_inprocess(args, root), out


# ------------------------------------------------------------------ usage and input errors


@pytest.mark.parametrize(
    ("eval_set", "files", "message"),
    [
        ("missing.jsonl", {}, "missing.jsonl: no such file"),
        ("evals/*.jsonl", {}, "evals/*.jsonl: the glob matches no file"),
        ("bad.jsonl", {"bad.jsonl": b'{"q": "fine"}\n\n{"q": "broken\n'},
         "bad.jsonl: line 3: not valid JSON"),
        ("bad.jsonl.gz", {"bad.jsonl.gz": gzip.compress(b'{"q": 1}\n[1,\n')},
         "bad.jsonl.gz: line 2: not valid JSON"),
        ("bad.txt", {"bad.txt": b"fine\n\xff\xfe\n"}, "bad.txt: line 2: not valid UTF-8"),
        ("cut.jsonl.gz", {"cut.jsonl.gz": gzip.compress(b'{"q": 1}\n')[:-8]},
         "cut.jsonl.gz: corrupt or truncated gzip"),
    ],
    ids=["missing-file", "empty-glob", "jsonl-line-not-json", "gz-line-not-json", "not-utf8",
         "truncated-gz"],
)  # fmt: skip
def test_an_unreadable_eval_set_is_a_usage_error_naming_file_and_line(
    tmp_path, eval_set, files, message
):
    root = small_substrate(tmp_path)
    for name, data in files.items():
        (root / name).write_bytes(data)
    result, out = run_gates(root, "bad-eval", SMALL_ARGS, "--eval-set", eval_set)
    assert result.code == 2, result.err
    assert message in result.err
    assert not (out / "exports").exists(), "nothing is written"


@pytest.mark.parametrize("threshold", ["0.4", "1.01", "abc", "nan", "-0.8"])
def test_a_near_dup_threshold_outside_half_to_one_is_a_usage_error(tmp_path, threshold):
    root = small_substrate(tmp_path)
    result, _ = run_gates(
        root, "bad-t", SMALL_ARGS, "--near-dup", "--near-dup-threshold", threshold
    )
    assert result.code == 2
    assert "--near-dup-threshold" in result.err and "0.5 to 1" in result.err


def test_the_quality_gate_options_belong_to_the_exporters_they_apply_to(tmp_path):
    root = small_substrate(tmp_path)
    preference = run_inprocess(["export-preference", *SMALL_ARGS, "--near-dup"], root)
    assert preference.code == 2 and "--near-dup" in preference.err
    evidence_ = run_inprocess(["build-evidence", *SMALL_ARGS, "--eval-set", "x.jsonl"], root)
    assert evidence_.code == 2 and "--eval-set" in evidence_.err


# ------------------------------------------------------------------ small cases, one rule each


def eval_case(root: Path) -> list[str]:
    """Runs around an eval file of three items: a 13+ token item, an 8-token one, a 7-token one."""
    long_item = "the quick brown fox jumps over the lazy dog near the quiet river bank today"
    write_jsonl(root / "evals/items.jsonl", [
        {"id": 1, "question": long_item, "meta": {"tags": ["x"]}},
        {"id": 2, "nested": [{"answer": "alpha beta gamma delta epsilon zeta eta theta"}]},
        "",
        {"id": 3, "answer": "one two three four five six seven"},
    ])  # fmt: skip
    runs = {
        # 13 consecutive tokens of item 1, in other case, spacing and punctuation around them
        "verbatim": evidence("verbatim", text="Intro. THE Quick  brown\tfox -- jumps over the "
                             "lazy dog near the quiet river; done."),
        # 12 consecutive tokens of item 1 only: a near miss, it passes
        "near-miss": evidence("near-miss", text="so the quick brown fox jumps over the lazy dog "
                              "near the quiet lake"),
        # item 2 (8 tokens, protected whole) in the title: RAG refuses, SFT does not read titles
        "title": evidence("title", title="Alpha, Beta: gamma delta epsilon zeta eta theta!"),
        # item 2 in the instruction: SFT refuses, RAG does not read instructions
        "instruction": evidence("instruction",
                                instruction="alpha beta gamma delta epsilon zeta eta theta"),
        # item 3 has 7 tokens: it protects nothing
        "short": evidence("short", text="one two three four five six seven"),
    }  # fmt: skip
    write_jsonl(root / "in/evidence.jsonl", list(runs.values()))
    write_jsonl(root / "in/scored.jsonl", [score(r, "accepted") for r in runs])
    write_manifest(root / "in/manifest.txt")
    return list(runs)


def reasons(exports: Path, exporter: str) -> dict[str, tuple[str, list[str]]]:
    rows = read_jsonl(exports / f"quarantine/{exporter}.jsonl")
    return {row["run_id"]: (row["reason"], row["errors"]) for row in rows}


def test_eval_items_are_refused_in_the_fields_each_exporter_checks(tmp_path):
    root = tmp_path
    eval_case(root)
    result, out = run_gates(root, "eval", SMALL_ARGS, "--eval-set", "evals/*.jsonl")
    assert result.code == 0, result.err
    rag, sft = reasons(out / "exports", "rag"), reasons(out / "exports", "sft")
    window = "the quick brown fox jumps over the lazy dog near the quiet river"
    assert rag["verbatim"] == (
        "eval_contaminated",
        [f'text contains eval item evals/items.jsonl:1 "{window}"'],
    )
    assert sft["verbatim"][0] == "eval_contaminated"
    item2 = 'eval item evals/items.jsonl:2 "alpha beta gamma delta epsilon zeta eta theta"'
    assert rag["title"] == ("eval_contaminated", [f"title contains {item2}"])
    assert "title" not in sft
    assert sft["instruction"] == ("eval_contaminated", [f"instruction contains {item2}"])
    assert "instruction" not in rag
    for clean in ("near-miss", "short"):
        assert clean not in rag and clean not in sft, clean
    receipt = json.loads((out / "reports/export-rag/receipt.json").read_text())
    assert receipt["record_counts"]["by_reason"] == {"eval_contaminated": 2}
    listed = [i for i in receipt["inputs"] if i["kind"] == "eval"]
    assert [i["path"] for i in listed] == ["evals/items.jsonl"] and listed[0]["lines"] == 4
    assert receipt["options"]["eval_set"] == "evals/*.jsonl"
    assert "eval_contaminated" in (out / "reports/latest.md").read_text()


def test_an_eval_item_is_refused_wherever_it_sits_in_a_field(tmp_path):
    """The eval gate probes a field's windows at some places only (macros/quality.sql,
    eval_probe): every protected sequence must still be met, after any number of tokens. The
    shortest (8 tokens, protected whole) and a 13-window of a longer item, after 0 to 8 others."""
    root = tmp_path
    short_item = "alpha beta gamma delta epsilon zeta eta theta"
    long_item = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    write_jsonl(root / "evals/items.jsonl", [{"q": short_item}, {"q": long_item}])
    filler = ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit"]
    window = " ".join(long_item.split()[1:14])  # the 13-window from its second token
    runs = {}
    for offset in range(len(filler) + 1):
        lead = " ".join(filler[:offset])
        for name, held in (("short", short_item), ("long", window)):
            run_id = f"{name}-{offset}"
            runs[run_id] = evidence(run_id, text=f"{lead} {held} and so on")
    write_jsonl(root / "in/evidence.jsonl", list(runs.values()))
    write_jsonl(root / "in/scored.jsonl", [score(r, "accepted") for r in runs])
    write_manifest(root / "in/manifest.txt")
    result, out = run_gates(root, "offsets", SMALL_ARGS, "--eval-set", "evals/items.jsonl")
    assert result.code == 0, result.err
    rag = reasons(out / "exports", "rag")
    assert {run: rag.get(run, ("exported",))[0] for run in runs} == dict.fromkeys(
        runs, "eval_contaminated"
    )
    assert rag["long-5"][1] == [f'text contains eval item evals/items.jsonl:2 "{window}"']


def test_a_plain_text_eval_file_protects_each_non_blank_line(tmp_path):
    root = tmp_path
    eval_case(root)
    (root / "evals/items.jsonl").unlink()
    (root / "evals/lines.txt").write_text(
        "\n  \nAlpha beta gamma delta epsilon zeta eta theta\n", encoding="utf-8"
    )
    result, out = run_gates(root, "txt", SMALL_ARGS, "--eval-set", "evals/lines.txt")
    assert result.code == 0, result.err
    rag = reasons(out / "exports", "rag")
    assert rag == {"title": ("eval_contaminated", [
        'title contains eval item evals/lines.txt:3 '
        '"alpha beta gamma delta epsilon zeta eta theta"'])}  # fmt: skip


def test_health_calls_the_export_stale_when_the_eval_set_changes(tmp_path):
    root = tmp_path
    eval_case(root)
    result, out = run_gates(root, "health", SMALL_ARGS, "--eval-set", "evals/items.jsonl")
    assert result.code == 0, result.err
    where = ["--exports", str(out / "exports"), "--reports", str(out / "reports")]
    assert run_inprocess(["health", *where], root).code == 0
    with open(root / "evals/items.jsonl", "a", encoding="utf-8") as f:
        f.write('{"id": 4, "q": "a new item"}\n')
    stale = run_inprocess(["health", *where], root)
    assert stale.code == 1
    assert "evals/items.jsonl: changed since the export (stale)" in stale.out + stale.err


def near_dup_case(root: Path) -> None:
    """Four texts of 24 tokens (20 shingles each): d is a's text in other case and spacing
    (J = 1); b shares a's first 20 words, so 16 shingles (J = 16/24); e is unrelated."""
    words = [f"w{i}" for i in range(24)]
    texts = {
        "a": " ".join(words),
        "b": " ".join([*words[:20], "x1", "x2", "x3", "x4"]),
        "d": "  ".join(w.upper() for w in words),
        "e": " ".join(f"z{i}" for i in range(24)),
    }
    write_jsonl(root / "in/evidence.jsonl", [evidence(r, text=t) for r, t in texts.items()])
    write_jsonl(root / "in/scored.jsonl", [score(r, "accepted") for r in texts])
    write_manifest(root / "in/manifest.txt")


def test_near_duplicates_keep_the_smallest_id_of_a_component_and_name_it(tmp_path):
    root = tmp_path
    near_dup_case(root)
    result, out = run_gates(root, "nd6", SMALL_ARGS, "--near-dup", "--near-dup-threshold", "0.6")
    assert result.code == 0, result.err
    ids = export_ids(out / "w.duckdb", "rag")
    exported = {r["source_run_id"] for r in read_jsonl(out / "exports/rag/playbooks.jsonl")}
    kept = min(("a", "b", "d"), key=ids.get)
    assert exported == {kept, "e"}
    refused = {r["run_id"]: r for r in read_jsonl(out / "exports/quarantine/rag.jsonl")}
    assert set(refused) == {"a", "b", "d"} - {kept}
    for run, row in refused.items():
        similarity = "0.6666" if run == "b" else "1.0000"  # 16/24, truncated
        assert row["reason"] == "near_duplicate"
        assert row["errors"] == [
            f"near-duplicate of {ids[kept]}, which is kept: highest Jaccard similarity to its "
            f"component {similarity} (threshold 0.6)"
        ]
    # at 0.8, b (J = 0.667) stands apart: only the identical texts make a component
    result, out = run_gates(root, "nd8", SMALL_ARGS, "--near-dup")
    assert result.code == 0, result.err
    refused = [r["run_id"] for r in read_jsonl(out / "exports/quarantine/rag.jsonl")]
    assert refused == [max(("a", "d"), key=ids.get)]


def test_without_the_options_the_gates_change_nothing(tmp_path):
    root = tmp_path
    near_dup_case(root)
    plain, plain_out = run_gates(root, "plain", SMALL_ARGS)
    assert plain.code == 0, plain.err
    assert not read_jsonl(plain_out / "exports/quarantine/rag.jsonl")
    assert gate_relations(plain_out / "w.duckdb") == []
    card = (plain_out / "exports/hf/README.md").read_text(encoding="utf-8")
    assert "`near_duplicate` not checked: the export ran without `--near-dup`" in card
    assert "`eval_contaminated` not checked: the export ran without `--eval-set`" in card


GATE_MODELS = {
    "eval_gate": ["int_eval_matches", "int_eval_sequences", "int_evidence_token_codes",
                  "stg_eval__texts"],
    "near_dup_gate": ["int_near_dup_components", "int_near_dup_edges", "int_near_dup_sets",
                      "int_near_dup_verdicts"],
}  # fmt: skip


def gate_relations(warehouse: Path) -> list[str]:
    """The quality gates' relations the warehouse holds, by name."""
    names = ", ".join(f"'{m}'" for models in GATE_MODELS.values() for m in models)
    sql = f"select table_name from information_schema.tables where table_name in ({names})"
    return sorted(name for (name,) in query(warehouse, sql))


def test_a_build_without_a_gate_runs_none_of_its_nodes_and_leaves_none_of_its_tables(tmp_path):
    """Each gate's models and data tests are left out of a build without it (fewer dbt nodes
    on every default export), and its tables from an earlier build in the same warehouse,
    which would show another run's verdicts, are dropped. The files are those of a build
    that never had the gate."""
    root = tmp_path
    near_dup_case(root)
    (root / "eval.jsonl").write_text('{"q": "an eval item that no row shares at all"}\n')
    both = ["--near-dup", "--eval-set", "eval.jsonl"]
    result, out = run_gates(root, "same", SMALL_ARGS, *both)
    assert result.code == 0, result.err
    assert gate_relations(out / "w.duckdb") == sorted(m for ms in GATE_MODELS.values() for m in ms)
    for options, left in (([both[0]], "near_dup_gate"), (both[1:], "eval_gate"), ([], None)):
        result, out = run_gates(root, "same", SMALL_ARGS, *options)
        assert result.code == 0, result.err
        built = {r["unique_id"].split(".")[2]
                 for r in json.loads((out / ".w.duckdb.dbt-target/run_results.json")
                                     .read_text())["results"]}  # fmt: skip
        kept = sorted(GATE_MODELS[left]) if left else []
        assert gate_relations(out / "w.duckdb") == kept, options
        gone = [m for tag, models in GATE_MODELS.items() if tag != left for m in models]
        tests = {"eval_gate": ["eval_sequences_are_protected", "no_eval_item_in_exports"],
                 "near_dup_gate": ["near_duplicates_hold_on_strings"]}  # fmt: skip
        gone += [t for tag, names in tests.items() if tag != left for t in names]
        assert [n for n in built if any(g in n for g in gone)] == [], options
        assert "int_rag_gated" in built and "no_secret_in_exports" in built
    fresh, fresh_out = run_gates(root, "fresh", SMALL_ARGS)
    assert fresh.code == 0, fresh.err
    for path in sorted((fresh_out / "exports").rglob("*.jsonl")):
        same = out / "exports" / path.relative_to(fresh_out / "exports")
        assert same.read_bytes() == path.read_bytes(), path


# ------------------------------------------------------------------ the planted substrate


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("planted")
    made = run_inprocess(["synth", "--runs", str(PLANTED_RUNS), "--seed", "11", "--planted",
                          "--quiet", "--out", "in"], root)  # fmt: skip
    assert made.code == 0, made.err
    return root


PLANTED_ARGS = ["--evidence", "in/evidence.jsonl", "--scored", "in/scored_runs.jsonl",
                "--manifest", "in/repo_manifest.txt",
                "--eval-set", "in/eval_set.jsonl"]  # fmt: skip


@pytest.fixture(scope="module")
def planted_runs(planted) -> dict[str, Path]:
    outs = {}
    for threshold in THRESHOLDS:
        result, out = run_gates(planted, f"t{threshold}", PLANTED_ARGS, "--near-dup",
                                "--near-dup-threshold", threshold)  # fmt: skip
        assert result.code == 0, result.err
        outs[threshold] = out
    return outs


def truth(planted: Path) -> dict:
    return json.loads((planted / "in/planted.json").read_text(encoding="utf-8"))


def export_ids(warehouse: Path, exporter: str) -> dict[str, str]:
    rows = query(warehouse, f"select run_id, id from int_{exporter}_checked where reason is null")
    return dict(rows)


@pytest.mark.parametrize("threshold", THRESHOLDS)
@pytest.mark.parametrize("exporter", ["rag", "sft"])
def test_planted_near_duplicate_pairs_are_found_with_recall_at_least_0_99(
    planted, planted_runs, threshold, exporter
):
    """SPEC §4.3: the sketch may miss an edge, never add one. Recall of the pairs at J >= T + 0.05
    is measured against the truth, which spec_oracle recomputes from the texts."""
    warehouse = planted_runs[threshold] / "w.duckdb"
    ids = export_ids(warehouse, exporter)
    edges = {
        (a, b)
        for a, b in query(
            warehouse, f"select id_a, id_b from int_near_dup_edges where exporter = '{exporter}'"
        )
    }
    where = f"where exporter = '{exporter}'"
    components = dict(query(warehouse, f"select id, kept_id from int_near_dup_components {where}"))
    t = float(threshold)
    wanted = [p for p in truth(planted)["near_dup_pairs"] if p[f"{exporter}_jaccard"] >= t + 0.05]
    assert len(wanted) >= 80, "too few planted pairs to state a recall"
    found = 0
    for pair in wanted:
        a, b = sorted((ids[pair["a"]], ids[pair["b"]]))
        # an edge, or both in one component with identical sets collapsed onto one row
        if (a, b) in edges or (a in components and components.get(a) == components.get(b)):
            found += 1
    recall = found / len(wanted)
    print(f"\nnear-dup recall {exporter} T={threshold}: {found}/{len(wanted)} = {recall:.4f}")
    assert recall >= RECALL_TARGET


@pytest.mark.parametrize("threshold", THRESHOLDS)
def test_no_planted_row_is_refused_as_near_duplicate_unless_the_exact_rule_refuses_it(
    planted, planted_runs, threshold
):
    """Every near_duplicate refusal among planted runs is one the exact rule makes: the row has a
    planted partner at J >= T (by the truth), and the kept row is the smallest id that the exact
    components give it."""
    t = float(threshold)
    out = planted_runs[threshold]
    pairs = truth(planted)["near_dup_pairs"]
    for exporter in ("rag", "sft"):
        ids = export_ids(out / "w.duckdb", exporter)
        similar = {}
        for p in pairs:
            if p[f"{exporter}_inter"] * 1.0 >= t * p[f"{exporter}_union"] - 1e-9:
                similar.setdefault(p["a"], set()).add(p["b"])
                similar.setdefault(p["b"], set()).add(p["a"])
        refused = [r for r in read_jsonl(out / f"exports/quarantine/{exporter}.jsonl")
                   if r["reason"] == "near_duplicate"]  # fmt: skip
        planted_refused = [r for r in refused if r["run_id"] in similar or r["run_id"] in
                           set(truth(planted)["planted_runs"])]  # fmt: skip
        assert planted_refused, f"{exporter}: no planted row refused at T={threshold}"
        for row in planted_refused:
            assert row["run_id"] in similar, f"{row['run_id']} refused without a partner at J >= T"
            component, todo = set(), [row["run_id"]]
            while todo:
                run = todo.pop()
                if run not in component:
                    component.add(run)
                    todo += similar.get(run, ())
            smallest = min(ids[r] for r in component)
            assert f"near-duplicate of {smallest}, which is kept" in row["errors"][0]


def test_planted_eval_items_get_exact_verdicts(planted, planted_runs):
    """Verbatim, case- and whitespace-changed and 8-12 token items are refused with the eval
    file, line and window; 12-token near misses and items under 8 tokens pass the eval gate."""
    out = planted_runs["0.8"]
    items = truth(planted)["eval_items"]
    kinds = {i["kind"] for i in items}
    assert {"verbatim", "case_ws", "short_whole", "near_miss_12", "short_ignored"} <= kinds
    records = planted_records(planted / "in/evidence.jsonl")
    lines = (planted / "in/eval_set.jsonl").read_text(encoding="utf-8").split("\n")
    fields_of = {"rag": ("title", "text"), "sft": ("instruction", "text")}
    for exporter, fields in fields_of.items():
        refused = {r["run_id"]: r for r in read_jsonl(out / f"exports/quarantine/{exporter}.jsonl")}
        for item in items:
            run, field = item["run_id"], item["field"]
            row = refused.get(run)
            eval_refused = row is not None and row["reason"] == "eval_contaminated"
            expect = item[f"{exporter}_expect"]
            assert expect == ("contaminated" if item["expect"] == "contaminated" and field in fields
                              else "clean"), item  # fmt: skip
            if expect == "clean":
                assert not eval_refused, (exporter, item)
                continue
            assert eval_refused, (exporter, item)
            (message,) = [m for m in row["errors"] if m.startswith(f"{field} contains ")]
            where = f"eval item in/eval_set.jsonl:{item['eval_line']} "
            assert message.startswith(f"{field} contains {where}"), (message, item)
            window = message.removeprefix(f"{field} contains {where}")[1:-1]
            assert len(window) <= 200
            line = json.loads(lines[item["eval_line"] - 1])
            protected = set().union(*(oracle.eval_protected(s) for s in oracle.eval_texts(line)))
            assert tuple(window.split(" ")) in protected, (window, item)
            assert oracle.contaminated(records[run][field], {tuple(window.split(" "))})


def planted_records(path: Path) -> dict[str, dict]:
    """The evidence records by run_id; synth's defect lines (not UTF-8, not JSON) left out."""
    records = {}
    for raw in path.read_bytes().split(b"\n"):
        try:
            record = json.loads(raw.decode("utf-8"))
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("run_id"), str):
            records.setdefault(record["run_id"], record)
    return records


def test_the_gates_give_the_same_files_whatever_the_input_order(planted, planted_runs):
    """Deterministic: the planted substrate with its lines reversed and split over two files
    writes the same bytes."""
    shuffled = planted / "shuffled"
    for name in ("evidence.jsonl", "scored_runs.jsonl"):
        lines = (planted / "in" / name).read_bytes().splitlines(keepends=True)[::-1]
        half = len(lines) // 2
        (shuffled / name.split(".")[0]).mkdir(parents=True, exist_ok=True)
        (shuffled / name.split(".")[0] / "b.jsonl").write_bytes(b"".join(lines[:half]))
        (shuffled / name.split(".")[0] / "a.jsonl").write_bytes(b"".join(lines[half:]))
    shutil.copy(planted / "in/eval_set.jsonl", shuffled / "eval_set.jsonl")
    args = ["--evidence", "shuffled/evidence/*.jsonl", "--scored", "shuffled/scored_runs/*.jsonl",
            "--manifest", "in/repo_manifest.txt", "--eval-set", "in/eval_set.jsonl"]  # fmt: skip
    result, out = run_gates(planted, "shuffled", args, "--near-dup", "--near-dup-threshold", "0.8")
    assert result.code == 0, result.err
    want, got = file_bytes(planted_runs["0.8"] / "exports"), file_bytes(out / "exports")
    # quarantine rows name their input file and line, which the shuffle moved: compare rows
    for path in want:
        if path.startswith("quarantine/"):
            strip = [{k: v for k, v in r.items() if k not in ("source_provenance", "id")}
                     for r in _rows(want[path])]  # fmt: skip
            again = [{k: v for k, v in r.items() if k not in ("source_provenance", "id")}
                     for r in _rows(got[path])]  # fmt: skip
            key = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731
            assert sorted(strip, key=key) == sorted(again, key=key), path
        elif not path.endswith("README.md"):
            assert want[path] == got[path], path


def test_the_near_dup_sets_are_the_same_with_or_without_the_eval_gate(planted, planted_runs):
    """With --eval-set the near-dup gate shingles the token codes the eval gate made
    (int_evidence_token_codes); without it, tokens of its own. Every row both builds shingle
    has the same sorted codes (the eval gate refuses a few rows first, so the rows differ)."""
    args = [a for a in PLANTED_ARGS if a not in ("--eval-set", "in/eval_set.jsonl")]
    result, out = run_gates(planted, "near-dup-alone", args, "--near-dup",
                            "--near-dup-threshold", "0.8")  # fmt: skip
    assert result.code == 0, result.err
    sql = "select exporter, id, codes from int_near_dup_sets"
    alone = {(e, i): codes for e, i, codes in query(out / "w.duckdb", sql)}
    both = {(e, i): codes for e, i, codes in query(planted_runs["0.8"] / "w.duckdb", sql)}
    shared = alone.keys() & both.keys()
    assert len(shared) >= 0.9 * len(alone) and {e for e, _ in shared} == {"rag", "sft"}
    # the two paths were taken: the shared codes were made in one build and not in the other
    made = "select count(*) from int_evidence_token_codes"
    assert query(planted_runs["0.8"] / "w.duckdb", made)[0][0] > 0
    assert "int_evidence_token_codes" not in gate_relations(out / "w.duckdb")
    assert [k for k in sorted(shared) if alone[k] != both[k]] == []


def _rows(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").split("\n") if line]


def test_receipts_health_and_card_count_both_quality_reasons(planted, planted_runs):
    out = planted_runs["0.8"]
    for stage, reasons_ in (("export-rag", {"eval_contaminated", "near_duplicate"}),
                            ("export-sft", {"eval_contaminated", "near_duplicate"}),
                            ("export-preference", set())):  # fmt: skip
        receipt = json.loads((out / f"reports/{stage}/receipt.json").read_text())
        assert reasons_ <= set(receipt["record_counts"]["by_reason"]), stage
        assert receipt["options"]["near_dup"] is True
        assert receipt["options"]["near_dup_threshold"] == "0.8"
        assert any(i["kind"] == "eval" for i in receipt["inputs"])
    latest = (out / "reports/latest.md").read_text()
    assert "near_duplicate" in latest and "eval_contaminated" in latest
    card = (out / "exports/hf/README.md").read_text()
    assert "`near_duplicate` not hit" in card and "`eval_contaminated` not hit" in card
    refused = card.split("## What was refused", 1)[1]
    assert "`near_duplicate`" in refused and "`eval_contaminated`" in refused
    where = ["--exports", str(out / "exports"), "--reports", str(out / "reports")]
    health = run_inprocess(["health", *where], planted)
    assert health.code == 0, health.out + health.err
