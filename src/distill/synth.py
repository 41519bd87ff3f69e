"""A realistic, deterministic synthetic substrate of scored LLM-agent runs (SPEC §2, §7 `synth`).

`write_substrate(out_dir, runs, seed, defect_rate)` writes

- ``evidence.jsonl``: one evidence record per run (SPEC §2.1),
- ``scored_runs.jsonl``: one scored run per run, plus re-scores (SPEC §2.2),
- ``repo_manifest.txt``: every repo path the generator can cite, sorted by UTF-8 bytes (§2.3),

and plants, at ``defect_rate`` of the runs, every defect kind the SPEC names (see ``DEFECT_KINDS``).

Design, for speed (1M runs, ~2.4 GB, in seconds rather than minutes):

- Review texts are assembled from pools of pre-generated, pre-JSON-escaped markdown blocks, so a
  valid line is one f-string over escaped fragments (no ``json.dumps`` on the hot path). Defective
  runs (a few percent) take a slow path over dicts and ``json.dumps``.
- Runs are generated in fixed-size chunks, each from its own ``random.Random`` seeded by
  ``(seed, chunk index)``. Output depends only on ``(runs, seed, defect_rate)``, never on the
  number of worker processes, ``hash()``, set order or the clock.
- Chunks are generated in worker processes when there are several cores; each worker reserves
  its byte range in the output files in chunk order and writes it with ``os.pwrite``.

Standard library only.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import pathlib
import random
import time
from typing import Any

__all__ = ["DEFECT_KINDS", "write_substrate"]

# Runs per chunk: the unit of seeding, of work per process and of one write.
CHUNK_RUNS = 4096

# Start of the synthetic clock (2026-04-12T13:20:00Z), in epoch milliseconds.
_BASE_MS = 1_776_000_000_000
# Mean spacing between two consecutive runs, in milliseconds.
_RUN_SPACING_MS = 937

# Every defect kind the generator can plant, in planting (round-robin) order. Each names what
# the SPEC expects of it in the comment.
DEFECT_KINDS: tuple[str, ...] = (
    "not_json",  # evidence line that is not JSON at all -> ingest schema_violation
    "json_array",  # a JSON array instead of an object -> schema_violation
    "json_string",  # a JSON string (double-encoded record) -> schema_violation
    "invalid_utf8",  # invalid UTF-8 bytes inside the text -> schema_violation
    "raw_control_char",  # a raw control character inside a JSON string -> schema_violation
    "lone_surrogate",  # a lone surrogate escape (\ud800) -> schema_violation
    "duplicate_key_top",  # a duplicate top-level key -> schema_violation
    "duplicate_key_provenance",  # a duplicate key inside provenance -> schema_violation
    "duplicate_key_context",  # a duplicate key inside context -> schema_violation
    "blank_line",  # an empty or whitespace-only line -> skipped, counted as blank_lines
    "wrong_type_evidence",  # a listed evidence field of the wrong JSON type -> schema_violation
    "wrong_type_scored",  # a listed scored-run field of the wrong JSON type -> schema_violation
    "missing_required_evidence",  # run_id or task_type missing or blank -> schema_violation
    "missing_required_scored",  # run_id or category missing -> schema_violation
    "blank_run_id",  # run_id blank -> schema_violation
    "control_char_run_id",  # run_id holding an (escaped) control character -> schema_violation
    "category_invalid",  # category outside the enum -> schema_violation
    "scored_not_json",  # scored-run line that is not a JSON object -> schema_violation
    "duplicate_evidence",  # a second record of the run, other recorded_at -> duplicate_id
    "orphan_scored",  # scored run without evidence -> missing_source_run_id
    "unscored_evidence",  # evidence without a scored run -> counted as unscored
    "blank_text",  # text blank -> empty_content
    "blank_instruction",  # instruction blank -> empty_content (SFT)
    "missing_provenance",  # provenance absent, null or incomplete -> missing_provenance
    "unparseable_recorded_at",  # provenance.recorded_at unparseable -> missing_provenance
    "unparseable_scored_at",  # scored_at unparseable -> the score counts as oldest
    "unsafe_file_ref",  # absolute, `..`, `\`, `~`, `C:` -> hallucinated_file_path
    "file_ref_not_in_manifest",  # a plausible path the repo lacks -> hallucinated_file_path
    "secret",  # a SPEC §4 secret in text/title/instruction -> secret_detected
    "rescored",  # scored 2-3 times; the latest sometimes changes category -> superseded
)

# --------------------------------------------------------------------------------------------
# Vocabulary. Nothing here may match a secret pattern of SPEC §4 (tests check it).
# --------------------------------------------------------------------------------------------

_CRATES = (
    "vectord", "lakehouse", "playbook", "scrumd", "observer", "gateway", "ingest", "catalog",
    "planner", "kvstore", "telemetry", "authz", "scheduler", "embedder", "tokenizer", "blobstore",
    "raftlog", "querycore", "sandbox", "notifier",
)  # fmt: skip
_RUST_MODULES = (
    "lib", "main", "playbook_memory", "index", "shard", "compaction", "wal", "snapshot",
    "query_plan", "retry", "backoff", "router", "schema", "codec", "metrics", "config", "errors",
    "session", "cache", "lease", "segment", "merge", "bloom", "manifest", "checkpoint", "replica",
    "election", "batch", "stream", "handler", "pool", "budget", "ratelimit", "tracing", "hnsw",
    "quantize", "partition", "vacuum", "txn", "lock_table",
)  # fmt: skip
_SERVICES = ("scorer", "observer_api", "dashboard", "exporter", "orchestrator", "kb_loader")
_PY_MODULES = (
    "__init__", "app", "models", "routes", "jobs", "storage", "settings", "prompts", "judge",
    "queue", "client", "utils", "rubric", "replay",
)  # fmt: skip
_COMPONENTS = (
    "RunTable", "ScoreBadge", "PlaybookView", "DiffPanel", "ObserverFeed", "QuarantineList",
    "ModelPicker", "TaskTimeline", "FileTree", "SettingsForm",
)  # fmt: skip
_DOCS = (
    "docs/architecture.md", "docs/playbooks/scrum.md", "docs/playbooks/observer.md",
    "docs/runbooks/compaction.md", "docs/runbooks/failover.md", "docs/design notes/leases.md",
    "docs/référence/café_du_matin.md", "docs/adr/0007-wal-format.md", "docs/adr/0012-hnsw.md",
    "README.md", "CONTRIBUTING.md", "Cargo.toml", "Makefile", ".github/workflows/ci.yml",
    "sql/migrations/0001_init.sql", "sql/migrations/0002_leases.sql", "sql/views/run_summary.sql",
)  # fmt: skip

_TYPES = (
    "PlaybookMemory", "SegmentIndex", "LeaseTable", "WalWriter", "QueryPlan", "ShardRouter",
    "SnapshotReader", "RetryPolicy", "SessionCache", "BloomFilter", "CompactionJob", "RaftLog",
    "TokenBucket", "VectorStore", "ObserverSink", "ManifestEntry", "TxnGuard", "BatchQueue",
)  # fmt: skip
_FNS = (
    "load_playbook", "flush_wal", "compact_segments", "upsert_vector", "resolve_lease",
    "spawn_worker", "parse_manifest", "apply_patch", "open_snapshot", "route_query",
    "evict_expired", "merge_runs", "checkpoint", "replay_log", "acquire_permit", "encode_batch",
    "decode_frame", "rebuild_index", "score_run", "record_metric", "elect_leader",
    "vacuum_tombstones",
)  # fmt: skip
_FIELDS = ("inner", "state", "segments", "leases", "queue", "cache", "writer", "entries", "peers")
_ISSUES = (
    "holds a `MutexGuard` across an `.await`, so a slow peer stalls every writer",
    "unwraps a `Result` that is `Err` on a partial write",
    "clones the whole `Vec<Embedding>` on every request",
    "ignores the error returned by `fsync`",
    "retries without backoff and can hammer the leader during an election",
    "swallows the error and returns an empty list, which callers read as “no matches”",
    "races with the compaction thread when a segment is renamed",
    "allocates a fresh `String` inside the hot loop",
    "sends on an unbounded channel, so memory grows without limit under back-pressure",
    "compares timestamps as strings, which breaks for offsets other than `Z`",
    "uses `as u32` on a length that can exceed 4 GiB",
    "reads the config once at start-up and never sees a reload",
    "logs the full request body, including user prompts, at `info` level",
    "takes the read lock and then the write lock in the opposite order to `merge_runs`",
    "does a naïve linear scan where the index already gives an `O(log n)` lookup",
    "treats a missing manifest entry as an empty segment instead of an error",
    "keeps a `&mut` borrow alive across the callback, forcing an extra clone",
    "computes the checksum over the header only — the payload is never verified",
)  # fmt: skip
_FIXES = (
    "propagate the error with `?` and let the caller decide",
    "move the guard into a block that ends before the `.await`",
    "share the buffer as `Arc<[f32]>` instead of cloning it",
    "add jittered exponential backoff capped at 30 s",
    "bound the channel and apply back-pressure to the producer",
    "parse both sides with `time::OffsetDateTime` before comparing",
    "use `u64::try_from` and return an error on overflow",
    "subscribe to the config watcher and swap the value atomically",
    "log a redacted summary (length and hash) instead of the body",
    "take the locks in one documented order, the same as `merge_runs`",
    "use the existing index lookup",
    "return `Error::MissingSegment` and surface it in the health check",
    "restructure the loop so the borrow ends before the callback",
    "checksum header and payload together and verify on read",
    "add a regression test that reproduces the interleaving with `loom`",
)  # fmt: skip
_ADJS = ("hot", "cold-start", "recovery", "shutdown", "happy", "error", "retry", "fast", "slow")
_OPENERS = (
    "I read `{fn}()` end to end.",
    "Compared with the previous review of this file, one finding is new.",
    "The change is small but touches the {adj} path.",
    "This is a déjà-vu of the bug fixed in the last sprint.",
    "Context from the matrix helped: the symbol table lists every caller of `{fn}`.",
    "Most of the module is fine; the problems cluster around `{ty}`.",
    "I could not run the tests, so this review is static — treat line numbers as approximate.",
    "The observer flagged this file twice; both flags still hold.",
)  # fmt: skip
_SENTENCES = (
    "`{fn}()` in `{path}` {issue}; {fix}.",
    "The {adj} path through `{ty}::{fn}` {issue} — {fix}.",
    "`{ty}` {issue}. Suggested fix: {fix}.",
    "Line {n} of `{path}` {issue}; I would {fix}.",
    "Finding {k}: `{fn}` {issue}. {Fix}.",
    "When `{field}` is empty, `{fn}` {issue}; {fix}.",
    "A second look at `{ty}::{fn}`: it {issue}, and the fix is to {fix}.",
    "Risk is {risk}: `{fn}` {issue}.",
)  # fmt: skip
_RISKS = ("low", "medium", "high", "moderate", "hard to judge without a benchmark")
_HEADINGS = (
    "### Findings", "### Risks", "### Suggested changes", "### Evidence", "### Concurrency",
    "### Error handling", "### Performance", "### Tests to add", "### Open questions",
    "### Notes for the observer", "### Résumé", "### Follow-ups",
)  # fmt: skip
_VERDICTS = (
    "**Verdict:** approve with changes — {k} blocking finding(s).",
    "**Verdict:** request changes; `{fn}` must not ship as is.",
    "**Verdict:** approve. Nothing blocking; the notes above are optional.",
    "**Verdict:** needs a second reviewer for the `{ty}` locking.",
    "**Verdict:** inconclusive — the diff and the matrix disagree about `{fn}`.",
)  # fmt: skip
_CODE = (
    "```rust\nfn {fn}(&self) -> Result<(), Error> {{\n    let guard = self.{field}.lock().await;\n"
    "    self.flush(&guard).await?;\n    Ok(())\n}}\n```",
    "```rust\nlet n = buf.len() as u32; // truncates above 4 GiB\n"
    "writer.write_all(&n.to_le_bytes())?;\n```",
    "```rust\nmatch self.{field}.get(&key) {{\n    Some(v) => v.clone(),\n"
    "    None => Vec::new(), // hides the error\n}}\n```",
    "```python\ndef {fn}(self, run):\n    try:\n        return self.{field}[run.id]\n"
    "    except KeyError:\n        return []  # swallowed\n```",
    "```diff\n-    let guard = self.{field}.lock().await;\n"
    "+    let value = {{ self.{field}.lock().await.clone() }};\n```",
    "```sql\nselect run_id, max(scored_at) as scored_at\nfrom scores\ngroup by run_id;\n```",
)  # fmt: skip
_INSTRUCTIONS = (
    "Review `{path}` for correctness, error handling and concurrency hazards. "
    "Cite file paths and line numbers for every finding.",
    "You are the scrum reviewer. Read `{path}` and list the blocking issues first, then "
    "suggestions. Use the lakehouse architecture matrix as ground truth.",
    "Observe the last executor run on `{path}` and state which of its findings hold, which are "
    "wrong, and what it missed.",
    "Try the current mode on `{path}`: produce a review in at most 400 words, with a verdict line.",
    "Audit `{path}` and extract the facts a new engineer needs: invariants, locks taken, "
    "errors returned, callers.",
    "Escalate if `{path}` contains anything that needs a human decision; "
    "otherwise summarise why not.",
    "Distil the reviews of `{path}` into a reusable playbook entry: trigger, check, fix.",
    "Review the change to `{path}` like a senior engineer would — terse, concrete, no praise.",
)  # fmt: skip
_TITLES = (
    "Review of {path}",
    "{ty}: lock held across await",
    "Error handling in {module}",
    "Findings — {module}",
    "Scrum review: {path}",
    "Observer notes on {module}",
    "Playbook candidate: {fn}",
)  # fmt: skip
_MATRIX = (
    "lakehouse_arch_v1", "lakehouse_symbols_v1", "scrum_playbook_v2", "observer_rules_v1",
    "crate_graph_v3", "incident_log_v2", "style_guide_v1",
)  # fmt: skip
_MODELS = (
    "claude-sonnet-4-5", "gpt-4.1-mini", "qwen2.5-coder-32b-instruct", "llama-3.3-70b-instruct",
    "deepseek-v3", "mistral-large-2411",
)  # fmt: skip
_MODES = ("terse", "checklist", "socratic", "diff-first")
_SCORERS = ("scorer-v3.2.1", "scorer-v3.3.0", "scrum-judge-2026.04")
_RATIONALES = {
    "accepted": (
        "Concrete findings with file:line references; matches the playbook.",
        "Correct diagnosis of the locking issue and an actionable fix.",
        "All claims verified against the symbol matrix.",
        "Clear verdict, no hallucinated paths, fixes compile.",
    ),
    "partially_accepted": (
        "Main finding is right but two suggestions are wrong.",
        "Useful, yet cites a function that does not exist in this file.",
        "Correct but too long; the verdict is buried.",
    ),
    "rejected": (
        "Misreads the code: the guard is dropped before the await.",
        "Hallucinated file paths and an invented API.",
        "Ignores the instruction and reviews a different module.",
        "Generic advice only; nothing specific to the file.",
    ),
    "needs_human_review": (
        "Scorer confidence below threshold.",
        "Conflicting signals between the observer and the executor.",
        "Claims a security issue; a human must confirm.",
        "Touches the WAL format; policy requires a human check.",
    ),
}
_CATEGORIES = ("accepted", "partially_accepted", "rejected", "needs_human_review")

# task_type, run_id prefix, provenance source file, weight (percent), conversational
_TASK_TYPES = (
    ("scrum_review", "scrum", "data/_kb/scrum_reviews.jsonl", 44),
    ("observer_review", "observer", "data/_kb/observer_reviews.jsonl", 20),
    ("mode_experiment", "mode", "data/_kb/mode_experiments.jsonl", 12),
    ("observer_escalation", "escalation", "data/_kb/escalations.jsonl", 8),
    ("audit_facts", "audit", "data/_kb/audit_facts.jsonl", 8),
    ("distilled_playbook", "distill", "data/_kb/distilled.jsonl", 4),
    ("distilled_facts", "distill", "data/_kb/distilled.jsonl", 3),
    ("triage_note", "triage", "data/_kb/triage.jsonl", 1),  # unclassified by the shipped seeds
)
CONVERSATIONAL_TASK_TYPES = ("scrum_review", "observer_review", "mode_experiment")
# Attempts per task: 1..6 with these weights (percent).
_ATTEMPT_WEIGHTS = (40, 24, 15, 10, 7, 4)
# Category weights per attempt (percent x 10): accepted, partial, rejected, needs_human_review.
_CATEGORY_WEIGHTS = (350, 130, 52, 468)

# --------------------------------------------------------------------------------------------
# Pools
# --------------------------------------------------------------------------------------------


def _esc(s: str) -> str:
    """The JSON string body of s (escaped, without the quotes), non-ASCII kept as is."""
    return json.dumps(s, ensure_ascii=False)[1:-1]


def _build_paths() -> list[str]:
    """The repo: every path the generator may cite, sorted by UTF-8 bytes (SPEC §2.5)."""
    rnd = random.Random("distill-synth/paths/v1")
    paths: set[str] = set(_DOCS)
    for crate in _CRATES:
        paths.add(f"crates/{crate}/Cargo.toml")
        paths.add(f"crates/{crate}/src/lib.rs")
        for module in rnd.sample(_RUST_MODULES, 18):
            paths.add(f"crates/{crate}/src/{module}.rs")
        for module in rnd.sample(_RUST_MODULES, 4):
            paths.add(f"crates/{crate}/tests/{module}_test.rs")
    for service in _SERVICES:
        for module in _PY_MODULES:
            paths.add(f"services/{service}/{service}/{module}.py")
        paths.add(f"services/{service}/tests/test_{service}.py")
    for component in _COMPONENTS:
        paths.add(f"web/src/components/{component}.tsx")
        paths.add(f"web/src/components/{component}.test.tsx")
    return sorted(paths, key=lambda p: p.encode())


# Paths no repo of this vocabulary holds: plausible hallucinations (never in the manifest).
_GHOST_PATHS = (
    "crates/vectord/src/playbook_memory_v2.rs",
    "crates/lakehouse/src/legacy_wal.rs",
    "services/scorer/scorer/judge_old.py",
    "crates/ghost/src/lib.rs",
    "docs/runbooks/restore-from-tape.md",
    "web/src/components/RunTableLegacy.tsx",
)
_UNSAFE_PATHS = (
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


class _Pools:
    """Pre-generated, pre-escaped building blocks. Built once per process, seed-independent."""

    def __init__(self) -> None:
        rnd = random.Random("distill-synth/pools/v1")
        self.paths = _build_paths()
        groups: dict[str, list[str]] = {}
        for p in self.paths:
            groups.setdefault("/".join(p.split("/")[:2]), []).append(p)
        # For each path, the paths of its group (its crate, service, ...): related file_refs.
        self.group_of = [groups["/".join(p.split("/")[:2])] for p in self.paths]

        def fill(template: str) -> str:
            fix = rnd.choice(_FIXES)
            return template.format(
                fn=rnd.choice(_FNS),
                ty=rnd.choice(_TYPES),
                field=rnd.choice(_FIELDS),
                path=rnd.choice(self.paths),
                issue=rnd.choice(_ISSUES),
                fix=fix,
                Fix=fix[0].upper() + fix[1:],
                adj=rnd.choice(_ADJS),
                risk=rnd.choice(_RISKS),
                n=rnd.randrange(12, 900),
                k=rnd.randrange(1, 6),
            )

        def paragraph(lo: int, hi: int) -> str:
            parts = [fill(rnd.choice(_OPENERS))]
            parts += [fill(rnd.choice(_SENTENCES)) for _ in range(rnd.randrange(lo, hi))]
            return " ".join(parts)

        def bullets() -> str:
            return "\n".join(
                "- " + fill(rnd.choice(_SENTENCES)) for _ in range(rnd.randrange(2, 6))
            )

        # Sections: a heading and a body (paragraph, bullet list or code), then a blank line.
        bodies = [paragraph(1, 4) for _ in range(1200)]
        bodies += [bullets() for _ in range(1200)]
        bodies += [fill(rnd.choice(_CODE)) + "\n\n" + paragraph(0, 2) for _ in range(300)]
        rnd.shuffle(bodies)
        self.section_raw = [f"{rnd.choice(_HEADINGS)}\n\n{b}\n\n" for b in bodies]
        self.section_b = [_esc(b).encode() for b in self.section_raw]
        self.section_len = [len(b.encode()) for b in self.section_raw]
        self.intro_raw = [paragraph(1, 2) + "\n\n" for _ in range(300)]
        self.intro_b = [_esc(s).encode() for s in self.intro_raw]
        self.intro_len = [len(s.encode()) for s in self.intro_raw]
        self.verdict_raw = [fill(rnd.choice(_VERDICTS)) for _ in range(60)]
        self.verdict_b = [_esc(s).encode() for s in self.verdict_raw]
        self.verdict_len = [len(s.encode()) for s in self.verdict_raw]
        self.instr_raw = list(_INSTRUCTIONS)  # the {path} slot is filled per task
        self.instr_esc = [_esc(t) for t in _INSTRUCTIONS]
        self.rationale_esc = {c: [_esc(r) for r in rs] for c, rs in _RATIONALES.items()}
        # The hot path writes paths and titles into JSON unescaped: they must need no escaping.
        for text in (*self.paths, *_TITLES, *_MODELS, *_MATRIX, *_MODES, *_SCORERS):
            assert _esc(text) == text, text


_POOLS: _Pools | None = None


def _pools() -> _Pools:
    global _POOLS
    if _POOLS is None:
        _POOLS = _Pools()
    return _POOLS


# --------------------------------------------------------------------------------------------
# Timestamps
# --------------------------------------------------------------------------------------------


class _Clock:
    """Formats epoch milliseconds as ISO-8601 quickly (a cache of the minute prefix)."""

    def __init__(self) -> None:
        self._minute: dict[int, str] = {}

    def prefix(self, minute: int) -> str:
        p = self._minute.get(minute)
        if p is None:
            t = time.gmtime(minute * 60)
            p = f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:"
            self._minute[minute] = p
        return p

    def iso(self, ms: int, style: float) -> str:
        """A valid ISO-8601 form of ms; `style` in [0, 1) picks the form (mostly `.mmmZ`)."""
        if style < 0.86:
            m, r = divmod(ms, 60_000)
            return f"{self.prefix(m)}{r // 1000:02d}.{r % 1000:03d}Z"
        if style < 0.93:
            m, r = divmod(ms, 60_000)
            return f"{self.prefix(m)}{r // 1000:02d}Z"
        if style < 0.96:
            m, r = divmod(ms, 60_000)
            micro = int(style * 1e7) % 1000
            return f"{self.prefix(m)}{r // 1000:02d}.{r % 1000:03d}{micro:03d}Z"
        if style < 0.99:
            offset = (120, -300, 330, 60)[int(style * 1000) % 4]
            m, r = divmod(ms + offset * 60_000, 60_000)
            sign = "+" if offset >= 0 else "-"
            hh, mm = divmod(abs(offset), 60)
            return f"{self.prefix(m)}{r // 1000:02d}.{r % 1000:03d}{sign}{hh:02d}:{mm:02d}"
        m, r = divmod(ms, 60_000)
        return f"{self.prefix(m)}{r // 1000:02d}"  # no zone: UTC


_BAD_TIMESTAMPS = (
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

# --------------------------------------------------------------------------------------------
# Secrets, built by concatenation so this file holds no literal secret.
# --------------------------------------------------------------------------------------------


def _secret(rnd: random.Random) -> str:
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


# --------------------------------------------------------------------------------------------
# Chunk generation
# --------------------------------------------------------------------------------------------


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _utf8(line: str) -> bytes:
    """UTF-8 bytes of line; lone surrogates U+DC80-U+DCFF become the raw (invalid) bytes."""
    return line.encode("utf-8", "surrogateescape")


def _text_parts(
    P: _Pools, rand: Any, path: str, extraction: bool, short: bool = False
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


def _text_raw(
    P: _Pools, path: str, word: str, sections: list[int], intro: int, verdict: int
) -> str:
    body = "".join([P.section_raw[i] for i in sections])
    return f"## {word} — `{path}`\n\n{P.intro_raw[intro]}{body}{P.verdict_raw[verdict]}"


def review_text(rnd: random.Random, path: str, extraction: bool = False) -> str:
    """One markdown review text of 1-4 KB about `path` (what a run's `text` looks like)."""
    P = _pools()
    return _text_raw(P, path, *_text_parts(P, rnd.random, path, extraction))


class _Chunk:
    """Generates the lines of one chunk of runs [start, stop)."""

    def __init__(
        self, seed: int, index: int, start: int, stop: int, defect_rate: float, short: bool
    ) -> None:
        self.rnd = random.Random(f"distill-synth/{seed}/{index}")
        self.index = index
        self.start = start
        self.stop = stop
        self.defect_rate = defect_rate
        self.short = short
        self.pools = _pools()
        self.clock = _Clock()
        # Output as UTF-8 pieces: one run's evidence line is several pieces (pooled text bytes
        # are never copied into an intermediate str). Late lines go after the chunk's runs.
        self.ev: list[bytes] = []
        self.sc: list[bytes] = []
        self.late_ev: list[bytes] = []
        self.late_sc: list[bytes] = []
        self.defects = dict.fromkeys(DEFECT_KINDS, 0)
        self.kind_cursor = self.rnd.randrange(len(DEFECT_KINDS))
        self.src_line = {src: index * CHUNK_RUNS // 3 + 1 for _, _, src, _ in _TASK_TYPES}
        self.tasks = 0

    # -- text -----------------------------------------------------------------------------

    def text_parts(self, path: str, extraction: bool) -> tuple[str, list[int], int, int]:
        return _text_parts(self.pools, self.rnd.random, path, extraction, self.short)

    def text_raw(self, path: str, word: str, sections: list[int], intro: int, verdict: int) -> str:
        return _text_raw(self.pools, path, word, sections, intro, verdict)

    # -- runs -----------------------------------------------------------------------------

    def categories(self, n: int) -> list[str]:
        rand = self.rnd.random
        w_a, w_p, w_r, _ = _CATEGORY_WEIGHTS
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

    def generate(self) -> tuple[bytes, bytes, dict[str, int]]:
        rnd = self.rnd
        rand = rnd.random
        getrandbits = rnd.getrandbits
        P = self.pools
        clock = self.clock
        n_paths = len(P.paths)
        ev_append, ev_extend, sc_append = self.ev.append, self.ev.extend, self.sc.append
        intro_b, section_b, verdict_b = P.intro_b, P.section_b, P.verdict_b
        g = self.start
        while g < self.stop:
            x = rand() * 100
            n = 1
            acc = _ATTEMPT_WEIGHTS[0]
            while x >= acc and n < len(_ATTEMPT_WEIGHTS):
                acc += _ATTEMPT_WEIGHTS[n]
                n += 1
            n = min(n, self.stop - g)
            x = rand() * 100
            for task_type, prefix, source_file, weight in _TASK_TYPES:  # noqa: B007
                if x < weight:
                    break
                x -= weight
            extraction = task_type not in CONVERSATIONAL_TASK_TYPES
            p = int(rand() * n_paths)
            path = P.paths[p]
            group = P.group_of[p]
            instr = int(rand() * len(P.instr_esc))
            instruction_esc = P.instr_esc[instr].replace("{path}", path)
            if n == 1 and rand() < 0.25:
                task_id_json = "null"
                task_id: str | None = None
            else:
                task_id = f"{prefix}-task-{self.index:05d}-{self.tasks:05d}"
                task_id_json = f'"{task_id}"'
            self.tasks += 1
            cats = self.categories(n)
            for attempt in range(n):
                ms = _BASE_MS + g * _RUN_SPACING_MS + int(rand() * 900)
                run_id = f"{prefix}:{ms}:{path}"
                role = "observer" if task_type.startswith("observer") else "executor"
                role_json = "null" if rand() < 0.03 else f'"{role}"'
                y = rand()
                model_json = "null" if y < 0.02 else f'"{_MODELS[int(y * 6)]}"'
                y = rand()
                if y < 0.08:
                    context_json = "null"
                elif y < 0.12:
                    context_json = '{"matrix": []}'
                else:
                    k = 1 + int(y * 100) % 3
                    first = int(y * 1000) % (len(_MATRIX) - 2)
                    entries = ", ".join(f'"{m}"' for m in _MATRIX[first : first + k])
                    if task_type == "mode_experiment":
                        mode = _MODES[int(y * 10000) % len(_MODES)]
                        context_json = f'{{"matrix": [{entries}], "mode": "{mode}"}}'
                    else:
                        context_json = f'{{"matrix": [{entries}]}}'
                parts = self.text_parts(path, extraction)
                y = rand()
                if y < 0.45:
                    title_json = "null"
                elif y < 0.452:
                    title_json = '"  "'
                else:
                    t = _TITLES[int(y * 1000) % len(_TITLES)]
                    module = path.rsplit("/", 1)[-1]
                    title = t.format(
                        path=path, module=module, ty=_TYPES[g % len(_TYPES)], fn=_FNS[g % len(_FNS)]
                    )
                    title_json = f'"{title}"'
                y = rand()
                if y < 0.03:
                    refs_json = "null"
                elif y < 0.07:
                    refs_json = "[]"
                else:
                    refs = [path]
                    for _ in range(int(y * 100) % 4):
                        r = group[int(rand() * len(group))]
                        if r not in refs:
                            refs.append(r)
                    refs_json = '["' + '", "'.join(refs) + '"]'
                recorded_ms = ms + 4_000 + int(rand() * 240_000)
                recorded_at = clock.iso(recorded_ms, rand())
                src_line = self.src_line[source_file]
                self.src_line[source_file] = src_line + 1
                sig_hash = f"{getrandbits(128):032x}{getrandbits(128):032x}"
                category = cats[attempt]
                scored_ms = recorded_ms + 60_000 + int(rand() * 3_600_000)
                scored_at = clock.iso(scored_ms, rand())
                rationales = P.rationale_esc[category]
                y = rand()
                rationale_json = (
                    "null" if y < 0.05 else f'"{rationales[int(y * 1000) % len(rationales)]}"'
                )
                scorer = _SCORERS[int(y * 100) % 3]
                if rand() < self.defect_rate:
                    kind = DEFECT_KINDS[self.kind_cursor % len(DEFECT_KINDS)]
                    self.kind_cursor += 1
                    self.defects[kind] += 1
                    rec = {
                        "run_id": run_id,
                        "task_id": task_id,
                        "task_type": task_type,
                        "role": json.loads(role_json),
                        "model": json.loads(model_json),
                        "instruction": P.instr_raw[instr].replace("{path}", path),
                        "context": json.loads(context_json),
                        "text": self.text_raw(path, *parts),
                        "title": json.loads(title_json),
                        "file_refs": json.loads(refs_json),
                        "provenance": {
                            "source_file": source_file,
                            "line": src_line,
                            "sig_hash": sig_hash,
                            "recorded_at": recorded_at,
                        },
                    }
                    score = {
                        "run_id": run_id,
                        "category": category,
                        "rationale": json.loads(rationale_json),
                        "scorer_version": scorer,
                        "scored_at": scored_at,
                    }
                    self.plant(kind, rec, score, recorded_ms, scored_ms)
                else:
                    word, sections, intro, verdict = parts
                    ev_append(
                        f'{{"run_id": "{run_id}", "task_id": {task_id_json}, '
                        f'"task_type": "{task_type}", "role": {role_json}, "model": {model_json}, '
                        f'"instruction": "{instruction_esc}", "context": {context_json}, '
                        f'"text": "## {word} — `{path}`\\n\\n'.encode()
                    )
                    ev_append(intro_b[intro])
                    ev_extend([section_b[i] for i in sections])
                    ev_append(verdict_b[verdict])
                    ev_append(
                        f'", "title": {title_json}, "file_refs": {refs_json}, "provenance": {{'
                        f'"source_file": "{source_file}", "line": {src_line}, '
                        f'"sig_hash": "{sig_hash}", "recorded_at": "{recorded_at}"}}}}\n'.encode()
                    )
                    sc_append(
                        f'{{"run_id": "{run_id}", "category": "{category}", '
                        f'"rationale": {rationale_json}, "scorer_version": "{scorer}", '
                        f'"scored_at": "{scored_at}"}}\n'.encode()
                    )
                g += 1
        ev = b"".join(self.ev + self.late_ev)
        sc = b"".join(self.sc + self.late_sc)
        stats = {f"defect:{k}": v for k, v in self.defects.items()}
        stats["tasks"] = self.tasks
        return ev, sc, stats

    # -- defects --------------------------------------------------------------------------

    def plant(self, kind: str, rec: dict, score: dict, recorded_ms: int, scored_ms: int) -> None:
        """Writes the run's lines with defect `kind` planted (slow path: dicts and dumps)."""
        rnd = self.rnd
        ev_line: str | None = _dumps(rec)
        sc_line: str | None = _dumps(score)
        if kind == "not_json":
            ev_line = rnd.choice(
                (
                    ev_line[: rnd.randrange(10, len(ev_line) - 2)],  # truncated write
                    ev_line.replace('"run_id": ', '"run_id" ', 1),
                    "{'run_id': " + repr(rec["run_id"]) + ", 'task_type': 'scrum_review'}",
                    f"run_id={rec['run_id']} status=ok",
                    ev_line[:-1] + "}}",  # trailing garbage
                    "{" + ev_line,
                )
            )
        elif kind == "json_array":
            ev_line = "[" + ev_line + "]"
        elif kind == "json_string":
            ev_line = _dumps(ev_line)
        elif kind == "invalid_utf8":
            # Lone surrogates in the str become raw bytes under `surrogateescape`.
            bad = rnd.choice(
                ("\udcff", "\udcc3", "\udce2\udc82", "\udcc0\udcaf", "\udced\udca0\udc80")
            )
            i = ev_line.index('"text": "') + 9 + rnd.randrange(0, 40)
            ev_line = ev_line[:i] + bad + ev_line[i:]
        elif kind == "raw_control_char":
            ch = rnd.choice(("\t", "\x01", "\x1b", "\x00", "\x0c"))
            i = ev_line.index('"text": "') + 9 + rnd.randrange(0, 40)
            ev_line = ev_line[:i] + ch + ev_line[i:]
        elif kind == "lone_surrogate":
            esc = rnd.choice(("\\ud800", "\\udc00", "\\udbff x", "\\ud83d"))
            i = ev_line.index('"text": "') + 9
            ev_line = ev_line[:i] + esc + ev_line[i:]
        elif kind == "duplicate_key_top":
            key = rnd.choice(("text", "run_id", "task_type", "provenance"))
            ev_line = ev_line[:-1] + f", {_dumps(key)}: {_dumps(rec[key])}}}"
        elif kind == "duplicate_key_provenance":
            prov = rec["provenance"]
            body = _dumps(prov)[:-1] + f', "line": {prov["line"] + 1}}}'
            ev_line = ev_line.replace(_dumps(prov), body)
        elif kind == "duplicate_key_context":
            ctx = {"matrix": [_MATRIX[0]]}
            rec["context"] = ctx
            ev_line = _dumps(rec).replace(
                '"context": {"matrix": ["lakehouse_arch_v1"]}',
                '"context": {"matrix": ["lakehouse_arch_v1"], "matrix": ["crate_graph_v3"]}',
            )
        elif kind == "blank_line":
            blank = rnd.choice(("", "   ", "\t", " \t ", "\r"))
            (self.ev if rnd.random() < 0.7 else self.sc).append(_utf8(blank + "\n"))
        elif kind == "wrong_type_evidence":
            field, value = rnd.choice(
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
            ev_line = _dumps(rec)
        elif kind == "wrong_type_scored":
            field, value = rnd.choice(
                (
                    ("category", 1),
                    ("rationale", ["too long"]),
                    ("scorer_version", 3.2),
                    ("scored_at", 1776910485),
                    ("run_id", None),
                )
            )
            score[field] = value
            sc_line = _dumps(score)
        elif kind == "missing_required_evidence":
            variant = rnd.randrange(3)
            if variant == 0:
                del rec["run_id"]
            elif variant == 1:
                del rec["task_type"]
            else:
                rec["task_type"] = rnd.choice(("", "  ", "\u3000"))
            ev_line = _dumps(rec)
        elif kind == "missing_required_scored":
            del score[rnd.choice(("run_id", "category"))]
            sc_line = _dumps(score)
        elif kind == "blank_run_id":
            blank = rnd.choice(("", " ", "\t", "\u00a0", "\u2003 "))
            rec["run_id"] = blank
            score["run_id"] = blank
            ev_line, sc_line = _dumps(rec), _dumps(score)
        elif kind == "control_char_run_id":
            bad = rec["run_id"] + rnd.choice(("\n", "\u0000", "\u001f", "\u007f"))
            rec["run_id"] = bad
            score["run_id"] = bad
            ev_line, sc_line = _dumps(rec), _dumps(score)
        elif kind == "category_invalid":
            score["category"] = rnd.choice(
                ("approved", "Accepted", "ACCEPTED", "reject", "", "unknown", "needs-human-review")
            )
            sc_line = _dumps(score)
        elif kind == "scored_not_json":
            sc_line = rnd.choice(
                (
                    sc_line[: rnd.randrange(5, len(sc_line) - 2)],
                    "[" + sc_line + "]",
                    _dumps(sc_line),
                    "null",
                    sc_line.replace('"category"', "category", 1),
                )
            )
        elif kind == "duplicate_evidence":
            dup = json.loads(ev_line)
            shift = rnd.randrange(1_000, 3_600_000) * rnd.choice((1, -1))
            dup["provenance"]["recorded_at"] = self.clock.iso(recorded_ms + shift, 0.0)
            dup["provenance"]["line"] = rec["provenance"]["line"] + rnd.randrange(1, 500)
            self.late_ev.append(_utf8(_dumps(dup) + "\n"))
        elif kind == "orphan_scored":
            ev_line = None
        elif kind == "unscored_evidence":
            sc_line = None
        elif kind == "blank_text":
            rec["text"] = rnd.choice(("", " ", "   ", "\n\n", "\t\n", "\u00a0", "\u3000", None))
            ev_line = _dumps(rec)
        elif kind == "blank_instruction":
            rec["instruction"] = rnd.choice(("", "  ", "\n", None))
            ev_line = _dumps(rec)
        elif kind == "missing_provenance":
            prov = rec["provenance"]
            variant = rnd.randrange(8)
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
                prov["recorded_at"] = recorded_ms  # a number: the wrong type counts as absent
            ev_line = _dumps(rec)
        elif kind == "unparseable_recorded_at":
            rec["provenance"]["recorded_at"] = rnd.choice(_BAD_TIMESTAMPS)
            ev_line = _dumps(rec)
        elif kind == "unparseable_scored_at":
            score["scored_at"] = rnd.choice(_BAD_TIMESTAMPS)
            sc_line = _dumps(score)
        elif kind == "unsafe_file_ref":
            refs = list(rec["file_refs"] or [])
            refs.insert(rnd.randrange(len(refs) + 1), rnd.choice(_UNSAFE_PATHS))
            rec["file_refs"] = refs
            ev_line = _dumps(rec)
        elif kind == "file_ref_not_in_manifest":
            refs = list(rec["file_refs"] or [])
            refs.append(rnd.choice(_GHOST_PATHS))
            rec["file_refs"] = refs
            ev_line = _dumps(rec)
        elif kind == "secret":
            secret = _secret(rnd)
            where = rnd.randrange(4)
            if where == 0 or (rec["title"] is None and where == 1):
                text = rec["text"]
                i = text.index("\n\n") + 2
                rec["text"] = (
                    f"{text[:i]}The config still contains `{secret}` in plain text.\n\n{text[i:]}"
                )
            elif where == 1:
                rec["title"] = f"{rec['title']} ({secret})"
            elif where == 2:
                rec["instruction"] = f"{rec['instruction']} Token for the API: {secret}"
            else:
                rec["text"] = f"{rec['text']}\n\nexport AWS_KEY={secret}"
            ev_line = _dumps(rec)
        elif kind == "rescored":
            extra = rnd.randrange(1, 3)
            for j in range(extra):
                later = rnd.random() < 0.8
                delta = rnd.randrange(60_000, 172_800_000) * (j + 1)
                ms = scored_ms + delta if later else scored_ms - delta
                again = dict(score)
                again["scored_at"] = self.clock.iso(ms, rnd.random())
                if rnd.random() < 0.5:
                    again["category"] = rnd.choice(_CATEGORIES)
                    again["rationale"] = rnd.choice(_RATIONALES[again["category"]])
                again["scorer_version"] = _SCORERS[-1]
                self.late_sc.append(_utf8(_dumps(again) + "\n"))
        if ev_line is not None:
            self.ev.append(_utf8(ev_line + "\n"))
        if sc_line is not None:
            self.sc.append(_utf8(sc_line + "\n"))


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _chunk_bounds(runs: int) -> list[tuple[int, int, int]]:
    return [
        (i, start, min(start + CHUNK_RUNS, runs))
        for i, start in enumerate(range(0, runs, CHUNK_RUNS))
    ]


def _generate(seed: int, index: int, start: int, stop: int, rate: float, short: bool):
    return _Chunk(seed, index, start, stop, rate, short).generate()


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
    _pools()


def _pwrite_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        view = view[n:]
        offset += n


def _work(args: tuple[int, int, int, int, float, bool]) -> tuple[int, int, dict[str, int]]:
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
    pools = _pools()
    bounds = _chunk_bounds(runs)
    jobs = [(seed, i, start, stop, float(defect_rate), short_texts) for i, start, stop in bounds]
    totals: dict[str, int] = {"tasks": 0}
    ev_lines = sc_lines = 0
    workers = _workers(len(jobs))
    if workers == 1:
        with open(ev_path, "wb") as ev_f, open(sc_path, "wb") as sc_f:
            for job in jobs:
                ev, sc, stats = _generate(*job)
                ev_f.write(ev)
                sc_f.write(sc)
                ev_lines += ev.count(b"\n")
                sc_lines += sc.count(b"\n")
                for k, v in stats.items():
                    totals[k] = totals.get(k, 0) + v
    else:
        for path in (ev_path, sc_path):
            path.write_bytes(b"")
        ctx = multiprocessing.get_context("fork")
        cond = ctx.Condition()
        shared = (ctx.RawValue("q", 0), ctx.RawValue("q", 0), ctx.RawValue("q", 0))
        with ctx.Pool(
            workers, initializer=_init_worker, initargs=(str(ev_path), str(sc_path), cond, *shared)
        ) as pool:
            for n_ev, n_sc, stats in pool.imap(_work, jobs, chunksize=1):
                ev_lines += n_ev
                sc_lines += n_sc
                for k, v in stats.items():
                    totals[k] = totals.get(k, 0) + v
    manifest = "".join(p + "\n" for p in pools.paths).encode()
    manifest_path.write_bytes(manifest)
    defects = {k: totals.get(f"defect:{k}", 0) for k in DEFECT_KINDS}
    return {
        "runs": runs,
        "tasks": totals["tasks"],
        "evidence_lines": ev_lines,
        "scored_lines": sc_lines,
        "manifest_paths": len(pools.paths),
        "evidence_bytes": ev_path.stat().st_size,
        "scored_bytes": sc_path.stat().st_size,
        "defects_total": sum(defects.values()),
        "defects": defects,
    }
