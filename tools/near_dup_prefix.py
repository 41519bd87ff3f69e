"""Measure exact near-duplicate candidates (prefix and positional filtering) against the MinHash
bands of `int_near_dup_edges`, on a DuckDB warehouse that an export with --near-dup built.

    python -m tools.near_dup_prefix WAREHOUSE.duckdb NUM DEN [--prefix-only]

NUM/DEN is the threshold the warehouse was built with (3 5 for 0.6). The script reads the
compiled model beside the warehouse (its dbt target folder), keeps its CTEs up to
`distinct_sets`, and counts, with the seconds each takes: the bands' verified edges, and the
prefix join's matches, pairs, pairs left by the positional filter and verified edges
(docs/quality-gates.md, "exact candidates instead of MinHash bands").
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import duckdb

PREFIX_JOIN = """
, tokens as (
    select exporter, row_key, shingle_count as n, unnest(codes) as code from distinct_sets
)
, frequency as (select exporter, code, count(*) as f from tokens group by all)
, ranked as (
    select tokens.*, row_number() over (
        partition by tokens.exporter, row_key order by f, tokens.code) as pos
    from tokens inner join frequency using (exporter, code)
)
, prefix as (select * from ranked where pos <= n - ({num} * n + {den} - 1) // {den} + 1)
, matches as (
    select a.row_key as key_a, b.row_key as key_b, a.n as na, b.n as nb, a.pos as pa, b.pos as pb
    from prefix as a inner join prefix as b
        on a.exporter = b.exporter and a.code = b.code and a.row_key < b.row_key
    where least(a.n, b.n) * {den} >= {num} * greatest(a.n, b.n)
)
, prefix_pairs as (
    select key_a, key_b, na, nb, min(pa) as pa, arg_min(pb, pa) as pb from matches group by all
)
, kept as (
    select * from prefix_pairs
    where (1 + least(na - pa, nb - pb)) * ({den} + {num}) >= {num} * (na + nb)
)
, exact as (
    select len(list_intersect(a.codes, b.codes)) as shared, na + nb as count_sum
    from kept as p
    inner join distinct_sets as a on a.row_key = p.key_a
    inner join distinct_sets as b on b.row_key = p.key_b
)
select
    (select count(*) from matches) as matches,
    (select count(*) from prefix_pairs) as pairs,
    (select count(*) from kept) as kept,
    (select count(*) from exact where shared * {den} >= {num} * (count_sum - shared)) as edges
"""


def main(warehouse: str, num: str, den: str) -> int:
    path = Path(warehouse)
    compiled = path.parent / f".{path.name}.dbt-target" / "compiled" / "distill" / "models"
    sql = (compiled / "intermediate" / "int_near_dup_edges.sql").read_text()
    ctes = sql[sql.index("with") :].rsplit("select * from final", 1)[0]
    con = duckdb.connect(warehouse, read_only=True)
    # distill's caps: at 1M runs the prefix join spilled 42 GB in 10 minutes uncapped
    con.execute(f"set memory_limit = '{os.environ.get('DISTILL_MEMORY_LIMIT', '3GB')}'")
    con.execute(f"set max_temp_directory_size = '{os.environ.get('DISTILL_MAX_TEMP', '12GB')}'")
    started = time.monotonic()
    counts = con.sql(ctes + PREFIX_JOIN.format(num=int(num), den=int(den))).fetchall()[0]
    seconds = time.monotonic() - started
    print(f"prefix: {counts[0]} matches, {counts[1]} pairs, {counts[2]} after the positional"
          f" filter, {counts[3]} edges in {seconds:.2f} s", flush=True)  # fmt: skip
    if "--prefix-only" not in sys.argv:
        started = time.monotonic()
        bands = con.sql(ctes + "select count(*) from verified").fetchall()[0][0]
        print(f"bands:  {bands} edges in {time.monotonic() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(*[a for a in sys.argv[1:] if not a.startswith("--")]))
