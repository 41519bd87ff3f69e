"""The defects set's builder: valid records from a template, and the lines they become.

A case family (``cases``, ``pairs``) takes a valid record, breaks it one way, writes its line
and states what SPEC expects of the line, the run and any pair. Every record draws from the one
random stream and numbers its run in order: same code, same bytes.
"""

from __future__ import annotations

import random
from typing import Any

from distill.synth import vocabulary as vocab
from tools.sample.common import dumps, iso
from tools.sample.defects import Defects, Line

# Secrets, built by concatenation so this file holds no literal secret. AWS's documented
# example key id and obviously fake tokens, so that secret scanners of code hosts stay calm.
AWS_KEY = "AK" + "IA" + "IOSFODNN7" + "EXAMPLE"
GH_TOKEN = "gh" + "p_" + "EXAMPLE0" * 4 + "0000"
API_KEY = "s" + "k-" + "example_" * 3 + "0000"
SLACK_TOKEN = "xo" + "xb-" + "0000000000-EXAMPLE"
PRIVATE_KEY = (
    "-----BEGIN " + "RSA PRIV" + "ATE KEY-----\nEXAMPLE\n-----END RSA PRIV" + "ATE KEY-----"
)
NEAR_MISS = "AK" + "IA" + "IOSFODNN7" + "EXAMPL"  # 15 characters after AKIA: not a key id


class DefectsBuilder:
    """Builds the defects set: valid records from a template, then one defect per case."""

    def __init__(self) -> None:
        self.rnd = random.Random("distill-defects/v1")
        self.d = Defects()
        self.paths = vocab.repo_paths()
        self.refs: set[str] = set()
        self.n = 0
        # manifest lines the paths family cites, for the manifest that finish writes
        self.crlf_path = ""
        self.first_path = ""

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
                "recorded_at": iso(int(ms) + 30_000),
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
            "scored_at": iso(base + 600_000) if base else "2026-04-23T10:00:00Z",
        }
        out.update(over)
        return out

    # -- lines --------------------------------------------------------------------------------

    def ev(self, data: Any, case: str, ingest: str = "staged", run_id: str | None = None) -> None:
        if isinstance(data, dict):
            run_id = run_id or data.get("run_id")
            data = dumps(data)
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        self.d.evidence.append(Line(data, case, ingest, run_id))

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
            data = dumps(data)
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        self.d.scored.append(Line(data, case, ingest, run_id, superseded=superseded))

    def expect(self, run_id: str, case: str, rag: str, sft: str) -> None:
        self.d.runs[run_id] = (case, rag, sft)

    def scored_run(
        self, rec: dict[str, Any], category: str, case: str, rag: str, sft: str, **over: Any
    ) -> None:
        """A valid scored line for rec's run, and what RAG and SFT must do with it."""
        self.sc(self.score(rec["run_id"], category, **over), case)
        self.expect(rec["run_id"], case, rag, sft)

    def orphaned(self, rid: str, case: str) -> None:
        """A scored accepted run whose evidence line was quarantined: no evidence record."""
        self.sc(self.score(rid, "accepted"), f"accepted; its evidence line is invalid ({case})")
        self.expect(rid, case, "missing_source_run_id", "missing_source_run_id")
