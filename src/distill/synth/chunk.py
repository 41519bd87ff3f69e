"""One chunk of runs [start, stop): its evidence and scored-run lines, as UTF-8 bytes.

A chunk draws everything from its own ``random.Random``, seeded by ``(seed, chunk index)``, in a
fixed order: tasks of 1-6 attempts, then per attempt its fields, then whether it is defective.
A valid run is one f-string over pre-escaped fragments (the hot path); a defective one is
planted by ``defects`` over dicts.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass

from distill.synth import vocabulary as v
from distill.synth.clock import Clock
from distill.synth.defects import DEFECT_KINDS, Planting, plant
from distill.synth.texts import pools, text_parts, text_raw

# Start of the synthetic clock (2026-04-12T13:20:00Z), in epoch milliseconds.
BASE_MS = 1_776_000_000_000
# Mean spacing between two consecutive runs, in milliseconds.
RUN_SPACING_MS = 937


@dataclass(slots=True)
class _Task:
    """What the attempts of one task share."""

    task_type: str
    prefix: str  # of the run_ids
    source_file: str  # of the provenance
    extraction: bool  # not a conversational task type
    path: str  # the file under review
    group: list[str]  # the paths of its crate, service, ...: related file_refs
    instr: int  # index of the instruction template
    instruction_esc: str
    task_id: str | None
    task_id_json: str


@dataclass(slots=True)
class _Run:
    """One attempt's fields, the optional ones already as JSON (``null`` or a value)."""

    run_id: str
    role_json: str
    model_json: str
    context_json: str
    parts: tuple[str, list[int], int, int]  # the text: word, sections, intro, verdict
    title_json: str
    refs_json: str
    recorded_ms: int
    recorded_at: str
    src_line: int
    sig_hash: str
    category: str
    scored_ms: int
    scored_at: str
    rationale_json: str
    scorer: str


def _context_json(y: float, task_type: str) -> str:
    if y < 0.08:
        return "null"
    if y < 0.12:
        return '{"matrix": []}'
    k = 1 + int(y * 100) % 3
    first = int(y * 1000) % (len(v.MATRIX) - 2)
    entries = ", ".join(f'"{m}"' for m in v.MATRIX[first : first + k])
    if task_type == "mode_experiment":
        mode = v.MODES[int(y * 10000) % len(v.MODES)]
        return f'{{"matrix": [{entries}], "mode": "{mode}"}}'
    return f'{{"matrix": [{entries}]}}'


def _title_json(y: float, path: str, g: int) -> str:
    if y < 0.45:
        return "null"
    if y < 0.452:
        return '"  "'
    t = v.TITLES[int(y * 1000) % len(v.TITLES)]
    module = path.rsplit("/", 1)[-1]
    title = t.format(
        path=path, module=module, ty=v.TYPES[g % len(v.TYPES)], fn=v.FNS[g % len(v.FNS)]
    )
    return f'"{title}"'


def _refs_json(y: float, rand: Callable[[], float], path: str, group: list[str]) -> str:
    if y < 0.03:
        return "null"
    if y < 0.07:
        return "[]"
    refs = [path]
    for _ in range(int(y * 100) % 4):
        r = group[int(rand() * len(group))]
        if r not in refs:
            refs.append(r)
    return '["' + '", "'.join(refs) + '"]'


