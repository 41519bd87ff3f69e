"""tools/per_row, the per-row peer distill is benchmarked against (issue 26), holds the same rows
as distill: its seven files are byte-identical to `distill export-all`'s on the shipped sample
and on the defects set, and its JSON writer writes what DuckDB writes."""

from __future__ import annotations

import contextlib

import duckdb
import pytest
from conftest import PROJECT, run_inprocess

from tools import per_row
from tools.per_row_json import dump, parse_json

SUBSTRATES = {  # name -> (evidence, scored, manifest), relative to the project root
    "sample": ("data/sample/evidence.jsonl", "data/sample/scored_runs.jsonl",
               "data/sample/repo_manifest.txt"),
    "defects": ("data/sample/defects/evidence.jsonl", "data/sample/defects/scored_runs.jsonl",
                "data/sample/defects/repo_manifest.txt"),
}  # fmt: skip
# files that must hold rows, so that two empty files cannot agree
NON_EMPTY = {
    "sample": {"rag", "sft", "preference", "q_rag", "q_sft"},
    "defects": set(per_row.FILES),
}


@pytest.fixture(scope="module", params=sorted(SUBSTRATES))
def exports(request, tmp_path_factory):
    """distill's and per_row's exports of one substrate, both run from one directory on the same
    relative paths (quarantine rows carry them verbatim)."""
    root = tmp_path_factory.mktemp(request.param)
    (root / "data").symlink_to(PROJECT / "data")
    evidence, scored, manifest = SUBSTRATES[request.param]
    inputs = ["--evidence", evidence, "--scored", scored, "--manifest", manifest]
    result = run_inprocess(["export-all", "--quiet", *inputs, "--exports", "distill"], root)
    assert result.code == 0, result.err
    with contextlib.chdir(root), contextlib.redirect_stdout(None):
        assert per_row.main([*inputs, "--out", "per_row"]) == 0
    return request.param, root / "distill", root / "per_row"


@pytest.mark.parametrize("name", list(per_row.FILES))
def test_per_row_writes_distills_bytes(exports, name):
    substrate, distill_dir, per_row_dir = exports
    relative = per_row.FILES[name]
    theirs = (distill_dir / relative).read_bytes()
    ours = (per_row_dir / relative).read_bytes()
    if name in NON_EMPTY[substrate]:
        assert theirs, f"{substrate}: distill wrote no rows to {relative}"
    if ours != theirs:
        mine, expected = ours.split(b"\n"), theirs.split(b"\n")
        first = next(
            (i for i, (a, b) in enumerate(zip(mine, expected, strict=False)) if a != b),
            min(len(mine), len(expected)),
        )
        pytest.fail(
            f"{substrate} {relative}: {len(mine) - 1} rows against distill's "
            f"{len(expected) - 1}; first difference at row {first + 1}:\n"
            f"per_row: {mine[first][:400] if first < len(mine) else b'<none>'}\n"
            f"distill: {expected[first][:400] if first < len(expected) else b'<none>'}"
        )


# lines whose values DuckDB writes back in a form of its own (source_record of the quarantines)
TRICKY_RECORDS = [
    '{"n":1.0,"b":1e5,"c":1.5e-7,"d":1e21,"e":1e20,"f":1e-6,"g":1e-7,"h":-0.0,"i":-0,'
    '"j":12345678901234567.0,"k":5e-324,"l":1.7976931348623157e308,"m":0.1,"o":1e-400}',
    '{"big":123456789012345678901234,"u":18446744073709551615,"low":-9223372036854775809,'
    '"huge":1e400,"neg":-1E400,"nan":[NaN,Infinity,-Infinity]}',
    r'{"s":"x\u0001y\u007f\u001f\u000b\u00e9/\\\"\b\f\n\r\t\u2028\ud83d\ude00","k\u001e":null}',
    '{"a":1,"a":{"b":[1,2,],"b":true,},"c":[],"d":{},}',
]


@pytest.mark.parametrize("line", TRICKY_RECORDS)
def test_per_row_writes_records_as_duckdb_does(line):
    duck = duckdb.connect().execute("select json_object('r', cast(? as json))", [line]).fetchone()
    assert '{"r":' + dump(parse_json(line)) + "}" == duck[0]


NOT_JSON = ["[,]", "{,}", "[1,,]", '{"a":1},', '{"a":"\\ud800"}', '{"a":nan}', '{"a":-NaN}',
            '{"a":Inf}', '{"a":"\x01"}']  # fmt: skip


@pytest.mark.parametrize("line", NOT_JSON)
def test_per_row_refuses_what_spec_refuses(line):
    with pytest.raises(ValueError):
        parse_json(line)
