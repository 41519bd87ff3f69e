"""The policy seeds agree with the SQL that applies them."""

from __future__ import annotations

import csv
import re

from conftest import PROJECT

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
