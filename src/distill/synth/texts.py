"""Review texts: markdown of 1-4 KB assembled from pools of pre-generated blocks.

The blocks are generated once per process from a fixed seed and kept both raw and JSON-escaped,
so that the hot path writes a valid evidence line as escaped fragments, with no ``json.dumps``.
"""

from __future__ import annotations

import json
import random
from typing import Any

from distill.synth import vocabulary as v


def esc(s: str) -> str:
    """The JSON string body of s (escaped, without the quotes), non-ASCII kept as is."""
    return json.dumps(s, ensure_ascii=False)[1:-1]


class Pools:
    """Pre-generated, pre-escaped building blocks. Built once per process, seed-independent."""

    def __init__(self) -> None:
        rnd = random.Random("distill-synth/pools/v1")
        self.paths = v.repo_paths()
        self.group_of = v.path_groups(self.paths)

        def fill(template: str) -> str:
            fix = rnd.choice(v.FIXES)
            return template.format(
                fn=rnd.choice(v.FNS),
                ty=rnd.choice(v.TYPES),
                field=rnd.choice(v.FIELDS),
                path=rnd.choice(self.paths),
                issue=rnd.choice(v.ISSUES),
                fix=fix,
                Fix=fix[0].upper() + fix[1:],
                adj=rnd.choice(v.ADJS),
                risk=rnd.choice(v.RISKS),
                n=rnd.randrange(12, 900),
                k=rnd.randrange(1, 6),
            )

        def paragraph(lo: int, hi: int) -> str:
            parts = [fill(rnd.choice(v.OPENERS))]
            parts += [fill(rnd.choice(v.SENTENCES)) for _ in range(rnd.randrange(lo, hi))]
            return " ".join(parts)

        def bullets() -> str:
            return "\n".join(
                "- " + fill(rnd.choice(v.SENTENCES)) for _ in range(rnd.randrange(2, 6))
            )

        # Sections: a heading and a body (paragraph, bullet list or code), then a blank line.
        bodies = [paragraph(1, 4) for _ in range(1200)]
        bodies += [bullets() for _ in range(1200)]
        bodies += [fill(rnd.choice(v.CODE)) + "\n\n" + paragraph(0, 2) for _ in range(300)]
        rnd.shuffle(bodies)
        self.section_raw = [f"{rnd.choice(v.HEADINGS)}\n\n{b}\n\n" for b in bodies]
        self.section_b = [esc(b).encode() for b in self.section_raw]
        self.section_len = [len(b.encode()) for b in self.section_raw]
        self.intro_raw = [paragraph(1, 2) + "\n\n" for _ in range(300)]
        self.intro_b = [esc(s).encode() for s in self.intro_raw]
        self.intro_len = [len(s.encode()) for s in self.intro_raw]
        self.verdict_raw = [fill(rnd.choice(v.VERDICTS)) for _ in range(60)]
        self.verdict_b = [esc(s).encode() for s in self.verdict_raw]
        self.verdict_len = [len(s.encode()) for s in self.verdict_raw]
        self.instr_raw = list(v.INSTRUCTIONS)  # the {path} slot is filled per task
        self.instr_esc = [esc(t) for t in v.INSTRUCTIONS]
        self.rationale_esc = {c: [esc(r) for r in rs] for c, rs in v.RATIONALES.items()}
        # The hot path writes paths and titles into JSON unescaped: they must need no escaping.
        for text in (*self.paths, *v.TITLES, *v.MODELS, *v.MATRIX, *v.MODES, *v.SCORERS):
            assert esc(text) == text, text


_POOLS: Pools | None = None


def pools() -> Pools:
    """The process's pools, built on first use (worker processes inherit or build them)."""
    global _POOLS
    if _POOLS is None:
        _POOLS = Pools()
    return _POOLS


def text_parts(
    P: Pools, rand: Any, path: str, extraction: bool, short: bool = False
) -> tuple[str, list[int], int, int]:
    """(word, section indices, intro index, verdict index) of one review text of 1-4 KB, or
    with `short`, of its header, intro and verdict alone (a few hundred bytes)."""
    word = "Facts" if extraction else ("Review", "Notes", "Findings")[int(rand() * 3)]
    intro = int(rand() * len(P.intro_raw))
    verdict = int(rand() * len(P.verdict_raw))
    # exact UTF-8 size of header ("## <word> — `<path>`" and a blank line), intro, verdict
    size = len(word) + len(path.encode()) + 12 + P.intro_len[intro] + P.verdict_len[verdict]
    r = rand()
    target = 0 if short else 1024 + int(2850 * r * r * r * r * r)  # skewed to short, <= ~4 KB
    sections: list[int] = []
    section_len = P.section_len
    n_sections = len(section_len)
    while size < target:
        i = int(rand() * n_sections)
        grow = section_len[i]
        if size + grow > 4000:
            if size >= 1024:
                break
            continue
        sections.append(i)
        size += grow
    return word, sections, intro, verdict


def text_raw(P: Pools, path: str, word: str, sections: list[int], intro: int, verdict: int) -> str:
    body = "".join([P.section_raw[i] for i in sections])
    return f"## {word} — `{path}`\n\n{P.intro_raw[intro]}{body}{P.verdict_raw[verdict]}"


def review_text(rnd: random.Random, path: str, extraction: bool = False) -> str:
    """One markdown review text of 1-4 KB about `path` (what a run's `text` looks like)."""
    P = pools()
    return text_raw(P, path, *text_parts(P, rnd.random, path, extraction))
