"""The shipped sample substrate (SPEC §8) and the defects set, written deterministically.

    python -m tools.sample [--out data/sample]

writes ``OUT/{evidence.jsonl, scored_runs.jsonl, repo_manifest.txt}``: exactly SPEC §8's
composition, every record valid apart from the 33 runs without evidence and the 37 blank texts,
and ``OUT/defects/``: a small substrate holding a few of every defect kind on known lines, with a
``README.md`` that states, line by line, what SPEC expects of each one.

Standard library only; texts come from ``distill.synth``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import pathlib
import random
from dataclasses import dataclass, field
from typing import Any

from distill import synth
from distill.synth import vocabulary as vocab

__all__ = ["SAMPLE_COUNTS", "build_defects", "build_sample", "main", "write_sample"]

SEED = 20260423
# Start of the sample's clock (2026-04-23T02:06:40Z), epoch milliseconds.
_BASE_MS = 1_776_910_000_000

# SPEC §8: scored runs per category; of the accepted ones 33 have no evidence, of the partially
# accepted ones 37 have a blank text.
SAMPLE_COUNTS = {
    "accepted": 384,
    "partially_accepted": 132,
    "rejected": 39,
    "needs_human_review": 497,
}
ORPHAN_ACCEPTED = 33
BLANK_TEXT_PARTIAL = 37
# Rejected runs placed in tasks that also hold accepted runs (preference pairs at min-gap 2);
# of the other 6, 3 share a task with partially accepted runs only, 3 have no counterpart.
PAIRED_REJECTED = 33
PREFERENCE_TASKS = 20

# Conversational task types only (SPEC §4 task class), with weights in percent.
_SAMPLE_TASK_TYPES = (("scrum_review", 60), ("observer_review", 25), ("mode_experiment", 15))
_TASK_INFO = {t[0]: t for t in vocab.TASK_TYPES}
# Blank texts the 37 partially accepted runs carry (SPEC §2: null or only whitespace).
_BLANK_TEXTS: tuple[str | None, ...] = ("", "   ", "\n", " \t\n", None, "\u00a0", "\u3000 ")


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _sorted_paths(paths: set[str] | list[str]) -> list[str]:
    return sorted(set(paths), key=lambda p: p.encode())


# --------------------------------------------------------------------------------------------
# The sample substrate
# --------------------------------------------------------------------------------------------


@dataclass
class _Task:
    task_type: str
    categories: list[str]
    paired: bool = False  # a preference task: accepted and rejected attempts


@dataclass
class _SampleRun:
    category: str
    task: int
    has_evidence: bool = True
    blank_text: bool = False


def _plan_tasks(rnd: random.Random) -> list[_Task]:
    """Groups SPEC §8's 1052 categories into tasks of 1-6 attempts."""
    left = dict(SAMPLE_COUNTS)
    tasks: list[_Task] = []

    def take(category: str) -> str:
        assert left[category] > 0, category
        left[category] -= 1
        return category

    def task_type() -> str:
        x = rnd.random() * 100
        for name, weight in _SAMPLE_TASK_TYPES:
            if x < weight:
                return name
            x -= weight
        return _SAMPLE_TASK_TYPES[-1][0]

    # Preference tasks: 13 with two rejected attempts and 7 with one (33 rejected), each with
    # one or two accepted attempts and up to two others.
    rejected_per_task = [2] * (PAIRED_REJECTED - PREFERENCE_TASKS) + [1] * (
        2 * PREFERENCE_TASKS - PAIRED_REJECTED
    )
    rnd.shuffle(rejected_per_task)
    for n_rejected in rejected_per_task:
        cats = [take("rejected") for _ in range(n_rejected)]
        cats += [take("accepted") for _ in range(rnd.choice((1, 1, 2)))]
        for _ in range(rnd.choice((0, 0, 1, 2))):
            cats.append(take(rnd.choice(("partially_accepted", "needs_human_review"))))
        rnd.shuffle(cats)
        tasks.append(_Task(task_type(), cats, paired=True))
    # Rejected without an accepted counterpart: 3 next to partially accepted runs only (pairs at
    # min-gap 1), 3 alone or next to needs_human_review runs (no counterpart).
    for _ in range(3):
        cats = [take("rejected"), take("partially_accepted")]
        rnd.shuffle(cats)
        tasks.append(_Task(task_type(), cats))
    tasks.append(_Task(task_type(), [take("rejected")]))
    tasks.append(_Task(task_type(), [take("rejected"), take("needs_human_review")]))
    tasks.append(_Task(task_type(), [take("needs_human_review"), take("rejected")]))
    assert left["rejected"] == 0
    # Everything else: shuffled into tasks of 1-6 attempts.
    pool = [c for c, n in left.items() for _ in range(n)]
    rnd.shuffle(pool)
    while pool:
        n = rnd.choices(range(1, 7), weights=vocab.ATTEMPT_WEIGHTS)[0]
        tasks.append(_Task(task_type(), pool[:n]))
        del pool[:n]
    rnd.shuffle(tasks)
    return tasks


