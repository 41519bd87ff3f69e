"""What distill writes, listed once: the export files and the receipt stages.

The writer, the receipts, `distill health` and the CLI read these tables and derive the rest:
which relation a file comes from, which stage's receipt lists it, which keys its rows carry,
which dbt selector (selectors.yml) a command builds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# SPEC §5: the keys of each kind of row, in file order
ROW_KEYS: dict[str, tuple[str, ...]] = {
    "rag": ("id", "title", "text", "success_score", "source_category", "source_run_id",
            "task_id", "tags", "provenance", "created_at"),
    "sft": ("id", "instruction", "context", "response", "quality_score", "source_run_id",
            "task_id", "tags", "provenance", "created_at"),
    "preference": ("id", "prompt", "chosen", "rejected", "reason", "chosen_run_id",
                   "rejected_run_id", "chosen_score", "rejected_score", "task_id",
                   "provenance", "created_at"),
    "quarantine": ("id", "exporter", "reason", "errors", "run_id", "source_record",
                   "source_provenance"),
    # SPEC §5.1, the Hub folder's configs (TRL's conversational formats for sft and preference)
    "hf_rag": ("id", "title", "text", "success_score", "source_category", "source_run_id",
               "task_id", "tags", "provenance", "created_at"),
    "hf_sft": ("id", "prompt", "completion", "context", "quality_score", "source_run_id",
               "task_id", "tags", "provenance", "created_at"),
    "hf_preference": ("id", "prompt", "chosen", "rejected", "chosen_score", "rejected_score",
                      "chosen_run_id", "rejected_run_id", "task_id", "reason", "provenance",
                      "created_at"),
}  # fmt: skip


@dataclass(frozen=True)
class Export:
    key: str  # short name: rag, sft, preference, quarantine_ingest, hf_sft_train, ...
    relation: str  # warehouse relation holding the rows, with an `id` column
    path: str  # file path under the exports folder (SPEC §1, §5.1)
    stages: tuple[str, ...]  # receipt stages that list the file; `distill health` reads the first
    shape: str  # which ROW_KEYS its rows carry (hf: the Hub config's name)
    split: str | None = None  # a Hub folder file: the relation's rows of this split only
    format: str = "json"  # json (JSON Lines) or parquet: DuckDB COPY's format

    @property
    def keys(self) -> tuple[str, ...]:
        return ROW_KEYS[self.shape]

    @property
    def rows(self) -> str:
        """The query of the file's rows, run by DuckDB on either engine (the writer adds the
        order). A quarantine's source_record is read as DuckDB's JSON type, which writes it in
        DuckDB's form whether the engine built it as JSON (DuckDB) or as JSON text (Spark)."""
        if self.split is not None:
            # Every column nullable in the file's schema, as in Arrow's: DuckDB's Parquet writer
            # marks a column `required` where the relation it copies proves it non-null, which
            # each engine proves differently. hash() is never null, but the optimizer cannot
            # know it, so the proof is gone and the files are the same bytes from either engine.
            return (
                "select case when hash(id) is not null then columns(* exclude (split)) end"
                f" from {self.relation} where split = '{self.split}'"
            )
        if self.shape == "quarantine":
            return (
                "select * replace (cast(source_record as json) as source_record)"
                f" from {self.relation}"
            )
        return f"select * from {self.relation}"


@dataclass(frozen=True)
class Stage:
    name: str  # receipt folder: reports/distillation/<name>/receipt.json
    counts: str  # the rpt_ relation holding its record_counts, one row per count
    input_kinds: tuple[str, ...]  # the inputs its receipt lists

    @property
    def exports(self) -> tuple[Export, ...]:
        return tuple(e for e in EXPORTS.values() if self.name in e.stages)


