"""The per-row peer of `distill export-all` (issue 26): SPEC §2-§5 in plain Python.

One process, the standard library only: every input line is read into a dictionary, checked,
joined and gated row by row, and the seven files of SPEC §5 (rag, sft, preference and the four
quarantines) are written once each, sorted by id, in DuckDB's JSON form, so that the bench
compares like with like (tests/pytest/test_per_row.py holds it to distill's bytes). Reading and
writing JSON as DuckDB does is tools/per_row_json.py.

    python -m tools.per_row --evidence GLOB --scored GLOB [--manifest PATH] --out DIR

What it leaves out: options other than the defaults (--include-review, --include-partial,
--min-gap 1), SPEC §4.3's quality gates, the Hub folder, receipts, the report and every dbt
test. It reads the policy (categories, task classes, secret patterns) from seeds/, as dbt does.
It differs from distill on one input: a line nested deeper than Python's recursion limit (about
1000 levels; SPEC promises 500) is refused as invalid JSON, where DuckDB reads it.
"""

from __future__ import annotations

import argparse
import csv
import glob
import gzip
import hashlib
import os
import re
import sys
import zlib
from pathlib import Path

from tools.per_row_json import TYPE_NAMES, Pairs, dump, json_type, parse_json

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
WS = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
WS += "\u2028\u2029\u202f\u205f\u3000"  # SPEC §2 whitespace
US = "\x1f"  # SPEC §5 ␟
CATEGORIES = ("accepted", "partially_accepted", "rejected", "needs_human_review")
RANK = {"accepted": 3, "partially_accepted": 2, "rejected": 1}  # SPEC §4.1
MIN_GAP = 2
FILES = {
    "rag": "rag/playbooks.jsonl",
    "sft": "sft/instruction_response.jsonl",
    "preference": "preference/chosen_rejected.jsonl",
    "q_ingest": "quarantine/ingest.jsonl",
    "q_rag": "quarantine/rag.jsonl",
    "q_sft": "quarantine/sft.jsonl",
    "q_preference": "quarantine/preference.jsonl",
}
PROVENANCE_INCOMPLETE = (
    "provenance incomplete: needs a non-blank source_file, a non-blank sig_hash without "
    "control characters and a parseable recorded_at"
)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
UNSAFE_PATH = re.compile(r"^[/~]|^[A-Za-z]:|(?:^|/)\.\.(?:/|\Z)|[\\\x00-\x1f\x7f]")
TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]{1,9}))?(Z|[+-][0-9]{2}:[0-9]{2})?"
)


class InputError(Exception):
    """An input that cannot be read: exit status 2, naming the file."""


# ---------------------------------------------------------------------------------------------
# SPEC §2: files, lines, text and timestamps
# ---------------------------------------------------------------------------------------------


def expand(pattern: str) -> list[str]:
    """The files a path or glob names, sorted by their UTF-8 bytes (SPEC §2.5)."""
    if set("*?[") & set(pattern):
        found = sorted({p for p in glob.glob(pattern, recursive=True) if os.path.isfile(p)})
        if not found:
            raise InputError(f"{pattern}: the glob matches no file")
        return sorted(found, key=lambda p: p.encode("utf-8", "surrogateescape"))
    if not os.path.isfile(pattern):
        raise InputError(f"{pattern}: no such file")
    return [pattern]


def read_lines(path: str):
    """(line number, bytes) of every line of a file, split on '\\n' only, a leading BOM dropped,
    gzip read by its extension."""
    handle = gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")  # noqa: SIM115
    with handle:
        try:
            for number, raw in enumerate(handle, start=1):
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                yield number, raw
        except (EOFError, gzip.BadGzipFile, zlib.error) as err:
            raise InputError(f"{path}: corrupt or truncated gzip file ({err})") from err


def blank(value) -> bool:
    return value is None or not value.strip(WS)


def trim(value: str) -> str:
    return value.strip(WS)


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date, year 0 included (H. Hinnant's
    algorithm): a local time in year 0 may still be a UTC instant in year 1."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


