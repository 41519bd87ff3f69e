"""What the synthetic substrate is made of: the words of its review texts, the repo they cite,
the models, scorers and rationales of its runs, and the mix of task types and attempts.

Data only, seed-independent. Nothing here may match a secret pattern of SPEC §4 (tests check it),
and every path, title, model, matrix entry, mode and scorer must need no JSON escaping: the hot
path writes them into JSON as they are (``texts.Pools`` asserts it).
"""

from __future__ import annotations

import random

# --------------------------------------------------------------------------------------------
# The repo the runs review
# --------------------------------------------------------------------------------------------

CRATES = (
    "vectord", "lakehouse", "playbook", "scrumd", "observer", "gateway", "ingest", "catalog",
    "planner", "kvstore", "telemetry", "authz", "scheduler", "embedder", "tokenizer", "blobstore",
    "raftlog", "querycore", "sandbox", "notifier",
)  # fmt: skip
RUST_MODULES = (
    "lib", "main", "playbook_memory", "index", "shard", "compaction", "wal", "snapshot",
    "query_plan", "retry", "backoff", "router", "schema", "codec", "metrics", "config", "errors",
    "session", "cache", "lease", "segment", "merge", "bloom", "manifest", "checkpoint", "replica",
    "election", "batch", "stream", "handler", "pool", "budget", "ratelimit", "tracing", "hnsw",
    "quantize", "partition", "vacuum", "txn", "lock_table",
)  # fmt: skip
SERVICES = ("scorer", "observer_api", "dashboard", "exporter", "orchestrator", "kb_loader")
PY_MODULES = (
    "__init__", "app", "models", "routes", "jobs", "storage", "settings", "prompts", "judge",
    "queue", "client", "utils", "rubric", "replay",
)  # fmt: skip
COMPONENTS = (
    "RunTable", "ScoreBadge", "PlaybookView", "DiffPanel", "ObserverFeed", "QuarantineList",
    "ModelPicker", "TaskTimeline", "FileTree", "SettingsForm",
)  # fmt: skip
DOCS = (
    "docs/architecture.md", "docs/playbooks/scrum.md", "docs/playbooks/observer.md",
    "docs/runbooks/compaction.md", "docs/runbooks/failover.md", "docs/design notes/leases.md",
    "docs/référence/café_du_matin.md", "docs/adr/0007-wal-format.md", "docs/adr/0012-hnsw.md",
    "README.md", "CONTRIBUTING.md", "Cargo.toml", "Makefile", ".github/workflows/ci.yml",
    "sql/migrations/0001_init.sql", "sql/migrations/0002_leases.sql", "sql/views/run_summary.sql",
)  # fmt: skip


def repo_paths() -> list[str]:
    """The repo: every path the generator may cite, sorted by UTF-8 bytes (SPEC §2.5)."""
    rnd = random.Random("distill-synth/paths/v1")
    paths: set[str] = set(DOCS)
    for crate in CRATES:
        paths.add(f"crates/{crate}/Cargo.toml")
        paths.add(f"crates/{crate}/src/lib.rs")
        for module in rnd.sample(RUST_MODULES, 18):
            paths.add(f"crates/{crate}/src/{module}.rs")
        for module in rnd.sample(RUST_MODULES, 4):
            paths.add(f"crates/{crate}/tests/{module}_test.rs")
    for service in SERVICES:
        for module in PY_MODULES:
            paths.add(f"services/{service}/{service}/{module}.py")
        paths.add(f"services/{service}/tests/test_{service}.py")
    for component in COMPONENTS:
        paths.add(f"web/src/components/{component}.tsx")
        paths.add(f"web/src/components/{component}.test.tsx")
    return sorted(paths, key=lambda p: p.encode())


def path_groups(paths: list[str]) -> list[list[str]]:
    """For each path, the paths of its group (its crate, service, ...): related file_refs."""
    groups: dict[str, list[str]] = {}
    for p in paths:
        groups.setdefault("/".join(p.split("/")[:2]), []).append(p)
    return [groups["/".join(p.split("/")[:2])] for p in paths]


# --------------------------------------------------------------------------------------------
# The words of review texts, instructions and titles
# --------------------------------------------------------------------------------------------

