"""Property-based tests: random substrates through the real pipeline, SPEC §1 invariants 1-8.

Each example generates a substrate that mixes valid records, re-scores (random, equal and
unparseable `scored_at`), duplicate and orphan evidence, blank lines and invalid lines (not JSON,
arrays, wrong types, raw control characters, invalid UTF-8, lone surrogates, duplicate keys)
over one or two files per input (CRLF, BOM, gzip, no final newline), file_refs safe and unsafe,
an optional manifest and random options; runs `distill export-all` in-process in a temporary
directory of its own; and checks the WRITTEN files and receipts (invariants.py) against an oracle
computed in Python (oracle.py) from the generated input alone (SPEC §2-§5), never from the
warehouse or src/distill. The substrate's model is substrate.py; its strategies are below.

Checks are grouped by the invariant they belong to ([1]..[8]); beyond the invariants, [gates]
is the reason SPEC §4 names for each refused row, [rows] each exported row's fields (SPEC §5),
[format] key order, sorting and line endings.

Each example costs one real pipeline run (~5 s); the re-run test three. DISTILL_PROPERTY_EXAMPLES
sets the number of examples (default 3: about 50 s for the file); DISTILL_PROPERTY_EXAMPLES=200
is the soak. With CI set, examples are derandomized (the same on every run).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
from conftest import run_inprocess
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from invariants import check_all
from oracle import ANY, FILES
from spec_oracle import CATEGORIES, blank, has_control
from substrate import InputFile, Line, Substrate, serialize

EXAMPLES = int(os.environ.get("DISTILL_PROPERTY_EXAMPLES", "3"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),
)
# invariant 7 costs two more runs: checked on a fifth of the examples, at least one
IDEMPOTENCE_SETTINGS = settings(SETTINGS, max_examples=max(1, EXAMPLES // 5))

# ---------------------------------------------------------------------------------------------
# The generated substrate: strategies
# ---------------------------------------------------------------------------------------------


MISSING = object()  # a key left out of the record
RUNS = [f"r{i:02d}" for i in range(26)] + ["r01 ", "scrum:17:crates/a b.rs", "ñ-run", "R-upper"]
TASKS = ["T1", "T2", "T3", "T4"]
INSTRUCTION = {t: f"Review crates/{t.lower()}/src/lib.rs for correctness." for t in TASKS}
RECORDED_OK = [
    "2026-11-01T10:00:00Z",
    "2026-11-01T12:00:00+02:00",  # the same instant as the first
    "2026-11-01T09:00:00-01:00",  # and again
    "2026-11-01T10:00:00.5Z",
    "2026-11-01T10:00:00.1234567Z",  # truncated to .123456 ...
    "2026-11-01T10:00:00.123456Z",  # ... ties with this one
    "2026-11-03T00:00:00",
    "2024-02-29T23:59:59.999999+23:59",
    "2027-01-01T00:00:00Z",
    "2026-11-01T10:00:00.000000001Z",  # truncated: the same instant as the first
    "2026-11-01T10:00:00-00:00",
]
TS_BAD = [
    "2026-11-01 10:00:00Z",
    "2026-02-30T00:00:00Z",
    "2026-11-01T24:00:00Z",
    "2026-11-01T10:00:60Z",
    "2026-11-01t10:00:00z",
    "2026-11-01T10:00:00+01:60",
    "0001-01-01T00:30:00+01:00",  # UTC year 0
    "9999-12-31T23:30:00-01:00",  # UTC year 10000
    "yesterday",
    "2026-11-01T10:00Z",
    "2026-11-01",
    " 2026-11-01T10:00:00Z",
    "2026-11-01T10:00:00.Z",
    "2026-11-01T10:00:00+24:00",
    "",
]
TEXT_ALPHABET = [
    *"ab \n\t\r\xa0\u3000\x85é\u2028\x7f\u1680\u205f",
    "\x00",  # valid inside a JSON string (escaped)
    "\x1f",  # Python's str.isspace() says whitespace, SPEC §2 does not
    "\u200b",  # zero width space: not whitespace either
    "\ufeff",  # nor is a byte-order mark inside a line
    "😀",  # outside the BMP: a surrogate pair when escaped
    "e\u0301",  # a combining accent: two code points, one grapheme
]
TEXT_FIXED = [
    "## Fix\n\nUse a bounded channel.",
    "  ## Fix\n\nUse a bounded channel.\u3000",  # equal to the one above after trim
    "\n \u3000\nsecond line first",
    "x" * 70,
    "The key is sk-abcdefghijklmnopqrstuvwxyz0123 oops",
    "AKIAABCDEFGHIJKLMNOP leaked",
    "Accepted answer é — two.",
    "e\u0301" * 40,  # 80 code points, 40 graphemes: the title keeps 60 code points
    "😀" * 65,
    "ésk-abcdefghijklmnopqrstuvwx",  # \b is ASCII: a secret after é
    "_sk-abcdefghijklmnopqrstuvwx",  # but not after _
    "\u200b",  # not blank
    "\x1c\x1d",  # not blank either
]
FILE_REFS_SAFE = [
    "crates/a/src/lib.rs",
    "./crates/a/src/lib.rs",
    "src/b.rs",
    "crates/a b.rs",
    "docs/ünï.md",
    "a..b/c.rs",
    "not/listed.rs",
    "src/c.rs",
    "src/c.rs ",
    "./src/d.rs",
    "././src/d.rs",
    "...",
    "a/./b.rs",
]
FILE_REFS_UNSAFE = [
    "/abs/x.rs",
    "../x.rs",
    "a/../b.rs",
    "x/..",
    "..",
    "a\\b.rs",
    "C:/x.rs",
    "~/x.rs",
    "",
    " ",
    "\u3000",
    "x\x01y",
    "x\x7f",
    "c:x.rs",
]
MANIFEST_POOL = [
    "crates/a/src/lib.rs",
    "src/b.rs",
    "crates/a b.rs",
    "docs/ünï.md",
    "a..b/c.rs",
    "src/c.rs ",  # verbatim: does not list "src/c.rs"
    "./src/d.rs",  # nothing is unquoted: lists "./src/d.rs" only
]


def often(value, *others):
    """`value` four times in five, else one of `others` (shrinks towards `value`)."""
    return st.integers(0, 4).flatmap(
        lambda i: st.sampled_from(others) if i == 4 else st.just(value)
    )


def texts():
    return st.one_of(
        st.lists(st.sampled_from(TEXT_ALPHABET), max_size=8).map("".join),
        st.sampled_from(TEXT_FIXED),
        st.sampled_from(TEXT_FIXED),
        st.none(),
    )


@st.composite
def provenances(draw, run: str):
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from([None, MISSING]))
    sig = f"sig-{run}-{draw(st.integers(0, 2))}"
    if draw(st.integers(0, 3)) < 3:  # mostly complete: only `line` varies
        prov = {
            "source_file": "runs/2026-11.jsonl",
            "line": draw(often(draw(st.integers(1, 99)), 2.0, "3", None, True, MISSING)),
            "sig_hash": sig,
            "recorded_at": draw(st.sampled_from(RECORDED_OK)),
        }
        return {k: v for k, v in prov.items() if v is not MISSING}
    prov = {
        "source_file": draw(often("runs/2026-11.jsonl", "", " ", 5, MISSING)),
        "line": draw(often(draw(st.integers(1, 99)), 2.0, "3", None, True, MISSING)),
        "sig_hash": draw(often(sig, sig, "", "\u3000", "sig\x01x", 7, MISSING)),
        "recorded_at": draw(
            st.one_of(
                st.sampled_from(RECORDED_OK),
                st.sampled_from(RECORDED_OK),
                st.sampled_from(RECORDED_OK),
                st.sampled_from([*TS_BAD, 20261101, None, MISSING]),
            )
        ),
    }
    return {k: v for k, v in prov.items() if v is not MISSING}


@st.composite
def evidence_records(draw, run: str, task):
    instruction = INSTRUCTION.get(task, "Review the file.")
    record = {
        "run_id": run,
        "task_id": task,
        "task_type": draw(
            st.sampled_from(
                ["scrum_review"] * 4
                + ["observer_review"] * 3
                + ["audit_facts", "distilled_notes", "mystery_type"]
            )
        ),
        "role": draw(often("executor", "observer", " executor ", None, "", " ", MISSING)),
        "model": draw(often("model-a", "model-b", None, "", "\u3000", MISSING)),
        "instruction": draw(
            often(
                instruction,
                f" {instruction}\u3000",
                "Something else entirely?",
                "  ",
                None,
                "Use sk-abcdefghijklmnopqrstuvwxyz0123",
                MISSING,
            )
        ),
        "context": draw(
            often(
                {"matrix": ["lakehouse_arch_v1"]},
                {"matrix": ["a", " ", 3, " b "]},
                {"matrix": "x"},
                {"matrix": []},
                {},
                None,
                {"other": 1},
                MISSING,
            )
        ),
        "text": draw(texts()),
        "title": draw(
            often(None, "", " ", "Title é", "  padded title  ", "y" * 70, "ü" * 61, MISSING)
        ),
        "file_refs": draw(
            st.one_of(
                st.none(),
                st.lists(st.sampled_from(FILE_REFS_SAFE), max_size=2),
                st.lists(st.sampled_from(FILE_REFS_SAFE), max_size=2),
                st.lists(st.sampled_from(FILE_REFS_SAFE + FILE_REFS_UNSAFE), max_size=2),
            )
        ),
        "provenance": draw(provenances(run)),
    }
    if draw(st.integers(0, 9)) == 0:
        record["extra_field"] = {"kept": True}
    return {k: v for k, v in record.items() if v is not MISSING}


@st.composite
def score_records(draw, run: str):
    record = {
        "run_id": run,
        "category": draw(st.sampled_from(CATEGORIES)),
        "rationale": draw(often("good", None, "", "leaks sk-abcdefghijklmnopqrstuvwxyz", MISSING)),
        "scorer_version": draw(often("v1", None, MISSING)),
        "extra_field": draw(often(MISSING, [1, {"a": None}])),
        "scored_at": draw(
            st.one_of(
                st.sampled_from(RECORDED_OK),
                st.sampled_from([*TS_BAD, None, MISSING]),
            )
        ),
    }
    return {k: v for k, v in record.items() if v is not MISSING}


@st.composite
def valid_lines(draw, record: dict) -> Line:
    style = draw(often("plain", "ascii", "compact", "trailing_comma", "nan", "padded", "deep"))
    return Line(serialize(record, style), "valid", record)


def blank_lines():
    return st.sampled_from(
        ["", " ", "\t", "\r", "\u3000", "\xa0 ", "\x0b\x0c", "\x85", "\u2028"]
    ).map(lambda s: Line(s.encode("utf-8"), "blank"))


RAW_INVALID = [
    (b"not json {", None),
    (b"[1, 2]", None),
    (b'"a string"', None),
    (b"42", None),
    (b"null", None),
    (b"{}", None),
    ('\u3000{"run_id": "r05", "task_type": "scrum_review"}'.encode(), ANY),  # not JSON space
    (
        b'{"run_id": "r06", "task_type": "scrum_review", "context": {"matrix": [], "matrix": []}}',
        ANY,
    ),
    (b"{", None),
    (b'{"run_id": "r00", "task_type": "scrum_review", "text": "a\x01b"}', ANY),  # raw control
    (b'{"run_id": "r01", "task_type": "scrum_review", "text": "\xff"}', ANY),  # invalid UTF-8
    (b'{"run_id": "r02", "task_type": "scrum_review", "text": "\\ud800"}', ANY),  # lone surrogate
    (b'{"run_id": "r03", "run_id": "r03", "task_type": "scrum_review"}', ANY),  # duplicate key
    (
        b'{"run_id": "r04", "task_type": "scrum_review", '
        b'"provenance": {"sig_hash": "a", "sig_hash": "b"}}',
        ANY,
    ),
]
RAW_INVALID_SCORED = [
    (b"not json", None),
    (b"[]", None),
    (b"{", None),
    (b'{"run_id": "r00", "category": "accepted", "rationale": "a\x01"}', ANY),
    (b'{"run_id": "r01", "category": "accepted", "category": "rejected"}', ANY),
]


def valid_run_id(value) -> bool:
    return isinstance(value, str) and not blank(value) and not has_control(value)


@st.composite
def invalid_evidence_lines(draw, runs: list[str]) -> Line:
    if draw(st.booleans()):
        data, run_id = draw(st.sampled_from(RAW_INVALID))
        return Line(data, "invalid", run_id=run_id)
    run = draw(st.sampled_from(runs))
    record = draw(evidence_records(run, draw(st.sampled_from(TASKS))))
    key, value = draw(
        st.sampled_from(
            [
                ("run_id", ""),
                ("run_id", "  "),
                ("run_id", "\u3000"),
                ("run_id", 5),
                ("run_id", "r\x01x"),
                ("run_id", "r\x00x"),
                ("run_id", MISSING),
                ("task_type", MISSING),
                ("task_type", ""),
                ("task_type", "\xa0"),
                ("task_type", 3),
                ("text", 5),
                ("file_refs", "a.rs"),
                ("file_refs", [1]),
                ("context", "x"),
                ("context", [1]),
                ("provenance", "x"),
                ("provenance", []),
                ("title", []),
                ("task_id", 3),
                ("role", {}),
                ("model", 1),
                ("instruction", ["a"]),
            ]
        )
    )
    if value is MISSING:
        record.pop(key, None)
    else:
        record[key] = value
    run_id = record["run_id"] if valid_run_id(record.get("run_id")) else None
    return Line(serialize(record, "plain"), "invalid", run_id=run_id)


@st.composite
def invalid_scored_lines(draw, runs: list[str]) -> Line:
    if draw(st.booleans()):
        data, run_id = draw(st.sampled_from(RAW_INVALID_SCORED))
        return Line(data, "invalid", run_id=run_id)
    record = draw(score_records(draw(st.sampled_from(runs))))
    key, value = draw(
        st.sampled_from(
            [
                ("category", "great"),
                ("category", MISSING),
                ("category", 1),
                ("category", "Accepted"),
                ("category", " accepted"),
                ("category", None),
                ("run_id", MISSING),
                ("run_id", " "),
                ("run_id", 5),
                ("run_id", "r\x1fx"),
                ("rationale", 5),
                ("scorer_version", []),
                ("scored_at", 5),
            ]
        )
    )
    if value is MISSING:
        record.pop(key, None)
    else:
        record[key] = value
    run_id = record["run_id"] if valid_run_id(record.get("run_id")) else None
    return Line(serialize(record, "plain"), "invalid", run_id=run_id)


@st.composite
def input_files(draw, lines: list[Line], prefix: str) -> list[InputFile]:
    names = [f"in/{prefix}-a.jsonl", f"in/{prefix}-B.jsonl"]
    if draw(st.booleans()):
        names[1] += ".gz"
    if draw(st.integers(0, 2)) == 0:
        parts = [lines]
    else:
        cut = draw(st.integers(0, len(lines)))
        parts = [lines[:cut], lines[cut:]]
    return [
        InputFile(
            path=names[i],
            lines=part,
            crlf=draw(st.booleans()),
            bom=draw(st.booleans()),
            final_newline=draw(often(True, False)),
        )
        for i, part in enumerate(parts)
    ]


@st.composite
def substrates(draw) -> Substrate:
    runs = draw(st.permutations(RUNS))[: draw(st.integers(2, 30))]
    tasks = draw(st.lists(st.sampled_from(TASKS), min_size=1, max_size=2, unique=True))
    ev_lines: list[Line] = []
    sc_lines: list[Line] = []
    for run in runs:
        task = draw(st.sampled_from(tasks * 4 + [None, "", "\u3000", " T1"]))
        for _ in range(draw(st.sampled_from([0, 1, 1, 1, 1, 1, 2, 3]))):  # 0: orphan
            ev_lines.append(draw(valid_lines(draw(evidence_records(run, task)))))
        for _ in range(draw(st.sampled_from([0, 1, 1, 1, 1, 2, 3]))):  # 0: unscored, 2+: rescored
            sc_lines.append(draw(valid_lines(draw(score_records(run)))))
    ev_lines += draw(st.lists(st.one_of(blank_lines(), invalid_evidence_lines(runs)), max_size=5))
    sc_lines += draw(st.lists(st.one_of(blank_lines(), invalid_scored_lines(runs)), max_size=5))
    manifest = None
    if draw(st.booleans()):
        manifest = draw(st.lists(st.sampled_from(MANIFEST_POOL), unique=True))
        manifest += draw(st.lists(st.sampled_from(["", "  "]), max_size=2))
        manifest = draw(st.permutations(manifest))
    return Substrate(
        evidence=draw(input_files(draw(st.permutations(ev_lines)), "ev")),
        scored=draw(input_files(draw(st.permutations(sc_lines)), "sc")),
        manifest=manifest,
        manifest_crlf=draw(st.booleans()),
        manifest_bom=draw(st.booleans()),
        include_review=draw(st.booleans()),
        include_partial=draw(st.booleans()),
        min_gap=draw(st.sampled_from([None, 1, 2])),
    )


def run_example(s: Substrate) -> tuple[Path, list[str]]:
    root = Path(tempfile.mkdtemp(prefix="distill-prop-"))
    args = s.write(root)
    result = run_inprocess(args, root)
    assert result.code == 0, f"{args} exited {result.code} in {root}:\n{result.err}"
    return root, args


def export_bytes(root: Path) -> dict[str, bytes]:
    return {name: (root / path).read_bytes() for name, path in FILES.items()}


# ---------------------------------------------------------------------------------------------
# The properties
# ---------------------------------------------------------------------------------------------


@SETTINGS
@given(s=substrates())
def test_invariants_hold_on_random_substrates(s: Substrate):
    """Invariants 1-6 and 8 (SPEC §1) on the written files, against an independent oracle;
    plus the gate each refused row names (SPEC §4) and each exported row's fields (SPEC §5)."""
    root, args = run_example(s)
    problems = check_all(s, root)
    assert not problems, f"{args} in {root}:\n{problems}"
    shutil.rmtree(root, ignore_errors=True)


