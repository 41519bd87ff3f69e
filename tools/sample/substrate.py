"""The shipped sample substrate: exactly SPEC §8's composition, from one seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from distill import synth
from distill.synth import vocabulary as vocab
from tools.sample.common import dumps, sorted_paths

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


def _plan_runs(rnd: random.Random, tasks: list[_Task]) -> list[_SampleRun]:
    """Every task's attempts in order, with the runs that have no evidence or a blank text."""
    runs = [_SampleRun(category, t) for t, task in enumerate(tasks) for category in task.categories]
    # Orphans and blank texts: outside the preference tasks, so every pair keeps its sides.
    free = [r for r in runs if not tasks[r.task].paired]
    for r in rnd.sample([r for r in free if r.category == "accepted"], ORPHAN_ACCEPTED):
        r.has_evidence = False
    partial = [r for r in free if r.category == "partially_accepted"]
    for r in rnd.sample(partial, BLANK_TEXT_PARTIAL):
        r.blank_text = True
    return runs


class _Writer:
    """Writes the sample's lines task by task, drawing from one random stream in order."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.paths = vocab.repo_paths()
        self.groups = vocab.path_groups(self.paths)
        self.clock = synth.Clock()
        self.evidence: list[str] = []
        self.scored: list[str] = []
        self.refs_used: set[str] = set()
        self.source_line = {name: 1 + 40 * i for i, name in enumerate(sorted(_TASK_INFO))}
        self.blank_cursor = 0
        self.ms = _BASE_MS

    def task(self, t: int, task: _Task, runs: list[_SampleRun]) -> None:
        """Task number t: its attempts `runs`, each a scored line and, mostly, evidence."""
        rnd = self.rnd
        task_type, prefix, source_file, _ = _TASK_INFO[task.task_type]
        p = rnd.randrange(len(self.paths))
        path = self.paths[p]
        group = self.groups[p]
        instruction = rnd.choice(vocab.INSTRUCTIONS).replace("{path}", path)
        if len(task.categories) == 1 and rnd.random() < 0.25:
            task_id = None
        else:
            task_id = f"{prefix}-task-{t + 1:04d}"
        role = "observer" if task_type.startswith("observer") else "executor"
        self.ms += rnd.randrange(60_000, 900_000)
        for run in runs:
            self.ms += rnd.randrange(20_000, 240_000)
            run_id = f"{prefix}:{self.ms}:{path}"
            recorded_ms = self.ms + rnd.randrange(4_000, 120_000)
            scored_ms = recorded_ms + rnd.randrange(60_000, 3_600_000)
            if run.has_evidence:
                refs = self.refs(path, group)
                text = self.text(run, path)
                context = self.context(task_type)
                title = self.title(path)
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
                        "line": self.source_line[task_type],
                        "sig_hash": f"{rnd.getrandbits(256):064x}",
                        "recorded_at": self.clock.iso(recorded_ms, rnd.random()),
                    },
                }
                self.source_line[task_type] += 1
                self.evidence.append(dumps(record) + "\n")
            score = {
                "run_id": run_id,
                "category": run.category,
                "rationale": rnd.choice(vocab.RATIONALES[run.category]),
                "scorer_version": rnd.choice(vocab.SCORERS),
                "scored_at": self.clock.iso(scored_ms, rnd.random()),
            }
            self.scored.append(dumps(score) + "\n")

    def refs(self, path: str, group: list[str]) -> list[str]:
        refs = [path]
        for _ in range(self.rnd.randrange(0, 4)):
            ref = self.rnd.choice(group)
            if ref not in refs:
                refs.append(ref)
        self.refs_used.update(refs)
        return refs

    def text(self, run: _SampleRun, path: str) -> str | None:
        text: str | None = synth.review_text(self.rnd, path)
        if run.blank_text:
            text = _BLANK_TEXTS[self.blank_cursor % len(_BLANK_TEXTS)]
            self.blank_cursor += 1
        return text

    def context(self, task_type: str) -> dict[str, Any] | None:
        rnd = self.rnd
        matrix = rnd.sample(vocab.MATRIX, rnd.randrange(1, 4))
        if task_type == "mode_experiment":
            return {"matrix": matrix, "mode": rnd.choice(vocab.MODES)}
        if rnd.random() < 0.08:
            return None
        return {"matrix": matrix}

    def title(self, path: str) -> str | None:
        rnd = self.rnd
        if rnd.random() < 0.55:
            return rnd.choice(vocab.TITLES).format(
                path=path,
                module=path.rsplit("/", 1)[-1],
                ty=rnd.choice(vocab.TYPES),
                fn=rnd.choice(vocab.FNS),
            )
        return None


def build_sample(seed: int = SEED) -> tuple[bytes, bytes, bytes]:
    """(evidence.jsonl, scored_runs.jsonl, repo_manifest.txt) of the SPEC §8 sample."""
    rnd = random.Random(f"distill-sample/{seed}")
    tasks = _plan_tasks(rnd)
    runs = _plan_runs(rnd, tasks)
    writer = _Writer(rnd)
    first = 0
    for t, task in enumerate(tasks):
        writer.task(t, task, runs[first : first + len(task.categories)])
        first += len(task.categories)
    manifest = "".join(p + "\n" for p in sorted_paths(writer.refs_used))
    return "".join(writer.evidence).encode(), "".join(writer.scored).encode(), manifest.encode()
