"""Bad input, kind by kind (issue 6): every malformed-line kind of SPEC §2-§3 that the defects
set, test_ingest and test_faults leave out, wrong types in every listed field, every §2.4
timestamp form, latest-score-wins at full precision, duplicate evidence across files, every §4
unsafe-path form, every secret pattern with near misses, gzip framing, and the input errors
(truncated or corrupt gzip, unreadable file: exit 2 naming the file).

One substrate holds every case on a known line; one real `distill export-all` runs on it and the
assertions read the files it wrote. Expected values are worked out by hand from SPEC, never
from the code under test.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, evidence, query, read_jsonl, run_inprocess, score, write_jsonl

EXPORTED = "exported"
SCHEMA = "schema_violation"
DUPLICATE = "duplicate_id"
UNSAFE_RAG = "unsafe_rag_category"
UNSAFE_SFT = "unsafe_sft_category"
NO_EVIDENCE = "missing_source_run_id"
NO_PROVENANCE = "missing_provenance"
EMPTY = "empty_content"
BAD_PATH = "hallucinated_file_path"
SECRET = "secret_detected"

EV_A = "in/ev-a.jsonl"
EV_B = "in/ev-b.jsonl.gz"  # gzip, two members, BOM, CRLF, a line split across members
EV_C = "in/ev-c.jsonl.gz"  # gzip of nothing
EV_D = "in/ev-d.jsonl"  # only a byte-order mark
EV_E = "in/ev-e.jsonl"  # only "\r", no final newline
EV_F = "in/ev-f.jsonl"  # two byte-order marks, then a record
EV_G = "in/ev-g.jsonl"  # file_refs with JSON null entries (a known bug: kept apart, see below)
SC_UPPER = "in/sc-B.jsonl"  # sorts before sc-a: 'B' (0x42) < 'a' (0x61) in UTF-8 byte order
SC_LOWER = "in/sc-a.jsonl"
SC_AUTO = "in/sc-z.jsonl.gz"  # gzip: one accepted score per evidence-backed case
MANIFEST = "in/manifest.txt"

BOM = b"\xef\xbb\xbf"
DEFAULT_REF = "crates/a/src/lib.rs"  # conftest.evidence's file_refs
AWS = "AKIAIOSFODNN7EXAMPLE"  # AKIA + 16
GH36 = "abcdefghijklmnopqrstuvwxyz0123456789"  # 36 alphanumerics
SK20 = "abcdefghij0123456789"  # 20


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def to_bytes(line) -> bytes:
    if isinstance(line, bytes):
        return line
    if isinstance(line, str):
        return line.encode("utf-8")
    return dumps(line).encode("utf-8")


def prov(recorded_at="2026-11-01T10:00:00Z", **fields) -> dict:
    record = {"source_file": "runs/x.jsonl", "line": 7, "sig_hash": "sig",
              "recorded_at": recorded_at}  # fmt: skip
    record.update(fields)
    return record


class Build:
    """The substrate, built at import time so that every case knows its file and line."""

    def __init__(self):
        self.lines: dict[str, list[bytes]] = {EV_A: [], EV_B: [], SC_UPPER: [], SC_LOWER: [],
                                              SC_AUTO: []}  # fmt: skip
        self.counts: dict[str, list[int]] = {}  # file -> [blank, staged, quarantined]
        self.ingest: list = []  # pytest.param(file, line, reason, run_id, fragments)
        self.runs: list = []  # pytest.param(run_id, rag, sft, where)
        self.manifest: list[str] = [DEFAULT_REF]

    def _add(self, path: str, line, kind: int) -> int:
        self.lines[path].append(to_bytes(line))
        self.counts.setdefault(path, [0, 0, 0])[kind] += 1
        return len(self.lines[path])

    def blank(self, line, path=EV_A) -> int:
        return self._add(path, line, 0)

    def staged(self, line, path) -> int:
        return self._add(path, line, 1)

    def bad(self, case_id, line, run_id=None, *fragments, path=EV_A, reason=SCHEMA) -> int:
        """A line that must land in the ingest quarantine with `reason` and `run_id`, its
        errors naming each fragment."""
        at = self._add(path, line, 2)
        self.ingest.append(pytest.param(path, at, reason, run_id, fragments, id=case_id))
        return at

    def expect(self, case_id, run_id, rag, sft, where):
        self.runs.append(pytest.param(run_id, rag, sft, where, id=case_id))

    def run(self, case_id, record, rag=EXPORTED, sft=EXPORTED, path=EV_A, run_id=None) -> str:
        """A staged evidence line (a dict, or raw text holding one object) scored accepted
        once in SC_AUTO; `rag` and `sft` are the run's outcomes."""
        line = to_bytes(record)
        if run_id is None:
            run_id = record["run_id"] if isinstance(record, dict) else json.loads(line)["run_id"]
        self.staged(line, path)
        at = self.staged(score(run_id, "accepted"), SC_AUTO)
        self.expect(case_id, run_id, rag, sft, (SC_AUTO, at))
        return run_id


B = Build()


# --- evidence lines that are no record (SPEC §2, §3) ----------------------------------------

NOT_JSON = "not valid JSON"
NOT_OBJECT = "not a JSON object"
NOT_UTF8 = "not valid UTF-8"
OBJ = '{"run_id": "x-%s", "task_type": "scrum_review", "text": "%s"}'

for case_id, line in [
    ("number", "42"),
    ("negative-float", "-1.5e3"),
    ("true", "true"),
    ("false", "false"),
]:
    B.bad(f"not-an-object-{case_id}", line, None, NOT_OBJECT)

for case_id, line in [
    ("two-objects-on-one-line", OBJ % ("two1", "a") + OBJ % ("two2", "b")),
    ("object-then-garbage", OBJ % ("garb", "a") + " x"),
    ("line-comment", OBJ % ("cmt", "a") + " // note"),
    ("single-quotes", "{'run_id': 'x-sq', 'task_type': 'scrum_review'}"),
    ("unquoted-keys", '{run_id: "x-uq", task_type: "scrum_review"}'),
    ("leading-zero-number", '{"run_id": "x-lz", "task_type": "scrum_review", "n": 01}'),
    ("double-trailing-comma", '{"run_id": "x-dc", "task_type": "scrum_review",,}'),
    # a lone CR is no line separator (SPEC §2): two records joined by it are one bad line
    ("lone-cr-between-two-records", OBJ % ("cr1", "a") + "\r" + OBJ % ("cr2", "b")),
    # a byte-order mark is ignored at the start of a file only
    ("bom-at-start-of-a-later-line", "\ufeff" + OBJ % ("bom", "a")),
    # U+00A0 is SPEC whitespace (blank lines) but not JSON whitespace
    ("nbsp-before-object", "\u00a0" + OBJ % ("nbsp", "a")),
    ("form-feed-after-object", OBJ % ("ff", "a") + "\x0c"),
    ("zero-width-space-line", "\u200b"),  # not whitespace, so not blank
    ("bom-only-line", "\ufeff"),
    ("raw-nul-alone", b"\x00"),
    ("raw-nul-between-tokens", b'{"run_id": "x-nt",\x00 "task_type": "scrum_review"}'),
]:
    B.bad(case_id, line, None, NOT_JSON)

# raw control characters inside a JSON string (TAB and U+0001 are in the defects set)
for code in (0x00, 0x08, 0x0B, 0x0C, 0x0D, 0x1B, 0x1F):
    B.bad(f"raw-control-{code:02X}-in-text", b'{"run_id": "x-ctl", "task_type": "scrum_review",'
          b' "text": "a' + bytes([code]) + b'b"}', None, NOT_JSON)  # fmt: skip
B.bad("raw-nul-in-run_id", b'{"run_id": "x\x00y", "task_type": "scrum_review"}', None, NOT_JSON)

# invalid UTF-8 (a lone 0xEF and 0xFF 0xFE are in the defects set and test_ingest)
for case_id, raw in [
    ("lone-continuation-byte", b"\x80"),
    ("overlong-slash", b"\xc0\xaf"),
    ("truncated-3-byte-sequence", b"\xe2\x82"),
    ("encoded-surrogate-cesu", b"\xed\xa0\x80"),
    ("above-u10ffff", b"\xf4\x90\x80\x80"),
    ("byte-f8", b"\xf8\x88\x80\x80\x80"),
]:
    B.bad(f"invalid-utf8-{case_id}", b'{"run_id": "x-u8", "task_type": "scrum_review",'
          b' "text": "a' + raw + b'b"}', None, NOT_UTF8)  # fmt: skip
B.bad("invalid-utf8-in-a-key", b'{"run_id": "x-u8k", "task_type": "scrum_review", "t\xffx": 1}',
      None, NOT_UTF8)  # fmt: skip
