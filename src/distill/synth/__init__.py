"""A realistic, deterministic synthetic substrate of scored LLM-agent runs (SPEC §2, §7 `synth`).

`write_substrate(out_dir, runs, seed, defect_rate)` writes

- ``evidence.jsonl``: one evidence record per run (SPEC §2.1),
- ``scored_runs.jsonl``: one scored run per run, plus re-scores (SPEC §2.2),
- ``repo_manifest.txt``: every repo path the generator can cite, sorted by UTF-8 bytes (§2.3),

and plants, at ``defect_rate`` of the runs, every defect kind the SPEC names (see ``DEFECT_KINDS``).

`write_planted_substrate(out_dir, runs, seed, ...)` (``distill synth --planted``, module
``planted``) writes the same with a share of the runs replaced by planted near duplicates and
eval-contaminated runs, plus ``eval_set.jsonl`` and their ground truth ``planted.json``, for SPEC
§4.3's quality gates (docs/planted.md).

Design, for speed (1M runs, ~2.4 GB, in seconds rather than minutes):

- Review texts are assembled from pools of pre-generated, pre-JSON-escaped markdown blocks, so a
  valid line is one f-string over escaped fragments (no ``json.dumps`` on the hot path). Defective
  runs (a few percent) take a slow path over dicts and ``json.dumps``.
- Runs are generated in fixed-size chunks, each from its own ``random.Random`` seeded by
  ``(seed, chunk index)``. Output depends only on ``(runs, seed, defect_rate)``, never on the
  number of worker processes, ``hash()``, set order or the clock.
- Chunks are generated in worker processes when there are several cores; each worker reserves
  its byte range in the output files in chunk order and writes it with ``os.pwrite``.

The modules, in the order data flows: ``vocabulary`` (the words, the repo, the mix of task types),
``texts`` (review texts from pooled blocks), ``clock`` (timestamps), ``defects`` (one small
function per defect kind), ``chunk`` (one chunk of runs) and ``writer`` (chunks in worker
processes, ``write_substrate``). Standard library only.
"""

from distill.synth.clock import Clock
from distill.synth.defects import DEFECT_KINDS
from distill.synth.planted import write_planted_substrate
from distill.synth.texts import review_text
from distill.synth.writer import write_substrate

__all__ = ["DEFECT_KINDS", "Clock", "review_text", "write_planted_substrate", "write_substrate"]
