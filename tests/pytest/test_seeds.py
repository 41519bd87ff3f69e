"""The policy seeds agree with the SQL that applies them."""

from __future__ import annotations

import csv
import re

import pytest
from conftest import PROJECT, run_inprocess
from test_bad_input import SECRETS
from test_mutations import copy_project

from distill.secret_literals import problems, unproven

GATED = {
    "rag": "models/intermediate/int_rag_checked.sql",
    "sft": "models/intermediate/int_sft_checked.sql",
    "preference": "models/intermediate/int_preference_pairs_gated.sql",
}
# the gates after duplicate_id: SPEC §4.3's near_duplicate is the last of RAG and SFT, applied
# by int_<exporter>_gated
LAST_GATES = {
    "rag": ("models/intermediate/int_rag_gated.sql", ["near_duplicate"]),
    "sft": ("models/intermediate/int_sft_gated.sql", ["near_duplicate"]),
    "preference": ("models/intermediate/int_preference_pairs_gated.sql", []),
}


def test_quarantine_reasons_list_each_exporters_gates_in_the_order_its_model_checks_them():
    with open(PROJECT / "seeds/quarantine_reasons.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    seeded: dict[str, list[str]] = {}
    for row in sorted(rows, key=lambda r: (r["exporter"], int(r["gate"]))):
        seeded.setdefault(row["exporter"], []).append(row["reason"])
    for exporter, path in GATED.items():
        sql = (PROJECT / path).read_text(encoding="utf-8")
        verdict = re.search(r"gate_verdict\(\[(.*?)\]\)", sql, re.S)
        assert verdict, path
        checked = re.findall(r"'([a-z_]+)'", verdict.group(1))
        assert "duplicate_id_gate(" in sql, path  # after the verdict
        last_path, last = LAST_GATES[exporter]
        for reason in last:
            assert f"{reason}_gate(" in (PROJECT / last_path).read_text(encoding="utf-8")
        assert seeded[exporter] == [*checked, "duplicate_id", *last], exporter
    assert seeded["ingest"] == ["schema_violation", "duplicate_id"]
    assert set(seeded) == {"ingest", *GATED}


def test_each_secret_pattern_finds_its_example_in_python_re_as_in_re2():
    """SPEC §2.5: the patterns mean the same to Python's `re` with re.ASCII as to RE2 (the dbt
    test secret_patterns_find_their_examples checks RE2 and Java's regex on their engines)."""
    with open(PROJECT / "seeds/secret_patterns.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 20
    for row in rows:
        assert row["description"] and row["example"], row["name"]
        assert re.search(row["pattern"], f"see {row['example']} here", re.ASCII), row["name"]
    with open(PROJECT / "tests/fixtures/secret_patterns.csv", encoding="utf-8", newline="") as f:
        assert list(csv.DictReader(f)) == rows, "tests/fixtures/secret_patterns.csv is a copy"


SECRET_SEED = PROJECT / "seeds/secret_patterns.csv"


def test_every_secret_pattern_lists_literals_that_each_of_its_matches_contains():
    """Spark runs the secret regexes only on texts that hold a row's literals
    (macros/secrets.sql secret_prefilter), and only when every row lists some."""
    with open(SECRET_SEED, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert all(row["literals"].split() for row in rows), "a row without literals: no prefilter"
    assert problems(SECRET_SEED) == []
    # beside the proof, every match in test_bad_input's secrets holds one of its row's literals
    matched = 0
    for _, text in SECRETS:
        for row in rows:
            for match in re.finditer(row["pattern"], text, re.ASCII):
                matched += 1
                literals = row["literals"].split()
                assert any(lit in match.group(0) for lit in literals), (row["name"], text)
    assert matched >= len(SECRETS)


@pytest.mark.parametrize(
    ("pattern", "literals", "counterexample"),
    [
        (r"\bgh[pousr]_[A-Za-z0-9]{36,}", "ghp_ gho_ ghu_ ghs_ ghr_", None),
        (r"\bgh[pousr]_[A-Za-z0-9]{36,}", "ghp_ gho_ ghu_ ghs_", "ghr_" + "a" * 36),
        (r"\bsk-[a-z]{20,}|token=[a-z]+", "sk- token=", None),
        (r"\bsk-[a-z]{20,}|token=[a-z]+", "sk-", "token=abc"),
        (r"\b(?:hf|api_org)_[A-Za-z0-9]{34}\b", "hf_ api_org_", None),
        (r"\b(?:hf|api_org)_[A-Za-z0-9]{34}\b", "hf_", "api_org_" + "a" * 34),
        (r"(?i)\bAKIA[0-9A-Z]{16}", "AKIA", "akia" + "A" * 16),
        (r"\bAK(?:IA)?[0-9A-Z]{16}\b", "AKIA", "AK" + "B" * 16),
        (r"(?:AKIA)+x", "AKIA", None),
        (r"(?:AKIA)*x", "AKIA", "x"),
        (r"x(?:AB){2}y", "ABAB", None),
        (r"\bSK[0-9a-f]{32}\b", "SKa", "SK" + "0" * 32),
        (r"\bSK[0-9a-f]{32}\b", "", "SK" + "0" * 32),
    ],
)
def test_the_literal_proof_refuses_literals_that_a_match_can_do_without(
    pattern, literals, counterexample
):
    why = unproven(pattern, literals.split())
    if counterexample is None:
        assert why is None, why
    else:  # the pattern matches a text that holds none of the literals, and the proof says no
        assert re.search(pattern, counterexample, re.ASCII)
        assert not any(literal in counterexample for literal in literals.split())
        assert why is not None


def test_a_literal_a_secret_can_do_without_is_a_usage_error_before_dbt(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "p")
    seed = project / "seeds/secret_patterns.csv"
    text = seed.read_text(encoding="utf-8")
    assert ",ghp_ gho_ ghu_ ghs_ ghr_," in text
    seed.write_text(text.replace(",ghp_ gho_ ghu_ ghs_ ghr_,", ",ghp_ gho_,"), encoding="utf-8")
    monkeypatch.setenv("DISTILL_PROJECT_DIR", str(project))
    result = run_inprocess(["export-all", "--quiet"], tmp_path)
    assert result.code == 2, result.err
    line = 1 + next(n for n, row in enumerate(text.splitlines()) if row.startswith("github_token,"))
    assert f"secret_patterns.csv: line {line} (github_token): a text can match" in result.err
    assert not (tmp_path / "exports").exists() and not (tmp_path / "warehouse").exists()
