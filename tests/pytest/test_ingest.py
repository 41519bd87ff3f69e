"""SPEC §2-§3 end to end: every input line is staged, skipped as blank, or quarantined with
its reason, on real files through the real pipeline."""

from __future__ import annotations

import gzip
import json

import pytest
from conftest import evidence, query, score, write_jsonl

E1_LATER = json.dumps(
    evidence("e1", provenance={"source_file": "s", "line": 9, "sig_hash": "h",
                               "recorded_at": "2026-11-05T00:00:00Z"})
)  # fmt: skip

EVIDENCE_LINES = [
    evidence("e1"),  # 1 staged (canonical: earlier recorded_at than line 16)
    "",  # 2 blank
    " \t\u00a0\u3000",  # 3 blank (SPEC whitespace includes NBSP and ideographic space)
    "not json",  # 4
    "[1, 2]",  # 5
    b'{"run_id": "bad-utf8", "task_type": "scrum_review", "text": "\xff\xfe"}',  # 6
    '{"run_id": "ctl", "task_type": "scrum_review", "text": "a\tb"}',  # 7 raw TAB in a string
    '{"run_id": "lone", "task_type": "scrum_review", "text": "\\ud800"}',  # 8 lone surrogate
    '{"run_id": "dup", "task_type": "scrum_review", "run_id": "dup2"}',  # 9 duplicate key
    '{"run_id": "pdup", "task_type": "scrum_review", "provenance": {"line": 1, "line": 2}}',  # 10
    '{"task_type": "scrum_review"}',  # 11 run_id missing
    '{"run_id": "  ", "task_type": "scrum_review"}',  # 12 run_id blank
    '{"run_id": "a\\u0001b", "task_type": "scrum_review"}',  # 13 control character in run_id
    '{"run_id": "tt", "task_type": 7}',  # 14 task_type not a string
    '{"run_id": "fr", "task_type": "scrum_review", "file_refs": ["a.rs", 3]}',  # 15
    E1_LATER,  # 16 duplicate of e1, recorded later
    json.dumps(evidence("e2"))[:-1] + ', "score_hint": NaN,}',  # 17 DuckDB leniency: valid
    json.dumps(evidence("e3")) + "\r",  # 18 CRLF
]
FINAL_LINE = json.dumps(evidence("e4")).encode()  # 19, no final newline

SCORED_LINES = [
    score("e1", "accepted"),  # 1
    score("e1x", "great"),  # 2 category outside the enum
    "",  # 3 blank
    score("e2", "rejected", scored_at="2026-11-01T00:00:00Z"),  # 4 superseded by line 5
    score("e2", "accepted", scored_at="2026-11-03T00:00:00Z"),  # 5
    score("e3", "partially_accepted"),  # 6
    score("e4", "needs_human_review"),  # 7
    score("ghost", "accepted"),  # 8 no evidence
    '{"run_id": 5, "category": "accepted"}',  # 9 run_id not a string
]


@pytest.fixture(scope="module")
def substrate(tmp_path_factory):
    root = tmp_path_factory.mktemp("ingest")
    path = write_jsonl(root / "in" / "evidence.jsonl", EVIDENCE_LINES)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes() + FINAL_LINE)
    write_jsonl(root / "in" / "scored.jsonl", SCORED_LINES)
    return root


@pytest.fixture(scope="module")
def built(substrate):
    from conftest import run_inprocess

    result = run_inprocess(
        ["build-evidence", "--evidence", "in/evid*.jsonl",
         "--scored", "in/scored.jsonl", "--manifest", ""],
        substrate,
    )  # fmt: skip
    assert result.code == 0, result.err
    return substrate, result


def test_every_line_is_staged_blank_or_quarantined_per_file(built):
    root, _ = built
    rows = query(
        root / "warehouse/distill.duckdb",
        "select input_file, lines, blank_lines, staged, ingest_quarantined"
        " from rpt_input_files_accounted order by input_file",
    )
    assert rows == [
        ("in/evidence.jsonl", 19, 2, 4, 13),
        ("in/scored.jsonl", 9, 1, 6, 2),
    ]


def test_each_malformed_evidence_line_gets_its_reason_and_error(built):
    root, _ = built
    rows = query(
        root / "warehouse/distill.duckdb",
        "select source_provenance.input_line, reason, errors from quarantine_ingest"
        " where source_provenance.input_file = 'in/evidence.jsonl' order by 1",
    )
    got = {line: (reason, errors) for line, reason, errors in rows}
    assert got == {
        4: ("schema_violation", ["line: not valid JSON"]),
        5: ("schema_violation", ["line: an array, not a JSON object"]),
        6: ("schema_violation", ["line: not valid UTF-8"]),
        7: ("schema_violation", ["line: not valid JSON"]),
        8: ("schema_violation", ["line: not valid JSON"]),
        9: ("schema_violation", ['duplicate key "run_id" in the record']),
        10: ("schema_violation", ['duplicate key "line" in provenance']),
        11: ("schema_violation", ["run_id: missing"]),
        12: ("schema_violation", ["run_id: blank"]),
        13: ("schema_violation", ["run_id: contains a control character"]),
        14: ("schema_violation", ["task_type: must be a string, got a number"]),
        15: ("schema_violation", ["file_refs: every entry must be a string"]),
        16: (
            "duplicate_id",
            ["duplicate evidence for run_id 'e1': the canonical record is in/evidence.jsonl:1"],
        ),
    }


