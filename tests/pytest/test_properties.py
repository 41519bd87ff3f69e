"""Property-based tests: random substrates through the real pipeline, SPEC §1 invariants 1-8.

Each example generates a substrate that mixes valid records, re-scores (random, equal and
unparseable `scored_at`), duplicate and orphan evidence, blank lines and invalid lines (not JSON,
arrays, wrong types, raw control characters, invalid UTF-8, lone surrogates, duplicate keys)
over one or two files per input (CRLF, BOM, gzip, no final newline), file_refs safe and unsafe,
an optional manifest and random options; runs `distill export-all` in-process in a temporary
directory of its own; and checks the WRITTEN files and receipts against an oracle computed here,
in Python, from the generated input alone (SPEC §2-§5), never from the warehouse or src/distill.

Checks are grouped by the invariant they belong to ([1]..[8]); beyond the invariants, [gates]
is the reason SPEC §4 names for each refused row, [rows] each exported row's fields (SPEC §5),
[format] key order, sorting and line endings.

Each example costs one real pipeline run (~5 s); the re-run test three. DISTILL_PROPERTY_EXAMPLES
sets the number of examples (default 3: about 50 s for the file); DISTILL_PROPERTY_EXAMPLES=200
is the soak. With CI set, examples are derandomized (the same on every run).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from conftest import run_inprocess
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spec_oracle import CATEGORIES, CONVERSATIONAL, RANK, SECRETS, WS

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
# SPEC definitions, written out again here (independent of src/distill)
# ---------------------------------------------------------------------------------------------

US = "\x1f"
TS_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]{1,9}))?(Z|[+-][0-9]{2}:[0-9]{2})?"
)
# fmt: off
KEYS = {  # SPEC §5: keys in this order
    "rag": ["id", "title", "text", "success_score", "source_category", "source_run_id",
            "task_id", "tags", "provenance", "created_at"],
    "sft": ["id", "instruction", "context", "response", "quality_score", "source_run_id",
            "task_id", "tags", "provenance", "created_at"],
    "preference": ["id", "prompt", "chosen", "rejected", "reason", "chosen_run_id",
                   "rejected_run_id", "chosen_score", "rejected_score", "task_id",
                   "provenance", "created_at"],
    "quarantine": ["id", "exporter", "reason", "errors", "run_id", "source_record",
                   "source_provenance"],
}
# fmt: on
FILES = {
    "rag": "exports/rag/playbooks.jsonl",
    "sft": "exports/sft/instruction_response.jsonl",
    "preference": "exports/preference/chosen_rejected.jsonl",
    "q_ingest": "exports/quarantine/ingest.jsonl",
    "q_rag": "exports/quarantine/rag.jsonl",
    "q_sft": "exports/quarantine/sft.jsonl",
    "q_preference": "exports/quarantine/preference.jsonl",
}
ANY = object()  # an expected value this test does not pin down (SPEC leaves it open)


def hex16(*parts) -> str:
    return hashlib.sha256(US.join(parts).encode("utf-8")).hexdigest()[:16]


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip(WS) == "")


def has_control(value: str) -> bool:
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in value)


def parse_ts(value) -> datetime | None:
    """SPEC §2.4, to the microsecond, as naive UTC; None when unparseable."""
    if not isinstance(value, str):
        return None
    m = TS_RE.fullmatch(value)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    if hour > 23 or minute > 59 or second > 59:
        return None
    micro = int((m.group(7) or "")[:6].ljust(6, "0"))
    try:
        local = datetime(year, month, day, hour, minute, second, micro)
    except ValueError:
        return None
    offset = m.group(8)
    delta = timedelta(0)
    if offset and offset != "Z":
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        if hours > 23 or minutes > 59:
            return None
        delta = timedelta(hours=hours, minutes=minutes) * (1 if offset[0] == "+" else -1)
    try:
        return local - delta
    except OverflowError:
        return None


def fmt_ts(ts: datetime) -> str:
    return (
        f"{ts.year:04d}-{ts.month:02d}-{ts.day:02d}T{ts.hour:02d}:{ts.minute:02d}:{ts.second:02d}Z"
    )


def unsafe_path(path: str) -> bool:
    return (
        blank(path)
        or path.startswith(("/", "~"))
        or re.match(r"[A-Za-z]:", path) is not None
        or ".." in path.split("/")
        or "\\" in path
        or has_control(path)
    )


def path_key(path: str) -> bytes:
    return path.encode("utf-8")


# ---------------------------------------------------------------------------------------------
# The generated substrate
# ---------------------------------------------------------------------------------------------


@dataclass
class Line:
    data: bytes  # the line without its terminator
    kind: str  # blank | invalid | valid
    record: dict | None = None  # the record, for valid lines
    run_id: object = None  # for invalid lines: the run_id the ingest quarantine row must carry


@dataclass
class InputFile:
    path: str
    lines: list[Line]
    crlf: bool = False
    bom: bool = False
    final_newline: bool = True

    def payload(self) -> bytes:
        end = b"\r\n" if self.crlf else b"\n"
        body = end.join(line.data for line in self.lines)
        # a missing final newline would swallow a final empty line: keep it then
        if self.lines and (self.final_newline or self.lines[-1].data == b""):
            body += end
        data = (b"\xef\xbb\xbf" if self.bom else b"") + body
        return gzip.compress(data, mtime=0) if self.path.endswith(".gz") else data

    def __repr__(self) -> str:
        shown = "\n".join(
            f"    {i:3d} {line.kind:7s} {line.data!r}" for i, line in enumerate(self.lines, start=1)
        )
        return (
            f"\n  {self.path} (crlf={self.crlf}, bom={self.bom}, "
            f"final_newline={self.final_newline})\n{shown}"
        )


@dataclass
class Substrate:
    evidence: list[InputFile]
    scored: list[InputFile]
    manifest: list[str] | None  # manifest lines as written (None: no --manifest)
    manifest_crlf: bool = False
    manifest_bom: bool = False
    include_review: bool = False
    include_partial: bool = False
    min_gap: int | None = None  # None: option left out (default 2)

    def write(self, root: Path) -> list[str]:
        for f in self.evidence + self.scored:
            (root / f.path).parent.mkdir(parents=True, exist_ok=True)
            (root / f.path).write_bytes(f.payload())
        args = ["export-all", "--quiet"]
        args += ["--evidence", self.evidence[0].path if len(self.evidence) == 1 else "in/ev-*"]
        args += ["--scored", self.scored[0].path if len(self.scored) == 1 else "in/sc-*"]
        if self.manifest is not None:
            end = "\r\n" if self.manifest_crlf else "\n"
            text = ("\ufeff" if self.manifest_bom else "") + "".join(
                line + end for line in self.manifest
            )
            (root / "in/manifest.txt").write_bytes(text.encode("utf-8"))
            args += ["--manifest", "in/manifest.txt"]
        if self.include_review:
            args.append("--include-review")
        if self.include_partial:
            args.append("--include-partial")
        if self.min_gap is not None:
            args += ["--min-gap", str(self.min_gap)]
        return args

    @property
    def gap(self) -> int:
        return 2 if self.min_gap is None else self.min_gap

    def __repr__(self) -> str:
        return (
            f"Substrate(include_review={self.include_review}, include_partial="
            f"{self.include_partial}, min_gap={self.min_gap}, manifest={self.manifest!r} "
            f"(crlf={self.manifest_crlf}, bom={self.manifest_bom}),"
            f"\n evidence={self.evidence!r},\n scored={self.scored!r})"
        )


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


def serialize(record: dict, style: str) -> bytes:
    if style == "ascii":
        text = json.dumps(record)
    elif style == "compact":
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    elif style == "trailing_comma":  # DuckDB's leniency, valid per SPEC §2
        text = json.dumps(record, ensure_ascii=False)[:-1] + ",}"
    elif style == "nan":  # likewise
        text = json.dumps(record, ensure_ascii=False)[:-1] + ', "score_raw": -Infinity}'
    elif style == "padded":  # JSON whitespace around the object
        text = " \t" + json.dumps(record, ensure_ascii=False) + "\t "
    elif style == "deep":  # duplicate keys deeper than checked; out-of-range numbers
        text = json.dumps(record, ensure_ascii=False)[:-1] + (
            ', "nested": {"k": 1, "k": 2}, "big": 1e400, "huge": 123456789012345678901234567890}'
        )
    else:
        text = json.dumps(record, ensure_ascii=False)
    return text.encode("utf-8")


def record_of(line: Line):
    """The record a valid line holds, parsed as DuckDB's reader does: Python's json already
    takes NaN, Infinity, duplicate keys and out-of-range numbers; the trailing comma of the
    `trailing_comma` style is the one leniency it lacks."""
    text = line.data.decode("utf-8").strip()
    if text.endswith(",}"):
        text = text[:-2] + "}"
    return json.loads(text)


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


# ---------------------------------------------------------------------------------------------
# The oracle: what SPEC §2-§5 say the files must hold, computed from the generated input
# ---------------------------------------------------------------------------------------------


def sub(obj, key: str, kind):
    """A provenance/context sub-field; of the wrong JSON type it counts as absent (SPEC §2.1)."""
    if not isinstance(obj, dict):
        return None
    value = obj.get(key)
    if kind is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return value if isinstance(value, kind) else None


def provenance_complete(record: dict) -> bool:
    prov = record.get("provenance")
    sig = sub(prov, "sig_hash", str)
    return (
        not blank(sub(prov, "source_file", str))
        and not blank(sig)
        and not has_control(sig)
        and parse_ts(sub(prov, "recorded_at", str)) is not None
    )


def out_provenance(record: dict) -> dict:
    prov = record.get("provenance")
    ts = parse_ts(sub(prov, "recorded_at", str))
    return {
        "source_file": sub(prov, "source_file", str),
        "line": sub(prov, "line", int),
        "sig_hash": sub(prov, "sig_hash", str),
        "recorded_at": fmt_ts(ts) if ts else None,
    }


def built_context(record: dict) -> str:
    parts = []
    matrix = sub(record.get("context"), "matrix", list) or []
    entries = [e for e in matrix if isinstance(e, str) and not blank(e)]
    if entries:
        parts.append("matrix=" + ",".join(entries))
    if not blank(record.get("model")):
        parts.append(f"model={record['model']}")
    return " · ".join(parts)


def rag_title(record: dict) -> str:
    title = record.get("title")
    if blank(title):
        title = next(line for line in record["text"].split("\n") if not blank(line))
    return title.strip(WS)[:60]


def tags(record: dict, category: str) -> list[str]:
    out = [f"task:{record['task_type']}", f"category:{category}"]
    if not blank(record.get("role")):
        out.append(f"role:{record['role']}")
    return out


def secret(*values) -> bool:
    return any(isinstance(v, str) and p.search(v) for v in values for p in SECRETS)


@dataclass
class Score:
    record: dict
    path: str
    line: int


class Oracle:
    def __init__(self, s: Substrate):
        self.s = s
        self.manifest = None
        if s.manifest is not None:
            self.manifest = {m for m in s.manifest if not blank(m)}
        # ingest: (input_file, input_line) -> (reason, run_id)
        self.ingest: dict[tuple[str, int], tuple[str, object]] = {}
        self.counts: dict[str, dict[str, int]] = {}  # kind -> lines, blank_lines, staged
        self.file_lines: dict[str, int] = {}
        valid_ev: dict[str, list[tuple[tuple, str, int, dict]]] = {}
        for f, number, line in self._lines("evidence", s.evidence):
            if line.kind == "valid":
                ts = parse_ts(sub(line.record.get("provenance"), "recorded_at", str))
                key = (ts is None, ts or datetime.min, path_key(f.path), number)
                valid_ev.setdefault(line.record["run_id"], []).append(
                    (key, f.path, number, line.record)
                )
        self.evidence: dict[str, dict] = {}
        self.evidence_at: dict[str, tuple[str, int]] = {}  # run -> the canonical record's line
        for run, copies in valid_ev.items():
            copies.sort(key=lambda c: c[0])
            self.evidence[run] = copies[0][3]
            self.evidence_at[run] = (copies[0][1], copies[0][2])
            for _, path, number, _ in copies[1:]:
                self.ingest[(path, number)] = ("duplicate_id", run)
        duplicates = sum(1 for reason, _ in self.ingest.values() if reason == "duplicate_id")
        self.counts["evidence"]["staged"] -= duplicates
        self.counts["evidence"]["ingest_quarantined"] = sum(
            1 for (path, _) in self.ingest if path.startswith("in/ev-")
        )
        scores: dict[str, list[tuple[tuple, Score]]] = {}
        for f, number, line in self._lines("scored", s.scored):
            if line.kind == "valid":
                ts = parse_ts(line.record.get("scored_at"))
                key = (ts is not None, ts or datetime.min, path_key(f.path), number)
                scores.setdefault(line.record["run_id"], []).append(
                    (key, Score(line.record, f.path, number))
                )
        self.counts["scored"]["ingest_quarantined"] = sum(
            1 for (path, _) in self.ingest if path.startswith("in/sc-")
        )
        self.superseded = sum(len(v) - 1 for v in scores.values())
        self.latest = {run: max(v, key=lambda c: c[0])[1] for run, v in scores.items()}
        self.unscored = sum(1 for run in self.evidence if run not in self.latest)

    def _lines(self, kind: str, files: list[InputFile]):
        counts = self.counts.setdefault(kind, {"lines": 0, "blank_lines": 0, "staged": 0})
        for f in files:
            self.file_lines[f.path] = len(f.lines)
            for number, line in enumerate(f.lines, start=1):
                counts["lines"] += 1
                if line.kind == "blank":
                    counts["blank_lines"] += 1
                elif line.kind == "invalid":
                    self.ingest[(f.path, number)] = ("schema_violation", line.run_id)
                else:
                    counts["staged"] += 1
                yield f, number, line

    def category(self, run: str) -> str:
        return self.latest[run].record["category"]

    def refs_bad(self, record: dict) -> bool:
        for ref in record.get("file_refs") or []:
            if unsafe_path(ref):
                return True
            if self.manifest is not None:
                bare = ref[2:] if ref.startswith("./") else ref
                if bare not in self.manifest:
                    return True
        return False

    def rag(self, run: str) -> tuple[str | None, dict | None]:
        """(first failing gate, expected row): SPEC §4 for RAG."""
        cat, ev = self.category(run), self.evidence.get(run)
        if cat == "rejected":
            return "unsafe_rag_category", None
        if cat == "needs_human_review" and not self.s.include_review:
            return "category_disallowed", None
        if ev is None:
            return "missing_source_run_id", None
        if not provenance_complete(ev):
            return "missing_provenance", None
        if blank(ev.get("text")):
            return "empty_content", None
        if self.refs_bad(ev):
            return "hallucinated_file_path", None
        if secret(ev.get("title"), ev.get("text")):
            return "secret_detected", None
        prov = out_provenance(ev)
        row = {
            "id": "rag-" + hex16(run, prov["sig_hash"]),
            "title": rag_title(ev),
            "text": ev["text"],
            "success_score": cat,
            "source_category": ev["task_type"],
            "source_run_id": run,
            "task_id": ev.get("task_id"),
            "tags": tags(ev, cat),
            "provenance": prov,
            "created_at": prov["recorded_at"],
        }
        return None, row

    def sft(self, run: str) -> tuple[str | None, dict | None]:
        cat, ev = self.category(run), self.evidence.get(run)
        if cat in ("rejected", "needs_human_review"):
            return "unsafe_sft_category", None
        if cat == "partially_accepted" and not self.s.include_partial:
            return "category_disallowed", None
        if ev is not None and ev["task_type"] not in CONVERSATIONAL:
            return "category_disallowed", None
        if ev is None:
            return "missing_source_run_id", None
        if not provenance_complete(ev):
            return "missing_provenance", None
        if blank(ev.get("instruction")) or blank(ev.get("text")):
            return "empty_content", None
        if self.refs_bad(ev):
            return "hallucinated_file_path", None
        context = built_context(ev)
        if secret(ev.get("instruction"), ev.get("text"), context):
            return "secret_detected", None
        prov = out_provenance(ev)
        row = {
            "id": "sft-" + hex16(run, prov["sig_hash"]),
            "instruction": ev["instruction"],
            "context": context,
            "response": ev["text"],
            "quality_score": cat,
            "source_run_id": run,
            "task_id": ev.get("task_id"),
            "tags": tags(ev, cat),
            "provenance": prov,
            "created_at": prov["recorded_at"],
        }
        return None, row

    def candidates(self) -> dict[str, dict]:
        out = {}
        for run in self.latest:
            ev = self.evidence.get(run)
            if (
                self.category(run) in RANK
                and ev is not None
                and not blank(ev.get("task_id"))
                and provenance_complete(ev)
                and not blank(ev.get("text"))
            ):
                out[run] = ev
        return out

    def pairs(self) -> dict[tuple[str, str], tuple[str | None, dict | None]]:
        """(R, C) -> (first failing gate, expected row): SPEC §4.1."""
        cands = self.candidates()
        out = {}
        for r_run, r_ev in cands.items():
            r_rank = RANK[self.category(r_run)]
            better = [
                c
                for c, c_ev in cands.items()
                if c_ev["task_id"] == r_ev["task_id"]
                and RANK[self.category(c)] - r_rank >= self.s.gap
            ]
            if not better:
                continue

            # microsecond precision: compare timedeltas exactly, not as floats
            best = min(
                better,
                key=lambda c: (
                    -RANK[self.category(c)],
                    datetime.max - parse_ts(cands[c]["provenance"]["recorded_at"]),
                    path_key(c),
                ),
            )
            out[(r_run, best)] = self._pair(r_run, best)
        return out

    def _pair(self, r_run: str, c_run: str) -> tuple[str | None, dict | None]:
        r_ev, c_ev = self.evidence[r_run], self.evidence[c_run]
        c_score = self.latest[c_run].record
        reason = (
            f"chosen scored '{self.category(c_run)}' | rejected scored '{self.category(r_run)}'"
        )
        if not blank(c_score.get("rationale")):
            reason += f" | chosen-rationale: {c_score['rationale']}"
        c_instr, r_instr = c_ev.get("instruction"), r_ev.get("instruction")
        if c_run == r_run:
            return "self_pairing", None
        if (
            c_ev["text"].strip(WS) == r_ev["text"].strip(WS)
            or (
                not blank(c_instr) and not blank(r_instr) and c_instr.strip(WS) != r_instr.strip(WS)
            )
            or blank(c_instr)
        ):
            return "invalid_preference_pairing", None
        if self.refs_bad(c_ev):
            return "hallucinated_file_path", None
        if secret(c_instr, c_ev["text"], r_ev["text"], reason):
            return "secret_detected", None
        c_prov, r_prov = out_provenance(c_ev), out_provenance(r_ev)
        row = {
            "id": "pref-" + hex16(c_run, c_prov["sig_hash"], r_run, r_prov["sig_hash"]),
            "prompt": c_instr,
            "chosen": c_ev["text"],
            "rejected": r_ev["text"],
            "reason": reason,
            "chosen_run_id": c_run,
            "rejected_run_id": r_run,
            "chosen_score": self.category(c_run),
            "rejected_score": self.category(r_run),
            "task_id": c_ev["task_id"],
            "provenance": {"chosen": c_prov, "rejected": r_prov},
            "created_at": max(c_prov["recorded_at"], r_prov["recorded_at"]),
        }
        return None, row


# ---------------------------------------------------------------------------------------------
# Reading the written files and checking them
# ---------------------------------------------------------------------------------------------


class Problems:
    def __init__(self):
        self.by_invariant: dict[str, list[str]] = {}

    def add(self, invariant: str, message: str) -> None:
        found = self.by_invariant.setdefault(invariant, [])
        if len(found) < 8:
            found.append(message)

    def check(self, ok: bool, invariant: str, message: str) -> None:
        if not ok:
            self.add(invariant, message)

    def __bool__(self) -> bool:
        return bool(self.by_invariant)

    def __str__(self) -> str:
        return "\n".join(
            f"[{inv}] {msg}" for inv, msgs in sorted(self.by_invariant.items()) for msg in msgs
        )


def read_file(root: Path, name: str, problems: Problems) -> list[dict]:
    """Rows of one export file, checking the SPEC §5 file format on the way."""
    raw = (root / FILES[name]).read_bytes()
    shape = name[2:] if name.startswith("q_") else name
    keys = KEYS["quarantine" if name.startswith("q_") else shape]
    problems.check(raw == b"" or raw.endswith(b"\n"), "format", f"{name}: no final \\n")
    rows = []
    for number, line in enumerate(raw.split(b"\n")[:-1], start=1):
        row = json.loads(line.decode("utf-8"))
        problems.check(list(row) == keys, "format", f"{name}:{number}: keys {list(row)}")
        rows.append(row)
    ids = [row["id"].encode() for row in rows]
    problems.check(ids == sorted(ids), "format", f"{name}: not sorted by id")
    problems.check(len(set(ids)) == len(ids), "6", f"{name}: duplicate ids")
    return rows


def check_quarantine_row(row: dict, exporter: str, problems: Problems) -> None:
    where = row["source_provenance"] or {}
    if exporter == "ingest":
        key = f"{where.get('input_file')}:{where.get('input_line')}"
    elif exporter == "preference":
        chosen = ((row["source_record"] or {}).get("chosen") or {}).get("scored_run") or {}
        key = f"{row['run_id']}{US}{chosen.get('run_id')}"
    else:
        key = row["run_id"]
    problems.check(
        row["id"] == "q-" + hex16(exporter, str(key), row["reason"]),
        "6",
        f"quarantine/{exporter}: id {row['id']} does not recompute from {key!r}",
    )
    problems.check(row["exporter"] == exporter, "format", f"{row['id']}: exporter")
    problems.check(
        isinstance(row["errors"], list)
        and len(row["errors"]) > 0
        and all(isinstance(e, str) and e for e in row["errors"]),
        "format",
        f"{row['id']}: errors {row['errors']!r}",
    )


def prov_complete_out(prov) -> bool:
    return (
        isinstance(prov, dict)
        and list(prov) == ["source_file", "line", "sig_hash", "recorded_at"]
        and not blank(prov["source_file"])
        and isinstance(prov["sig_hash"], str)
        and not blank(prov["sig_hash"])
        and not has_control(prov["sig_hash"])
        and isinstance(prov["recorded_at"], str)
        and re.fullmatch(
            r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z", prov["recorded_at"]
        )
        is not None
    )


def check_all(s: Substrate, root: Path) -> Problems:
    o = Oracle(s)
    p = Problems()
    f = {name: read_file(root, name, p) for name in FILES}
    latest = o.latest

    # -- invariant 1: no leak into SFT ----------------------------------------------------------
    for row in f["sft"]:
        run = row["source_run_id"]
        cat = latest[run].record["category"] if run in latest else None
        p.check(
            cat not in ("rejected", "needs_human_review", None),
            "1",
            f"SFT row {row['id']} for run {run!r} whose latest score is {cat!r}",
        )
        p.check(
            cat != "partially_accepted" or s.include_partial,
            "1",
            f"SFT row for partially_accepted {run!r} without --include-partial",
        )

    # -- invariant 2: no leak into RAG ----------------------------------------------------------
    for row in f["rag"]:
        run = row["source_run_id"]
        cat = latest[run].record["category"] if run in latest else None
        p.check(
            cat not in ("rejected", None),
            "2",
            f"RAG row {row['id']} for run {run!r} whose latest score is {cat!r}",
        )
        p.check(
            cat != "needs_human_review" or s.include_review,
            "2",
            f"RAG row for needs_human_review {run!r} without --include-review",
        )

    # -- invariant 3: no fabricated preference pairs --------------------------------------------
    for row in f["preference"]:
        c, r = row["chosen_run_id"], row["rejected_run_id"]
        c_ev, r_ev = o.evidence.get(c), o.evidence.get(r)
        p.check(c != r, "3", f"pair {row['id']}: chosen and rejected are both {c!r}")
        p.check(
            c_ev is not None
            and r_ev is not None
            and c_ev.get("task_id") == r_ev.get("task_id") == row["task_id"]
            and not blank(row["task_id"]),
            "3",
            f"pair {row['id']}: task_id {row['task_id']!r}, but the runs' evidence says "
            f"{(c_ev or {}).get('task_id')!r} / {(r_ev or {}).get('task_id')!r}",
        )
        c_rank = RANK.get(latest[c].record["category"]) if c in latest else None
        r_rank = RANK.get(latest[r].record["category"]) if r in latest else None
        p.check(
            c_rank is not None and r_rank is not None and c_rank - r_rank >= s.gap,
            "3",
            f"pair {row['id']}: ranks {c_rank} vs {r_rank}, min_gap {s.gap}",
        )
        p.check(
            isinstance(row["chosen"], str)
            and isinstance(row["rejected"], str)
            and row["chosen"].strip(WS) != row["rejected"].strip(WS),
            "3",
            f"pair {row['id']}: texts equal after trim: {row['chosen']!r} / {row['rejected']!r}",
        )
        p.check(
            c_ev is not None
            and r_ev is not None
            and row["chosen"] == c_ev.get("text")
            and row["rejected"] == r_ev.get("text"),
            "3",
            f"pair {row['id']}: texts are not the runs' canonical evidence texts",
        )

    # -- invariant 4: no empty content ----------------------------------------------------------
    for name, fields in (
        ("rag", ["title", "text"]),
        ("sft", ["instruction", "response"]),
        ("preference", ["prompt", "chosen", "rejected"]),
    ):
        for row in f[name]:
            for key in fields:
                p.check(not blank(row[key]), "4", f"{name} {row['id']}: blank {key} {row[key]!r}")

    # -- invariant 5: provenance on every exported row ------------------------------------------
    for name in ("rag", "sft"):
        for row in f[name]:
            p.check(
                prov_complete_out(row["provenance"]),
                "5",
                f"{name} {row['id']}: provenance {row['provenance']!r}",
            )
            ev = o.evidence.get(row["source_run_id"])
            p.check(
                ev is not None and row["provenance"] == out_provenance(ev),
                "5",
                f"{name} {row['id']}: provenance is not the canonical evidence's",
            )
    for row in f["preference"]:
        prov = row["provenance"]
        ok = isinstance(prov, dict) and list(prov) == ["chosen", "rejected"]
        p.check(
            ok and prov_complete_out(prov["chosen"]) and prov_complete_out(prov["rejected"]),
            "5",
            f"preference {row['id']}: provenance {prov!r}",
        )

    # -- invariant 6: ids recompute from the row's own fields -----------------------------------
    for name in ("rag", "sft"):
        for row in f[name]:
            prov = row["provenance"] or {}
            want = f"{name}-" + hex16(row["source_run_id"], str(prov.get("sig_hash")))
            p.check(row["id"] == want, "6", f"{name} id {row['id']} != {want}")
    for row in f["preference"]:
        prov = row["provenance"] or {}
        want = "pref-" + hex16(
            row["chosen_run_id"],
            str((prov.get("chosen") or {}).get("sig_hash")),
            row["rejected_run_id"],
            str((prov.get("rejected") or {}).get("sig_hash")),
        )
        p.check(row["id"] == want, "6", f"preference id {row['id']} != {want}")
    for exporter in ("ingest", "rag", "sft", "preference"):
        for row in f[f"q_{exporter}"]:
            check_quarantine_row(row, exporter, p)

    # -- invariant 8: no silent drops -----------------------------------------------------------
    got_ingest = {}
    for row in f["q_ingest"]:
        where = row["source_provenance"] or {}
        got_ingest[(where.get("input_file"), where.get("input_line"))] = (
            row["reason"],
            row["run_id"],
        )
    for key in sorted(set(got_ingest) | set(o.ingest), key=str):
        want, got = o.ingest.get(key), got_ingest.get(key)
        p.check(
            want is not None
            and got is not None
            and want[0] == got[0]
            and (want[1] is ANY or want[1] == got[1]),
            "8",
            f"ingest line {key}: expected (reason, run_id) {want}, quarantine has {got}",
        )
    p.check(len(got_ingest) == len(f["q_ingest"]), "8", "two ingest rows for one input line")
    receipts = {
        stage: json.loads((root / f"reports/distillation/{stage}/receipt.json").read_text())
        for stage in ("build-evidence", "score", "export-preference")
    }
    for stage, kind in (("build-evidence", "evidence"), ("score", "scored")):
        counts = receipts[stage]["record_counts"]
        want = o.counts[kind]
        got = {k: counts[k] for k in want}
        p.check(got == want, "8", f"{stage} receipt counts {got}, expected {want}")
        p.check(
            counts["lines"]
            == counts["blank_lines"] + counts["staged"] + counts["ingest_quarantined"],
            "8",
            f"{stage}: lines do not add up",
        )
        for item in receipts[stage]["inputs"]:
            if item["path"] in o.file_lines:
                p.check(
                    item["lines"] == o.file_lines[item["path"]],
                    "8",
                    f"{item['path']}: receipt says {item['lines']} lines, "
                    f"file has {o.file_lines[item['path']]}",
                )
    p.check(
        receipts["build-evidence"]["record_counts"]["unscored"] == o.unscored,
        "8",
        f"unscored {receipts['build-evidence']['record_counts']['unscored']} != {o.unscored}",
    )
    score_counts = receipts["score"]["record_counts"]
    p.check(
        (score_counts["runs"], score_counts["superseded"]) == (len(latest), o.superseded),
        "8",
        f"score receipt runs/superseded {score_counts['runs']}/"
        f"{score_counts['superseded']} != {len(latest)}/{o.superseded}",
    )

    files = s.evidence + s.scored
    line_of = {(f.path, n): line for f in files for n, line in enumerate(f.lines, start=1)}
    for exporter, check_run in (("rag", o.rag), ("sft", o.sft)):
        seen: dict[str, list[str]] = {}
        rows = {row["source_run_id"]: row for row in f[exporter]}
        for row in f[exporter]:
            seen.setdefault(row["source_run_id"], []).append("exported")
        qrows = {}
        for row in f[f"q_{exporter}"]:
            seen.setdefault(row["run_id"], []).append(row["reason"])
            qrows[row["run_id"]] = row
        for run in sorted(set(seen) | set(latest), key=str):
            p.check(
                len(seen.get(run, [])) == 1 and run in latest,
                "8",
                f"{exporter}: run {run!r} (scored: {run in latest}) appears as "
                f"{seen.get(run, [])} in export + quarantine",
            )
            if run not in latest or len(seen.get(run, [])) != 1:
                continue
            # beyond the invariants: the gate SPEC §4 names, and the row SPEC §5 describes
            reason, row = check_run(run)
            got = seen[run][0]
            p.check(
                got == (reason or "exported"),
                "gates",
                f"{exporter}: run {run!r} is {got}, SPEC §4 says {reason or 'exported'}",
            )
            if reason is None and got == "exported":
                p.check(
                    rows[run] == row,
                    "rows",
                    f"{exporter}: row for {run!r}\n  got  {rows[run]!r}\n  want {row!r}",
                )
            if got != "exported":
                sc = latest[run]
                p.check(
                    qrows[run]["source_provenance"]
                    == {"input_file": sc.path, "input_line": sc.line},
                    "8",
                    f"{exporter}: quarantine row of {run!r} points at "
                    f"{qrows[run]['source_provenance']}, latest score is {sc.path}:{sc.line}",
                )
                # SPEC §5: the joined input, whole (fields the gates ignore included), read
                # back from the framed lines by the quarantine view
                ev_at = o.evidence_at.get(run)
                want = {
                    "scored_run": record_of(line_of[(sc.path, sc.line)]),
                    "evidence": record_of(line_of[ev_at]) if ev_at else None,
                }
                p.check(
                    qrows[run]["source_record"] == want,
                    "rows",
                    f"{exporter}: quarantine row of {run!r} carries\n  got  "
                    f"{qrows[run]['source_record']!r}\n  want {want!r}",
                )

    pairs = o.pairs()
    seen_pairs: dict[tuple[str, str], list[str]] = {}
    got_rows = {}
    for row in f["preference"]:
        key = (row["rejected_run_id"], row["chosen_run_id"])
        seen_pairs.setdefault(key, []).append("exported")
        got_rows[key] = row
    for row in f["q_preference"]:
        chosen = ((row["source_record"] or {}).get("chosen") or {}).get("scored_run") or {}
        seen_pairs.setdefault((row["run_id"], chosen.get("run_id")), []).append(row["reason"])
    for key in sorted(set(seen_pairs) | set(pairs), key=str):
        p.check(
            len(seen_pairs.get(key, [])) == 1 and key in pairs,
            "8",
            f"preference: pair (R, C) {key} (a SPEC §4.1 candidate pair: {key in pairs}) "
            f"appears as {seen_pairs.get(key, [])}",
        )
        if key in pairs and len(seen_pairs.get(key, [])) == 1:
            reason, row = pairs[key]
            got = seen_pairs[key][0]
            p.check(
                got == (reason or "exported"),
                "gates",
                f"preference: pair {key} is {got}, SPEC §4.1 says {reason or 'exported'}",
            )
            if reason is None and got == "exported":
                p.check(
                    got_rows[key] == row,
                    "rows",
                    f"preference: pair {key}\n  got  {got_rows[key]!r}\n  want {row!r}",
                )
    counts = receipts["export-preference"]["record_counts"]
    cands = o.candidates()
    p.check(
        (counts["scored_runs"], counts["candidates"], counts["candidate_pairs"])
        == (len(latest), len(cands), len(pairs)),
        "8",
        f"preference receipt scored_runs/candidates/candidate_pairs "
        f"{counts['scored_runs']}/{counts['candidates']}/{counts['candidate_pairs']} != "
        f"{len(latest)}/{len(cands)}/{len(pairs)}",
    )
    sides = {run for key in pairs for run in key}
    want_status = {
        "paired": len(sides),
        "no_counterpart": len(set(cands) - sides),
        "ineligible": len(set(latest) - set(cands)),
    }
    got_status = {k: counts["by_status"].get(k, 0) for k in want_status}
    p.check(got_status == want_status, "8", f"preference by_status {got_status} != {want_status}")
    return p


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
            rows = (root / path).read_bytes().count(b"\n")
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