def build_sample(seed: int = SEED) -> tuple[bytes, bytes, bytes]:
    """(evidence.jsonl, scored_runs.jsonl, repo_manifest.txt) of the SPEC §8 sample."""
    rnd = random.Random(f"distill-sample/{seed}")
    paths = vocab.repo_paths()
    groups = vocab.path_groups(paths)
    clock = synth.Clock()
    tasks = _plan_tasks(rnd)
    runs = [_SampleRun(category, t) for t, task in enumerate(tasks) for category in task.categories]
    # Orphans and blank texts: outside the preference tasks, so every pair keeps its sides.
    free = [r for r in runs if not tasks[r.task].paired]
    for r in rnd.sample([r for r in free if r.category == "accepted"], ORPHAN_ACCEPTED):
        r.has_evidence = False
    partial = [r for r in free if r.category == "partially_accepted"]
    for r in rnd.sample(partial, BLANK_TEXT_PARTIAL):
        r.blank_text = True

    evidence: list[str] = []
    scored: list[str] = []
    refs_used: set[str] = set()
    source_line = {name: 1 + 40 * i for i, name in enumerate(sorted(_TASK_INFO))}
    blank_cursor = 0
    ms = _BASE_MS
    run_index = 0
    for t, task in enumerate(tasks):
        task_type, prefix, source_file, _ = _TASK_INFO[task.task_type]
        p = rnd.randrange(len(paths))
        path = paths[p]
        group = groups[p]
        instruction = rnd.choice(vocab.INSTRUCTIONS).replace("{path}", path)
        if len(task.categories) == 1 and rnd.random() < 0.25:
            task_id = None
        else:
            task_id = f"{prefix}-task-{t + 1:04d}"
        role = "observer" if task_type.startswith("observer") else "executor"
        ms += rnd.randrange(60_000, 900_000)
        for _ in task.categories:
            run = runs[run_index]
            run_index += 1
            ms += rnd.randrange(20_000, 240_000)
            run_id = f"{prefix}:{ms}:{path}"
            recorded_ms = ms + rnd.randrange(4_000, 120_000)
            scored_ms = recorded_ms + rnd.randrange(60_000, 3_600_000)
            if run.has_evidence:
                refs = [path]
                for _ in range(rnd.randrange(0, 4)):
                    ref = rnd.choice(group)
                    if ref not in refs:
                        refs.append(ref)
                refs_used.update(refs)
                text: str | None = synth.review_text(rnd, path)
                if run.blank_text:
                    text = _BLANK_TEXTS[blank_cursor % len(_BLANK_TEXTS)]
                    blank_cursor += 1
                matrix = rnd.sample(vocab.MATRIX, rnd.randrange(1, 4))
                context: dict[str, Any] | None = {"matrix": matrix}
                if task_type == "mode_experiment":
                    context = {"matrix": matrix, "mode": rnd.choice(vocab.MODES)}
                elif rnd.random() < 0.08:
                    context = None
                title = None
                if rnd.random() < 0.55:
                    title = rnd.choice(vocab.TITLES).format(
                        path=path,
                        module=path.rsplit("/", 1)[-1],
                        ty=rnd.choice(vocab.TYPES),
                        fn=rnd.choice(vocab.FNS),
                    )
                record = {
                    "run_id": run_id,
                    "task_id": task_id,
                    "task_type": task_type,
                    "role": role,
                    "model": rnd.choice(vocab.MODELS),
                    "instruction": instruction,
                    "context": context,
                    "text": text,
                    "title": title,
                    "file_refs": refs,
                    "provenance": {
                        "source_file": source_file,
                        "line": source_line[task_type],
                        "sig_hash": f"{rnd.getrandbits(256):064x}",
                        "recorded_at": clock.iso(recorded_ms, rnd.random()),
                    },
                }
                source_line[task_type] += 1
                evidence.append(_dumps(record) + "\n")
            score = {
                "run_id": run_id,
                "category": run.category,
                "rationale": rnd.choice(vocab.RATIONALES[run.category]),
                "scorer_version": rnd.choice(vocab.SCORERS),
                "scored_at": clock.iso(scored_ms, rnd.random()),
            }
            scored.append(_dumps(score) + "\n")
    manifest = "".join(p + "\n" for p in _sorted_paths(refs_used))
    return "".join(evidence).encode(), "".join(scored).encode(), manifest.encode()


# --------------------------------------------------------------------------------------------
# The defects set
# --------------------------------------------------------------------------------------------

EXPORTED = "exported"
# Secrets, built by concatenation so this file holds no literal secret. AWS's documented
# example key id and obviously fake tokens, so that secret scanners of code hosts stay calm.
_AWS_KEY = "AK" + "IA" + "IOSFODNN7" + "EXAMPLE"
_GH_TOKEN = "gh" + "p_" + "EXAMPLE0" * 4 + "0000"
_API_KEY = "s" + "k-" + "example_" * 3 + "0000"
_SLACK_TOKEN = "xo" + "xb-" + "0000000000-EXAMPLE"
_PRIVATE_KEY = (
    "-----BEGIN " + "RSA PRIV" + "ATE KEY-----\nEXAMPLE\n-----END RSA PRIV" + "ATE KEY-----"
)
_NEAR_MISS = "AK" + "IA" + "IOSFODNN7" + "EXAMPL"  # 15 characters after AKIA: not a key id


@dataclass
class _Line:
    data: bytes  # without the line ending
    case: str  # what this line is
    ingest: str  # staged, blank, schema_violation or duplicate_id
    run_id: str | None = None
    end: bytes = b"\n"
    superseded: bool = False  # a staged score that a later score of the run replaces


@dataclass
class _Pair:
    task_id: str
    chosen: str
    rejected: str
    outcome: str
    note: str = ""