def rows_in(path: Path) -> int:
    """Rows of a written file: JSON Lines, or a Hub folder's Parquet file."""
    if path.suffix == ".parquet":
        return pq.ParquetFile(path).metadata.num_rows
    return path.read_bytes().count(b"\n")


def ids_of(data: bytes) -> set[str]:
    return {json.loads(line)["id"] for line in data.split(b"\n")[:-1]}


def changes_of(root: Path, stage: str) -> dict:
    receipt = json.loads((root / f"reports/distillation/{stage}/receipt.json").read_text())
    return receipt["changes"]


@IDEMPOTENCE_SETTINGS
@given(s=substrates())
def test_rerun_is_idempotent_and_a_rescore_retracts(s: Substrate):
    """Invariants 6 and 7: a second export-all on the same input writes the same bytes, the
    same ids, and its receipts report 0 added, 0 removed. Then (SPEC §6, invariants 1-2 across
    runs) re-scoring exported runs as rejected removes them on the next export, the receipts
    list them as retracted, and invariants 1-6 and 8 hold on the new input."""
    root, args = run_example(s)
    first = export_bytes(root)
    result = run_inprocess(args, root)
    assert result.code == 0, f"second run exited {result.code} in {root}:\n{result.err}"
    second = export_bytes(root)
    changed = [name for name in FILES if first[name] != second[name]]
    assert not changed, f"{args} in {root}: the re-run rewrote {changed}"
    for stage in ("build-evidence", "score", "export-rag", "export-sft", "export-preference"):
        for path, change in changes_of(root, stage).items():
            rows = rows_in(root / path)
            assert (change["added"], change["removed"], change["unchanged"]) == (0, 0, rows), (
                f"{stage}: re-run reports {change} for {path} ({rows} rows) in {root}"
            )

    exported = {
        json.loads(line)["source_run_id"]: name
        for name in ("rag", "sft")
        for line in second[name].split(b"\n")[:-1]
    }
    rescored = sorted(exported)[:3]
    if not rescored:
        shutil.rmtree(root, ignore_errors=True)
        return
    last = replace(s.scored[-1], lines=list(s.scored[-1].lines))
    for run in rescored:
        record = {"run_id": run, "category": "rejected", "scored_at": "2099-01-01T00:00:00Z"}
        last.lines.append(Line(serialize(record, "plain"), "valid", record))
    (root / last.path).write_bytes(last.payload())
    s2 = replace(s, scored=[*s.scored[:-1], last])
    result = run_inprocess(args, root)
    assert result.code == 0, f"run after re-scoring exited {result.code} in {root}:\n{result.err}"
    problems = check_all(s2, root)
    assert not problems, f"{args} in {root}, after re-scoring {rescored} rejected:\n{problems}"
    third = export_bytes(root)
    for name, stage in (("rag", "export-rag"), ("sft", "export-sft")):
        before, after = ids_of(second[name]), ids_of(third[name])
        gone = {
            json.loads(line)["id"]
            for line in second[name].split(b"\n")[:-1]
            if json.loads(line)["source_run_id"] in rescored
        }
        change = changes_of(root, stage)[FILES[name]]
        assert gone <= before - after, f"{name}: re-scored rows {gone - (before - after)} stayed"
        assert set(change["retracted_ids"]) == before - after, (
            f"{stage}: receipt retracts {change['retracted_ids']}, the file lost "
            f"{sorted(before - after)} ({root})"
        )
        assert (change["added"], change["removed"]) == (len(after - before), len(before - after))
    shutil.rmtree(root, ignore_errors=True)
