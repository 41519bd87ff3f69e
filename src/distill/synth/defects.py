"""The defects the generator plants: one small function per kind, dispatched from a table.

A defective run takes the slow path: its record and score are dicts, each planter rewrites the
run's lines (or adds lines of its own), and the lines are written with ``json.dumps``. Planters
draw from the chunk's random stream in a fixed order: same arguments, same bytes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from distill.synth import vocabulary as v
from distill.synth.clock import Clock

__all__ = ["DEFECT_KINDS", "Planting", "plant"]

# Paths no repo of this vocabulary holds: plausible hallucinations (never in the manifest).
GHOST_PATHS = (
    "crates/vectord/src/playbook_memory_v2.rs",
    "crates/lakehouse/src/legacy_wal.rs",
    "services/scorer/scorer/judge_old.py",
    "crates/ghost/src/lib.rs",
    "docs/runbooks/restore-from-tape.md",
    "web/src/components/RunTableLegacy.tsx",
)
UNSAFE_PATHS = (
    "/etc/passwd",
    "/home/dev/lakehouse/crates/vectord/src/lib.rs",
    "../secrets/prod.env",
    "crates/vectord/../../etc/shadow",
    "crates/vectord/src/..",
    "crates\\vectord\\src\\lib.rs",
    "~/notes/todo.md",
    "C:/Users/dev/lakehouse/src/main.rs",
    "c:\\temp\\dump.txt",
    "crates/vectord/src/lib.rs\u0007",
    "",
    "   ",
)
BAD_TIMESTAMPS = (
    "2026-02-30T10:00:00Z",
    "2026-04-23 10:00:00Z",
    "2026-04-23T24:00:00Z",
    "2026-04-23T10:00:60Z",
    "2026-04-23t10:00:00z",
    "2026-04-23T10:00:00+24:00",
    "2026-04-23T10:00:00+05:60",
    "2026-04-23T10:00:00.1234567890Z",
    "23/04/2026 10:00",
    "yesterday",
    "2026-04-23",
    "0000-12-31T23:00:00Z",
    "",
)


def secret(rnd: random.Random) -> str:
    """A SPEC §4 secret, built by concatenation so that this file holds no literal secret."""
    upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    alnum = "abcdefghijklmnopqrstuvwxyz" + upper
    kind = rnd.randrange(5)
    if kind == 0:
        return "AK" + "IA" + "".join(rnd.choice(upper) for _ in range(16))
    if kind == 1:
        return "gh" + rnd.choice("pousr") + "_" + "".join(rnd.choice(alnum) for _ in range(36))
    if kind == 2:
        return "s" + "k-" + "".join(rnd.choice(alnum + "_-") for _ in range(rnd.randrange(20, 48)))
    if kind == 3:
        return "xo" + "xb-" + "-".join("".join(rnd.choice(alnum) for _ in range(8)) for _ in (1, 2))
    return "-----BEGIN " + "RSA PRIV" + "ATE KEY-----\nMIIEowIBAAKCAQEA7"


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def utf8(line: str) -> bytes:
    """UTF-8 bytes of line; lone surrogates U+DC80-U+DCFF become the raw (invalid) bytes."""
    return line.encode("utf-8", "surrogateescape")


@dataclass
class Planting:
    """One defective run while its defect is planted.

    A planter rewrites ``ev_line`` and ``sc_line`` (None leaves the line out), or adds lines of
    its own: to ``ev``/``sc`` before the run's lines, to ``late_ev``/``late_sc`` after the
    chunk's runs. The four lists are the chunk's output.
    """

    rnd: random.Random
    clock: Clock
    rec: dict
    score: dict
    recorded_ms: int
    scored_ms: int
    ev: list[bytes]
    sc: list[bytes]
    late_ev: list[bytes]
    late_sc: list[bytes]
    ev_line: str | None = None
    sc_line: str | None = None


def plant(kind: str, p: Planting) -> None:
    """Writes the run's lines with defect `kind` planted."""
    p.ev_line = dumps(p.rec)
    p.sc_line = dumps(p.score)
    _PLANTERS[kind](p)
    if p.ev_line is not None:
        p.ev.append(utf8(p.ev_line + "\n"))
    if p.sc_line is not None:
        p.sc.append(utf8(p.sc_line + "\n"))


# --------------------------------------------------------------------------------------------
# Lines that do not parse
# --------------------------------------------------------------------------------------------


