"""The dataset card of the Hub-ready folder, exports/hf/README.md (SPEC §5.1).

The folder's data files are written by the writer like every other export (registry.hub_exports);
this module writes the card that makes the folder a Hugging Face dataset: the YAML header the
Hub and `datasets.load_dataset` read (`configs`, license, language, task categories, size),
then what each config is, its rows per split, the gates every row passed, what was refused,
and where the rows came from. It is built from the receipts alone, without their times, so the
same input gives the same bytes; `distill health` builds it again and compares.
"""

from __future__ import annotations

import csv
from pathlib import Path, PurePosixPath

import yaml

from distill.registry import HUB_CONFIGS

SIZE_CATEGORIES = [  # the Hub's size_categories, by upper bound
    (1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
]  # fmt: skip

ABOUT = {
    "rag": (
        "text-retrieval",
        "one retrievable passage (`title`, `text`) from a run scored `accepted` or "
        "`partially_accepted` (or `needs_human_review` with `--include-review`)",
    ),
    "sft": (
        "text-generation",
        "one conversation in TRL's conversational prompt-completion format: `prompt` is the "
        "user turn with the run's instruction, `completion` the assistant turn with its "
        "response, so SFTTrainer computes the loss on the completion only",
    ),
    "preference": (
        "text-generation",
        "one preference pair in TRL's conversational format with an explicit prompt: "
        "`prompt` is a user turn, `chosen` and `rejected` are assistant turns answering it, "
        "from two runs of one task",
    ),
}

PROVENANCE = "`source_file`, `line` (int64, nullable), `sig_hash`, `recorded_at`"
RUN_COLUMNS = [  # the last columns of a rag or sft row
    ("source_run_id", "string", "the run"),
    ("task_id", "string (nullable)", "the task the run attempted"),
    ("tags", "list of string", "`task:…`, `category:…`, `role:…`"),
    ("provenance", "struct", PROVENANCE),
    ("created_at", "string", "UTC `YYYY-MM-DDTHH:MM:SSZ`"),
]
COLUMNS = {
    "rag": [
        ("id", "string", "`rag-` + hex16(run_id ␟ sig_hash), as in rag/playbooks.jsonl"),
        ("title", "string", "the evidence title, else the text's first non-blank line"),
        ("text", "string", "the run's output, verbatim"),
        ("success_score", "string", "the run's latest category"),
        ("source_category", "string", "the run's task type"),
        *RUN_COLUMNS,
    ],
    "sft": [
        ("id", "string", "`sft-` + hex16(run_id ␟ sig_hash), as in sft/instruction_response.jsonl"),
        ("prompt", "list of {role, content}", "one user turn: the instruction"),
        ("completion", "list of {role, content}", "one assistant turn: the response"),
        ("context", "string", "`matrix=… · model=…`: about the run, not part of the prompt"),
        ("quality_score", "string", "the run's latest category"),
        *RUN_COLUMNS,
    ],
    "preference": [
        ("id", "string", "`pref-` + hex16(C.run_id ␟ C.sig_hash ␟ R.run_id ␟ R.sig_hash)"),
        ("prompt", "list of {role, content}", "one user turn: the chosen run's instruction"),
        ("chosen", "list of {role, content}", "one assistant turn: the chosen run's text"),
        ("rejected", "list of {role, content}", "one assistant turn: the rejected run's text"),
        ("chosen_score", "string", "the chosen run's latest category"),
        ("rejected_score", "string", "the rejected run's latest category"),
        ("chosen_run_id", "string", "the chosen run"),
        ("rejected_run_id", "string", "the rejected run"),
        ("task_id", "string", "the task both runs attempted"),
        ("reason", "string", "both scores, then the chosen run's rationale"),
        ("provenance", "struct", "`chosen` and `rejected`, each as in the rag config"),
        ("created_at", "string", "the later recorded_at, UTC"),
    ],
}


def _size_category(rows: int) -> str:
    return next((name for bound, name in SIZE_CATEGORIES if rows < bound), "n>1T")


def split_rows(receipt: dict, config: str) -> dict[str, tuple[str, int]]:
    """The Hub files a receipt lists for one config: split -> (path under hf/, rows)."""
    found = {}
    for output in receipt["outputs"]:
        parts = PurePosixPath(output["path"]).parts
        if len(parts) >= 3 and parts[-3] == "hf" and parts[-2] == config:
            split = PurePosixPath(parts[-1]).stem
            found[split] = (f"{config}/{parts[-1]}", output["rows"])
    return dict(sorted(found.items(), key=lambda kv: kv[0] != "train"))


def declared_splits(receipt: dict, config: str) -> dict[str, tuple[str, int]]:
    """The splits of a config the card declares: those with rows. `datasets` cannot load a split
    of 0 rows (an empty .jsonl raises StopIteration, a 0-row Parquet file fails every split of
    its config), so an empty split is left out, and a config with no rows is not declared."""
    return {split: file for split, file in split_rows(receipt, config).items() if file[1] > 0}


def card(latest: dict[str, dict | None], gates: dict[str, list[tuple[str, str]]]) -> str | None:
    """exports/hf/README.md from the latest receipt of each stage; None when no config has been
    exported yet. `gates` lists, per exporter, the reasons a row can be refused for, with what
    each means (seeds/quarantine_reasons.csv): every exported row passed them all.

    Every config and split the card offers (its YAML `configs`, the loading snippet, the tables
    of configs, columns and gates) loads with `datasets.load_dataset`; the empty ones are named
    under the configs table, and still counted in what was refused and the provenance."""
    configs = {
        name: (config, latest[config.stage])
        for name, config in HUB_CONFIGS.items()
        if latest.get(config.stage) and split_rows(latest[config.stage], name)
    }
    if not configs:
        return None
    loadable = {n: c for n, c in configs.items() if declared_splits(c[1], n)}
    options = next(iter(configs.values()))[1]["options"]
    total = sum(rows for n, (_, r) in configs.items() for _, rows in split_rows(r, n).values())
    header = {
        "pretty_name": "distill export",
        "license": options.get("license", "other"),
        "language": [options.get("language", "en")],
        "task_categories": sorted({ABOUT[name][0] for name in loadable}),
        "size_categories": [_size_category(total)],
        "configs": [
            {
                "config_name": name,
                "data_files": [
                    {"split": split, "path": path}
                    for split, (path, _) in declared_splits(receipt, name).items()
                ],
            }
            for name, (_, receipt) in loadable.items()
        ],
    }
    if not loadable:  # no row at all: no config to declare, no task to name
        del header["task_categories"], header["configs"]
    parts = [
        "---\n" + yaml.safe_dump(header, sort_keys=False, allow_unicode=True, width=100) + "---",
        "# distill export",
        "Training data distilled from scored LLM-agent runs by distill: every row passed every "
        "gate of its exporter, and nothing refused is here. The rows are exactly those of the "
        "JSON Lines exports beside this folder, with the same ids.",
        _configs_section(configs, loadable),
        _columns_section(loadable),
        _splits_section(options),
        _gates_section(loadable, gates),
        _refused_section(configs),
        _provenance_section(configs),
        _limitations_section(),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _configs_section(configs: dict, loadable: dict) -> str:
    lines = ["## Configs", ""]
    if not loadable:
        names = ", ".join(f"`{name}`" for name in configs)
        lines.append(
            "No config is declared: no row was exported, and `datasets` cannot load a config of "
            f"0 rows. The empty files of {names} are in the folder."
        )
        return "\n".join(lines)
    lines += ["| config | a row is | format | rows per split |", "|---|---|---|---|"]
    for name, (_, receipt) in loadable.items():
        splits = declared_splits(receipt, name).items()
        counts = ", ".join(f"{split} {rows:,}" for split, (_, rows) in splits)
        fmt = receipt["options"].get("hf_format", "parquet")
        lines.append(f"| `{name}` | {ABOUT[name][1]} | {fmt} | {counts} |")
    empty = _empty(configs, loadable)
    if empty:
        lines += [
            "",
            "Not declared, having no rows (`datasets` cannot load a split or a config of 0 rows; "
            f"the empty files are in the folder): {', '.join(empty)}.",
        ]
    lines += [
        "",
        "```python",
        "from datasets import load_dataset",
        "",
        *[f'{n} = load_dataset("path/to/this/folder", "{n}")' for n in loadable],
        "```",
    ]
    return "\n".join(lines)


def _empty(configs: dict, loadable: dict) -> list[str]:
    """What the card leaves out: a config with no rows (`preference`, every split), or an empty
    split of a config it declares (`sft` test)."""
    empty = []
    for name, (_, receipt) in configs.items():
        if name not in loadable:
            empty.append(f"`{name}` (every split)")
        else:
            files = split_rows(receipt, name).items()
            empty += [f"`{name}` {split}" for split, (_, rows) in files if rows == 0]
    return empty


def _columns_section(configs: dict) -> str:
    if not configs:
        return ""
    lines = ["## Columns", "", "Each column has one type in every row and every file."]
    for name in configs:
        lines += ["", f"`{name}`:", "", "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c}` | {t} | {m} |" for c, t, m in COLUMNS[name]]
    return "\n".join(lines)


def _splits_section(options: dict) -> str:
    fraction = options.get("eval_fraction", "0.05")
    return "\n".join(
        [
            "## Splits",
            "",
            "A row is in `test` when the first 16 hex digits of sha256 of its split key, read as "
            f"an integer h, have h / 2^64 < {fraction} (`--eval-fraction`); else in `train`. The "
            "split key is the row's task_id when it is non-blank, else its run id (a pair's "
            "rejected run), so every attempt at one task lands in one split, in every config, on "
            "every run.",
        ]
    )


def _gates_section(configs: dict, gates: dict[str, list[tuple[str, str]]]) -> str:
    if not configs:
        return ""
    lines = ["## What every row passed"]
    for name, (config, receipt) in configs.items():
        lines += ["", f"`{name}` (the `{config.export}` exporter's gates, in order):", ""]
        for reason, about in gates.get(config.export, []):
            option = OPT_IN_GATES.get(reason)
            if option and not receipt["options"].get(option[0]):
                lines.append(f"- `{reason}` not checked: the export ran without `{option[1]}`")
            else:
                lines.append(f"- `{reason}` not hit: {about}")
    return "\n".join(lines)


# SPEC §4.3's opt-in gates: (the receipt option that turns one on, its command-line flag)
OPT_IN_GATES = {
    "eval_contaminated": ("eval_set", "--eval-set"),
    "near_duplicate": ("near_dup", "--near-dup"),
}


def _refused_section(configs: dict) -> str:
    lines = [
        "## What was refused",
        "",
        "| config | scored in | exported | refused, by reason |",
        "|---|---:|---:|---|",
    ]
    for name, (_, receipt) in configs.items():
        counts = receipt["record_counts"]
        reasons = ", ".join(f"`{k}` {v:,}" for k, v in sorted(counts["by_reason"].items()))
        lines.append(f"| `{name}` | {counts['in']:,} | {counts['exported']:,} | {reasons or '—'} |")
    lines += [
        "",
        "Every refused row is in the exports' quarantine with its reason and messages; in the "
        "warehouse of the run that wrote this folder:",
        "",
        "```sh",
        'distill sql "select exporter, reason, count(*) from quarantine'
        ' group by all order by 1, 3 desc"',
        "```",
    ]
    return "\n".join(lines)


def _provenance_section(configs: dict) -> str:
    """The inputs and code behind each config; a row shared by several configs is listed once."""
    inputs: dict[tuple, list[str]] = {}
    code: dict[tuple, list[str]] = {}
    for name, (_, receipt) in configs.items():
        for i in receipt["inputs"]:
            inputs.setdefault((i["path"], i["sha256"], i["lines"]), []).append(name)
        git, versions = receipt.get("git") or {}, receipt.get("versions") or {}
        engine = ", ".join(f"{k} {v}" for k, v in versions.items() if k not in ("distill", "dbt"))
        key = (
            git.get("sha"),
            git.get("dirty"),
            versions.get("distill"),
            versions.get("dbt"),
            engine,
        )
        code.setdefault(key, []).append(name)
    lines = ["## Provenance", "", "| input | sha256 | lines | configs |", "|---|---|---:|---|"]
    for (path, digest, count), names in inputs.items():
        lines.append(f"| `{path}` | `{digest}` | {count:,} | {', '.join(names)} |")
    lines += [
        "",
        "| git sha | dirty | distill | dbt | engine | configs |",
        "|---|---|---|---|---|---|",
    ]
    for (sha, dirty, distill, dbt, engine), names in code.items():
        lines.append(f"| `{sha}` | {dirty} | {distill} | {dbt} | {engine} | {', '.join(names)} |")
    return "\n".join(lines)


def _limitations_section() -> str:
    lines = [
        "## Known limitations",
        "",
        "- Categories come from an automatic scorer; `accepted` is its verdict, not a human's.",
        "- The texts are agent output: checked for secrets by pattern and for file paths against "
        "the repository manifest, not for correctness.",
        "- `language` is what `--language` said; distill does not detect languages.",
    ]
    return "\n".join(lines)


def seed_gates(project: Path) -> dict[str, list[tuple[str, str]]]:
    """Per exporter, its reasons in gate order with what each means, from the project's
    seeds/quarantine_reasons.csv: the card's "what every row passed"."""
    with open(project / "seeds" / "quarantine_reasons.csv", encoding="utf-8", newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: (r["exporter"], int(r["gate"])))
    gates: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        gates.setdefault(row["exporter"], []).append((row["reason"], row["description"]))
    return gates