class Chunk:
    """Generates the lines of one chunk of runs [start, stop)."""

    def __init__(
        self, seed: int, index: int, start: int, stop: int, defect_rate: float, short: bool
    ) -> None:
        self.rnd = random.Random(f"distill-synth/{seed}/{index}")
        self.rand = self.rnd.random
        self.index = index
        self.start = start
        self.stop = stop
        self.defect_rate = defect_rate
        self.short = short
        self.pools = pools()
        self.clock = Clock()
        # Output as UTF-8 pieces: one run's evidence line is several pieces (pooled text bytes
        # are never copied into an intermediate str). Late lines go after the chunk's runs.
        self.ev: list[bytes] = []
        self.sc: list[bytes] = []
        self.late_ev: list[bytes] = []
        self.late_sc: list[bytes] = []
        self.defects = dict.fromkeys(DEFECT_KINDS, 0)
        self.kind_cursor = self.rnd.randrange(len(DEFECT_KINDS))
        # provenance lines per source file, from a third of the chunk's first run on
        self.src_line = {src: start // 3 + 1 for _, _, src, _ in v.TASK_TYPES}
        self.tasks = 0

    def generate(self) -> tuple[bytes, bytes, dict[str, int]]:
        """(evidence bytes, scored-run bytes, counts: ``tasks`` and ``defect:<kind>``)."""
        g = self.start
        while g < self.stop:
            n = self.attempts(self.stop - g)
            task = self.task(n)
            for category in self.categories(n):
                self.run(task, category, g)
                g += 1
        ev = b"".join(self.ev + self.late_ev)
        sc = b"".join(self.sc + self.late_sc)
        stats = {f"defect:{k}": count for k, count in self.defects.items()}
        stats["tasks"] = self.tasks
        return ev, sc, stats

    # -- tasks ----------------------------------------------------------------------------

    def attempts(self, left: int) -> int:
        """Attempts of the next task (1..6, weighted), at most the `left` runs of the chunk."""
        x = self.rand() * 100
        n = 1
        acc = v.ATTEMPT_WEIGHTS[0]
        while x >= acc and n < len(v.ATTEMPT_WEIGHTS):
            acc += v.ATTEMPT_WEIGHTS[n]
            n += 1
        return min(n, left)

    def task(self, n: int) -> _Task:
        rand, P = self.rand, self.pools
        x = rand() * 100
        for task_type, prefix, source_file, weight in v.TASK_TYPES:  # noqa: B007
            if x < weight:
                break
            x -= weight
        p = int(rand() * len(P.paths))
        path = P.paths[p]
        instr = int(rand() * len(P.instr_esc))
        if n == 1 and rand() < 0.25:
            task_id, task_id_json = None, "null"
        else:
            task_id = f"{prefix}-task-{self.index:05d}-{self.tasks:05d}"
            task_id_json = f'"{task_id}"'
        self.tasks += 1
        return _Task(
            task_type,
            prefix,
            source_file,
            task_type not in v.CONVERSATIONAL_TASK_TYPES,
            path,
            P.group_of[p],
            instr,
            P.instr_esc[instr].replace("{path}", path),
            task_id,
            task_id_json,
        )

    def categories(self, n: int) -> list[str]:
        rand = self.rand
        w_a, w_p, w_r, _ = v.CATEGORY_WEIGHTS
        cats = []
        for _ in range(n):
            x = rand() * 1000
            if x < w_a:
                cats.append("accepted")
            elif x < w_a + w_p:
                cats.append("partially_accepted")
            elif x < w_a + w_p + w_r:
                # A lone rejected run makes no preference pair: keep most rejections in tasks
                # with several attempts.
                cats.append("rejected" if n > 1 or rand() < 0.3 else "needs_human_review")
            else:
                cats.append("needs_human_review")
        if n > 1 and "rejected" in cats and "accepted" not in cats and rand() < 0.9:
            others = [i for i, c in enumerate(cats) if c != "rejected"] or [n - 1]
            cats[others[int(rand() * len(others))]] = "accepted"
        return cats

    # -- runs -----------------------------------------------------------------------------

    def run(self, task: _Task, category: str, g: int) -> None:
        """Draws run g's fields, then writes its lines, valid or with a defect planted."""
        r = self.fields(task, category, g)
        if self.rand() < self.defect_rate:
            kind = DEFECT_KINDS[self.kind_cursor % len(DEFECT_KINDS)]
            self.kind_cursor += 1
            self.defects[kind] += 1
            self.defective(kind, task, r)
        else:
            self.valid(task, r)

    def fields(self, task: _Task, category: str, g: int) -> _Run:
        rand, clock, path = self.rand, self.clock, task.path
        ms = BASE_MS + g * RUN_SPACING_MS + int(rand() * 900)
        role = "observer" if task.task_type.startswith("observer") else "executor"
        role_json = "null" if rand() < 0.03 else f'"{role}"'
        y = rand()
        model_json = "null" if y < 0.02 else f'"{v.MODELS[int(y * 6)]}"'
        context_json = _context_json(rand(), task.task_type)
        parts = text_parts(self.pools, rand, path, task.extraction, self.short)
        title_json = _title_json(rand(), path, g)
        refs_json = _refs_json(rand(), rand, path, task.group)
        recorded_ms = ms + 4_000 + int(rand() * 240_000)
        recorded_at = clock.iso(recorded_ms, rand())
        src_line = self.src_line[task.source_file]
        self.src_line[task.source_file] = src_line + 1
        getrandbits = self.rnd.getrandbits
        sig_hash = f"{getrandbits(128):032x}{getrandbits(128):032x}"
        scored_ms = recorded_ms + 60_000 + int(rand() * 3_600_000)
        scored_at = clock.iso(scored_ms, rand())
        rationales = self.pools.rationale_esc[category]
        y = rand()
        rationale_json = "null" if y < 0.05 else f'"{rationales[int(y * 1000) % len(rationales)]}"'
        scorer = v.SCORERS[int(y * 100) % 3]
        return _Run(
            f"{task.prefix}:{ms}:{path}",
            role_json,
            model_json,
            context_json,
            parts,
            title_json,
            refs_json,
            recorded_ms,
            recorded_at,
            src_line,
            sig_hash,
            category,
            scored_ms,
            scored_at,
            rationale_json,
            scorer,
        )

    def valid(self, t: _Task, r: _Run) -> None:
        """The hot path: the run's two lines as f-strings over pre-escaped fragments."""
        P = self.pools
        word, sections, intro, verdict = r.parts
        ev = self.ev
        ev.append(
            f'{{"run_id": "{r.run_id}", "task_id": {t.task_id_json}, '
            f'"task_type": "{t.task_type}", "role": {r.role_json}, "model": {r.model_json}, '
            f'"instruction": "{t.instruction_esc}", "context": {r.context_json}, '
            f'"text": "## {word} — `{t.path}`\\n\\n'.encode()
        )
        ev.append(P.intro_b[intro])
        ev.extend([P.section_b[i] for i in sections])
        ev.append(P.verdict_b[verdict])
        ev.append(
            f'", "title": {r.title_json}, "file_refs": {r.refs_json}, "provenance": {{'
            f'"source_file": "{t.source_file}", "line": {r.src_line}, '
            f'"sig_hash": "{r.sig_hash}", "recorded_at": "{r.recorded_at}"}}}}\n'.encode()
        )
        self.sc.append(
            f'{{"run_id": "{r.run_id}", "category": "{r.category}", '
            f'"rationale": {r.rationale_json}, "scorer_version": "{r.scorer}", '
            f'"scored_at": "{r.scored_at}"}}\n'.encode()
        )

    def defective(self, kind: str, t: _Task, r: _Run) -> None:
        """The slow path: the run as dicts, then defect `kind` planted into its lines."""
        rec = {
            "run_id": r.run_id,
            "task_id": t.task_id,
            "task_type": t.task_type,
            "role": json.loads(r.role_json),
            "model": json.loads(r.model_json),
            "instruction": self.pools.instr_raw[t.instr].replace("{path}", t.path),
            "context": json.loads(r.context_json),
            "text": text_raw(self.pools, t.path, *r.parts),
            "title": json.loads(r.title_json),
            "file_refs": json.loads(r.refs_json),
            "provenance": {
                "source_file": t.source_file,
                "line": r.src_line,
                "sig_hash": r.sig_hash,
                "recorded_at": r.recorded_at,
            },
        }
        score = {
            "run_id": r.run_id,
            "category": r.category,
            "rationale": json.loads(r.rationale_json),
            "scorer_version": r.scorer,
            "scored_at": r.scored_at,
        }
        planting = Planting(
            self.rnd, self.clock, rec, score, r.recorded_ms, r.scored_ms,
            self.ev, self.sc, self.late_ev, self.late_sc,
        )  # fmt: skip
        plant(kind, planting)