MICROS_PER_DAY = 86_400_000_000
FIRST_MICROS = days_from_civil(1, 1, 1) * MICROS_PER_DAY  # SPEC §2.4: UTC years 0001-9999
END_MICROS = days_from_civil(10000, 1, 1) * MICROS_PER_DAY
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def parse_ts(value) -> int | None:
    """SPEC §2.4: microseconds since the epoch (UTC), or None when unparseable."""
    if not isinstance(value, str):
        return None
    m = TIMESTAMP.fullmatch(value)
    if m is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= month <= 12 or not 1 <= day <= MONTH_DAYS[month - 1] + (month == 2 and leap):
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    offset = 0
    zone = m.group(8)
    if zone and zone != "Z":
        zone_hours, zone_minutes = int(zone[1:3]), int(zone[4:6])
        if zone_hours > 23 or zone_minutes > 59:
            return None
        offset = (zone_hours * 60 + zone_minutes) * (-1 if zone[0] == "-" else 1)
    days = days_from_civil(year, month, day)
    seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset * 60
    micros = seconds * 1_000_000 + int((m.group(7) or "")[:6].ljust(6, "0"))
    return micros if FIRST_MICROS <= micros < END_MICROS else None


def format_ts(micros: int | None) -> str | None:
    """SPEC §2.4 output form: UTC, seconds, fraction dropped."""
    if micros is None:
        return None
    days, rest = divmod(micros, MICROS_PER_DAY)
    seconds = rest // 1_000_000
    # civil_from_days, the inverse of days_from_civil
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (month <= 2)
    hh, mm, ss = seconds // 3600, seconds // 60 % 60, seconds % 60
    return f"{year:04d}-{month:02d}-{day:02d}T{hh:02d}:{mm:02d}:{ss:02d}Z"