def _not_json(p: Planting) -> None:
    rnd, ev_line, rec = p.rnd, p.ev_line, p.rec
    p.ev_line = rnd.choice(
        (
            ev_line[: rnd.randrange(10, len(ev_line) - 2)],  # truncated write
            ev_line.replace('"run_id": ', '"run_id" ', 1),
            "{'run_id': " + repr(rec["run_id"]) + ", 'task_type': 'scrum_review'}",
            f"run_id={rec['run_id']} status=ok",
            ev_line[:-1] + "}}",  # trailing garbage
            "{" + ev_line,
        )
    )


def _json_array(p: Planting) -> None:
    p.ev_line = "[" + p.ev_line + "]"


def _json_string(p: Planting) -> None:
    p.ev_line = dumps(p.ev_line)


def _into_text(p: Planting, insert: str, spread: int) -> None:
    """Inserts `insert` into the text's JSON string, within `spread` characters of its start."""
    i = p.ev_line.index('"text": "') + 9 + (p.rnd.randrange(0, spread) if spread else 0)
    p.ev_line = p.ev_line[:i] + insert + p.ev_line[i:]


def _invalid_utf8(p: Planting) -> None:
    # Lone surrogates in the str become raw bytes under `surrogateescape`.
    bad = p.rnd.choice(("\udcff", "\udcc3", "\udce2\udc82", "\udcc0\udcaf", "\udced\udca0\udc80"))
    _into_text(p, bad, 40)


def _raw_control_char(p: Planting) -> None:
    _into_text(p, p.rnd.choice(("\t", "\x01", "\x1b", "\x00", "\x0c")), 40)


def _lone_surrogate(p: Planting) -> None:
    _into_text(p, p.rnd.choice(("\\ud800", "\\udc00", "\\udbff x", "\\ud83d")), 0)


def _duplicate_key_top(p: Planting) -> None:
    key = p.rnd.choice(("text", "run_id", "task_type", "provenance"))
    p.ev_line = p.ev_line[:-1] + f", {dumps(key)}: {dumps(p.rec[key])}}}"


def _duplicate_key_provenance(p: Planting) -> None:
    prov = p.rec["provenance"]
    body = dumps(prov)[:-1] + f', "line": {prov["line"] + 1}}}'
    p.ev_line = p.ev_line.replace(dumps(prov), body)


def _duplicate_key_context(p: Planting) -> None:
    p.rec["context"] = {"matrix": [v.MATRIX[0]]}
    p.ev_line = dumps(p.rec).replace(
        '"context": {"matrix": ["lakehouse_arch_v1"]}',
        '"context": {"matrix": ["lakehouse_arch_v1"], "matrix": ["crate_graph_v3"]}',
    )


def _blank_line(p: Planting) -> None:
    blank = p.rnd.choice(("", "   ", "\t", " \t ", "\r"))
    (p.ev if p.rnd.random() < 0.7 else p.sc).append(utf8(blank + "\n"))


def _scored_not_json(p: Planting) -> None:
    rnd, sc_line = p.rnd, p.sc_line
    p.sc_line = rnd.choice(
        (
            sc_line[: rnd.randrange(5, len(sc_line) - 2)],
            "[" + sc_line + "]",
            dumps(sc_line),
            "null",
            sc_line.replace('"category"', "category", 1),
        )
    )


# --------------------------------------------------------------------------------------------
# Records that break the schema
# --------------------------------------------------------------------------------------------


def _wrong_type_evidence(p: Planting) -> None:
    rec = p.rec
    field, value = p.rnd.choice(
        (
            ("run_id", 1776910485757),
            ("task_id", 4711),
            ("task_type", ["scrum_review"]),
            ("role", True),
            ("model", 4),
            ("instruction", {"text": rec["instruction"]}),
            ("context", ["lakehouse_arch_v1"]),
            ("context", "lakehouse_arch_v1"),
            ("text", 42),
            ("title", ["Review"]),
            ("file_refs", (rec["file_refs"] or ["README.md"])[0]),
            ("provenance", f"{rec['provenance']['source_file']}:12"),
        )
    )
    rec[field] = value
    p.ev_line = dumps(rec)


def _wrong_type_scored(p: Planting) -> None:
    field, value = p.rnd.choice(
        (
            ("category", 1),
            ("rationale", ["too long"]),
            ("scorer_version", 3.2),
            ("scored_at", 1776910485),
            ("run_id", None),
        )
    )
    p.score[field] = value
    p.sc_line = dumps(p.score)