@dataclass
class Defects:
    """The defects set and what SPEC expects of it (default options, with the manifest)."""

    evidence: list[_Line] = field(default_factory=list)
    scored: list[_Line] = field(default_factory=list)
    manifest: list[tuple[str, bytes]] = field(default_factory=list)  # (path, line ending)
    # run_id -> (case, RAG outcome, SFT outcome) for every scored run (latest score)
    runs: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    pairs: list[_Pair] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def files(self) -> dict[str, bytes]:
        ev = b"\xef\xbb\xbf" + b"".join(x.data + x.end for x in self.evidence)
        sc = b"".join(x.data + x.end for x in self.scored)
        mf = b"\xef\xbb\xbf" + b"".join(p.encode() + end for p, end in self.manifest)
        return {
            "evidence.jsonl": ev,
            "scored_runs.jsonl": sc,
            "repo_manifest.txt": mf,
            "README.md": self.readme().encode(),
        }

    def readme(self) -> str:
        def cell(s: str | None) -> str:
            return "" if s is None else s.replace("|", "\\|").replace("\n", " ")

        def code(s: str | None) -> str:
            return "" if s is None else f"`{cell(s)}`"

        out = [
            "# Defects set",
            "",
            "A small substrate holding a few of every defect kind the SPEC names, each on a known",
            "line, with what the SPEC expects of it. Generated by `python -m distill.sample`",
            "(do not edit by hand). Run it with its own manifest and default options:",
            "",
            "```sh",
            "distill export-all --evidence data/sample/defects/evidence.jsonl \\",
            "    --scored data/sample/defects/scored_runs.jsonl \\",
            "    --manifest data/sample/defects/repo_manifest.txt",
            "```",
            "",
            "Whole-file properties: `evidence.jsonl` starts with a UTF-8 byte-order mark, its",
            "line 2 ends in CRLF, and its last line has no trailing newline. `repo_manifest.txt`",
            "starts with a byte-order mark, has one CRLF line and one blank line.",
            "",
            "Outcomes: *staged* (ingest keeps the line), *blank* (skipped, counted in",
            "`blank_lines`), *superseded* (an older score of a re-scored run: counted, not",
            "quarantined), or a quarantine `reason`. RAG and SFT are the outcomes of the run's",
            "latest score with default options (`--include-review` and `--include-partial` off,",
            "`--min-gap 2`).",
            "",
            "## evidence.jsonl",
            "",
            "| line | run_id | case | ingest |",
            "|---:|---|---|---|",
        ]
        for i, x in enumerate(self.evidence, 1):
            out.append(f"| {i} | {code(x.run_id)} | {cell(x.case)} | {x.ingest} |")
        out += [
            "",
            "## scored_runs.jsonl",
            "",
            "| line | run_id | case | ingest | RAG | SFT |",
            "|---:|---|---|---|---|---|",
        ]
        winners = self.winning_lines()
        for i, x in enumerate(self.scored, 1):
            rag = sft = ""
            if i in winners:
                _, rag, sft = self.runs[x.run_id]
            ingest = "staged, superseded" if x.superseded else x.ingest
            out.append(f"| {i} | {code(x.run_id)} | {cell(x.case)} | {ingest} | {rag} | {sft} |")
        out += [
            "",
            "## Preference pairs (`--min-gap 2`)",
            "",
            "Every candidate pair, exported or quarantined. No other pair may appear.",
            "",
            "| task_id | chosen | rejected | outcome | why |",
            "|---|---|---|---|---|",
        ]
        for p in self.pairs:
            out.append(
                f"| {code(p.task_id)} | {code(p.chosen)} | {code(p.rejected)} | {p.outcome} "
                f"| {cell(p.note)} |"
            )
        out += ["", "## Notes", ""]
        out += [f"- {n}" for n in self.notes]
        out += ["", "## Expected totals", ""]
        out += [f"- {k}: {v}" for k, v in self.totals().items()]
        return "\n".join(out) + "\n"

    def winning_lines(self) -> dict[int, str]:
        """Scored-file line numbers holding a run's latest score (as the builder declared)."""
        return {
            i: x.run_id
            for i, x in enumerate(self.scored, 1)
            if x.ingest == "staged" and not x.superseded and x.run_id in self.runs
        }

    def totals(self) -> dict[str, Any]:
        def count(lines: list[_Line]) -> dict[str, int]:
            out: dict[str, int] = {"lines": len(lines)}
            for x in lines:
                out[x.ingest] = out.get(x.ingest, 0) + 1
                if x.superseded:
                    out["superseded"] = out.get("superseded", 0) + 1
            return out

        def by(i: int) -> dict[str, int]:
            out: dict[str, int] = {}
            for v in self.runs.values():
                out[v[i]] = out.get(v[i], 0) + 1
            return dict(sorted(out.items()))

        pairs: dict[str, int] = {}
        for p in self.pairs:
            pairs[p.outcome] = pairs.get(p.outcome, 0) + 1
        return {
            "evidence lines": count(self.evidence),
            "scored lines": count(self.scored),
            "scored runs": len(self.runs),
            "RAG": by(1),
            "SFT": by(2),
            "preference pairs": dict(sorted(pairs.items())),
        }