B.bad("invalid-utf8-between-tokens", b'{"run_id": "x-u8b", \xfe"task_type": "scrum_review"}',
      None, NOT_UTF8)  # fmt: skip
B.bad("invalid-utf8-in-run_id", b'{"run_id": "x\xc3(", "task_type": "scrum_review"}', None,
      NOT_UTF8)  # fmt: skip

# lone surrogate escapes (a lone \ud800 in text is in the defects set)
for case_id, escaped in [
    ("lone-low", "\\udc00"),
    ("high-then-letter-escape", "\\ud800\\u0041"),
    ("high-then-high", "\\ud83d\\ud83d"),
    ("reversed-pair", "\\ude00\\ud83d"),
    ("high-at-end", "abc\\ud83d"),
]:
    B.bad(f"lone-surrogate-{case_id}", OBJ % ("sur", escaped), None, NOT_JSON)
B.bad("lone-surrogate-in-a-key", '{"run_id": "x-suk", "task_type": "scrum_review", "\\ud800": 1}',
      None, NOT_JSON)  # fmt: skip
B.bad("lone-surrogate-in-run_id", '{"run_id": "x\\udfff", "task_type": "scrum_review"}', None,
      NOT_JSON)  # fmt: skip
B.bad("lone-surrogate-deep-in-an-extra-field",
      '{"run_id": "x-sud", "task_type": "scrum_review", "meta": {"a": ["\\udbff"]}}', None,
      NOT_JSON)  # fmt: skip

# blank lines: every SPEC whitespace class, none of them JSON
B.blank("\x0b\x0c\r\u0085\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000")

# --- duplicate keys (SPEC §2, §2.5): keys compare after JSON unescaping -------------------------

B.bad("duplicate-key-written-with-an-escape",
      dumps(evidence("dk-escape"))[:-1] + ', "t\\u0065xt": "again"}', "dk-escape",
      "duplicate key", '"text"')  # fmt: skip
B.bad("duplicate-key-same-value", dumps(evidence("dk-same"))[:-1] + ', "role": "executor"}',
      "dk-same", "duplicate key", '"role"')  # fmt: skip
B.bad("duplicate-key-in-provenance-written-with-an-escape",
      dumps(evidence("dk-prov"))[:-2] + ', "sig\\u005fhash": "other"}}', "dk-prov",
      "duplicate key", '"sig_hash"', "provenance")  # fmt: skip
B.run(
    "keys-differing-in-case-are-not-duplicates",
    dumps(evidence("dk-case"))[:-1] + ', "Text": "extra field"}',
)
B.run(
    "precomposed-and-decomposed-keys-are-not-duplicates",
    dumps(evidence("dk-nfc"))[:-1] + ', "caf\u00e9": 1, "cafe\u0301": 2}',
)
B.run("duplicate-key-deeper-in-context-is-not-checked",
      dumps(evidence("dk-ctx-deep", context={"matrix": ["m"], "x": {}}))
      .replace('"x": {}', '"x": {"k": 1, "k": 2}'))  # fmt: skip
B.run("duplicate-key-deeper-in-provenance-is-not-checked",
      dumps(evidence("dk-prov-deep", provenance=prov(x={})))
      .replace('"x": {}', '"x": {"k": 1, "k": 2}'))  # fmt: skip

# --- valid JSON in unusual shapes -----------------------------------------------------------

B.run(
    "tab-and-cr-between-tokens",
    dumps(evidence("ws-tab-cr")).replace(', "task_type"', ',\t\r"task_type"'),
)
B.run("whitespace-around-the-object", "  \t" + dumps(evidence("ws-around")) + " \t ")
B.run(
    "infinity-literals-and-trailing-comma-in-an-array",
    dumps(evidence("lenient"))[:-1] + ', "a": Infinity, "b": -Infinity, "c": [1, 2,]}',
    run_id="lenient",
)
B.run(
    "numbers-out-of-range-in-extra-fields",
    dumps(evidence("big-numbers"))[:-1] + ', "f": 1e400, "i": 18446744073709551616}',
)
B.run("raw-c1-next-line-in-text", evidence("raw-c1", text="line\u0085more"))
B.run("escaped-nul-in-text", evidence("nul-text", title="NUL title", text="before\x00after"))

# --- wrong JSON types in every listed evidence field (SPEC §2.1, §3) ------------------------

WRONG = {"number": 5, "true": True, "array": ["x"], "object": {"k": "v"}, "string": "s"}


def wrong_type_cases():
    fields = {
        "task_id": ("true", "array", "object"),  # number is in the defects set
        "role": ("number", "array", "object"),
        "model": ("number", "true", "object"),
        "instruction": ("number", "array", "object"),
        "context": ("string", "number", "true"),  # array is in the defects set
        "text": ("array", "object", "true"),  # number is in the defects set
        "title": ("number", "array", "true"),
        "file_refs": ("object", "number", "true"),  # string is in the defects set
        "provenance": ("array", "number", "true"),  # string is in the defects set
        "task_type": ("array", "object", "true"),  # number is in test_ingest
    }
    for field, kinds in fields.items():
        for kind in kinds:
            run_id = f"wt-{field}-{kind}"
            B.bad(f"{field}-{kind}", evidence(run_id, **{field: WRONG[kind]}), run_id, field)
    for kind in ("number", "true", "array", "object"):
        B.bad(f"run_id-{kind}", evidence(WRONG[kind]), None, "run_id")


wrong_type_cases()
B.bad("run_id-null", evidence(None), None, "run_id")
B.bad("file_refs-nested-array", evidence("wt-fr-nest", file_refs=[["a.rs"]]), "wt-fr-nest",
      "file_refs")  # fmt: skip
B.bad("task_type-null", evidence("req-tt-null", task_type=None), "req-tt-null", "task_type")
B.bad("task_type-empty", evidence("req-tt-empty", task_type=""), "req-tt-empty", "task_type")
B.bad("task_type-unicode-blank", evidence("req-tt-ws", task_type="\u00a0\u3000\u2028"),
      "req-tt-ws", "task_type")  # fmt: skip
B.bad("empty-object", "{}", None, "run_id", "task_type")
B.bad("every-failing-field-is-named",
      {"run_id": 1, "task_type": 2, "role": 3, "model": [], "text": [], "title": {},
       "context": "c", "file_refs": "f", "provenance": 0},
      None, "run_id", "task_type", "role", "model", "text", "title", "context", "file_refs",
      "provenance")  # fmt: skip

# run_id: non-blank, no control character U+0000-U+001F or U+007F (C1 characters are fine)
for case_id, bad_id in [
    ("escaped-nul", "nul\x00id"),
    ("escaped-tab", "tab\tid"),
    ("escaped-newline", "nl\nid"),
    ("escaped-u001f", "us\x1fid"),
    ("escaped-del-u007f", "del\x7fid"),
]:
    B.bad(f"run_id-control-{case_id}", evidence(bad_id), None, "run_id", "control")
B.bad("run_id-only-line-separator-is-blank", evidence("\u2028"), None, "run_id")
B.run("run_id-with-c1-next-line-is-valid", evidence("c1\u0085id"))
B.run("run_id-zero-width-space-is-not-blank", evidence("\u200b"))
B.run("run_id-padded-is-used-verbatim", evidence(" padded "))

# every optional field null; a minimal record
B.run("every-optional-field-null",
      {"run_id": "all-null", "task_type": "scrum_review", **dict.fromkeys(
          ["task_id", "role", "model", "instruction", "context", "text", "title", "file_refs",
           "provenance"])}, NO_PROVENANCE, NO_PROVENANCE)  # fmt: skip
B.run("only-required-fields", {"run_id": "minimal", "task_type": "scrum_review"},
      NO_PROVENANCE, NO_PROVENANCE)  # fmt: skip

# inside provenance and context a sub-field of the wrong JSON type counts as absent (SPEC §2.1)
for case_id, record in [
    ("source_file-number", prov(source_file=3)),
    ("source_file-blank", prov(source_file=" \u3000")),
    ("sig_hash-number", prov(sig_hash=12)),
    ("sig_hash-blank", prov(sig_hash="\u00a0")),
    ("sig_hash-control-u0001", prov(sig_hash="a\x01b")),
    ("sig_hash-control-del", prov(sig_hash="a\x7fb")),
    ("recorded_at-array", prov(recorded_at=["2026-01-01T00:00:00Z"])),
    ("recorded_at-null", prov(recorded_at=None)),
]:
    B.run(f"provenance-{case_id}", evidence(f"pv-{case_id}", provenance=record), NO_PROVENANCE,
          NO_PROVENANCE)  # fmt: skip

# provenance.line: a JSON integer, else absent (exported as null)
LINE_CASES = [
    ("fraction", "1.0", None),
    ("exponent", "1e2", None),
    ("boolean", "true", None),
    ("null", "null", None),
    ("negative", "-3", -3),
    ("zero", "0", 0),
]
for case_id, literal, _ in LINE_CASES:
    B.run(
        f"provenance-line-{case_id}",
        dumps(evidence(f"pl-{case_id}")).replace('"line": 1,', f'"line": {literal},'),
    )