TYPES = (
    "PlaybookMemory", "SegmentIndex", "LeaseTable", "WalWriter", "QueryPlan", "ShardRouter",
    "SnapshotReader", "RetryPolicy", "SessionCache", "BloomFilter", "CompactionJob", "RaftLog",
    "TokenBucket", "VectorStore", "ObserverSink", "ManifestEntry", "TxnGuard", "BatchQueue",
)  # fmt: skip
FNS = (
    "load_playbook", "flush_wal", "compact_segments", "upsert_vector", "resolve_lease",
    "spawn_worker", "parse_manifest", "apply_patch", "open_snapshot", "route_query",
    "evict_expired", "merge_runs", "checkpoint", "replay_log", "acquire_permit", "encode_batch",
    "decode_frame", "rebuild_index", "score_run", "record_metric", "elect_leader",
    "vacuum_tombstones",
)  # fmt: skip
FIELDS = ("inner", "state", "segments", "leases", "queue", "cache", "writer", "entries", "peers")
ISSUES = (
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
FIXES = (
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
ADJS = ("hot", "cold-start", "recovery", "shutdown", "happy", "error", "retry", "fast", "slow")
OPENERS = (
    "I read `{fn}()` end to end.",
    "Compared with the previous review of this file, one finding is new.",
    "The change is small but touches the {adj} path.",
    "This is a déjà-vu of the bug fixed in the last sprint.",
    "Context from the matrix helped: the symbol table lists every caller of `{fn}`.",
    "Most of the module is fine; the problems cluster around `{ty}`.",
    "I could not run the tests, so this review is static — treat line numbers as approximate.",
    "The observer flagged this file twice; both flags still hold.",
)  # fmt: skip
SENTENCES = (
    "`{fn}()` in `{path}` {issue}; {fix}.",
    "The {adj} path through `{ty}::{fn}` {issue} — {fix}.",
    "`{ty}` {issue}. Suggested fix: {fix}.",
    "Line {n} of `{path}` {issue}; I would {fix}.",
    "Finding {k}: `{fn}` {issue}. {Fix}.",
    "When `{field}` is empty, `{fn}` {issue}; {fix}.",
    "A second look at `{ty}::{fn}`: it {issue}, and the fix is to {fix}.",
    "Risk is {risk}: `{fn}` {issue}.",
)  # fmt: skip
RISKS = ("low", "medium", "high", "moderate", "hard to judge without a benchmark")
HEADINGS = (
    "### Findings", "### Risks", "### Suggested changes", "### Evidence", "### Concurrency",
    "### Error handling", "### Performance", "### Tests to add", "### Open questions",
    "### Notes for the observer", "### Résumé", "### Follow-ups",
)  # fmt: skip
VERDICTS = (
    "**Verdict:** approve with changes — {k} blocking finding(s).",
    "**Verdict:** request changes; `{fn}` must not ship as is.",
    "**Verdict:** approve. Nothing blocking; the notes above are optional.",
    "**Verdict:** needs a second reviewer for the `{ty}` locking.",
    "**Verdict:** inconclusive — the diff and the matrix disagree about `{fn}`.",
)  # fmt: skip
CODE = (
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
INSTRUCTIONS = (
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
TITLES = (
    "Review of {path}",
    "{ty}: lock held across await",
    "Error handling in {module}",
    "Findings — {module}",
    "Scrum review: {path}",
    "Observer notes on {module}",
    "Playbook candidate: {fn}",
)  # fmt: skip

# --------------------------------------------------------------------------------------------
# Runs: context, models, scorers, categories, task types
# --------------------------------------------------------------------------------------------

MATRIX = (
    "lakehouse_arch_v1", "lakehouse_symbols_v1", "scrum_playbook_v2", "observer_rules_v1",
    "crate_graph_v3", "incident_log_v2", "style_guide_v1",
)  # fmt: skip
MODELS = (
    "claude-sonnet-4-5", "gpt-4.1-mini", "qwen2.5-coder-32b-instruct", "llama-3.3-70b-instruct",
    "deepseek-v3", "mistral-large-2411",
)  # fmt: skip
MODES = ("terse", "checklist", "socratic", "diff-first")
SCORERS = ("scorer-v3.2.1", "scorer-v3.3.0", "scrum-judge-2026.04")
RATIONALES = {
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
CATEGORIES = ("accepted", "partially_accepted", "rejected", "needs_human_review")

# task_type, run_id prefix, provenance source file, weight (percent), conversational
TASK_TYPES = (
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
ATTEMPT_WEIGHTS = (40, 24, 15, 10, 7, 4)
# Category weights per attempt (percent x 10): accepted, partial, rejected, needs_human_review.
CATEGORY_WEIGHTS = (350, 130, 52, 468)
