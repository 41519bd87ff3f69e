"""The shipped sample substrate (SPEC §8) and the defects set, written deterministically.

    python -m tools.sample [--out data/sample]

writes ``OUT/{evidence.jsonl, scored_runs.jsonl, repo_manifest.txt}``: exactly SPEC §8's
composition, every record valid apart from the 33 runs without evidence and the 37 blank texts,
and ``OUT/defects/``: a small substrate holding a few of every defect kind on known lines, with a
``README.md`` that states, line by line, what SPEC expects of each one.

``substrate`` builds the sample; ``defects`` is the defects set and its files, ``builder`` its
records and lines, ``cases`` and ``pairs`` its case families. Standard library only; texts and
words come from ``distill.synth``, by their public names.
"""

from __future__ import annotations

import argparse
import pathlib

from tools.sample.cases import build_defects
from tools.sample.defects import Defects
from tools.sample.substrate import (
    PAIRED_REJECTED,
    PREFERENCE_TASKS,
    SAMPLE_COUNTS,
    build_sample,
)

__all__ = [
    "PAIRED_REJECTED",
    "PREFERENCE_TASKS",
    "SAMPLE_COUNTS",
    "Defects",
    "build_defects",
    "build_sample",
    "main",
    "write_sample",
]


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