def _missing_required_evidence(p: Planting) -> None:
    variant = p.rnd.randrange(3)
    if variant == 0:
        del p.rec["run_id"]
    elif variant == 1:
        del p.rec["task_type"]
    else:
        p.rec["task_type"] = p.rnd.choice(("", "  ", "\u3000"))
    p.ev_line = dumps(p.rec)


def _missing_required_scored(p: Planting) -> None:
    del p.score[p.rnd.choice(("run_id", "category"))]
    p.sc_line = dumps(p.score)


def _set_run_id(p: Planting, run_id: str) -> None:
    """Both lines of the run carry `run_id`."""
    p.rec["run_id"] = run_id
    p.score["run_id"] = run_id
    p.ev_line, p.sc_line = dumps(p.rec), dumps(p.score)


def _blank_run_id(p: Planting) -> None:
    _set_run_id(p, p.rnd.choice(("", " ", "\t", "\u00a0", "\u2003 ")))


def _control_char_run_id(p: Planting) -> None:
    _set_run_id(p, p.rec["run_id"] + p.rnd.choice(("\n", "\u0000", "\u001f", "\u007f")))


def _category_invalid(p: Planting) -> None:
    p.score["category"] = p.rnd.choice(
        ("approved", "Accepted", "ACCEPTED", "reject", "", "unknown", "needs-human-review")
    )
    p.sc_line = dumps(p.score)


# --------------------------------------------------------------------------------------------
# Runs that ingest keeps and a gate refuses (or that resolve to another line)
# --------------------------------------------------------------------------------------------


def _duplicate_evidence(p: Planting) -> None:
    rnd = p.rnd
    dup = json.loads(p.ev_line)
    shift = rnd.randrange(1_000, 3_600_000) * rnd.choice((1, -1))
    dup["provenance"]["recorded_at"] = p.clock.iso(p.recorded_ms + shift, 0.0)
    dup["provenance"]["line"] = p.rec["provenance"]["line"] + rnd.randrange(1, 500)
    p.late_ev.append(utf8(dumps(dup) + "\n"))


def _orphan_scored(p: Planting) -> None:
    p.ev_line = None


def _unscored_evidence(p: Planting) -> None:
    p.sc_line = None


def _blank_text(p: Planting) -> None:
    p.rec["text"] = p.rnd.choice(("", " ", "   ", "\n\n", "\t\n", "\u00a0", "\u3000", None))
    p.ev_line = dumps(p.rec)


def _blank_instruction(p: Planting) -> None:
    p.rec["instruction"] = p.rnd.choice(("", "  ", "\n", None))
    p.ev_line = dumps(p.rec)


def _missing_provenance(p: Planting) -> None:
    rec = p.rec
    prov = rec["provenance"]
    variant = p.rnd.randrange(8)
    if variant == 0:
        del rec["provenance"]
    elif variant == 1:
        rec["provenance"] = None
    elif variant == 2:
        rec["provenance"] = {}
    elif variant == 3:
        del prov["sig_hash"]
    elif variant == 4:
        prov["source_file"] = "  "
    elif variant == 5:
        prov["sig_hash"] = prov["sig_hash"][:8] + "\n" + prov["sig_hash"][8:]
    elif variant == 6:
        del prov["recorded_at"]
    else:
        prov["recorded_at"] = p.recorded_ms  # a number: the wrong type counts as absent
    p.ev_line = dumps(rec)


def _unparseable_recorded_at(p: Planting) -> None:
    p.rec["provenance"]["recorded_at"] = p.rnd.choice(BAD_TIMESTAMPS)
    p.ev_line = dumps(p.rec)


def _unparseable_scored_at(p: Planting) -> None:
    p.score["scored_at"] = p.rnd.choice(BAD_TIMESTAMPS)
    p.sc_line = dumps(p.score)


def _unsafe_file_ref(p: Planting) -> None:
    refs = list(p.rec["file_refs"] or [])
    refs.insert(p.rnd.randrange(len(refs) + 1), p.rnd.choice(UNSAFE_PATHS))
    p.rec["file_refs"] = refs
    p.ev_line = dumps(p.rec)


def _file_ref_not_in_manifest(p: Planting) -> None:
    refs = list(p.rec["file_refs"] or [])
    refs.append(p.rnd.choice(GHOST_PATHS))
    p.rec["file_refs"] = refs
    p.ev_line = dumps(p.rec)


