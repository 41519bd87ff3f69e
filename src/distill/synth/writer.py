"""Writing a substrate: chunks of runs, generated in worker processes, written with pwrite.

Runs are generated in fixed-size chunks, each from its own ``random.Random`` seeded by
``(seed, chunk index)``, so output depends only on the arguments, never on the number of worker
processes. With several cores, each worker reserves its byte range in the output files in chunk
order (a shared cursor under a condition variable) and writes it with ``os.pwrite``.
"""

from __future__ import annotations

import multiprocessing
import os
import pathlib
from collections.abc import Iterator
from typing import Any

from distill.synth.chunk import Chunk
from distill.synth.defects import DEFECT_KINDS
from distill.synth.texts import pools

# Runs per chunk: the unit of seeding, of work per process and of one write.
CHUNK_RUNS = 4096

# One chunk's job: (seed, chunk index, first run, stop, defect rate, short texts).
Job = tuple[int, int, int, int, float, bool]
# What writing one chunk gives back: (evidence lines, scored lines, counts).
Written = tuple[int, int, dict[str, int]]


def _chunk_bounds(runs: int) -> list[tuple[int, int, int]]:
    return [
        (i, start, min(start + CHUNK_RUNS, runs))
        for i, start in enumerate(range(0, runs, CHUNK_RUNS))
    ]


def _generate(seed: int, index: int, start: int, stop: int, rate: float, short: bool):
    return Chunk(seed, index, start, stop, rate, short).generate()


def _write_serial(
    jobs: list[Job], ev_path: pathlib.Path, sc_path: pathlib.Path
) -> Iterator[Written]:
    with open(ev_path, "wb") as ev_f, open(sc_path, "wb") as sc_f:
        for job in jobs:
            ev, sc, stats = _generate(*job)
            ev_f.write(ev)
            sc_f.write(sc)
            yield ev.count(b"\n"), sc.count(b"\n"), stats


# Worker-process state (set by _init_worker): output fds and the shared write cursor.
_W: dict[str, Any] = {}


def _init_worker(ev_path: str, sc_path: str, cond, next_chunk, ev_off, sc_off) -> None:
    _W.update(
        ev_fd=os.open(ev_path, os.O_WRONLY),
        sc_fd=os.open(sc_path, os.O_WRONLY),
        cond=cond,
        next_chunk=next_chunk,
        ev_off=ev_off,
        sc_off=sc_off,
    )
    pools()


def _pwrite_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        view = view[n:]
        offset += n


def _work(args: Job) -> Written:
    """Generates one chunk, reserves its byte ranges in chunk order, writes them."""
    ev, sc, stats = _generate(*args)
    index = args[1]
    cond = _W["cond"]
    with cond:
        cond.wait_for(lambda: _W["next_chunk"].value == index)
        ev_at = _W["ev_off"].value
        sc_at = _W["sc_off"].value
        _W["ev_off"].value = ev_at + len(ev)
        _W["sc_off"].value = sc_at + len(sc)
        _W["next_chunk"].value = index + 1
        cond.notify_all()
    _pwrite_all(_W["ev_fd"], ev, ev_at)
    _pwrite_all(_W["sc_fd"], sc, sc_at)
    return ev.count(b"\n"), sc.count(b"\n"), stats


def _write_parallel(
    jobs: list[Job], workers: int, ev_path: pathlib.Path, sc_path: pathlib.Path
) -> Iterator[Written]:
    for path in (ev_path, sc_path):
        path.write_bytes(b"")
    ctx = multiprocessing.get_context("fork")
    cond = ctx.Condition()
    shared = (ctx.RawValue("q", 0), ctx.RawValue("q", 0), ctx.RawValue("q", 0))
    with ctx.Pool(
        workers, initializer=_init_worker, initargs=(str(ev_path), str(sc_path), cond, *shared)
    ) as pool:
        yield from pool.imap(_work, jobs, chunksize=1)


def _workers(chunks: int) -> int:
    """Worker processes for `chunks` chunks: one per core (at most 8), 1 without `fork`."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, chunks, 8))


def write_substrate(
    out_dir: pathlib.Path,
    runs: int,
    seed: int = 0,
    defect_rate: float = 0.02,
    short_texts: bool = False,
) -> dict:
    """Writes evidence.jsonl, scored_runs.jsonl and repo_manifest.txt into out_dir.

    With ``short_texts`` every text is a few hundred bytes instead of 1-4 KB: the same runs,
    tasks, categories and defect kinds in under half the disk (for 10M-run tests on a
    small disk).

    Returns counts: runs, tasks, evidence_lines, scored_lines, manifest_paths, the bytes of each
    file, and ``defects``: how many runs got each kind of ``DEFECT_KINDS`` (``defects_total``).
    Same arguments, same bytes.
    """
    if runs < 0:
        raise ValueError("runs must be >= 0")
    if not 0.0 <= defect_rate <= 1.0:
        raise ValueError("defect_rate must be within [0, 1]")
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ev_path = out_dir / "evidence.jsonl"
    sc_path = out_dir / "scored_runs.jsonl"
    manifest_path = out_dir / "repo_manifest.txt"
    P = pools()
    jobs = [
        (seed, i, start, stop, float(defect_rate), short_texts)
        for i, start, stop in _chunk_bounds(runs)
    ]
    workers = _workers(len(jobs))
    if workers == 1:
        written = _write_serial(jobs, ev_path, sc_path)
    else:
        written = _write_parallel(jobs, workers, ev_path, sc_path)
    totals: dict[str, int] = {"tasks": 0}
    ev_lines = sc_lines = 0
    for n_ev, n_sc, stats in written:
        ev_lines += n_ev
        sc_lines += n_sc
        for k, v in stats.items():
            totals[k] = totals.get(k, 0) + v
    manifest = "".join(p + "\n" for p in P.paths).encode()
    manifest_path.write_bytes(manifest)
    defects = {k: totals.get(f"defect:{k}", 0) for k in DEFECT_KINDS}
    return {
        "runs": runs,
        "tasks": totals["tasks"],
        "evidence_lines": ev_lines,
        "scored_lines": sc_lines,
        "manifest_paths": len(P.paths),
        "evidence_bytes": ev_path.stat().st_size,
        "scored_bytes": sc_path.stat().st_size,
        "defects_total": sum(defects.values()),
        "defects": defects,
    }