class _DefectsBuilder:
    """Builds the defects set: valid records from a template, then one defect per case."""

    def __init__(self) -> None:
        self.rnd = random.Random("distill-defects/v1")
        self.d = Defects()
        self.paths = vocab.repo_paths()
        self.refs: set[str] = set()
        self.n = 0

    # -- records ----------------------------------------------------------------------------

    def run_id(self, prefix: str = "scrum", path: str | None = None) -> str:
        self.n += 1
        path = path or self.paths[(self.n * 37) % len(self.paths)]
        return f"{prefix}:{1_776_920_000_000 + self.n * 61_000}:{path}"

    def record(self, run_id: str, **over: Any) -> dict[str, Any]:
        rnd = self.rnd
        prefix, ms, path = run_id.split(":", 2)
        task_type = {"scrum": "scrum_review", "observer": "observer_review"}.get(
            prefix, "mode_experiment"
        )
        fn, issue, fix = rnd.choice(vocab.FNS), rnd.choice(vocab.ISSUES), rnd.choice(vocab.FIXES)
        text = (
            f"## Review — `{path}`\n\n- `{fn}()` {issue}; {fix}.\n"
            f"- Risk is {rnd.choice(vocab.RISKS)}; naïve fixes will not do.\n\n"
            f"**Verdict:** {rnd.choice(('approve', 'request changes', 'approve with changes'))}."
        )
        rec: dict[str, Any] = {
            "run_id": run_id,
            "task_id": f"{prefix}-task-d{self.n:03d}",
            "task_type": task_type,
            "role": "observer" if prefix == "observer" else "executor",
            "model": rnd.choice(vocab.MODELS),
            "instruction": f"Review `{path}` for correctness and concurrency hazards.",
            "context": {"matrix": ["lakehouse_arch_v1", "lakehouse_symbols_v1"]},
            "text": text,
            "title": f"Review of {path}" if self.n % 2 else None,
            "file_refs": [path],
            "provenance": {
                "source_file": "data/_kb/scrum_reviews.jsonl",
                "line": 100 + self.n,
                "sig_hash": f"{rnd.getrandbits(128):032x}",
                "recorded_at": _iso(int(ms) + 30_000),
            },
        }
        rec.update(over)
        self.refs.add(path)  # the manifest lists every default file_ref
        return rec

    def score(self, run_id: Any, category: Any, **over: Any) -> dict[str, Any]:
        base = int(run_id.split(":")[1]) if isinstance(run_id, str) and ":" in run_id else 0
        out = {
            "run_id": run_id,
            "category": category,
            "rationale": self.rnd.choice(vocab.RATIONALES.get(category, ("n/a",))),
            "scorer_version": "scorer-v3.2.1",
            "scored_at": _iso(base + 600_000) if base else "2026-04-23T10:00:00Z",
        }
        out.update(over)
        return out

    # -- lines --------------------------------------------------------------------------------

    def ev(self, data: Any, case: str, ingest: str = "staged", run_id: str | None = None) -> None:
        if isinstance(data, dict):
            run_id = run_id or data.get("run_id")
            data = _dumps(data)
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        self.d.evidence.append(_Line(data, case, ingest, run_id))

    def sc(
        self,
        data: Any,
        case: str,
        ingest: str = "staged",
        run_id: str | None = None,
        superseded: bool = False,
    ) -> None:
        if isinstance(data, dict):
            run_id = run_id or data.get("run_id")
            data = _dumps(data)
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        self.d.scored.append(_Line(data, case, ingest, run_id, superseded=superseded))

    def expect(self, run_id: str, case: str, rag: str, sft: str) -> None:
        self.d.runs[run_id] = (case, rag, sft)

    def scored_run(
        self, rec: dict[str, Any], category: str, case: str, rag: str, sft: str, **over: Any
    ) -> None:
        """A valid scored line for rec's run, and what RAG and SFT must do with it."""
        self.sc(self.score(rec["run_id"], category, **over), case)
        self.expect(rec["run_id"], case, rag, sft)

    # -- the cases ------------------------------------------------------------------------------

    def build(self) -> Defects:
        self.valid_runs()
        self.malformed()
        self.schema()
        self.duplicates_and_unscored()
        self.content_and_provenance()
        self.paths_and_secrets()
        self.task_classes_and_rescores()
        self.preference()
        self.scored_defects()
        self.finish()
        return self.d

    def valid_runs(self) -> None:
        r = self.record(self.run_id())
        self.ev(r, "valid accepted run, after the byte-order mark")
        self.scored_run(r, "accepted", "accepted", EXPORTED, EXPORTED)
        r = self.record(self.run_id("observer"))
        self.ev(r, "valid accepted run, line ends in CRLF")
        self.d.evidence[-1].end = b"\r\n"
        self.scored_run(r, "accepted", "accepted (evidence line ends in CRLF)", EXPORTED, EXPORTED)
        self.ev("", "empty line", "blank")
        r = self.record(self.run_id())
        self.ev(r, "valid partially accepted run")
        self.scored_run(
            r, "partially_accepted", "partially_accepted", EXPORTED, "category_disallowed"
        )
        self.ev("  \t ", "whitespace-only line (spaces, tab)", "blank")
        r = self.record(self.run_id("mode"))
        self.ev(r, "valid needs_human_review run")
        self.scored_run(
            r,
            "needs_human_review",
            "needs_human_review",
            "category_disallowed",
            "unsafe_sft_category",
        )
        self.ev("\u00a0\u00a0", "line of two U+00A0 (whitespace per SPEC §2)", "blank")
        r = self.record(self.run_id(), task_id=None)
        self.ev(r, "valid rejected run, task_id null")
        self.scored_run(r, "rejected", "rejected", "unsafe_rag_category", "unsafe_sft_category")

    def orphaned(self, rid: str, case: str) -> None:
        """A scored accepted run whose evidence line was quarantined: no evidence record."""
        self.sc(self.score(rid, "accepted"), f"accepted; its evidence line is invalid ({case})")
        self.expect(rid, case, "missing_source_run_id", "missing_source_run_id")

    def malformed(self) -> None:
        sv = "schema_violation"
        rid = self.run_id()
        line = _dumps(self.record(rid))
        self.ev(line[:90], "not JSON: record truncated mid-string", sv, rid)
        self.orphaned(rid, "truncated evidence")
        rid = self.run_id()
        self.ev("[" + _dumps(self.record(rid)) + "]", "JSON array instead of an object", sv, rid)
        rid = self.run_id()
        self.ev(_dumps(_dumps(self.record(rid))), "JSON string (double-encoded record)", sv, rid)
        self.ev("null", "JSON null instead of an object", sv)
        rid = self.run_id()
        line = _dumps(self.record(rid)).replace("naïve", "na\udcefve")
        self.ev(line, "invalid UTF-8: byte 0xEF alone inside text", sv, rid)
        self.orphaned(rid, "invalid UTF-8")
        rid = self.run_id()
        line = _dumps(self.record(rid)).replace("## Review", "## Re\x01view", 1)
        self.ev(line, "raw control character U+0001 inside text", sv, rid)
        rid = self.run_id()
        line = _dumps(self.record(rid)).replace("## Review", "## Review\t", 1)
        self.ev(line, "raw TAB inside text", sv, rid)
        rid = self.run_id()
        line = _dumps(self.record(rid)).replace("## Review", "## \\ud800Review", 1)
        self.ev(line, "lone surrogate escape \\ud800 in text", sv, rid)
        self.orphaned(rid, "lone surrogate")
        r = self.record(self.run_id())
        line = _dumps(r).replace("## Review", "## \\ud83d\\ude00 Review", 1)
        self.ev(line, "valid surrogate pair escape (an emoji) in text", run_id=r["run_id"])
        self.scored_run(r, "accepted", "accepted (emoji via surrogate pair)", EXPORTED, EXPORTED)

    def schema(self) -> None:
        sv = "schema_violation"
        rid = self.run_id()
        r = self.record(rid)
        line = _dumps(r)[:-1] + ', "text": "second text"}'
        self.ev(line, "duplicate top-level key `text`", sv, rid)
        rid = self.run_id()
        r = self.record(rid)
        prov = _dumps(r["provenance"])
        line = _dumps(r).replace(prov, prov[:-1] + ', "line": 7}')
        self.ev(line, "duplicate key `line` inside provenance", sv, rid)
        self.orphaned(rid, "duplicate provenance key")
        rid = self.run_id()
        line = _dumps(self.record(rid)).replace(
            '"context": {"matrix": ["lakehouse_arch_v1", "lakehouse_symbols_v1"]}',
            '"context": {"matrix": ["lakehouse_arch_v1"], "matrix": ["crate_graph_v3"]}',
        )
        self.ev(line, "duplicate key `matrix` inside context", sv, rid)
        r = self.record(self.run_id())
        line = _dumps(r)[:-1] + ', "meta": {"attempt": 1, "attempt": 2}}'
        self.ev(
            line,
            "duplicate key one level deeper (extra field `meta`): not checked",
            run_id=r["run_id"],
        )
        self.scored_run(r, "accepted", "accepted (duplicate key deeper)", EXPORTED, EXPORTED)
        r = self.record(self.run_id())
        line = _dumps(r)[:-1] + ', "latency_ms": NaN, "tokens": [1, 2,],}'
        self.ev(line, "DuckDB leniency: NaN literal and trailing commas", run_id=r["run_id"])
        self.scored_run(r, "accepted", "accepted (NaN, trailing commas)", EXPORTED, EXPORTED)
        r = self.record(self.run_id())
        r["text"] = r["text"].replace("## Review", "## Review\x7f", 1)
        self.ev(r, "raw U+007F inside text (valid JSON)")
        self.scored_run(r, "accepted", "accepted (raw U+007F)", EXPORTED, EXPORTED)
        rid = self.run_id()
        r = self.record(rid)
        r["file_refs"] = r["file_refs"][0]
        self.ev(r, "wrong type: file_refs is a string", sv)
        self.orphaned(rid, "file_refs string")
        self.ev(self.record(self.run_id(), text=42), "wrong type: text is a number", sv)
        self.ev(
            self.record(self.run_id(), provenance="data/_kb/scrum_reviews.jsonl:12"),
            "wrong type: provenance is a string",
            sv,
        )
        self.ev(
            self.record(self.run_id(), context=["lakehouse_arch_v1"]),
            "wrong type: context is an array",
            sv,
        )
        self.ev(self.record(self.run_id(), task_id=4711), "wrong type: task_id is a number", sv)
        r = self.record(self.run_id())
        del r["run_id"]
        self.ev(r, "required field run_id missing", sv)
        rid = self.run_id()
        r = self.record(rid)
        del r["task_type"]
        self.ev(r, "required field task_type missing", sv, rid)
        self.orphaned(rid, "task_type missing")
        r = self.record(self.run_id())
        r["run_id"] = "   "
        self.ev(r, "blank run_id", sv)
        r = self.record(self.run_id())
        r["run_id"] += "\u0007"
        self.ev(r, "control character (escaped \\u0007) in run_id", sv)

    def duplicates_and_unscored(self) -> None:
        rid = self.run_id()
        early = self.record(rid)
        late = json.loads(_dumps(early))
        late["provenance"]["recorded_at"] = _shift(early["provenance"]["recorded_at"], 3_600_000)
        late["provenance"]["line"] += 50
        self.ev(late, "duplicate run_id, later recorded_at (first in file)", "duplicate_id")
        self.ev(early, "duplicate run_id, earliest recorded_at: the canonical record")
        self.scored_run(early, "accepted", "accepted (evidence duplicated)", EXPORTED, EXPORTED)
        rid = self.run_id()
        good = self.record(rid)
        bad = json.loads(_dumps(good))
        bad["provenance"]["recorded_at"] = "2026-04-23T25:00:00Z"
        self.ev(bad, "duplicate run_id, unparseable recorded_at (sorts last)", "duplicate_id")
        self.ev(good, "duplicate run_id, parseable recorded_at: the canonical record")
        self.scored_run(
            good, "accepted", "accepted (evidence duplicated, one unparseable)", EXPORTED, EXPORTED
        )
        self.ev(self.record(self.run_id()), "unscored evidence (no scored run)")

    def content_and_provenance(self) -> None:
        def case(rec: dict, what: str, category: str, rag: str, sft: str) -> None:
            self.ev(rec, what)
            self.scored_run(rec, category, f"{category}: {what}", rag, sft)

        ec, mp = "empty_content", "missing_provenance"
        case(self.record(self.run_id(), text="   "), "text of spaces", "accepted", ec, ec)
        case(
            self.record(self.run_id(), text=None),
            "text null",
            "partially_accepted",
            ec,
            "category_disallowed",
        )
        case(
            self.record(self.run_id(), text="\u00a0\u3000\n"),
            "text of U+00A0, U+3000, newline",
            "accepted",
            ec,
            ec,
        )
        case(
            self.record(self.run_id(), instruction=""),
            "instruction empty",
            "accepted",
            EXPORTED,
            ec,
        )
        case(self.record(self.run_id(), provenance=None), "provenance null", "accepted", mp, mp)
        r = self.record(self.run_id())
        del r["provenance"]["sig_hash"]
        case(r, "provenance without sig_hash", "accepted", mp, mp)
        r = self.record(self.run_id())
        r["provenance"]["recorded_at"] = 1776920000
        case(r, "provenance.recorded_at a number (wrong sub-type: absent)", "accepted", mp, mp)
        r = self.record(self.run_id())
        r["provenance"]["line"] = "12"
        case(
            r,
            "provenance.line a string (absent: exported with line null)",
            "accepted",
            EXPORTED,
            EXPORTED,
        )
        r = self.record(self.run_id())
        r["provenance"]["recorded_at"] = "2026-02-30T10:00:00Z"
        case(r, "recorded_at not a calendar date (2026-02-30)", "accepted", mp, mp)
        r = self.record(self.run_id())
        r["provenance"]["recorded_at"] = "2026-04-23T10:00:60Z"
        case(r, "recorded_at with second 60", "accepted", mp, mp)
        r = self.record(self.run_id())
        r["provenance"]["recorded_at"] = "2026-04-23T12:00:00.123456789+02:00"
        case(
            r,
            "recorded_at with 9 fraction digits and an offset (valid)",
            "accepted",
            EXPORTED,
            EXPORTED,
        )

    def paths_and_secrets(self) -> None:
        hp, sd = "hallucinated_file_path", "secret_detected"

        def case(rec: dict, what: str, rag: str, sft: str, category: str = "accepted") -> None:
            self.ev(rec, what)
            self.scored_run(rec, category, f"{category}: {what}", rag, sft)

        for bad, what in (
            ("/etc/passwd", "absolute path"),
            ("../secrets/prod.env", "a `..` segment"),
            ("crates\\vectord\\src\\lib.rs", "backslashes"),
            ("~/notes/todo.md", "home-relative `~`"),
            ("C:/Users/dev/main.rs", "drive letter `C:`"),
        ):
            r = self.record(self.run_id())
            r["file_refs"] = [r["file_refs"][0], bad]
            case(r, f"unsafe file_ref: {what}", hp, hp)
        r = self.record(self.run_id())
        r["file_refs"] = [r["file_refs"][0], "crates/vectord/src/playbook_memory_v2.rs"]
        case(r, "file_ref not in the manifest", hp, hp)
        r = self.record(self.run_id())
        r["file_refs"] = ["./" + r["file_refs"][0]]
        case(r, "file_ref with a leading `./` (listed once it is removed)", EXPORTED, EXPORTED)
        crlf_path = "docs/runbooks/failover.md"
        r = self.record(self.run_id(path=crlf_path))
        case(r, "file_ref listed on the manifest's CRLF line", EXPORTED, EXPORTED)
        self.crlf_path = crlf_path
        r = self.record(self.run_id(path=".github/workflows/ci.yml"))
        case(r, "file_ref listed on the manifest's first line (after its BOM)", EXPORTED, EXPORTED)
        self.first_path = ".github/workflows/ci.yml"

        r = self.record(self.run_id())
        r["text"] = r["text"].replace("\n\n", f"\n\nThe config still holds `{_AWS_KEY}`.\n\n", 1)
        case(r, "secret in text: AWS access key id", sd, sd)
        r = self.record(self.run_id())
        r["text"] += f"\n\nexport GITHUB_TOKEN={_GH_TOKEN}"
        case(r, "secret in text: GitHub token", sd, sd)
        r = self.record(self.run_id())
        r["title"] = f"Review ({_API_KEY})"
        case(r, "secret in title only: API key (title is not an SFT field)", sd, EXPORTED)
        r = self.record(self.run_id())
        r["instruction"] += f" Post the result with {_SLACK_TOKEN}."
        case(r, "secret in instruction only: Slack token (not a RAG field)", EXPORTED, sd)
        r = self.record(self.run_id())
        r["text"] += "\n\n```\n" + _PRIVATE_KEY + "\n```"
        case(r, "secret in text: private key block", sd, sd)
        r = self.record(self.run_id())
        r["model"] = "proxy/" + _API_KEY
        case(r, "secret in model, so in the built SFT context only", EXPORTED, sd)
        r = self.record(self.run_id())
        r["text"] += f"\n\nNot a key: {_NEAR_MISS} (15 characters after AKIA)."
        case(r, "near miss: AKIA followed by 15 characters", EXPORTED, EXPORTED)

    def task_classes_and_rescores(self) -> None:
        cd = "category_disallowed"
        r = self.record(self.run_id("audit"), task_type="audit_facts")
        self.ev(r, "extraction task type audit_facts")
        self.scored_run(r, "accepted", "accepted, task class extraction", EXPORTED, cd)
        r = self.record(self.run_id("distill"), task_type="distilled_playbook")
        self.ev(r, "extraction task type distilled_playbook (distilled_%)")
        self.scored_run(r, "accepted", "accepted, task class extraction", EXPORTED, cd)
        r = self.record(self.run_id("triage"), task_type="triage_note")
        self.ev(r, "task type matching no seed row (unclassified)")
        self.scored_run(r, "accepted", "accepted, task class unclassified", EXPORTED, cd)

        # Re-scores: the evidence lines first, the scores below (some interleaved).
        rs = [self.record(self.run_id()) for _ in range(4)]
        for i, r in enumerate(rs, 1):
            self.ev(r, f"re-scored run RS{i} (see scored_runs.jsonl)")
        t0 = int(rs[0]["run_id"].split(":")[1]) + 600_000
        s = self.score
        ids = [r["run_id"] for r in rs]
        self.sc(s(ids[0], "accepted", scored_at=_iso(t0)), "RS1 first score", superseded=True)
        self.sc(s(ids[1], "accepted", scored_at=_iso(t0 + 3 * 3_600_000)), "RS2 latest score")
        self.sc(
            s(ids[2], "partially_accepted", scored_at=_iso(t0)),
            "RS3 tie, earlier line",
            superseded=True,
        )
        self.sc(s(ids[3], "needs_human_review", scored_at=_iso(t0)), "RS4 parseable scored_at")
        self.sc(
            s(ids[0], "rejected", scored_at=_iso(t0 + 86_400_000)),
            "RS1 re-scored later as rejected",
        )
        self.sc(
            s(ids[1], "needs_human_review", scored_at=_iso(t0)),
            "RS2 older score, later in file",
            superseded=True,
        )
        self.sc(
            s(ids[2], "accepted", scored_at=_iso(t0)),
            "RS3 tie on scored_at: the later line wins",
        )
        self.sc(
            s(ids[3], "accepted", scored_at="yesterday"),
            "RS4 unparseable scored_at counts as oldest",
            superseded=True,
        )
        self.sc(
            s(ids[1], "rejected", scored_at=_shift(_iso(t0), 7_200_000).replace("Z", "+01:00")),
            "RS2 older score (t0 + 1 h, written with offset +01:00)",
            superseded=True,
        )
        self.expect(
            ids[0],
            "RS1: accepted, then rejected later",
            "unsafe_rag_category",
            "unsafe_sft_category",
        )
        self.expect(ids[1], "RS2: three scores, accepted is the latest", EXPORTED, EXPORTED)
        self.expect(ids[2], "RS3: tie on scored_at, later line (accepted) wins", EXPORTED, EXPORTED)
        self.expect(
            ids[3],
            "RS4: needs_human_review wins over an unparseable scored_at",
            "category_disallowed",
            "unsafe_sft_category",
        )

    def preference(self) -> None:
        us_r, us_s = "unsafe_rag_category", "unsafe_sft_category"
        ipp = "invalid_preference_pairing"
        pairs = self.d.pairs

        def task(
            label: str, attempts: list[tuple[str, dict[str, Any]]], task_id: str
        ) -> list[dict]:
            """attempts: (category, overrides); records share task_id and instruction."""
            path = self.paths[len(pairs) * 7 % len(self.paths)]
            instruction = f"Review `{path}` like a senior engineer would."
            out = []
            for category, over in attempts:
                rec_over = {"task_id": task_id, "instruction": instruction, "title": None}
                rec_over.update({k: v for k, v in over.items() if k != "rationale"})
                r = self.record(self.run_id(), **rec_over)
                self.ev(r, f"{label}: {category} attempt")
                out.append(r)
                score_over = {"rationale": over["rationale"]} if "rationale" in over else {}
                self.sc(self.score(r["run_id"], category, **score_over), f"{label}: {category}")
            return out

        def runs(recs: list[dict], outcomes: list[tuple[str, str]], label: str) -> None:
            for r, (rag, sft) in zip(recs, outcomes, strict=True):
                self.expect(r["run_id"], label, rag, sft)

        ok = (EXPORTED, EXPORTED)
        bad = (us_r, us_s)
        # PT1: two accepted, two rejected. Both rejected pair with the accepted attempt
        # recorded last.
        a1, r1, a2, r2 = task(
            "PT1",
            [("accepted", {}), ("rejected", {}), ("accepted", {}), ("rejected", {})],
            "scrum-task-pt1",
        )
        runs([a1, r1, a2, r2], [ok, bad, ok, bad], "PT1")
        for r in (r1, r2):
            pairs.append(
                _Pair(
                    "scrum-task-pt1",
                    a2["run_id"],
                    r["run_id"],
                    EXPORTED,
                    "chosen: accepted recorded last",
                )
            )
        self.d.notes.append(
            f"PT1: `{a1['run_id']}` (accepted, recorded first) ends in no pair: `no_counterpart`."
        )
        # PT2: identical texts after trim.
        c, r = task("PT2", [("accepted", {}), ("rejected", {})], "scrum-task-pt2")
        r["text"] = c["text"] + "  \n"
        self.d.evidence[-1].data = _dumps(r).encode()
        self.d.evidence[-1].case = "PT2: rejected attempt, same text as the chosen plus whitespace"
        runs([c, r], [ok, bad], "PT2")
        pairs.append(
            _Pair("scrum-task-pt2", c["run_id"], r["run_id"], ipp, "texts equal after trim")
        )
        # PT3: different instructions.
        c, r = task(
            "PT3",
            [("accepted", {}), ("rejected", {"instruction": "Summarise the module in one line."})],
            "scrum-task-pt3",
        )
        runs([c, r], [ok, bad], "PT3")
        pairs.append(_Pair("scrum-task-pt3", c["run_id"], r["run_id"], ipp, "instructions differ"))
        # PT4: chosen's instruction blank.
        c, r = task(
            "PT4", [("accepted", {"instruction": "  "}), ("rejected", {})], "scrum-task-pt4"
        )
        runs([c, r], [(EXPORTED, "empty_content"), bad], "PT4")
        pairs.append(
            _Pair("scrum-task-pt4", c["run_id"], r["run_id"], ipp, "chosen's instruction blank")
        )
        # PT5: chosen cites an unsafe path.
        c, r = task(
            "PT5",
            [("accepted", {"file_refs": ["/etc/hosts"]}), ("rejected", {})],
            "scrum-task-pt5",
        )
        hp = "hallucinated_file_path"
        runs([c, r], [(hp, hp), bad], "PT5")
        pairs.append(
            _Pair("scrum-task-pt5", c["run_id"], r["run_id"], hp, "chosen's file_refs unsafe")
        )
        # PT6: rejected cites a path not in the manifest: not checked.
        c, r = task(
            "PT6",
            [("accepted", {}), ("rejected", {"file_refs": ["crates/ghost/src/lib.rs"]})],
            "scrum-task-pt6",
        )
        runs([c, r], [ok, bad], "PT6")
        pairs.append(
            _Pair(
                "scrum-task-pt6",
                c["run_id"],
                r["run_id"],
                EXPORTED,
                "rejected's file_refs are not checked",
            )
        )
        # PT7: a secret in the rejected text.
        c, r = task("PT7", [("accepted", {}), ("rejected", {})], "scrum-task-pt7")
        r["text"] += f"\n\nAWS_ACCESS_KEY_ID={_AWS_KEY}"
        self.d.evidence[-1].data = _dumps(r).encode()
        runs([c, r], [ok, bad], "PT7")
        pairs.append(
            _Pair(
                "scrum-task-pt7",
                c["run_id"],
                r["run_id"],
                "secret_detected",
                "secret in the rejected text",
            )
        )
        # PT8: partially accepted vs rejected: gap 1 < min-gap 2.
        c, r = task("PT8", [("partially_accepted", {}), ("rejected", {})], "scrum-task-pt8")
        runs([c, r], [(EXPORTED, "category_disallowed"), bad], "PT8")
        self.d.notes.append(
            "PT8: partially_accepted vs rejected is a gap of 1: no pair with the default "
            "`--min-gap 2` (the rejected run counts as `no_counterpart`); `--min-gap 1` pairs them."
        )
        # PT9: the rejected text is blank: not a candidate.
        c, r = task("PT9", [("accepted", {}), ("rejected", {"text": " "})], "scrum-task-pt9")
        runs([c, r], [ok, bad], "PT9")
        self.d.notes.append(
            "PT9: the rejected attempt's text is blank, so it is no candidate (`ineligible`); "
            "the accepted attempt is `no_counterpart`."
        )
        # PT10: a secret in the chosen rationale: it reaches the pair's reason only.
        c, r = task(
            "PT10",
            [("accepted", {"rationale": f"Fine; rotate {_API_KEY} later."}), ("rejected", {})],
            "scrum-task-pt10",
        )
        runs([c, r], [ok, bad], "PT10")
        pairs.append(
            _Pair(
                "scrum-task-pt10",
                c["run_id"],
                r["run_id"],
                "secret_detected",
                "secret in the chosen rationale, copied into the reason",
            )
        )
        # PT11: task ids differ by a trailing space: two tasks.
        c = task("PT11", [("accepted", {})], "observer-task-pt11")[0]
        r = task("PT11", [("rejected", {})], "observer-task-pt11 ")[0]
        runs([c, r], [ok, bad], "PT11")
        self.d.notes.append(
            "PT11: task_ids `observer-task-pt11` and `observer-task-pt11 ` differ (compared "
            "verbatim): no pair."
        )

    def scored_defects(self) -> None:
        sv = "schema_violation"
        c1 = self.record(self.run_id())
        self.ev(c1, "evidence whose only score is invalid: unscored")
        self.sc(self.score(c1["run_id"], "approved"), "category outside the enum", sv)
        rid = self.run_id()
        self.sc(self.score(rid, "Accepted"), "category in the wrong case", sv)
        self.sc('{"run_id": "scrum:1:x", "category": "accepted"', "not JSON: truncated", sv)
        self.sc("[" + _dumps(self.score(self.run_id(), "accepted")) + "]", "JSON array", sv)
        self.sc("", "empty line", "blank")
        s = self.score(self.run_id(), "accepted")
        del s["category"]
        self.sc(s, "required field category missing", sv)
        s = self.score(self.run_id(), "accepted")
        del s["run_id"]
        self.sc(s, "required field run_id missing", sv)
        self.sc(
            self.score(self.run_id(), "accepted", rationale=3), "wrong type: rationale a number", sv
        )
        self.sc(
            self.score(self.run_id(), "accepted", scored_at=1776920000),
            "wrong type: scored_at a number",
            sv,
        )
        self.sc(self.score(" ", "accepted"), "blank run_id", sv)
        self.sc("   ", "whitespace-only line", "blank")
        # Orphans: scored runs with no evidence at all.
        rid = self.run_id()
        self.sc(self.score(rid, "accepted"), "accepted, no evidence record")
        self.expect(rid, "orphan", "missing_source_run_id", "missing_source_run_id")
        rid = self.run_id()
        self.sc(self.score(rid, "needs_human_review"), "needs_human_review, no evidence record")
        self.expect(rid, "orphan", "category_disallowed", "unsafe_sft_category")
        rid = self.run_id()
        self.sc(self.score(rid, "rejected"), "rejected, no evidence record")
        self.expect(rid, "orphan", "unsafe_rag_category", "unsafe_sft_category")
        rid = self.run_id()
        self.sc(self.score(rid, "partially_accepted"), "partially_accepted, no evidence record")
        self.expect(rid, "orphan", "missing_source_run_id", "category_disallowed")

    def finish(self) -> None:
        # The last evidence line: a valid run, without a trailing newline.
        r = self.record(self.run_id())
        self.ev(r, "valid accepted run, last line, no trailing newline")
        self.d.evidence[-1].end = b""
        self.scored_run(
            r, "accepted", "accepted (last evidence line, no newline)", EXPORTED, EXPORTED
        )
        # Superseded lines are not winners; a staged line of a run is its latest score.
        paths = _sorted_paths(self.refs | {self.crlf_path, self.first_path})
        assert paths[0] == self.first_path, paths[0]
        mid = len(paths) // 2
        manifest = [(p, b"\r\n" if p == self.crlf_path else b"\n") for p in paths]
        manifest.insert(mid, ("", b"\n"))
        self.d.manifest = manifest
        self.d.notes.append(
            "Gate 8 (`duplicate_id` in RAG/SFT/preference) cannot fire on valid input: export ids "
            "hash the run_id, which is unique once scores are resolved. It stays a guard."
        )


def _iso(ms: int) -> str:
    return synth.Clock().iso(ms, 0.0)


def _shift(ts: str, ms: int) -> str:
    """ts (as _iso writes it) moved by ms."""
    t = dt.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    epoch = int(t.timestamp() * 1000) + ms
    return _iso(epoch)


def build_defects() -> Defects:
    """The defects set, with what SPEC expects of every line, run and pair."""
    return _DefectsBuilder().build()


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_sample(out: pathlib.Path) -> dict[str, int]:
    """Writes the sample into out and the defects set into out/defects; returns byte counts."""
    out = pathlib.Path(out)
    evidence, scored, manifest = build_sample()
    files = {
        out / "evidence.jsonl": evidence,
        out / "scored_runs.jsonl": scored,
        out / "repo_manifest.txt": manifest,
    }
    for name, data in build_defects().files().items():
        files[out / "defects" / name] = data
    written = {}
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written[str(path)] = len(data)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.sample",
        description="Write the SPEC §8 sample substrate and the defects set.",
    )
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("data/sample"))
    args = parser.parse_args(argv)
    for path, size in write_sample(args.out).items():
        print(f"{path}\t{size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