EXPORTS: dict[str, Export] = {
    e.key: e
    for e in [
        Export("rag", "rag_samples", "rag/playbooks.jsonl", ("export-rag",), "rag"),
        Export("sft", "sft_samples", "sft/instruction_response.jsonl", ("export-sft",), "sft"),
        Export("preference", "preference_pairs", "preference/chosen_rejected.jsonl",
               ("export-preference",), "preference"),
        Export("quarantine_ingest", "quarantine_ingest", "quarantine/ingest.jsonl",
               ("build-evidence", "score"), "quarantine"),
        Export("quarantine_rag", "quarantine_rag", "quarantine/rag.jsonl", ("export-rag",),
               "quarantine"),
        Export("quarantine_sft", "quarantine_sft", "quarantine/sft.jsonl", ("export-sft",),
               "quarantine"),
        Export("quarantine_preference", "quarantine_preference", "quarantine/preference.jsonl",
               ("export-preference",), "quarantine"),
    ]
}  # fmt: skip


@dataclass(frozen=True)
class HubConfig:
    name: str  # config name in exports/hf/README.md, and its folder: exports/hf/<name>/
    relation: str  # the hf_ model: the export's rows in the Hub format, with a `split` column
    export: str  # EXPORTS key of the SPEC export it holds the rows of
    stage: str  # the stage that writes it, with its export


HUB_CONFIGS: dict[str, HubConfig] = {
    c.name: c
    for c in [
        HubConfig("rag", "hf_rag", "rag", "export-rag"),
        HubConfig("sft", "hf_sft", "sft", "export-sft"),
        HubConfig("preference", "hf_preference", "preference", "export-preference"),
    ]
}
HUB_FORMATS = {"parquet": ("parquet", "parquet"), "jsonl": ("json", "jsonl")}  # COPY format, suffix


def hub_splits(eval_fraction: str) -> tuple[str, ...]:
    """SPEC §5.1: a test split unless --eval-fraction is 0."""
    return ("train",) if Decimal(eval_fraction) == 0 else ("train", "test")


def hub_exports(command: str, hf_format: str, eval_fraction: str) -> list[Export]:
    """The Hub folder's files a command writes: one per config of its stages and split."""
    copy_format, suffix = HUB_FORMATS[hf_format]
    return [
        Export(f"hf_{c.name}_{split}", c.relation, f"hf/{c.name}/{split}.{suffix}", (c.stage,),
               c.relation, split, copy_format)
        for c in HUB_CONFIGS.values()
        if c.stage in COMMANDS[command]
        for split in hub_splits(eval_fraction)
    ]  # fmt: skip


SUBSTRATE = ("evidence", "scored", "manifest")
EXPORTER_INPUTS = (*SUBSTRATE, "eval")  # the exporters' gates read the eval set (SPEC §4.3)

STAGES: dict[str, Stage] = {
    s.name: s
    for s in [
        Stage("build-evidence", "rpt_ingest_counts", SUBSTRATE),
        Stage("score", "rpt_ingest_counts", ("evidence", "scored")),
        Stage("export-rag", "rpt_rag_counts", EXPORTER_INPUTS),
        Stage("export-sft", "rpt_sft_counts", EXPORTER_INPUTS),
        Stage("export-preference", "rpt_preference_counts", EXPORTER_INPUTS),
    ]
}

# command -> the stages whose files and receipts it writes (SPEC §7)
COMMANDS: dict[str, tuple[str, ...]] = {
    "build-evidence": ("build-evidence",),
    "score": ("score",),
    "export-rag": ("export-rag",),
    "export-sft": ("export-sft",),
    "export-preference": ("export-preference",),
    "export-all": tuple(STAGES),
}


def selector(command: str) -> str | None:
    """The dbt selector (selectors.yml) a command builds; None for the whole project."""
    return None if command == "export-all" else command.replace("-", "_")


def exports_of(command: str) -> list[Export]:
    """The files a command writes, each once, stage by stage."""
    found = [e for name in COMMANDS[command] for e in STAGES[name].exports]
    return list(dict.fromkeys(found))