def hex16(*parts: str | None) -> str:
    """SPEC §5: the first 16 hex digits of sha256 of the parts joined by ␟ (null as '')."""
    joined = US.join(p or "" for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# SPEC §2.1-§3: staging, schema errors, ingest quarantine
# ---------------------------------------------------------------------------------------------


def read_records(patterns: str, quarantine: list):
    """(file, line, record) of every line that is a JSON object; the other non-blank lines go
    to the ingest quarantine here, shown by their text (raw_line)."""
    for path in expand(patterns):
        for number, raw in read_lines(path):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                body = raw[:-1] if raw.endswith(b"\n") else raw
                shown = "".join(chr(b) if 32 <= b < 127 else f"\\x{b:02X}" for b in body)
                refuse(quarantine, path, number, ["line: not valid UTF-8"], None, shown)
                continue
            if blank(text):
                continue
            try:
                doc = parse_json(text)
            except ValueError:
                refuse(quarantine, path, number, ["line: not valid JSON"], None, text)
                continue
            if not isinstance(doc, Pairs):
                error = f"line: {TYPE_NAMES[json_type(doc)]}, not a JSON object"
                refuse(quarantine, path, number, [error], None, text)
                continue
            yield path, number, doc


def refuse(quarantine, path, number, errors, run_id, raw_line=None, record=None, reason=None):
    """One ingest quarantine row; a line that is no record shows its text as raw_line."""
    if raw_line is not None:
        record = {"raw_line": raw_line.removesuffix("\n")[:10000]}
    reason = reason or "schema_violation"
    quarantine.append(
        {
            "id": "q-" + hex16("ingest", f"{path}:{number}", reason),
            "exporter": "ingest",
            "reason": reason,
            "errors": errors,
            "run_id": run_id,
            "source_record": record,
            "source_provenance": {"input_file": path, "input_line": number},
        }
    )


def type_of(fields: dict, name: str) -> str | None:
    return json_type(fields[name]) if name in fields else None


def required_string_error(name: str, kind: str | None, value) -> str | None:
    if kind in (None, "NULL"):
        return f"{name}: missing"
    if kind != "VARCHAR":
        return f"{name}: must be a string, got {TYPE_NAMES[kind]}"
    return f"{name}: blank" if blank(value) else None


def optional_type_error(name: str, kind: str | None, wanted: str, noun: str) -> str | None:
    if kind in (None, "NULL", wanted):
        return None
    return f"{name}: must be {noun} or null, got {TYPE_NAMES[kind]}"


def record_errors(record: Pairs, fields: dict) -> list:
    """The errors every record has checked first: a duplicate top-level key, then run_id."""
    duplicate = record.duplicate()
    run_id = fields.get("run_id")
    run_id_error = required_string_error("run_id", type_of(fields, "run_id"), run_id)
    if run_id_error is None and CONTROL.search(run_id):
        run_id_error = "run_id: contains a control character"
    return [
        f'duplicate key "{duplicate}" in the record' if duplicate is not None else None,
        run_id_error,
    ]


def valid_run_id(fields: dict) -> str | None:
    run_id = fields.get("run_id")
    if isinstance(run_id, str) and not blank(run_id) and not CONTROL.search(run_id):
        return run_id
    return None


def string_or_none(fields: dict, name: str) -> str | None:
    value = fields.get(name)
    return value if isinstance(value, str) else None


def evidence_errors(record: Pairs, fields: dict) -> list:
    """SPEC §2.1: one message per failing field, in the order distill names them."""
    errors = record_errors(record, fields)
    types = {name: type_of(fields, name) for name in fields}
    errors.append(optional_type_error("task_id", types.get("task_id"), "VARCHAR", "a string"))
    task_type = fields.get("task_type")
    errors.append(required_string_error("task_type", types.get("task_type"), task_type))
    for name in ("role", "model", "instruction"):
        errors.append(optional_type_error(name, types.get(name), "VARCHAR", "a string"))
    context = fields.get("context")
    errors.append(optional_type_error("context", types.get("context"), "OBJECT", "an object"))
    if isinstance(context, Pairs) and (key := context.duplicate()) is not None:
        errors.append(f'duplicate key "{key}" in context')
    for name in ("text", "title"):
        errors.append(optional_type_error(name, types.get(name), "VARCHAR", "a string"))
    refs = fields.get("file_refs")
    kind = types.get("file_refs")
    errors.append(optional_type_error("file_refs", kind, "ARRAY", "an array of strings"))
    if kind == "ARRAY" and not all(isinstance(r, str) for r in refs):
        errors.append("file_refs: every entry must be a string")
    provenance = fields.get("provenance")
    kind = types.get("provenance")
    errors.append(optional_type_error("provenance", kind, "OBJECT", "an object"))
    if isinstance(provenance, Pairs) and (key := provenance.duplicate()) is not None:
        errors.append(f'duplicate key "{key}" in provenance')
    return [e for e in errors if e is not None]


def score_errors(record: Pairs, fields: dict) -> list:
    """SPEC §2.2: one message per failing field."""
    errors = record_errors(record, fields)
    category = fields.get("category")
    error = required_string_error("category", type_of(fields, "category"), category)
    if error is None and category not in CATEGORIES:
        error = f'category: must be one of {", ".join(CATEGORIES)}, got "{category}"'
    errors.append(error)
    for name in ("rationale", "scorer_version", "scored_at"):
        errors.append(optional_type_error(name, type_of(fields, name), "VARCHAR", "a string"))
    return [e for e in errors if e is not None]


def evidence_row(path: str, number: int, record: Pairs, fields: dict) -> dict:
    """The typed fields of a valid evidence record that the gates and rows read."""
    context = fields.get("context")
    matrix = context.first().get("matrix") if isinstance(context, Pairs) else None
    provenance = fields.get("provenance")
    prov = provenance.first() if isinstance(provenance, Pairs) else {}
    line = prov.get("line")
    if isinstance(line, bool) or not isinstance(line, int) or line >= 2**63:
        line = None
    recorded_at = string_or_none(prov, "recorded_at")
    return {
        "file": path,
        "line": number,
        "record": record,
        "run_id": fields["run_id"],
        "task_id": string_or_none(fields, "task_id"),
        "task_type": fields["task_type"],
        "role": string_or_none(fields, "role"),
        "model": string_or_none(fields, "model"),
        "instruction": string_or_none(fields, "instruction"),
        "text": string_or_none(fields, "text"),
        "title": string_or_none(fields, "title"),
        "matrix": [m for m in matrix if isinstance(m, str) and not blank(m)]
        if isinstance(matrix, list)
        else [],
        "file_refs": fields.get("file_refs") or [],
        "source_file": string_or_none(prov, "source_file"),
        "prov_line": line,
        "sig_hash": string_or_none(prov, "sig_hash"),
        "recorded_at": parse_ts(recorded_at),
    }


def stage_evidence(patterns: str, quarantine: list) -> dict:
    """SPEC §3: the canonical evidence record of every run_id; the others are quarantined."""
    by_run: dict[str, list] = {}
    for path, number, record in read_records(patterns, quarantine):
        fields = record.first()
        errors = evidence_errors(record, fields)
        if errors:
            refuse(quarantine, path, number, errors, valid_run_id(fields), record=record)
            continue
        by_run.setdefault(fields["run_id"], []).append(evidence_row(path, number, record, fields))
    canonical = {}
    for run_id, rows in by_run.items():
        if len(rows) > 1:
            rows.sort(key=canonical_key)
            first = rows[0]
            for row in rows[1:]:
                error = (
                    f"duplicate evidence for run_id '{run_id}': the canonical record is "
                    f"{first['file']}:{first['line']}"
                )
                refuse(
                    quarantine,
                    row["file"],
                    row["line"],
                    [error],
                    run_id,
                    record=row["record"],
                    reason="duplicate_id",
                )
        canonical[run_id] = rows[0]
    return canonical


def canonical_key(row: dict) -> tuple:
    """Earliest parseable recorded_at (unparseable last), then file path, then line."""
    recorded_at = row["recorded_at"]
    return (recorded_at is None, recorded_at or 0, row["file"].encode("utf-8"), row["line"])


def stage_scores(patterns: str, quarantine: list) -> dict:
    """SPEC §2.2: the latest score of every run (greatest scored_at, then input position)."""
    latest: dict[str, tuple] = {}
    for path, number, record in read_records(patterns, quarantine):
        fields = record.first()
        errors = score_errors(record, fields)
        if errors:
            refuse(quarantine, path, number, errors, valid_run_id(fields), record=record)
            continue
        scored_at = parse_ts(string_or_none(fields, "scored_at"))
        key = (scored_at is not None, scored_at or 0, path.encode("utf-8"), number)
        run_id = fields["run_id"]
        if run_id not in latest or key > latest[run_id][0]:
            latest[run_id] = (key, path, number, record, fields)
    return {
        run_id: {
            "file": path,
            "line": number,
            "record": record,
            "category": fields["category"],
            "rationale": string_or_none(fields, "rationale"),
        }
        for run_id, (_, path, number, record, fields) in latest.items()
    }


def read_manifest(path: str | None) -> set | None:
    """SPEC §2.3: the listed paths; None without a manifest."""
    if not path:
        return None
    listed = set()
    for _, raw in read_lines(path):
        try:
            entry = raw.decode("utf-8").removesuffix("\n").removesuffix("\r")
        except UnicodeDecodeError:
            continue
        if not blank(entry):
            listed.add(entry)
    return listed


# ---------------------------------------------------------------------------------------------
# SPEC §4: the policy in seeds/, the facts of a joined run, the RAG and SFT gates
# ---------------------------------------------------------------------------------------------


def read_seed(name: str) -> list[dict]:
    with open(SEEDS / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class Policy:
    """seeds/: category policy per exporter, task classes, secret patterns."""

    def __init__(self):
        rows = read_seed("category_policy.csv")
        self.category = {(r["exporter"], r["category"]): r["policy"] for r in rows}
        self.task_types = [
            (re.compile(like_to_regex(r["task_type_pattern"]), re.S), r["task_class"])
            for r in read_seed("task_types.csv")
        ]
        patterns = sorted((r["name"], r["pattern"]) for r in read_seed("secret_patterns.csv"))
        self.secrets = [(name, re.compile(p, re.ASCII)) for name, p in patterns]
        self.any_secret = re.compile("|".join(f"(?:{p})" for _, p in patterns), re.ASCII)
        self.classes: dict[str, str | None] = {}

    def task_class(self, task_type: str) -> str | None:
        """SPEC §4 task class: LIKE patterns, extraction wins, no match is None."""
        if task_type not in self.classes:
            found = {cls for pattern, cls in self.task_types if pattern.fullmatch(task_type)}
            self.classes[task_type] = next(
                (c for c in ("extraction", "conversational") if c in found), None
            )
        return self.classes[task_type]

    def secrets_in(self, text: str | None) -> list[str]:
        """The names of the secret patterns found in a text, by name."""
        if text is None or not self.any_secret.search(text):
            return []
        return [name for name, pattern in self.secrets if pattern.search(text)]


def like_to_regex(pattern: str) -> str:
    return "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)


def secret_error(fields: list[tuple[str, list]]) -> str | None:
    parts = [f"{label} ({', '.join(names)})" for label, names in fields if names]
    return "secret in " + ", ".join(parts) if parts else None


def unsafe_path(path: str) -> bool:
    return blank(path) or UNSAFE_PATH.search(path) is not None


def file_refs_error(refs: list, manifest: set | None) -> str | None:
    """SPEC §4 gate 6: unsafe entries, then entries the manifest does not list."""
    unsafe = sorted(r for r in refs if unsafe_path(r))
    unlisted = []
    if manifest is not None:
        unlisted = sorted(r for r in refs if (r[2:] if r.startswith("./") else r) not in manifest)
    parts = []
    if unsafe:
        parts.append("unsafe file_refs: " + ", ".join(f"'{r}'" for r in unsafe))
    if unlisted:
        parts.append("file_refs not in the manifest: " + ", ".join(f"'{r}'" for r in unlisted))
    return "; ".join(parts) or None


def run_facts(run_id: str, score: dict, ev: dict | None, policy: Policy, manifest) -> dict:
    """What the gates of a scored run read, computed once for RAG, SFT and the pairs."""
    facts = {"run_id": run_id, "score": score, "ev": ev, "category": score["category"]}
    if ev is None:
        facts["missing"] = f"no evidence record for run_id '{run_id}'"
        return facts
    context = []
    if ev["matrix"]:
        context.append("matrix=" + ",".join(ev["matrix"]))
    if not blank(ev["model"]):
        context.append("model=" + ev["model"])
    sig_hash = ev["sig_hash"]
    complete = (
        not blank(ev["source_file"])
        and not blank(sig_hash)
        and not CONTROL.search(sig_hash)
        and ev["recorded_at"] is not None
    )
    tags = ["task:" + ev["task_type"], "category:" + score["category"]]
    if not blank(ev["role"]):
        tags.append("role:" + ev["role"])
    facts.update(
        missing=None,
        complete=complete,
        provenance_error=None if complete else PROVENANCE_INCOMPLETE,
        file_refs_error=file_refs_error(ev["file_refs"], manifest),
        sft_context=" · ".join(context),
        secrets_in_text=policy.secrets_in(ev["text"]),
        secrets_in_instruction=policy.secrets_in(ev["instruction"]),
        tags=tags,
        recorded_at=format_ts(ev["recorded_at"]),
    )
    return facts


def rag_title(ev: dict) -> str:
    """SPEC §5: the title if non-blank, else the first non-blank line of text; trimmed, 60."""
    title = ev["title"]
    if blank(title):
        title = next((line for line in ev["text"].split("\n") if not blank(line)), "")
    return trim(title)[:60]


def verdict(errors: list[tuple[str, str | None]]) -> tuple[str | None, list[str]]:
    """SPEC §4: the first failing gate is the reason; every failing gate adds its message."""
    failed = [(reason, message) for reason, message in errors if message is not None]
    return (failed[0][0] if failed else None), [message for _, message in failed]


def when(condition: bool, message: str) -> str | None:
    return message if condition else None


def rag_gates(facts: dict, policy: Policy) -> tuple[str | None, list[str]]:
    category, ev = facts["category"], facts["ev"]
    rule = policy.category.get(("rag", category), "unsafe")  # an unlisted category is refused
    gates = [
        (
            "unsafe_rag_category",
            when(rule == "unsafe", f"category '{category}' is never exported to RAG"),
        ),
        (
            "category_disallowed",
            when(
                rule == "opt_in",
                f"category '{category}' is exported to RAG only with --include-review",
            ),
        ),
        ("missing_source_run_id", facts["missing"]),
    ]
    if ev is not None:  # gates 4-7 read the evidence: a run without it fails gate 3 only
        secrets = [("title", policy.secrets_in(ev["title"])), ("text", facts["secrets_in_text"])]
        gates += [
            ("missing_provenance", facts["provenance_error"]),
            ("empty_content", when(blank(ev["text"]), "text is blank")),
            ("hallucinated_file_path", facts["file_refs_error"]),
            ("secret_detected", secret_error(secrets)),
        ]
    return verdict(gates)


def sft_gates(facts: dict, policy: Policy) -> tuple[str | None, list[str]]:
    category, ev = facts["category"], facts["ev"]
    rule = policy.category.get(("sft", category), "unsafe")
    disallowed = [
        when(
            rule == "opt_in",
            f"category '{category}' is exported to SFT only with --include-partial",
        )
    ]
    if ev is not None:
        task_type = ev["task_type"]
        task_class = policy.task_class(task_type)
        disallowed += [
            when(
                task_class == "extraction",
                f"task type '{task_type}' is an extraction task, not a conversation",
            ),
            when(
                task_class is None,
                f"task type '{task_type}' matches no row of seeds/task_types.csv (unclassified)",
            ),
        ]
    gates = [
        (
            "unsafe_sft_category",
            when(rule == "unsafe", f"category '{category}' is never exported to SFT"),
        ),
        ("category_disallowed", "; ".join(d for d in disallowed if d) or None),
        ("missing_source_run_id", facts["missing"]),
    ]
    if ev is not None:
        empty = [f"{name} is blank" for name in ("instruction", "text") if blank(ev[name])]
        secrets = [
            ("instruction", facts["secrets_in_instruction"]),
            ("text", facts["secrets_in_text"]),
            ("context", policy.secrets_in(facts["sft_context"])),
        ]
        gates += [
            ("missing_provenance", facts["provenance_error"]),
            ("empty_content", "; ".join(empty) or None),
            ("hallucinated_file_path", facts["file_refs_error"]),
            ("secret_detected", secret_error(secrets)),
        ]
    return verdict(gates)


# ---------------------------------------------------------------------------------------------
# SPEC §5 rows, §4 gate 8, §4.1 pairs
# ---------------------------------------------------------------------------------------------


def provenance(ev: dict) -> dict:
    return {
        "source_file": ev["source_file"],
        "line": ev["prov_line"],
        "sig_hash": ev["sig_hash"],
        "recorded_at": format_ts(ev["recorded_at"]),
    }


def rag_row(row_id: str, facts: dict) -> dict:
    ev = facts["ev"]
    return {
        "id": row_id,
        "title": rag_title(ev),
        "text": ev["text"],
        "success_score": facts["category"],
        "source_category": ev["task_type"],
        "source_run_id": facts["run_id"],
        "task_id": ev["task_id"],
        "tags": facts["tags"],
        "provenance": provenance(ev),
        "created_at": facts["recorded_at"],
    }


def sft_row(row_id: str, facts: dict) -> dict:
    ev = facts["ev"]
    return {
        "id": row_id,
        "instruction": ev["instruction"],
        "context": facts["sft_context"],
        "response": ev["text"],
        "quality_score": facts["category"],
        "source_run_id": facts["run_id"],
        "task_id": ev["task_id"],
        "tags": facts["tags"],
        "provenance": provenance(ev),
        "created_at": facts["recorded_at"],
    }


def joined_record(facts: dict) -> dict:
    ev = facts["ev"]
    return {"scored_run": facts["score"]["record"], "evidence": ev and ev["record"]}


def quarantine_row(exporter: str, key: list, reason: str, errors: list, facts: dict, record):
    score = facts["score"]
    return {
        "id": "q-" + hex16(exporter, *key, reason),
        "exporter": exporter,
        "reason": reason,
        "errors": errors,
        "run_id": facts["run_id"],
        "source_record": record,
        "source_provenance": {"input_file": score["file"], "input_line": score["line"]},
    }


def duplicate_ids(passed: list[tuple[str, tuple, str]]) -> dict:
    """SPEC §4 gate 8: {index: message} for the second and later rows with one id, the row with
    the smallest key keeping it. `passed` holds (id, key, owner) of the rows past gates 1-7."""
    by_id: dict[str, list] = {}
    for index, (row_id, key, owner) in enumerate(passed):
        by_id.setdefault(row_id, []).append((key, owner, index))
    taken = {}
    for row_id, rows in by_id.items():
        if len(rows) > 1:
            rows.sort()
            for _, _, index in rows[1:]:
                taken[index] = f"export id {row_id} is already taken by {rows[0][1]}"
    return taken


def export_runs(exporter: str, runs: list[dict], policy: Policy, out: dict) -> None:
    """RAG or SFT: every scored run exported or quarantined."""
    gates, build, prefix = {
        "rag": (rag_gates, rag_row, "rag-"),
        "sft": (sft_gates, sft_row, "sft-"),
    }[exporter]
    passed = []
    for facts in runs:
        reason, errors = gates(facts, policy)
        if reason is None:
            row_id = prefix + hex16(facts["run_id"], facts["ev"]["sig_hash"])
            passed.append((row_id, (facts["run_id"],), facts["run_id"], facts))
            continue
        out["q_" + exporter].append(
            quarantine_row(exporter, [facts["run_id"]], reason, errors, facts, joined_record(facts))
        )
    taken = duplicate_ids([p[:3] for p in passed])
    for index, (row_id, _, _, facts) in enumerate(passed):
        if index in taken:
            record = joined_record(facts)
            row = quarantine_row(
                exporter, [facts["run_id"]], "duplicate_id", [taken[index]], facts, record
            )
            out["q_" + exporter].append(row)
        else:
            out[exporter].append(build(row_id, facts))


def preference_pairs(runs: list[dict]) -> list[tuple[dict, dict]]:
    """SPEC §4.1: (chosen, rejected) for every candidate that has a counterpart."""
    candidates = [
        f
        for f in runs
        if f["category"] in RANK
        and f["ev"] is not None
        and not blank(f["ev"]["task_id"])
        and f["complete"]
        and not blank(f["ev"]["text"])
    ]
    best: dict[tuple, dict] = {}  # (task_id, rank): latest recorded_at, then smallest run_id
    for f in candidates:
        slot = (f["ev"]["task_id"], RANK[f["category"]])
        held = best.get(slot)
        key = (-f["ev"]["recorded_at"], f["run_id"])
        if held is None or key < (-held["ev"]["recorded_at"], held["run_id"]):
            best[slot] = f
    pairs = []
    for rejected in candidates:
        task_id, rank = rejected["ev"]["task_id"], RANK[rejected["category"]]
        for chosen_rank in (3, 2, 1):
            chosen = best.get((task_id, chosen_rank))
            if chosen_rank - rank >= MIN_GAP and chosen is not None:
                pairs.append((chosen, rejected))
                break
    return pairs


def pair_gates(chosen: dict, rejected: dict, reason_text: str, policy: Policy):
    c, r = chosen["ev"], rejected["ev"]
    invalid = []
    if trim(c["text"]) == trim(r["text"]):
        invalid.append("chosen and rejected texts are equal after trim")
    both = not blank(c["instruction"]) and not blank(r["instruction"])
    if both and trim(c["instruction"]) != trim(r["instruction"]):
        invalid.append("chosen and rejected instructions differ")
    if blank(c["instruction"]):
        invalid.append("the chosen run has no instruction to use as the prompt")
    refs = chosen["file_refs_error"]
    secrets = [
        ("prompt", chosen["secrets_in_instruction"]),
        ("chosen", chosen["secrets_in_text"]),
        ("rejected", rejected["secrets_in_text"]),
        ("reason", policy.secrets_in(reason_text)),
    ]
    same = chosen["run_id"] == rejected["run_id"]
    return verdict(
        [
            ("self_pairing", "chosen and rejected are the same run" if same else None),
            ("invalid_preference_pairing", "; ".join(invalid) or None),
            ("hallucinated_file_path", refs and "chosen run: " + refs),
            ("secret_detected", secret_error(secrets)),
        ]
    )


def export_pairs(runs: list[dict], policy: Policy, out: dict) -> None:
    passed = []
    for chosen, rejected in preference_pairs(runs):
        reason_text = (
            f"chosen scored '{chosen['category']}' | rejected scored '{rejected['category']}'"
        )
        rationale = chosen["score"]["rationale"]
        if not blank(rationale):
            reason_text += " | chosen-rationale: " + rationale
        reason, errors = pair_gates(chosen, rejected, reason_text, policy)
        if reason is None:
            c, r = chosen["ev"], rejected["ev"]
            row_id = "pref-" + hex16(
                chosen["run_id"], c["sig_hash"], rejected["run_id"], r["sig_hash"]
            )
            owner = f"{rejected['run_id']} / {chosen['run_id']}"
            passed.append(
                (
                    row_id,
                    (rejected["run_id"], chosen["run_id"]),
                    owner,
                    chosen,
                    rejected,
                    reason_text,
                )
            )
        else:
            out["q_preference"].append(pair_quarantine(chosen, rejected, reason, errors))
    taken = duplicate_ids([p[:3] for p in passed])
    for index, (row_id, _, _, chosen, rejected, reason_text) in enumerate(passed):
        if index in taken:
            out["q_preference"].append(
                pair_quarantine(chosen, rejected, "duplicate_id", [taken[index]])
            )
        else:
            out["preference"].append(pair_row(row_id, chosen, rejected, reason_text))


def pair_row(row_id: str, chosen: dict, rejected: dict, reason_text: str) -> dict:
    c, r = chosen["ev"], rejected["ev"]
    return {
        "id": row_id,
        "prompt": c["instruction"],
        "chosen": c["text"],
        "rejected": r["text"],
        "reason": reason_text,
        "chosen_run_id": chosen["run_id"],
        "rejected_run_id": rejected["run_id"],
        "chosen_score": chosen["category"],
        "rejected_score": rejected["category"],
        "task_id": c["task_id"],
        "provenance": {"chosen": provenance(c), "rejected": provenance(r)},
        "created_at": format_ts(max(c["recorded_at"], r["recorded_at"])),
    }


def pair_quarantine(chosen: dict, rejected: dict, reason: str, errors: list) -> dict:
    key = [rejected["run_id"], chosen["run_id"]]
    record = {"chosen": joined_record(chosen), "rejected": joined_record(rejected)}
    return quarantine_row("preference", key, reason, errors, rejected, record)


# ---------------------------------------------------------------------------------------------
# the run
# ---------------------------------------------------------------------------------------------


def write_all(out_dir: Path, out: dict) -> None:
    """Every file sorted by id, written to a temp file beside it, fsynced, then all renamed."""
    written = []
    for name, relative in FILES.items():
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            for row in sorted(out[name], key=lambda row: row["id"]):
                handle.write(dump(row) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        written.append((tmp, path))
    for tmp, path in written:
        os.replace(tmp, path)


def export_all(evidence: str, scored: str, manifest: str | None, out_dir: Path) -> dict:
    out: dict[str, list] = {name: [] for name in FILES}
    policy = Policy()
    canonical = stage_evidence(evidence, out["q_ingest"])
    scores = stage_scores(scored, out["q_ingest"])
    listed = read_manifest(manifest)
    runs = [
        run_facts(run_id, score, canonical.get(run_id), policy, listed)
        for run_id, score in scores.items()
    ]
    export_runs("rag", runs, policy, out)
    export_runs("sft", runs, policy, out)
    export_pairs(runs, policy, out)
    write_all(out_dir, out)
    return {name: len(rows) for name, rows in out.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.per_row", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--evidence", required=True, help="evidence JSON Lines: path or glob")
    parser.add_argument("--scored", required=True, help="scored runs JSON Lines: path or glob")
    parser.add_argument("--manifest", default=None, help="repo manifest (default: none)")
    parser.add_argument("--out", required=True, type=Path, help="export folder")
    args = parser.parse_args(argv)
    try:
        counts = export_all(args.evidence, args.scored, args.manifest or None, args.out)
    except (InputError, OSError) as err:
        print(f"per_row: input error: {err}", file=sys.stderr)
        return 2
    print(" ".join(f"{name}={count}" for name, count in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
