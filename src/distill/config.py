"""What one distill command was asked to do: typed, with a comment per field."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

DEFAULT_EVIDENCE = "data/sample/evidence.jsonl"
DEFAULT_SCORED = "data/sample/scored_runs.jsonl"
DEFAULT_MANIFEST = "data/sample/repo_manifest.txt"
ENGINES = ("duckdb", "spark")
# the warehouse of each engine: a DuckDB file, or a folder of Spark tables and their metastore
DEFAULT_WAREHOUSE = {"duckdb": "warehouse/distill.duckdb", "spark": "warehouse/spark"}
# DuckDB's cap; profiles.yml has the same default. 3 GB for DuckDB keeps the whole process
# (Python, dbt, Arrow batches) under 4 GB at 1M runs; DuckDB spills to disk beyond it.
DEFAULT_MEMORY_LIMIT = "3GB"


def duckdb_settings() -> dict[str, str | int]:
    """memory_limit and threads for every DuckDB connection distill opens itself."""
    return {
        "memory_limit": os.environ.get("DISTILL_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT),
        "threads": int(os.environ.get("DISTILL_THREADS", "2")),
    }


def project_dir() -> Path:
    """The dbt project distill runs: $DISTILL_PROJECT_DIR, else the checkout this package is in."""
    env = os.environ.get("DISTILL_PROJECT_DIR")
    if env:
        return Path(env).resolve()
    for parent in Path(__file__).resolve().parents:
        if (parent / "dbt_project.yml").is_file():
            return parent
    raise RuntimeError("distill: cannot find its dbt project; set DISTILL_PROJECT_DIR")


@dataclass(frozen=True)
class Inputs:
    evidence: str = DEFAULT_EVIDENCE  # path or glob of evidence JSON Lines (SPEC §2.1)
    scored: str = DEFAULT_SCORED  # path or glob of scored-run JSON Lines (SPEC §2.2)
    manifest: str | None = None  # repo manifest (SPEC §2.3); None = no manifest
    eval_set: str | None = None  # eval texts, path or glob (SPEC §4.3 --eval-set); None = none

    @classmethod
    def from_args(
        cls,
        evidence: str | None,
        scored: str | None,
        manifest: str | None,
        eval_set: str | None = None,
    ) -> Inputs:
        """SPEC §2: the sample manifest is the default only while --evidence is left alone.
        An empty --manifest means no manifest. Relative paths are relative to the cwd."""
        if manifest is None and evidence is None:
            manifest = DEFAULT_MANIFEST
        return cls(
            evidence=evidence or DEFAULT_EVIDENCE,
            scored=scored or DEFAULT_SCORED,
            manifest=manifest or None,
            eval_set=eval_set,
        )

    def files(self) -> list[tuple[str, str]]:
        """(kind, path) of every input file, globs expanded and sorted; an InputError when a
        path names no file (SPEC §7: exit 2 before dbt starts)."""
        from distill.lines import expand

        patterns = [
            ("evidence", self.evidence),
            ("scored", self.scored),
            ("manifest", self.manifest),
            ("eval", self.eval_set),
        ]
        return [(kind, path) for kind, pattern in patterns if pattern for path in expand(pattern)]


@dataclass(frozen=True)
class Options:
    include_review: bool = False  # RAG takes needs_human_review runs (SPEC §4 gate 2)
    include_partial: bool = False  # SFT takes partially_accepted runs (SPEC §4 gate 2)
    min_gap: int = 2  # preference rank gap, 1 or 2 (SPEC §4.1)
    near_dup: bool = False  # the near_duplicate gate of RAG and SFT (SPEC §4.3)
    near_dup_threshold: str = "0.8"  # its Jaccard threshold, a decimal in [0.5, 1] (SPEC §4.3)
    eval_fraction: str = "0.05"  # Hub folder's test share, a decimal in [0, 0.5] (SPEC §5.1)
    hf_format: str = "parquet"  # Hub folder's file format: parquet or jsonl
    license: str = "other"  # the dataset card's license (a Hub license id)
    language: str = "en"  # the dataset card's language (an ISO 639-1 code)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Paths:
    exports: Path = field(default_factory=lambda: Path("exports"))  # written datasets
    reports: Path = field(default_factory=lambda: Path("reports/distillation"))  # receipts
    warehouse: Path = field(default_factory=lambda: Path(DEFAULT_WAREHOUSE["duckdb"]))
    engine: str = "duckdb"  # the dbt target that builds: duckdb (the `dev` target) or spark

    @property
    def dbt_target(self) -> Path:
        """dbt's target/ beside the warehouse: runs on two warehouses never share one."""
        return self.warehouse.parent / f".{self.warehouse.name}.dbt-target"