B.run(
    "provenance-line-beyond-64-bits",
    dumps(evidence("pl-huge")).replace('"line": 1,', '"line": 18446744073709551616,'),
)

# context.matrix contributes only its non-blank string entries; model=... when model non-blank
CONTEXT_CASES = [
    ("matrix-a-string", {"matrix": "m1"}, "model-a", "model=model-a"),
    ("matrix-mixed-entries", {"matrix": [1, "m1", " ", None, "\u3000", "m2", ["m3"]]},
     "model-a", "matrix=m1,m2 \u00b7 model=model-a"),
    ("matrix-empty", {"matrix": []}, "model-a", "model=model-a"),
    ("context-empty-object", {}, "model-a", "model=model-a"),
    ("model-blank", {"matrix": ["m1"]}, "\u00a0", "matrix=m1"),
    ("neither", {"matrix": [" "]}, None, ""),
]  # fmt: skip
for case_id, context, model, _ in CONTEXT_CASES:
    B.run(f"context-{case_id}", evidence(f"cx-{case_id}", context=context, model=model))

# --- §2.4 timestamps: every accepted form, normalised; every other form unparseable ---------

VALID_TS = [
    ("zulu", "2026-03-04T05:06:07Z", "2026-03-04T05:06:07Z"),
    ("no-zone-means-utc", "2026-03-04T05:06:07", "2026-03-04T05:06:07Z"),
    ("fraction-1-digit", "2026-03-04T05:06:07.5Z", "2026-03-04T05:06:07Z"),
    ("fraction-6-digits", "2026-03-04T05:06:07.123456Z", "2026-03-04T05:06:07Z"),
    ("fraction-9-digits", "2026-03-04T05:06:07.123456789Z", "2026-03-04T05:06:07Z"),
    ("fraction-truncated-not-rounded", "2026-03-04T05:06:59.999999999Z", "2026-03-04T05:06:59Z"),
    ("fraction-without-zone", "2026-03-04T05:06:07.25", "2026-03-04T05:06:07Z"),
    ("plus-offset", "2026-03-04T05:06:07+02:00", "2026-03-04T03:06:07Z"),
    ("minus-half-hour-offset", "2026-03-04T05:06:07-02:30", "2026-03-04T07:36:07Z"),
    ("plus-zero-offset", "2026-03-04T05:06:07+00:00", "2026-03-04T05:06:07Z"),
    ("minus-zero-offset", "2026-03-04T05:06:07-00:00", "2026-03-04T05:06:07Z"),
    ("offset-crosses-a-day", "2026-03-04T00:30:00+01:00", "2026-03-03T23:30:00Z"),
    ("offset-crosses-a-year", "2026-12-31T23:30:00-01:00", "2027-01-01T00:30:00Z"),
    ("offset-lands-on-a-leap-day", "2024-03-01T00:30:00+01:00", "2024-02-29T23:30:00Z"),
    ("leap-day", "2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z"),
    ("leap-day-2000", "2000-02-29T12:00:00Z", "2000-02-29T12:00:00Z"),
    ("largest-plus-offset", "2026-03-04T23:59:59+23:59", "2026-03-04T00:00:59Z"),
    ("largest-minus-offset", "2026-03-04T00:00:00-23:59", "2026-03-04T23:59:00Z"),
    ("fraction-and-offset", "2026-03-04T05:06:07.1+05:30", "2026-03-03T23:36:07Z"),
    ("midnight", "2026-03-04T00:00:00Z", "2026-03-04T00:00:00Z"),
    ("last-second-of-a-day", "2026-03-04T23:59:59Z", "2026-03-04T23:59:59Z"),
    ("year-0001", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
    ("year-9999", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"),
    ("utc-year-0001-via-offset", "0001-01-01T01:00:00+01:00", "0001-01-01T00:00:00Z"),
    ("utc-year-9999-via-offset", "9999-12-31T22:59:59-01:00", "9999-12-31T23:59:59Z"),
]
INVALID_TS = [
    ("space-separator", "2026-03-04 05:06:07Z"),
    ("lowercase-t", "2026-03-04t05:06:07Z"),
    ("lowercase-z", "2026-03-04T05:06:07z"),
    ("feb-29-non-leap-year", "2023-02-29T00:00:00Z"),
    ("feb-29-1900", "1900-02-29T00:00:00Z"),
    ("april-31", "2026-04-31T00:00:00Z"),
    ("month-13", "2026-13-01T00:00:00Z"),
    ("month-00", "2026-00-10T00:00:00Z"),
    ("day-00", "2026-01-00T00:00:00Z"),
    ("day-32", "2026-01-32T00:00:00Z"),
    ("hour-24", "2026-03-04T24:00:00Z"),
    ("minute-60", "2026-03-04T05:60:00Z"),
    ("leap-second-60", "2016-12-31T23:59:60Z"),
    ("offset-hour-24", "2026-03-04T05:06:07+24:00"),
    ("offset-minute-60", "2026-03-04T05:06:07+01:60"),
    ("offset-without-colon", "2026-03-04T05:06:07+0100"),
    ("offset-hours-only", "2026-03-04T05:06:07+01"),
    ("offset-with-seconds", "2026-03-04T05:06:07+01:00:00"),
    ("z-and-offset", "2026-03-04T05:06:07Z+01:00"),
    ("utc-word", "2026-03-04T05:06:07UTC"),
    ("unicode-minus-offset", "2026-03-04T05:06:07\u221201:00"),
    ("dot-without-digits", "2026-03-04T05:06:07.Z"),
    ("fraction-10-digits", "2026-03-04T05:06:07.1234567890Z"),
    ("comma-fraction", "2026-03-04T05:06:07,5Z"),
    ("no-seconds", "2026-03-04T05:06Z"),
    ("date-only", "2026-03-04"),
    ("basic-format", "20260304T050607Z"),
    ("unpadded-fields", "2026-3-4T5:6:7Z"),
    ("leading-space", " 2026-03-04T05:06:07Z"),
    ("trailing-space", "2026-03-04T05:06:07Z "),
    ("trailing-newline", "2026-03-04T05:06:07Z\n"),
    ("five-digit-year", "12026-03-04T05:06:07Z"),
    ("signed-year", "+2026-03-04T05:06:07Z"),
    ("year-0000", "0000-06-01T00:00:00Z"),
    ("utc-year-0000-via-offset", "0001-01-01T00:00:00+00:01"),
    ("utc-year-10000-via-offset", "9999-12-31T23:59:59-00:01"),
    ("fullwidth-digits", "\uff12\uff10\uff12\uff16-03-04T05:06:07Z"),
    ("arabic-indic-digits", "\u0662\u0660\u0662\u0666-03-04T05:06:07Z"),
    ("empty-string", ""),
    ("epoch-seconds-string", "1772600767"),
    ("rfc-2822", "Wed, 04 Mar 2026 05:06:07 +0000"),
]

for case_id, raw, _ in VALID_TS:
    B.run(f"recorded_at-valid-{case_id}", evidence(f"ts-ok-{case_id}", provenance=prov(raw)))
for case_id, raw in INVALID_TS:
    B.run(f"recorded_at-invalid-{case_id}", evidence(f"ts-bad-{case_id}", provenance=prov(raw)),
          NO_PROVENANCE, NO_PROVENANCE)  # fmt: skip

# --- duplicate evidence (SPEC §3): earliest parseable recorded_at, then path, then line --------

CANONICAL_SIG: dict[str, str] = {}


def dup(run_id, sig, recorded_at) -> dict:
    return evidence(run_id, provenance=prov(recorded_at, sig_hash=sig))


def dup_lines(case_id, records, canonical):
    """Evidence records sharing one run_id on consecutive lines of ev-a.jsonl; the one at
    index `canonical` is kept, the others are duplicate_id naming it."""
    n = len(records)
    first = len(B.lines[EV_A]) + 1
    B.lines[EV_A].extend(to_bytes(record) for record in records)
    run_id = records[0]["run_id"]
    B.counts[EV_A][1] += 1
    B.counts[EV_A][2] += n - 1
    for i in range(n):
        if i != canonical:
            B.ingest.append(pytest.param(EV_A, first + i, DUPLICATE, run_id,
                                         (f"{EV_A}:{first + canonical}",),
                                         id=f"{case_id}-line-{i + 1}"))  # fmt: skip
    at = B.staged(score(run_id, "accepted"), SC_AUTO)
    B.expect(case_id, run_id, EXPORTED, EXPORTED, (SC_AUTO, at))
    CANONICAL_SIG[run_id] = records[canonical]["provenance"]["sig_hash"]


dup_lines("dup-offset-makes-the-second-earlier",
          [dup("d-offset", "zulu", "2026-01-01T00:00:00Z"),
           dup("d-offset", "offset", "2026-01-01T01:00:00+02:00")], 1)  # fmt: skip
dup_lines("dup-microsecond-decides",
          [dup("d-micro", "later", "2026-01-01T00:00:00.000002Z"),
           dup("d-micro", "earlier", "2026-01-01T00:00:00.000001Z")], 1)  # fmt: skip
dup_lines("dup-seventh-fraction-digit-is-truncated-so-the-first-line-wins",
          [dup("d-trunc", "first", "2026-01-01T00:00:00.0000019Z"),
           dup("d-trunc", "second", "2026-01-01T00:00:00.000001Z")], 0)  # fmt: skip
dup_lines("dup-parseable-beats-unparseable-and-missing",
          [dup("d-unparse", "garbage", "yesterday"),
           evidence("d-unparse", provenance={"source_file": "s", "line": 1, "sig_hash": "none"}),
           dup("d-unparse", "parseable", "9999-12-31T23:59:59Z")], 2)  # fmt: skip
dup_lines("dup-no-zone-equals-zulu-so-the-first-line-wins",
          [dup("d-zone", "no-zone", "2026-01-01T00:00:00"),
           dup("d-zone", "zulu", "2026-01-01T00:00:00Z")], 0)  # fmt: skip
# a schema-invalid record is not among the duplicates, however early it was recorded
B.bad("dup-schema-invalid-record-does-not-count",
      evidence("d-invalid", text=7, provenance=prov("2000-01-01T00:00:00Z", sig_hash="bad")),
      "d-invalid", "text")  # fmt: skip
B.run(
    "dup-the-valid-record-after-an-invalid-one-is-canonical",
    evidence("d-invalid", provenance=prov("2026-01-01T00:00:00Z", sig_hash="valid")),
)
CANONICAL_SIG["d-invalid"] = "valid"
# across files: in/ev-a.jsonl sorts before in/ev-b.jsonl.gz
LINE_TIE_IN_A = B.staged(dup("d-files-tie", "in-a", "2026-01-01T00:00:00Z"), EV_A)
CANONICAL_SIG["d-files-tie"] = "in-a"
B.bad("dup-across-files-earlier-record-in-the-later-file",
      dup("d-files-b-earlier", "in-a", "2026-01-02T00:00:00Z"), "d-files-b-earlier",
      f"{EV_B}:5", reason=DUPLICATE)  # fmt: skip
CANONICAL_SIG["d-files-b-earlier"] = "in-b"

# --- §4 unsafe paths: each one listed in the manifest, and still refused --------------------

UNSAFE_PATHS = [
    ("empty", ""),
    ("spaces", "   "),
    ("unicode-blank", "\u00a0\u3000"),
    ("absolute", "/etc/passwd"),
    ("root", "/"),
    ("tilde-home", "~/notes.md"),
    ("tilde-user", "~bob/notes.md"),
    ("tilde-alone", "~"),
    ("drive-letter-upper", "C:/Windows/win.ini"),
    ("drive-letter-lower-relative", "c:notes.md"),
    ("drive-letter-backslash", "Z:\\x"),
    ("dotdot-alone", ".."),
    ("dotdot-at-start", "../secret.rs"),
    ("dotdot-at-end", "crates/a/.."),
    ("dotdot-in-the-middle", "crates/../etc/passwd"),
    ("dotdot-after-dot-slash", "./../x.rs"),
    ("dotdot-twice", "a/b/../../c"),
    ("backslash", "crates\\a\\lib.rs"),
    ("backslash-unc", "\\\\server\\share"),
    ("backslash-at-end", "crates\\"),
    ("control-nul", "a\x00b.rs"),
    ("control-tab", "a\tb.rs"),
    ("control-newline", "a\nb.rs"),
    ("control-cr", "a\rb.rs"),
    ("control-u001f", "a\x1fb.rs"),
    ("control-del", "a\x7fb.rs"),
]
SAFE_PATHS = [
    ("dots-inside-a-name", "a..b/c.rs"),
    ("three-dots", ".../x.rs"),
    ("dotdot-prefixed-name", "..a/b.rs"),
    ("dotdot-suffixed-name", "a/b.."),
    ("dot-segment", "a/./b.rs"),
    ("double-slash", "a//b.rs"),
    ("digit-colon", "1:x.rs"),
    ("colon-after-two-letters", "ab:c.rs"),
    ("non-ascii-letter-colon", "\u00e9:x.rs"),
    ("tilde-not-first", "a/~b.rs"),
    ("c1-next-line-is-no-control", "a\u0085b.rs"),
    ("fullwidth-solidus", "\uff0fetc/passwd"),
    ("two-dot-leader", "\u2025/x.rs"),
    ("space-inside", "docs/design notes/x.md"),
]
for case_id, path in UNSAFE_PATHS:
    B.run(f"unsafe-{case_id}", evidence(f"up-{case_id}", file_refs=[path]), BAD_PATH, BAD_PATH)
    if "\n" not in path and path.strip():
        B.manifest.append(path)
B.run("unsafe-among-safe-refs", evidence("up-mixed", file_refs=[DEFAULT_REF, "../x.rs"]),
      BAD_PATH, BAD_PATH)  # fmt: skip
for case_id, path in SAFE_PATHS:
    B.run(f"safe-{case_id}", evidence(f"sp-{case_id}", file_refs=[path]))
    B.manifest.append(path)
B.manifest.append("crates/x.rs")
B.run("manifest-one-leading-dot-slash-removed", evidence("sp-dot", file_refs=["./crates/x.rs"]))
B.run(
    "manifest-only-one-leading-dot-slash-removed",
    evidence("sp-dot2", file_refs=["././crates/x.rs"]),
    BAD_PATH,
    BAD_PATH,
)
B.run("manifest-empty-file_refs", evidence("sp-none", file_refs=[]))
B.run("manifest-null-file_refs", evidence("sp-null", file_refs=None))

# --- secrets: every row of seeds/secret_patterns.csv, and near misses ------------------------

SECRETS = [
    ("aws", AWS),
    ("aws-in-parentheses", f"({AWS})"),
    ("aws-before-a-non-ascii-letter", f"{AWS}\u00e9"),  # \b is ASCII (SPEC §2.5)
    ("aws-after-a-non-ascii-letter", f"\u00e9{AWS}"),
    ("github-ghp", "ghp_" + GH36),
    ("github-gho", "gho_" + GH36),
    ("github-ghu", "ghu_" + GH36),
    ("github-ghs", "ghs_" + GH36),
    ("github-ghr", "ghr_" + GH36),
    ("github-40-characters", "ghp_" + GH36 + "ABCD"),
    ("api-key", "sk-" + SK20),
    ("api-key-with-dashes-and-underscores", "sk-proj-AbC_dEf-0123456789xyz"),
    ("api-key-after-a-hyphen", "de-sk-assessment-and-rollout-plan"),
    ("slack-xoxa", "xoxa-1234567890"),
    ("slack-xoxb", "xoxb-1234567890"),
    ("slack-xoxp", "xoxp-123-456-789-abc"),
    ("slack-xoxr", "xoxr-1234567890"),
    ("slack-xoxs", "xoxs-1234567890"),
    ("pem-private-key", "-----BEGIN PRIVATE KEY-----"),
    ("pem-rsa", "-----BEGIN RSA PRIVATE KEY-----"),
    ("pem-openssh", "-----BEGIN OPENSSH PRIVATE KEY-----"),
    ("pem-encrypted", "-----BEGIN ENCRYPTED PRIVATE KEY-----"),
    ("pem-glued-to-a-word", "x-----BEGIN EC PRIVATE KEY-----"),
    # a password in a connection URL: every scheme, a +driver, an empty user name, a password
    # holding ':' or '%', and passwords that start like a placeholder but are none
    ("url-postgresql", "postgresql://app:hunter2@localhost/app"),
    ("url-postgresql-driver", "postgresql+psycopg2://scott:tiger@localhost:5432/test"),
    ("url-mysql", "mysql://root:Pa55w0rd!@127.0.0.1:3306/shop"),
    ("url-mariadb", "mariadb://app:s3cret@db/app"),
    ("url-mongodb", "mongodb://admin:s3cret@mongo:27017/?authSource=admin"),
    ("url-mongodb-srv", "mongodb+srv://app:S3cr3t@cluster0.example.mongodb.net/db"),
    ("url-redis-without-a-user", "redis://:s3cret@cache:6379/0"),
    ("url-rediss", "rediss://default:s3cret@cache.example.com:6380"),
    ("url-amqp", "amqp://app:s3cret@rabbit:5672/vhost"),
    ("url-amqps", "amqps://app:s3cret@rabbit.example.com:5671"),
    ("url-in-an-env-line", "DATABASE_URL=postgres://app:s3cret@db/app"),
    ("url-in-compact-json", '{"url":"postgres://app:s3cret@db/app"}'),
    ("url-after-a-non-ascii-letter", "\u00e9postgres://app:s3cret@db/app"),
    ("url-password-with-colons", "postgres://app:s3:cr:et@db/app"),
    ("url-password-percent-encoded", "postgres://app:p%40ss@db/app"),
    ("url-password-dollar-digit", "postgres://app:$3cret@db/app"),
    ("url-password-dollar-word-then-symbol", "postgres://app:$ecret!@db/app"),
    ("url-password-dollar-brace-unclosed", "postgres://app:${s3cret@db/app"),
    ("url-password-angle-unclosed", "postgres://app:<s3cret@db/app"),
    ("url-password-brace-unclosed", "postgres://app:{s3cret@db/app"),
    ("url-password-angles-inside", "postgres://app:a<b>@db/app"),
    ("url-password-stars-then-more", "postgres://app:**s3cret**@db/app"),
    ("url-password-dots-then-more", "postgres://app:..s3cret@db/app"),
    ("url-password-x-then-more", "postgres://app:xK9#q@db/app"),
]
# each seed row's example (SPEC §4 revision 3: the token formats secret scanners document)
with open(PROJECT / "seeds/secret_patterns.csv", encoding="utf-8", newline="") as seed:
    SEED_EXAMPLES = [(row["name"], row["example"]) for row in csv.DictReader(seed)]
SECRETS += [(f"seed-{name}", example) for name, example in SEED_EXAMPLES]
NEAR_MISSES = [
    ("de-risk", "de-risk-assessment-and-rollout-plan"),
    ("task-slug", "task-abcdefghijklmnopqrstuvwxyz"),
    ("ask-slug", "ask-me-anything-about-the-rollout"),
    ("aws-17-characters", AWS + "X"),
    ("aws-followed-by-a-digit", AWS + "1"),
    ("aws-lowercase", AWS.lower()),
    ("aws-lowercase-tail", "AKIA" + AWS[4:].lower()),
    ("aws-after-a-letter", "x" + AWS),
    ("aws-after-an-underscore", "_" + AWS),
    ("github-35-characters", "ghp_" + GH36[:-1]),
    ("github-unknown-letter", "ghx_" + GH36),
    ("github-uppercase", "GHP_" + GH36),
    ("github-after-a-letter", "xghp_" + GH36),
    ("github-hyphen", "ghp-" + GH36),
    ("api-key-19-characters", "sk-" + SK20[:-1]),
    ("api-key-uppercase", "SK-" + SK20),
    ("api-key-underscore", "sk_" + SK20),
    ("api-key-after-an-underscore", "_sk-" + SK20),
    ("slack-9-characters", "xoxb-123456789"),
    ("slack-unknown-letter", "xoxc-1234567890"),
    ("slack-underscore", "xoxb_1234567890"),
    ("slack-uppercase", "XOXB-1234567890"),
    ("slack-after-a-letter", "axoxb-1234567890"),
    ("pem-public-key", "-----BEGIN PUBLIC KEY-----"),
    ("pem-certificate", "-----BEGIN CERTIFICATE-----"),
    ("pem-four-leading-dashes", "----BEGIN PRIVATE KEY-----"),
    ("pem-four-trailing-dashes", "-----BEGIN PRIVATE KEY----"),
    ("pem-lowercase-type", "-----BEGIN rsa PRIVATE KEY-----"),
    ("pem-hyphen-in-type", "-----BEGIN RSA-PRIVATE KEY-----"),
    ("pem-newline-for-space", "-----BEGIN\nPRIVATE KEY-----"),
    # the formats of revision 3, one character short, in another case, glued to a word, or
    # a neighbouring prefix; and strings that look random but are no credential
    ("aws-sts-15-characters", "ASIAIOSFODNN7EXAMPL"),
    ("aws-sts-lowercase", "asiaiosfodnn7example"),
    ("github-fine-grained-58-character-tail", "github_pat_" + GH36[:22] + "_" + GH36 * 2),
    ("gitlab-19-characters", "glpat-" + GH36[:19]),
    ("gitlab-unknown-prefix", "glxyz-" + GH36[:20]),
    ("google-api-34-characters", "AIza" + GH36[:34]),
    ("google-api-lowercase", "aiza" + GH36[:35]),
    ("google-oauth-27-characters", "GOCSPX-" + GH36[:27]),
    ("huggingface-33-characters", "hf_" + GH36[:33]),
    ("huggingface-35-characters", "hf_" + GH36[:35]),
    ("huggingface-after-a-letter", "xhf_" + GH36[:34]),
    ("stripe-test-key", "sk_test_" + GH36[:24]),
    ("stripe-inside-a-word", "task_live_" + GH36[:24]),
    ("npm-35-characters", "npm_" + GH36[:35]),
    ("pypi-other-macaroon", "pypi-AgEIcHlwaS5vcmX" + GH36 * 2),
    ("sendgrid-21-characters", "SG." + GH36[:21] + "." + GH36[:36] + "abcdefg"),
    ("jwt-without-signature", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"),
    ("twilio-uppercase-hex", "SK" + "0123456789ABCDEF" * 2),
    ("mailgun-inside-a-word", "monkey-" + "0123456789abcdef" * 2),
    ("databricks-31-hex", "dapi" + ("0123456789abcdef" * 2)[:31]),
    ("digitalocean-v2", "dop_v2_" + "0123456789abcdef" * 4),
    ("shopify-31-hex", "shpat_" + ("0123456789abcdef" * 2)[:31]),
    ("age-lowercase", "age-secret-key-1" + "qpzry9x8gf2tvdw0s3jn54khce6mua7l" * 2),
    ("azure-85-character-key", "AccountKey=" + (GH36 * 3)[:85] + "=="),
    ("slack-webhook-without-its-secret", "https://hooks.slack.com/services/T0ABCDEFG/B0ABCDEFG/"),
    ("sha256-in-a-url", "https://example.com/blobs/sha256:" + "0123456789abcdef" * 4),
    ("git-commit-sha", "4b825dc642cb6eb9a060e54bf8d69288fbee4904"),
    ("uuid", "123e4567-e89b-12d3-a456-426614174000"),
    # connection URLs without a password: none, an empty one, a host and port, placeholders
    # (<...>, {...}, ${...}, $NAME, only *, . or x), a scheme glued to a word, and a host:port
    # whose next '@' is past a space or a quote
    ("url-without-a-password", "postgres://app@db.example.com/app"),
    ("url-empty-password", "postgres://app:@db/app"),
    ("url-host-and-port", "postgres://db.example.com:5432/app"),
    ("url-angle-placeholders", "postgresql://<user>:<password>@<host>:5432/<db>"),
    ("url-angle-placeholders-srv", "mongodb+srv://<username>:<password>@cluster0.example.net"),
    ("url-dollar-brace-placeholders", "postgres://${DB_USER}:${DB_PASSWORD}@db:5432/app"),
    ("url-dollar-name-placeholder", "postgres://app:$DB_PASSWORD@db/app"),
    ("url-brace-placeholders", "postgresql://{user}:{password}@{host}/{db}"),
    ("url-jinja-placeholder", "postgres://app:{{password}}@db/app"),
    ("url-stars", "mysql://root:****@localhost/shop"),
    ("url-xxx", "redis://:xxx@cache:6379"),
    ("url-uppercase-xxxx", "postgres://app:XXXX@db/app"),
    ("url-dots", "amqp://guest:...@rabbit:5672/"),
    ("url-scheme-glued-to-a-word", "xpostgres://app:s3cret@db/app"),
    ("url-at-past-a-space", "redis://localhost:6379 ops@example.com"),
    ("url-at-past-a-quote", '{"url":"redis://localhost:6379","owner":"ops@example.com"}'),
    ("url-mongodb-hosts", "mongodb://db1:27017,db2:27017/?replicaSet=rs0"),
    ("url-control-character-ends-it", "redis://:s3\x0bcret@cache:6379"),  # RE2: \s lacks \v
]
for case_id, sample in SECRETS:
    B.run(f"secret-{case_id}", evidence(f"sec-{case_id}", text=f"Notes: {sample} end."),
          SECRET, SECRET)  # fmt: skip
for case_id, sample in NEAR_MISSES:
    B.run(f"near-miss-{case_id}", evidence(f"nm-{case_id}", text=f"Notes: {sample} end."))
B.run(
    "secret-only-in-context-matrix",
    evidence("sec-matrix", context={"matrix": ["sk-" + SK20]}),
    EXPORTED,
    SECRET,
)
B.run(
    "secret-in-title-beyond-its-60th-code-point",
    evidence("sec-long-title", title="t" * 70 + " " + AWS),
    SECRET,
    EXPORTED,
)
B.run("secret-only-in-an-extra-field", dumps(evidence("sec-extra"))[:-1] + f', "x": "{AWS}"}}')

# --- the gzip evidence file: BOM, CRLF, a line split across two gzip members, no final newline -

GZ_RECORDS = [
    dumps(evidence("gz-crlf")).encode() + b"\r",  # 1
    dumps(evidence("gz-split-across-members")).encode(),  # 2
    b"",  # 3 blank
    dumps(dup("d-files-tie", "in-b", "2026-01-01T00:00:00Z")).encode(),  # 4 duplicate (tie)
    dumps(dup("d-files-b-earlier", "in-b", "2026-01-01T00:00:00Z")).encode(),  # 5 canonical
    dumps(evidence("gz-last-line-without-newline")).encode(),  # 6
]
B.lines[EV_B] = GZ_RECORDS
B.counts[EV_B] = [1, 4, 1]
B.ingest.append(pytest.param(EV_B, 4, DUPLICATE, "d-files-tie", (f"{EV_A}:{LINE_TIE_IN_A}",),
                             id="dup-across-files-tie-keeps-the-smaller-path"))  # fmt: skip
for run_id in ("gz-crlf", "gz-split-across-members", "gz-last-line-without-newline",
               "d-files-tie", "d-files-b-earlier"):  # fmt: skip
    at = B.staged(score(run_id, "accepted"), SC_AUTO)
    B.expect(run_id, run_id, EXPORTED, EXPORTED, (SC_AUTO, at))


def gz_evidence_bytes() -> bytes:
    text = BOM + b"\n".join(GZ_RECORDS)  # no final newline
    cut = text.index(b"gz-split-across-members") + 5
    return gzip.compress(text[:cut]) + gzip.compress(text[cut:])


EV_F_BYTES = BOM + BOM + dumps(evidence("two-boms")).encode() + b"\n"
# ev-g.jsonl: file_refs holding JSON null, which is no string (SPEC §2.1). A bug found here (the
# null entry was dropped and the record staged); its own file and test name it
NULL_ENTRY_LINES = [
    pytest.param(1, "wt-fr-null", evidence("wt-fr-null", file_refs=["a.rs", None]),
                 id="file_refs-string-and-null"),
    pytest.param(2, "wt-fr-only-null", evidence("wt-fr-only-null", file_refs=[None]),
                 id="file_refs-only-null"),
]  # fmt: skip

# --- latest score wins (SPEC §2.2) across files ----------------------------------------------

# ties on scored_at go to the later file, before the line: sc-B.jsonl sorts before sc-a.jsonl
B.staged(score("p-path", "accepted", scored_at="2026-05-02T00:00:00Z"), SC_LOWER)  # line 1
B.expect("latest-tie-later-path-beats-higher-line", "p-path", NO_EVIDENCE, NO_EVIDENCE,
         (SC_LOWER, 1))  # fmt: skip
B.staged(score("p-cross", "accepted", scored_at="2026-06-01T00:00:00Z"), SC_UPPER)  # line 1
B.expect("latest-later-time-in-the-earlier-file", "p-cross", NO_EVIDENCE, NO_EVIDENCE,
         (SC_UPPER, 1))  # fmt: skip
B.staged(score("p-cross", "rejected", scored_at="2026-05-31T23:59:59.999999Z"), SC_LOWER)
for _ in range(4):  # sc-B.jsonl lines 2-5
    B.staged(score("p-path", "rejected", scored_at="2026-05-02T00:00:00Z"), SC_UPPER)

# --- scored runs: malformed lines and wrong types (SPEC §2.2, §3) ----------------------------

SC_BAD_RUN_IDS: list[str] = []


def sc_bad(case_id, line, run_id, *fragments):
    B.bad(f"scored-{case_id}", line, run_id, *fragments, path=SC_LOWER)
    if run_id:
        SC_BAD_RUN_IDS.append(run_id)


for kind in ("number", "true", "array", "object"):
    sc_bad(f"run_id-{kind}", score(WRONG[kind], "accepted"), None, "run_id")
sc_bad("run_id-null", score(None, "accepted"), None, "run_id")
sc_bad("run_id-control", score("sc\x00ctl", "accepted"), None, "run_id", "control")
for case_id, value in [
    ("number", 1),
    ("null", None),
    ("empty", ""),
    ("padded", " accepted"),
    ("uppercase", "ACCEPTED"),
    ("array", ["accepted"]),
    ("true", True),
]:
    sc_bad(f"category-{case_id}", score(f"sc-cat-{case_id}", value), f"sc-cat-{case_id}",
           "category")  # fmt: skip
sc_bad("category-missing", {"run_id": "sc-cat-missing"}, "sc-cat-missing", "category")
for field, kinds in {
    "rationale": ("array", "object", "true"),  # number is in the defects set
    "scorer_version": ("number", "array", "object"),
    "scored_at": ("true", "array", "object"),  # number is in the defects set
}.items():
    for kind in kinds:
        run_id = f"sc-{field}-{kind}"
        sc_bad(f"{field}-{kind}", score(run_id, "accepted", **{field: WRONG[kind]}), run_id,
               field)  # fmt: skip
sc_bad("duplicate-key", dumps(score("sc-dk", "accepted"))[:-1] + ', "category": "rejected"}',
       "sc-dk", "duplicate key", '"category"')  # fmt: skip
sc_bad("duplicate-key-written-with-an-escape",
       dumps(score("sc-dke", "accepted"))[:-1] + ', "c\\u0061tegory": "rejected"}', "sc-dke",
       "duplicate key", '"category"')  # fmt: skip
sc_bad("not-an-object", '"accepted"', None, NOT_OBJECT)
sc_bad("invalid-utf8", b'{"run_id": "sc-u8", "category": "accepted", "rationale": "\xc0\xaf"}',
       None, NOT_UTF8)  # fmt: skip
sc_bad("raw-nul", b'{"run_id": "sc-nul", "category": "accepted", "rationale": "a\x00b"}', None,
       NOT_JSON)  # fmt: skip
sc_bad("lone-surrogate", '{"run_id": "sc-sur", "category": "accepted", "rationale": "\\udc00"}',
       None, NOT_JSON)  # fmt: skip


# --- latest score wins (SPEC §2.2): full precision, unparseable = oldest, then path, then line --


def scores(case_id, run_id, entries, winner, path=SC_LOWER):
    """`entries` are (scored_at, category) on consecutive lines (scored_at MISSING = absent);
    the entry at index `winner` must be the run's latest score. No evidence: an accepted run
    is missing_source_run_id, a rejected one unsafe_*_category, at the winner's line."""
    first = None
    for scored_at, category in entries:
        record = score(run_id, category, scored_at=scored_at)
        if scored_at is MISSING:
            del record["scored_at"]
        at = B.staged(record, path)
        first = first or at
    category = entries[winner][1]
    rag, sft = (NO_EVIDENCE, NO_EVIDENCE) if category == "accepted" else (UNSAFE_RAG, UNSAFE_SFT)
    B.expect(case_id, run_id, rag, sft, (path, first + winner))


MISSING = object()
T = "2026-05-01T09:00:00"
scores("latest-microsecond-decides", "p-micro",
       [(T + ".000002Z", "rejected"), (T + ".000001Z", "accepted")], 0)  # fmt: skip
scores("latest-seventh-fraction-digit-truncated-so-the-later-line-wins", "p-trunc",
       [(T + ".0000019Z", "rejected"), (T + ".000001Z", "accepted")], 1)  # fmt: skip
scores(
    "latest-compares-instants-not-strings",
    "p-offset",
    [("2026-05-01T10:00:00+02:00", "accepted"), ("2026-05-01T09:00:00Z", "rejected")],
    1,
)
scores("latest-no-zone-is-utc", "p-nozone",
       [(T, "rejected"), ("2026-05-01T08:59:59Z", "accepted")], 0)  # fmt: skip
scores("latest-a-fraction-beats-whole-seconds", "p-frac",
       [(T + ".5Z", "rejected"), (T + "Z", "accepted")], 0)  # fmt: skip
scores(
    "latest-parseable-beats-null-and-missing",
    "p-null",
    [("1970-01-01T00:00:00Z", "rejected"), (None, "accepted"), (MISSING, "accepted")],
    0,
)
scores("latest-null-and-missing-tie-on-position", "p-null-null",
       [(None, "accepted"), (MISSING, "rejected")], 1)  # fmt: skip
for case_id, raw, _ in VALID_TS:
    scores(f"scored_at-valid-{case_id}-beats-null", f"p-ok-{case_id}",
           [(raw, "accepted"), (None, "rejected")], 0)  # fmt: skip
for case_id, raw in INVALID_TS:
    scores(f"scored_at-invalid-{case_id}-is-oldest", f"p-bad-{case_id}",
           [(raw, "accepted"), (None, "rejected")], 1)  # fmt: skip
# a storm of 300 scores with one scored_at: the last line wins
scores("storm-of-equal-scored_at-last-line-wins", "p-storm",
       [(T + "Z", ("rejected", "needs_human_review")[i % 2]) for i in range(299)]
       + [(T + "Z", "accepted")], 299)  # fmt: skip

# the scored-runs file ends in CRLF and has no final newline
B.staged(dumps(score("p-crlf-last", "accepted")) + "\r", SC_LOWER)
B.expect("scored-last-line-crlf-without-newline", "p-crlf-last", NO_EVIDENCE, NO_EVIDENCE,
         (SC_LOWER, len(B.lines[SC_LOWER])))  # fmt: skip

INGEST_CASES = B.ingest
RUN_CASES = B.runs
ACCOUNTING = [
    (EV_A, len(B.lines[EV_A]), *B.counts[EV_A]),
    (EV_B, 6, 1, 4, 1),
    (EV_C, 0, 0, 0, 0),
    (EV_D, 0, 0, 0, 0),
    (EV_E, 1, 1, 0, 0),  # "\r" alone: one blank line
    (EV_F, 1, 0, 0, 1),  # the second byte-order mark is no JSON
    (SC_UPPER, len(B.lines[SC_UPPER]), *B.counts[SC_UPPER]),
    (SC_LOWER, len(B.lines[SC_LOWER]), *B.counts[SC_LOWER]),
    (SC_AUTO, len(B.lines[SC_AUTO]), *B.counts[SC_AUTO]),
]
INGEST_CASES.append(pytest.param(EV_F, 1, SCHEMA, None, (NOT_JSON,), id="second-bom-at-start"))


# --- one run ------------------------------------------------------------------------------------


def write_bad_input(root: Path) -> None:
    """Every case's files under root/in (test_spark runs them on both engines too)."""
    (root / "in").mkdir(parents=True, exist_ok=True)
    (root / EV_A).write_bytes(b"\n".join(B.lines[EV_A]) + b"\n")
    (root / EV_B).write_bytes(gz_evidence_bytes())
    (root / EV_C).write_bytes(gzip.compress(b""))
    (root / EV_D).write_bytes(BOM)
    (root / EV_E).write_bytes(b"\r")
    (root / EV_F).write_bytes(EV_F_BYTES)
    write_jsonl(root / EV_G, [case.values[2] for case in NULL_ENTRY_LINES])
    (root / SC_UPPER).write_bytes(b"\n".join(B.lines[SC_UPPER]) + b"\n")
    (root / SC_LOWER).write_bytes(b"\n".join(B.lines[SC_LOWER]))  # no final newline
    (root / SC_AUTO).write_bytes(gzip.compress(b"\n".join(B.lines[SC_AUTO]) + b"\n"))
    (root / MANIFEST).write_bytes("".join(p + "\n" for p in B.manifest).encode())


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad_input")
    write_bad_input(root)
    result = run_inprocess(
        ["export-all", "--quiet", "--evidence", "in/ev-*", "--scored", "in/sc-*",
         "--manifest", MANIFEST],
        root,
    )  # fmt: skip
    assert result.code == 0, result.err
    return root


@pytest.fixture(scope="module")
def ingest(root) -> dict[tuple[str, int], list[tuple]]:
    got: dict[tuple[str, int], list[tuple]] = {}
    for row in read_jsonl(root / "exports/quarantine/ingest.jsonl"):
        where = (row["source_provenance"]["input_file"], row["source_provenance"]["input_line"])
        got.setdefault(where, []).append((row["reason"], row["run_id"], row["errors"]))
    return got


def outcomes(root, exported: str, quarantined: str) -> dict[str, list[tuple]]:
    got: dict[str, list[tuple]] = {}
    for row in read_jsonl(root / f"exports/{exported}"):
        got.setdefault(row["source_run_id"], []).append((EXPORTED, None))
    for row in read_jsonl(root / f"exports/quarantine/{quarantined}.jsonl"):
        where = (row["source_provenance"]["input_file"], row["source_provenance"]["input_line"])
        got.setdefault(row["run_id"], []).append((row["reason"], where))
    return got


@pytest.fixture(scope="module")
def rag(root):
    return outcomes(root, "rag/playbooks.jsonl", "rag")


@pytest.fixture(scope="module")
def sft(root):
    return outcomes(root, "sft/instruction_response.jsonl", "sft")


@pytest.fixture(scope="module")
def rag_rows(root) -> dict[str, dict]:
    return {r["source_run_id"]: r for r in read_jsonl(root / "exports/rag/playbooks.jsonl")}


@pytest.fixture(scope="module")
def sft_rows(root) -> dict[str, dict]:
    return {
        r["source_run_id"]: r for r in read_jsonl(root / "exports/sft/instruction_response.jsonl")
    }


def names(fragment: str, errors: list[str]) -> bool:
    """A field name as a word (so `text` is not found in `context`); other fragments verbatim."""
    joined = " | ".join(errors)
    if re.fullmatch(r"[a-z_]+", fragment):
        return re.search(rf"(?<![A-Za-z_]){fragment}(?![A-Za-z_])", joined) is not None
    return fragment in joined


# --- ingest -------------------------------------------------------------------------------------


def test_every_input_file_accounts_for_every_line(root):
    rows = query(
        root / "warehouse/distill.duckdb",
        "select input_file, lines, blank_lines, staged, ingest_quarantined"
        " from rpt_input_files_accounted where input_kind <> 'manifest'"
        f" and input_file <> '{EV_G}'",
    )
    assert sorted(rows) == sorted(ACCOUNTING)


def test_no_line_outside_the_cases_is_ingest_quarantined(ingest):
    expected = sorted((case.values[0], case.values[1]) for case in INGEST_CASES)
    assert sorted(where for where in ingest if where[0] != EV_G) == expected


@pytest.mark.parametrize("input_line, run_id, record", NULL_ENTRY_LINES)
def test_file_refs_with_a_null_entry_is_a_schema_violation(ingest, input_line, run_id, record):
    # SPEC §2.1: file_refs is an array of strings, or null; [.., null] is neither (§3)
    [(reason, got_run_id, errors)] = ingest.get((EV_G, input_line), [(None,) * 3])
    assert (reason, got_run_id) == (SCHEMA, run_id)
    assert names("file_refs", errors), errors


@pytest.mark.parametrize("input_file, input_line, reason, run_id, fragments", INGEST_CASES)
def test_each_bad_line_is_ingest_quarantined_with_its_reason_run_id_and_error(
    ingest, input_file, input_line, reason, run_id, fragments
):
    [(got_reason, got_run_id, errors)] = ingest.get((input_file, input_line), [(None,) * 3])
    assert (got_reason, got_run_id) == (reason, run_id)
    assert errors and all(names(fragment, errors) for fragment in fragments), errors


@pytest.mark.parametrize("run_id", SC_BAD_RUN_IDS)
def test_a_quarantined_score_scores_nothing(rag, sft, run_id):
    assert run_id not in rag and run_id not in sft


def test_quarantined_lines_that_are_no_json_keep_their_raw_text(root):
    rows = {
        (r["source_provenance"]["input_file"], r["source_provenance"]["input_line"]): r
        for r in read_jsonl(root / "exports/quarantine/ingest.jsonl")
    }
    line = {p.id: p.values[1] for p in INGEST_CASES if p.values[0] == EV_A}
    assert rows[(EV_A, line["lone-cr-between-two-records"])]["source_record"] == {
        "raw_line": OBJ % ("cr1", "a") + "\r" + OBJ % ("cr2", "b")
    }
    assert rows[(EV_A, line["raw-control-00-in-text"])]["source_record"] == {
        "raw_line": '{"run_id": "x-ctl", "task_type": "scrum_review", "text": "a\x00b"}'
    }


# --- RAG and SFT outcome of every run -------------------------------------------------------


def expected_outcome(reason: str, where) -> list[tuple]:
    return [(EXPORTED, None)] if reason == EXPORTED else [(reason, where)]


@pytest.mark.parametrize("run_id, rag_reason, sft_reason, where", RUN_CASES)
def test_each_run_is_exported_or_quarantined_with_its_reason(
    rag, sft, run_id, rag_reason, sft_reason, where
):
    assert rag.get(run_id) == expected_outcome(rag_reason, where)
    assert sft.get(run_id) == expected_outcome(sft_reason, where)


def test_no_run_outside_the_cases_reaches_rag_or_sft(rag, sft):
    expected = sorted({case.values[0] for case in RUN_CASES})
    assert sorted(rag) == expected
    assert sorted(sft) == expected


# --- values -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "run_id, expected", [pytest.param(f"ts-ok-{c}", want, id=c) for c, _, want in VALID_TS]
)
def test_each_valid_timestamp_form_is_exported_as_utc_seconds(rag_rows, sft_rows, run_id, expected):
    for row in (rag_rows[run_id], sft_rows[run_id]):
        assert (row["provenance"]["recorded_at"], row["created_at"]) == (expected, expected)


@pytest.mark.parametrize(
    "run_id, expected",
    [pytest.param(f"pl-{c}", want, id=c) for c, _, want in LINE_CASES],
)
def test_provenance_line_not_a_json_integer_is_exported_as_null(rag_rows, run_id, expected):
    assert rag_rows[run_id]["provenance"]["line"] == expected


def test_provenance_line_beyond_64_bits_keeps_the_record(rag_rows):
    assert rag_rows["pl-huge"]["provenance"]["line"] in (None, 18446744073709551616)


@pytest.mark.parametrize(
    "run_id, expected",
    [pytest.param(f"cx-{c}", want, id=c) for c, _, _, want in CONTEXT_CASES],
)
def test_sft_context_uses_only_well_typed_non_blank_parts(sft_rows, run_id, expected):
    assert sft_rows[run_id]["context"] == expected


@pytest.mark.parametrize("run_id", sorted(CANONICAL_SIG))
def test_duplicate_evidence_exports_the_canonical_record(rag_rows, run_id):
    assert rag_rows[run_id]["provenance"]["sig_hash"] == CANONICAL_SIG[run_id]


def test_escaped_nul_and_raw_c1_in_text_are_exported_verbatim(rag_rows, sft_rows):
    assert rag_rows["nul-text"]["text"] == sft_rows["nul-text"]["response"] == "before\x00after"
    assert rag_rows["raw-c1"]["text"] == "line\u0085more"


def test_rows_are_read_split_on_newline_only(tmp_path):
    """conftest.read_jsonl splits on "\\n" only (SPEC §5): a JSON string holds U+2028, U+2029
    and U+0085 raw, and str.splitlines() split a row there."""
    rows = [{"id": "a", "text": "one\u2028two\u2029three\u0085four"}, {"id": "b", "text": ""}]
    path = write_jsonl(tmp_path / "rows.jsonl", rows)
    assert all(c.encode() in path.read_bytes() for c in "\u2028\u2029\u0085")  # raw, not escaped
    assert read_jsonl(path) == rows


@pytest.mark.parametrize("run_id", ["c1\u0085id", "\u200b", " padded "])
def test_unusual_but_valid_run_ids_are_exported_verbatim(rag_rows, sft_rows, run_id):
    assert rag_rows[run_id]["source_run_id"] == sft_rows[run_id]["source_run_id"] == run_id


# --- input errors: exit 2, naming the file, writing nothing (SPEC §2.5, §7) ---------------------


def assert_input_error(root: Path, code: int, err: str, name: str):
    assert code == 2, err
    assert name in err
    assert "Traceback" not in err, f"the message carries internals: {err}"
    assert not (root / "exports").exists()


def test_truncated_gzip_scored_file_is_an_input_error_naming_it(tmp_path):
    write_jsonl(tmp_path / "e.jsonl", [evidence("t1")])
    data = gzip.compress(b"".join(dumps(score(f"t{i}", "accepted")).encode() + b"\n"
                                  for i in range(2000)))  # fmt: skip
    (tmp_path / "s.jsonl.gz").write_bytes(data[: len(data) - 20])
    result = run_inprocess(
        ["export-all", "--evidence", "e.jsonl", "--scored", "s.jsonl.gz", "--manifest", ""],
        tmp_path,
    )
    assert_input_error(tmp_path, result.code, result.err, "s.jsonl.gz")


def test_a_build_that_fails_leaves_the_last_builds_warehouse_whole(tmp_path):
    """Each model replaces its relation in one transaction (macros/materializations.sql): the
    framing model fails on a truncated gzip after dropping its old table, and the rollback
    restores it; every relation holds the last good build's rows, queryable as before."""
    write_jsonl(tmp_path / "e.jsonl", [evidence("t1"), evidence("t2")])
    write_jsonl(tmp_path / "s.jsonl", [score("t1", "accepted"), score("t2", "rejected")])
    args = ["export-all", "--evidence", "e.jsonl", "--manifest", "", "--warehouse", "w.duckdb"]
    assert run_inprocess([*args, "--scored", "s.jsonl"], tmp_path).code == 0
    sql = ("select (select count(*) from base_substrate__lines_framed),"
           " (select count(*) from int_runs_joined), (select count(*) from rag_samples),"
           " (select count(*) from quarantine)")  # fmt: skip
    before = query(tmp_path / "w.duckdb", sql)
    assert before == [(6, 2, 1, 2)]  # 2 + 2 lines and a marker row per file; t2 refused twice
    data = gzip.compress((tmp_path / "s.jsonl").read_bytes() * 500)
    (tmp_path / "s.jsonl.gz").write_bytes(data[: len(data) - 20])
    result = run_inprocess([*args, "--scored", "s.jsonl.gz"], tmp_path)
    assert result.code == 2 and "s.jsonl.gz" in result.err, result.err
    assert query(tmp_path / "w.duckdb", sql) == before


def test_gzip_with_a_bad_checksum_in_a_glob_is_an_input_error_naming_that_file(tmp_path):
    (tmp_path / "in").mkdir()
    good = gzip.compress(dumps(evidence("g1")).encode() + b"\n")
    bad = bytearray(gzip.compress(dumps(evidence("g2")).encode() + b"\n"))
    bad[-8] ^= 0xFF  # the CRC-32 of the trailer: the data decompresses but fails its check
    (tmp_path / "in/e1.jsonl.gz").write_bytes(good)
    (tmp_path / "in/e2.jsonl.gz").write_bytes(bytes(bad))
    write_jsonl(tmp_path / "s.jsonl", [score("g1", "accepted")])
    result = run_inprocess(
        ["export-all", "--evidence", "in/e*.jsonl.gz", "--scored", "s.jsonl", "--manifest", ""],
        tmp_path,
    )
    assert_input_error(tmp_path, result.code, result.err, "in/e2.jsonl.gz")
    assert "in/e1.jsonl.gz" not in result.err


def test_unreadable_input_file_is_an_input_error_naming_it(tmp_path):
    write_jsonl(tmp_path / "e.jsonl", [evidence("u1")])
    write_jsonl(tmp_path / "s.jsonl", [score("u1", "accepted")])
    (tmp_path / "e.jsonl").chmod(0)
    args = ["export-all", "--evidence", "e.jsonl", "--scored", "s.jsonl", "--manifest", ""]
    try:
        if os.geteuid() != 0:
            result = run_inprocess(args, tmp_path)
            code, err = result.code, result.err
        else:
            # root reads any file; without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH it cannot
            setpriv = shutil.which("setpriv")
            if setpriv is None:
                pytest.skip("running as root and setpriv is missing: every file is readable")
            process = subprocess.run(
                [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--",
                 sys.executable, "-m", "distill.cli", *args],
                cwd=tmp_path, capture_output=True, text=True,
            )  # fmt: skip
            code, err = process.returncode, process.stderr
    finally:
        (tmp_path / "e.jsonl").chmod(0o644)
    assert_input_error(tmp_path, code, err, "e.jsonl")
    assert "ermission" in err


def test_a_manifest_line_that_is_not_utf8_is_an_input_error_naming_file_and_line(tmp_path):
    """SPEC §2.3: the manifest is UTF-8. A line that is not names no path; listing nothing for it
    would refuse every run citing the path it was meant to hold, so distill stops before dbt
    (exit 2) and says which line, instead of failing a gate about line counts."""
    write_jsonl(tmp_path / "e.jsonl", [evidence("m1")])
    write_jsonl(tmp_path / "s.jsonl", [score("m1", "accepted")])
    (tmp_path / "m.txt").write_bytes(b"\xef\xbb\xbfcrates/a/src/lib.rs\r\n\ncrates/b/\xff\xfe.rs\n")
    args = ["export-all", "--evidence", "e.jsonl", "--scored", "s.jsonl", "--manifest", "m.txt"]
    result = run_inprocess(args, tmp_path)
    assert_input_error(tmp_path, result.code, result.err, "m.txt")
    assert "line 3: not valid UTF-8" in result.err, result.err
    # the same manifest with the line mended exports the run (the BOM, CRLF and blank line are
    # SPEC §2.3's, not errors)
    (tmp_path / "m.txt").write_bytes(b"\xef\xbb\xbfcrates/a/src/lib.rs\r\n\ncrates/b/x.rs\n")
    result = run_inprocess(args, tmp_path)
    assert result.code == 0, result.err
    assert len(read_jsonl(tmp_path / "exports/sft/instruction_response.jsonl")) == 1
