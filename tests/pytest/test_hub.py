"""SPEC §5.1, the Hub-ready folder exports/hf/, read by its real consumers: Hugging Face
`datasets` (offline, from the folder and its card), TRL's own format helpers, and DuckDB."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
from fractions import Fraction

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import (
    PROJECT,
    evidence,
    read_jsonl,
    run_inprocess,
    score,
    write_jsonl,
    write_manifest,
)
from spec_oracle import WS

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing may come from a hub at run time
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

datasets = pytest.importorskip("datasets")

TURNS = datasets.List({"role": datasets.Value("string"), "content": datasets.Value("string")})
PROVENANCE = {
    "source_file": datasets.Value("string"),
    "line": datasets.Value("int64"),
    "sig_hash": datasets.Value("string"),
    "recorded_at": datasets.Value("string"),
}
S = datasets.Value("string")
TAGS = datasets.List(S)
FEATURES = {  # one explicit type per column (SPEC §5.1, issue: no column null in one shard only)
    "rag": datasets.Features({
        "id": S, "title": S, "text": S, "success_score": S, "source_category": S,
        "source_run_id": S, "task_id": S, "tags": TAGS, "provenance": PROVENANCE,
        "created_at": S,
    }),
    "sft": datasets.Features({
        "id": S, "prompt": TURNS, "completion": TURNS, "context": S, "quality_score": S,
        "source_run_id": S, "task_id": S, "tags": TAGS, "provenance": PROVENANCE,
        "created_at": S,
    }),
    "preference": datasets.Features({
        "id": S, "prompt": TURNS, "chosen": TURNS, "rejected": TURNS, "chosen_score": S,
        "rejected_score": S, "chosen_run_id": S, "rejected_run_id": S, "task_id": S,
        "reason": S, "provenance": {"chosen": PROVENANCE, "rejected": PROVENANCE},
        "created_at": S,
    }),
}  # fmt: skip
EXPORT_FILES = {
    "rag": "rag/playbooks.jsonl",
    "sft": "sft/instruction_response.jsonl",
    "preference": "preference/chosen_rejected.jsonl",
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("hub")
    (root / "data").symlink_to(PROJECT / "data")
    result = run_inprocess(["export-all", "--quiet"], root)
    assert result.code == 0, result.err
    return root


def load(folder, config, **kwargs):
    return datasets.load_dataset(
        str(folder), config, cache_dir=str(folder.parent / ".hf-cache"), **kwargs
    )


def card_listing(folder) -> dict[str, dict[str, int]]:
    """What the card offers, config -> split -> rows; its YAML header, its configs table and its
    loading snippet must offer the same configs and splits."""
    import yaml

    text = (folder / "README.md").read_text(encoding="utf-8")
    header = yaml.safe_load(text.split("---\n")[1])
    declared = {c["config_name"]: {f["split"] for f in c["data_files"]}
                for c in header.get("configs", [])}  # fmt: skip
    table = {
        name: {split: int(rows.replace(",", "")) for split, rows in
               (cell.split(" ") for cell in counts.split(", "))}
        for name, counts in re.findall(r"^\| `(\w+)` \| .* \| (?:parquet|jsonl) \| (.*) \|$",
                                       text, re.M)
    }  # fmt: skip
    snippet = re.findall(r'^\w+ = load_dataset\("path/to/this/folder", "(\w+)"\)$', text, re.M)
    assert {n: set(splits) for n, splits in table.items()} == declared, text
    assert snippet == list(table), text
    return table


def rows_in(path) -> int:
    if path.suffix == ".parquet":
        return pq.ParquetFile(path).metadata.num_rows
    return len(read_jsonl(path))


def assert_every_listed_config_loads(folder) -> dict[str, dict[str, int]]:
    """Each config the card lists loads with `datasets`, with the splits and rows it states;
    each data file it leaves out is empty and named as such in its text."""
    listed = card_listing(folder)
    for config, splits in listed.items():
        loaded = load(folder, config)
        assert {split: ds.num_rows for split, ds in loaded.items()} == splits, config
        assert all(rows > 0 for rows in splits.values()), config
    text = (folder / "README.md").read_text(encoding="utf-8")
    left_out = re.search(r"^Not declared, having no rows .*: (.*)\.$", text, re.M)
    named = set(left_out.group(1).split(", ")) if left_out else set()
    for path in sorted(folder.glob("*/*.*")):
        config, split = path.parent.name, path.stem
        if split not in listed.get(config, {}):
            assert rows_in(path) == 0, path
            assert not listed or {f"`{config}` {split}", f"`{config}` (every split)"} & named, path
    return listed


def test_every_config_and_split_loads_offline_with_its_features_and_counts(sample):
    hf = sample / "exports/hf"
    assert set(assert_every_listed_config_loads(hf)) == set(FEATURES)
    for config, features in FEATURES.items():
        loaded = load(hf, config)
        exported = read_jsonl(sample / "exports" / EXPORT_FILES[config])
        assert set(loaded) == {"train", "test"}
        assert sum(split.num_rows for split in loaded.values()) == len(exported) > 0
        for split in loaded.values():
            assert split.features == features
        test = load(hf, config, split="test")
        assert test.num_rows == loaded["test"].num_rows > 0


def test_sft_and_preference_rows_round_trip_against_the_jsonl_exports(sample):
    hf = sample / "exports/hf"
    sft = {row["id"]: row for row in read_jsonl(sample / "exports" / EXPORT_FILES["sft"])}
    for split in load(hf, "sft").values():
        for row in split:
            original = sft.pop(row["id"])
            assert row["prompt"] == [{"role": "user", "content": original["instruction"]}]
            assert row["completion"] == [{"role": "assistant", "content": original["response"]}]
            for key in ("context", "quality_score", "source_run_id", "task_id", "tags",
                        "provenance", "created_at"):  # fmt: skip
                assert row[key] == original[key], key
    assert not sft
    pairs = {row["id"]: row for row in read_jsonl(sample / "exports" / EXPORT_FILES["preference"])}
    for split in load(hf, "preference").values():
        for row in split:
            original = pairs.pop(row["id"])
            assert row["prompt"] == [{"role": "user", "content": original["prompt"]}]
            assert row["chosen"] == [{"role": "assistant", "content": original["chosen"]}]
            assert row["rejected"] == [{"role": "assistant", "content": original["rejected"]}]
            assert row["provenance"] == original["provenance"]
    assert not pairs


def test_duckdb_reads_the_jsonl_exports_rows_from_the_parquet_files(sample):
    exports = sample / "exports"
    con = duckdb.connect()
    shapes = {
        "rag": "*",
        "sft": "* exclude (prompt, completion), prompt[1].content as instruction,"
        " completion[1].content as response",
        "preference": "* exclude (prompt, chosen, rejected), prompt[1].content as prompt,"
        " chosen[1].content as chosen, rejected[1].content as rejected",
    }
    for config, columns in shapes.items():
        jsonl = exports / EXPORT_FILES[config]
        keys = list(json.loads(jsonl.read_text(encoding="utf-8").splitlines()[0]))
        hub = con.sql(
            f"select {', '.join(keys)} from (select {columns}"
            f" from read_parquet('{exports}/hf/{config}/*.parquet')) order by id"
        ).fetchall()
        spec = sorted(tuple(row[k] for k in keys) for row in read_jsonl(jsonl))
        assert hub == spec and len(hub) > 0, config


def test_every_attempt_at_one_task_is_in_one_split_in_every_config(sample):
    hf = sample / "exports/hf"
    threshold = math.ceil(Fraction("0.05") * 2**64)
    split_of: dict[str, str] = {}
    for config in FEATURES:
        for split, rows in load(hf, config).items():
            for row in rows:
                run_id = row["rejected_run_id"] if config == "preference" else row["source_run_id"]
                key = row["task_id"] if (row["task_id"] or "").strip(WS) else run_id
                h = int(hashlib.sha256(key.encode()).hexdigest()[:16], 16)
                assert split == ("test" if h < threshold else "train"), (config, row["id"])
                assert split_of.setdefault(key, split) == split, key
    assert len(set(split_of.values())) == 2


def test_trl_format_helpers_take_the_rows_as_they_are(sample):
    data_utils = pytest.importorskip("trl.data_utils")
    tokenizers = pytest.importorskip("tokenizers")
    transformers = pytest.importorskip("transformers")
    hf = sample / "exports/hf"
    model = tokenizers.models.WordLevel({"[UNK]": 0}, unk_token="[UNK]")
    tokenizer = transformers.PreTrainedTokenizerFast(tokenizer_object=tokenizers.Tokenizer(model))
    tokenizer.chat_template = (
        "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}"
        "{% if add_generation_prompt %}<|assistant|>{% endif %}"
    )
    sft = load(hf, "sft", split="train")[0]
    assert data_utils.is_conversational(sft)
    applied = data_utils.maybe_apply_chat_template(sft, tokenizer)
    assert applied["prompt"] == f"<|user|>{sft['prompt'][0]['content']}\n<|assistant|>"
    assert applied["completion"].startswith(sft["completion"][0]["content"])
    pair = load(hf, "preference", split="train")[0]
    assert data_utils.is_conversational(pair)
    applied = data_utils.maybe_apply_chat_template(pair, tokenizer)
    assert applied["prompt"] == f"<|user|>{pair['prompt'][0]['content']}\n<|assistant|>"
    assert applied["chosen"].startswith(pair["chosen"][0]["content"])
    assert applied["rejected"].startswith(pair["rejected"][0]["content"])


def test_a_rerun_writes_byte_identical_parquet_files_and_card(sample, tmp_path):
    before = {p: p.read_bytes() for p in sorted((sample / "exports/hf").rglob("*")) if p.is_file()}
    again = run_inprocess(["export-all", "--quiet"], sample)
    assert again.code == 0, again.err
    after = {p: p.read_bytes() for p in sorted((sample / "exports/hf").rglob("*")) if p.is_file()}
    assert after == before and len(before) == 7  # six Parquet files and the card


def test_the_card_declares_every_non_empty_split_and_the_hub_metadata(sample):
    import yaml

    text = (sample / "exports/hf/README.md").read_text(encoding="utf-8")
    header = yaml.safe_load(text.split("---\n")[1])
    assert header["license"] == "other" and header["language"] == ["en"]
    assert header["task_categories"] == ["text-generation", "text-retrieval"]
    assert header["size_categories"] == ["n<1K"]
    declared = {
        (c["config_name"], f["split"], f["path"])
        for c in header["configs"]
        for f in c["data_files"]
    }
    on_disk = {
        (p.parent.name, p.stem, f"{p.parent.name}/{p.name}")
        for p in (sample / "exports/hf").glob("*/*.parquet")
    }
    assert declared == on_disk
    for config in FEATURES:
        rows = {s: pq.ParquetFile(sample / f"exports/hf/{config}/{s}.parquet").metadata.num_rows
                for s in ("train", "test")}  # fmt: skip
        assert f"train {rows['train']:,}, test {rows['test']:,}" in text
    assert "ccaf5254e4c8f6474cdead0acf453d88a4dea18925e32393a8f26db5e42abed6" in text


def test_jsonl_format_and_no_test_split_replace_the_old_files(sample, tmp_path):
    work = tmp_path / "w"
    shutil.copytree(sample, work, symlinks=True, ignore=shutil.ignore_patterns(".hf-cache"))
    args = ["export-all", "--quiet", "--hf-format", "jsonl", "--eval-fraction", "0"]
    result = run_inprocess(args, work)
    assert result.code == 0, result.err
    files = sorted(p.relative_to(work / "exports/hf").as_posix()
                   for p in (work / "exports/hf").rglob("*") if p.is_file())  # fmt: skip
    assert files == ["README.md", "preference/train.jsonl", "rag/train.jsonl", "sft/train.jsonl"]
    loaded = load(work / "exports/hf", "sft")
    assert set(loaded) == {"train"} and loaded["train"].num_rows == 351
    assert run_inprocess(["health"], work).code == 0


def test_an_empty_split_is_left_out_of_the_card_and_the_config_still_loads(sample, tmp_path):
    work = tmp_path / "w"
    shutil.copytree(sample, work, symlinks=True, ignore=shutil.ignore_patterns(".hf-cache"))
    result = run_inprocess(["export-preference", "--quiet", "--eval-fraction", "0.0001"], work)
    assert result.code == 0, result.err
    assert pq.ParquetFile(work / "exports/hf/preference/test.parquet").metadata.num_rows == 0
    loaded = load(work / "exports/hf", "preference")
    assert set(loaded) == {"train"} and loaded["train"].num_rows == 33
    assert assert_every_listed_config_loads(work / "exports/hf")["preference"] == {"train": 33}
    assert "`preference` test." in (work / "exports/hf/README.md").read_text(encoding="utf-8")
    assert run_inprocess(["health"], work).code == 0


def two_tasks_one_attempt_each(root, category="accepted"):
    """Two runs of two tasks: no preference pair, and both tasks in train at the default
    --eval-fraction (the first 16 hex digits of sha256 of T1 and T2 are above 0.05 * 2^64)."""
    write_jsonl(root / "in/evidence.jsonl", [evidence("a1", task_id="T1"),
                                             evidence("a2", task_id="T2")])  # fmt: skip
    write_jsonl(root / "in/scored.jsonl", [score("a1", category), score("a2", category)])
    write_manifest(root / "in/manifest.txt")
    return ["export-all", "--quiet", "--evidence", "in/evidence.jsonl",
            "--scored", "in/scored.jsonl", "--manifest", "in/manifest.txt"]  # fmt: skip


@pytest.mark.parametrize("hf_format", ["parquet", "jsonl"])
def test_a_config_with_no_rows_and_empty_test_splits_are_not_offered(tmp_path, hf_format):
    """No pair (preference has no rows) and no task in test (rag and sft have an empty test
    split): the card offers rag and sft with train only, each loads, and it names the rest."""
    args = two_tasks_one_attempt_each(tmp_path)
    result = run_inprocess([*args, "--hf-format", hf_format], tmp_path)
    assert result.code == 0, result.err
    hf = tmp_path / "exports/hf"
    assert all((hf / f"{c}/{s}.{hf_format}").is_file() for c in FEATURES for s in ("train", "test"))
    assert assert_every_listed_config_loads(hf) == {"rag": {"train": 2}, "sft": {"train": 2}}
    text = (hf / "README.md").read_text(encoding="utf-8")
    assert "`rag` test, `sft` test, `preference` (every split)." in text
    assert "## Columns" in text and "`preference`:" not in text
    with pytest.raises(ValueError, match="preference"):
        load(hf, "preference")  # what the card no longer offers: it cannot load
    assert run_inprocess(["health"], tmp_path).code == 0


def test_with_no_row_at_all_the_card_declares_no_config(tmp_path):
    args = two_tasks_one_attempt_each(tmp_path, category="rejected")
    result = run_inprocess(args, tmp_path)
    assert result.code == 0, result.err
    hf = tmp_path / "exports/hf"
    assert assert_every_listed_config_loads(hf) == {}
    text = (hf / "README.md").read_text(encoding="utf-8")
    assert "configs:" not in text and "load_dataset(" not in text
    assert "No config is declared: no row was exported" in text
    assert "## Columns" not in text and "## What every row passed" not in text
    assert "| `rag` | 2 | 0 | `unsafe_rag_category` 2 |" in text  # why: still in the card
    assert run_inprocess(["health"], tmp_path).code == 0


@pytest.mark.parametrize("fraction", ["0.51", "-0.1", "1", "nan", "half"])
def test_eval_fraction_outside_0_to_half_is_a_usage_error(tmp_path, fraction):
    result = run_inprocess(["export-all", "--eval-fraction", fraction], tmp_path)
    assert result.code == 2
    assert "--eval-fraction" in result.err and "from 0 to 0.5" in result.err


def test_health_fails_when_a_hub_row_goes_missing_or_the_card_is_edited(sample, tmp_path):
    work = tmp_path / "w"
    shutil.copytree(sample, work, symlinks=True, ignore=shutil.ignore_patterns(".hf-cache"))
    assert run_inprocess(["health"], work).code == 0
    card = work / "exports/hf/README.md"
    card.write_text(card.read_text(encoding="utf-8").replace("train 319", "train 320"))
    edited = run_inprocess(["health"], work)
    assert edited.code == 1 and "hf/README.md" in edited.out
    path = work / "exports/hf/sft/test.parquet"
    table = pq.read_table(path)
    pq.write_table(table.slice(1), path)
    dropped = run_inprocess(["health"], work)
    assert dropped.code == 1
    assert "hf/sft" in dropped.out and "is not in hf/sft/" in dropped.out