def _secret(p: Planting) -> None:
    rec = p.rec
    found = secret(p.rnd)
    where = p.rnd.randrange(4)
    if where == 0 or (rec["title"] is None and where == 1):
        text = rec["text"]
        i = text.index("\n\n") + 2
        rec["text"] = f"{text[:i]}The config still contains `{found}` in plain text.\n\n{text[i:]}"
    elif where == 1:
        rec["title"] = f"{rec['title']} ({found})"
    elif where == 2:
        rec["instruction"] = f"{rec['instruction']} Token for the API: {found}"
    else:
        rec["text"] = f"{rec['text']}\n\nexport AWS_KEY={found}"
    p.ev_line = dumps(rec)


def _rescored(p: Planting) -> None:
    rnd = p.rnd
    for j in range(rnd.randrange(1, 3)):
        later = rnd.random() < 0.8
        delta = rnd.randrange(60_000, 172_800_000) * (j + 1)
        ms = p.scored_ms + delta if later else p.scored_ms - delta
        again = dict(p.score)
        again["scored_at"] = p.clock.iso(ms, rnd.random())
        if rnd.random() < 0.5:
            again["category"] = rnd.choice(v.CATEGORIES)
            again["rationale"] = rnd.choice(v.RATIONALES[again["category"]])
        again["scorer_version"] = v.SCORERS[-1]
        p.late_sc.append(utf8(dumps(again) + "\n"))


# Every defect kind, in planting (round-robin) order, with what the SPEC expects of it.
_PLANTERS: dict[str, Callable[[Planting], None]] = {
    "not_json": _not_json,  # evidence line that is not JSON at all -> ingest schema_violation
    "json_array": _json_array,  # a JSON array instead of an object -> schema_violation
    "json_string": _json_string,  # a JSON string (double-encoded record) -> schema_violation
    "invalid_utf8": _invalid_utf8,  # invalid UTF-8 bytes inside the text -> schema_violation
    # a raw control character inside a JSON string -> schema_violation
    "raw_control_char": _raw_control_char,
    "lone_surrogate": _lone_surrogate,  # a lone surrogate escape (\ud800) -> schema_violation
    "duplicate_key_top": _duplicate_key_top,  # a duplicate top-level key -> schema_violation
    # a duplicate key inside provenance -> schema_violation
    "duplicate_key_provenance": _duplicate_key_provenance,
    # a duplicate key inside context -> schema_violation
    "duplicate_key_context": _duplicate_key_context,
    # an empty or whitespace-only line -> skipped, counted as blank_lines
    "blank_line": _blank_line,
    # a listed evidence field of the wrong JSON type -> schema_violation
    "wrong_type_evidence": _wrong_type_evidence,
    # a listed scored-run field of the wrong JSON type -> schema_violation
    "wrong_type_scored": _wrong_type_scored,
    # run_id or task_type missing or blank -> schema_violation
    "missing_required_evidence": _missing_required_evidence,
    # run_id or category missing -> schema_violation
    "missing_required_scored": _missing_required_scored,
    "blank_run_id": _blank_run_id,  # run_id blank -> schema_violation
    # run_id holding an (escaped) control character -> schema_violation
    "control_char_run_id": _control_char_run_id,
    "category_invalid": _category_invalid,  # category outside the enum -> schema_violation
    # scored-run line that is not a JSON object -> schema_violation
    "scored_not_json": _scored_not_json,
    # a second record of the run, other recorded_at -> duplicate_id
    "duplicate_evidence": _duplicate_evidence,
    "orphan_scored": _orphan_scored,  # scored run without evidence -> missing_source_run_id
    "unscored_evidence": _unscored_evidence,  # evidence without a scored run -> unscored
    "blank_text": _blank_text,  # text blank -> empty_content
    "blank_instruction": _blank_instruction,  # instruction blank -> empty_content (SFT)
    # provenance absent, null or incomplete -> missing_provenance
    "missing_provenance": _missing_provenance,
    # provenance.recorded_at unparseable -> missing_provenance
    "unparseable_recorded_at": _unparseable_recorded_at,
    # scored_at unparseable -> the score counts as oldest
    "unparseable_scored_at": _unparseable_scored_at,
    # absolute, `..`, `\`, `~`, `C:` -> hallucinated_file_path
    "unsafe_file_ref": _unsafe_file_ref,
    # a plausible path the repo lacks -> hallucinated_file_path
    "file_ref_not_in_manifest": _file_ref_not_in_manifest,
    "secret": _secret,  # a SPEC §4 secret in text/title/instruction -> secret_detected
    # scored 2-3 times; the latest sometimes changes category -> superseded
    "rescored": _rescored,
}
DEFECT_KINDS: tuple[str, ...] = tuple(_PLANTERS)