def test_malformed_scored_lines_are_quarantined_and_old_scores_superseded(built):
    root, _ = built
    warehouse = root / "warehouse/distill.duckdb"
    rows = query(
        warehouse,
        "select source_provenance.input_line, reason, errors, run_id from quarantine_ingest"
        " where source_provenance.input_file = 'in/scored.jsonl' order by 1",
    )
    assert rows == [
        (2, "schema_violation",
         ['category: must be one of accepted, partially_accepted, rejected, '
          'needs_human_review, got "great"'], "e1x"),
        (9, "schema_violation", ["run_id: must be a string, got a number"], None),
    ]  # fmt: skip
    resolved = query(
        warehouse, "select run_id, category, superseded_scores from int_scores_resolved order by 1"
    )
    assert ("e2", "accepted", 1) in resolved


def test_unparseable_line_keeps_its_raw_text_in_the_quarantine(built):
    root, _ = built
    rows = query(
        root / "warehouse/distill.duckdb",
        "select source_record from quarantine_ingest"
        " where source_provenance.input_file = 'in/evidence.jsonl'"
        " and source_provenance.input_line in (4, 6) order by source_provenance.input_line",
    )
    assert json.loads(rows[0][0]) == {"raw_line": "not json"}
    # invalid UTF-8 cannot be a JSON string: its bytes are shown escaped
    assert json.loads(rows[1][0])["raw_line"].endswith('"text": "\\xFF\\xFE"}')


def test_receipt_counts_blank_unscored_and_quarantined(built):
    root, result = built
    receipt = json.loads((root / "reports/distillation/build-evidence/receipt.json").read_text())
    counts = receipt["record_counts"]
    assert (counts["lines"], counts["blank_lines"], counts["staged"]) == (19, 2, 4)
    assert counts["by_reason"] == {"duplicate_id": 1, "schema_violation": 12}
    assert counts["unscored"] == 0
    table = {line.split()[0]: line.split()[1:6] for line in result.out.splitlines() if line}
    assert table["input"] == ["lines", "blank", "staged", "quarantined", "unscored"]
    assert table["evidence"] == ["19", "2", "4", "13", "0"]


def test_gzip_input_reads_like_plain(tmp_path, distill):
    lines = [evidence("g1"), "", evidence("g2")]
    plain = write_jsonl(tmp_path / "plain" / "e.jsonl", lines)
    (tmp_path / "gz").mkdir()
    (tmp_path / "gz" / "e.jsonl.gz").write_bytes(gzip.compress(plain.read_bytes()))
    write_jsonl(tmp_path / "s.jsonl", [score("g1", "accepted"), score("g2", "accepted")])
    result = distill(
        ["build-evidence", "--evidence", "gz/*.jsonl.gz", "--scored", "s.jsonl", "--manifest", ""],
        tmp_path,
    )
    assert result.code == 0, result.err
    assert query(
        tmp_path / "warehouse/distill.duckdb",
        "select input_file, lines, blank_lines, staged from rpt_input_files_accounted"
        " where input_kind = 'evidence'",
    ) == [("gz/e.jsonl.gz", 3, 1, 2)]


def test_truncated_gzip_is_an_input_error_naming_the_file(tmp_path, distill):
    data = gzip.compress(
        b"".join(json.dumps(evidence(f"t{i}")).encode() + b"\n" for i in range(500))
    )
    (tmp_path / "e.jsonl.gz").write_bytes(data[: len(data) // 2])
    write_jsonl(tmp_path / "s.jsonl", [score("t1", "accepted")])
    result = distill(
        ["build-evidence", "--evidence", "e.jsonl.gz", "--scored", "s.jsonl", "--manifest", ""],
        tmp_path,
    )
    assert result.code == 2
    assert "e.jsonl.gz" in result.err and "gzip" in result.err
    assert not (tmp_path / "exports").exists()


def test_framing_numbers_every_line_once_in_input_order(tmp_path):
    """line_id, the key refused rows read their records back by, is each framed row's position
    in input order: kinds as given, files by path (a gzip file too), lines in file order, the
    marker rows included. A repeated or skipped id would fetch another line's record."""
    from distill.lines import Input, frame_inputs

    (tmp_path / "b.jsonl").write_bytes(b'{"x": 1}\n{"x": 2}')  # final line without '\n'
    with gzip.open(tmp_path / "a.jsonl.gz", "wb") as handle:
        handle.write(b'{"x": 3}\n')
    (tmp_path / "s.jsonl").write_bytes(b"")  # empty: its marker row alone
    table = frame_inputs(
        [Input("evidence", "[ab].jsonl*"), Input("scored", "s.jsonl")], root=str(tmp_path)
    ).read_all()
    rows = list(
        zip(
            table.column("line_id").to_pylist(),
            table.column("input_kind").to_pylist(),
            table.column("input_file").to_pylist(),
            table.column("input_line").to_pylist(),
            strict=True,
        )
    )
    assert rows == [
        (0, "evidence", "a.jsonl.gz", 0),
        (1, "evidence", "a.jsonl.gz", 1),
        (2, "evidence", "b.jsonl", 0),
        (3, "evidence", "b.jsonl", 1),
        (4, "evidence", "b.jsonl", 2),
        (5, "scored", "s.jsonl", 0),
    ]
