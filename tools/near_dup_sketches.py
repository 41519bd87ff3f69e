"""Measure the near-dup gate's candidate steps on a DuckDB warehouse that an export with --near-dup
built: one 128-bin MinHash sketch against two (docs/quality-gates.md, "two sketches").

    python -m tools.near_dup_sketches WAREHOUSE.duckdb NUM DEN [--prefix-stats]

NUM/DEN is the threshold the warehouse was built with (4 5 for 0.8). The script copies the
distinct sets of `int_near_dup_edges` (its compiled CTEs, from the dbt target folder beside the
warehouse) into a scratch DuckDB file beside it, then for each sketching, step by step as tables:
the bands, the candidate pairs, the pairs the size filter leaves, the verified edges, with the
seconds each took; then the edges only one of them finds, with their Jaccard range. The bands
are r bins each, r the largest that finds a pair at J = T + 0.05 with probability 0.999, as
`macros/quality.sql` picks it. With --prefix-stats, the size of the exact prefix join
(tools/near_dup_prefix.py) without running it: the codes' frequencies, the prefix entries, and
the sum over prefix codes of k(k - 1)/2 matches. DuckDB is capped as distill caps it
(DISTILL_MEMORY_LIMIT, 3 GB) and its spill at DISTILL_MAX_TEMP (12 GB).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import duckdb

SALT = 1540483477  # macros/quality.sql sketch_salt(1)


def banding(num: int, den: int, sketches: int) -> tuple[int, int]:
    """(rows per band, bands per sketch), as macros/quality.sql near_dup_banding."""
    j = min(num / den + 0.05, 1.0)
    rows = 1
    for r in range(1, 17):
        if 1 - (1 - j**r) ** (sketches * (128 // r)) >= 0.999:
            rows = r
    return rows, 128 // rows


def sketch_minima(sketch: int) -> str:
    """One sketch's bin minima per distinct set, unnested (the model's bin_keys and bin_minima)."""
    bin_ = "c % 128" if sketch == 0 else f"(c >> {7 * sketch}) % 128"
    order = "c" if sketch == 0 else f"xor(c, {SALT * sketch})"
    return f"""select exporter, row_key, {sketch} as sketch, unnest(list_filter(k,
        lambda x, i: i = 1 or (x >> 56) <> (k[greatest(i - 1, 1)] >> 56))) as m
      from (select exporter, row_key,
        list_sort(list_transform(codes, lambda c: (({bin_}) << 56) | ({order} >> 8))) as k
        from ds)"""


class Steps:
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def table(self, name: str, query: str) -> float:
        started = time.monotonic()
        self.con.execute(f"create or replace table {name} as {query}")
        seconds = time.monotonic() - started
        count = self.con.sql(f"select count(*) from {name}").fetchall()[0][0]
        print(f"  {name}: {count:,} rows in {seconds:.1f} s", flush=True)
        return seconds


def sketching(steps: Steps, name: str, sketches: int, num: int, den: int) -> None:
    rows, bands = banding(num, den, sketches)
    print(f"{name}: {sketches} sketch(es) of 128 bins, {sketches * bands} bands of {rows}")
    minima = " union all ".join(sketch_minima(s) for s in range(sketches))
    seconds = steps.table(
        f"bands_{name}",
        f"""select exporter, row_key, sketch * {bands} + (m >> 56)::int // {rows} as band,
          bit_xor(m) as code
        from ({minima}) where (m >> 56)::int < {rows * bands} group by all""",
    )
    seconds += steps.table(
        f"candidates_{name}",
        f"""select distinct a.row_key as key_a, b.row_key as key_b
        from bands_{name} as a inner join bands_{name} as b
          on a.exporter = b.exporter and a.band = b.band and a.code = b.code
            and a.row_key < b.row_key""",
    )
    seconds += steps.table(
        f"sized_{name}",
        f"""select key_a, key_b from candidates_{name} as c
        inner join ds as a on a.row_key = c.key_a inner join ds as b on b.row_key = c.key_b
        where least(a.n, b.n) * {den} >= {num} * greatest(a.n, b.n)""",
    )
    seconds += steps.table(
        f"verified_{name}",
        f"""select * from (
          select key_a, key_b, len(list_intersect(a.codes, b.codes)) as shared, a.n + b.n as sum
          from sized_{name} as c
          inner join ds as a on a.row_key = c.key_a inner join ds as b on b.row_key = c.key_b)
        where shared * {den} >= {num} * (sum - shared)""",
    )
    print(f"  in all {seconds:.1f} s", flush=True)


def prefix_stats(steps: Steps, num: int, den: int) -> None:
    print("the exact prefix join's size (codes rarest first, each set's first n - ceil(T n) + 1)")
    steps.table(
        "frequency",
        "select exporter, code, count(*) as f"
        " from (select exporter, unnest(codes) as code from ds) group by all",
    )
    steps.table(
        "prefix",
        f"""select * from (
          select t.exporter, t.row_key, t.n, t.code, row_number() over (
            partition by t.exporter, t.row_key order by frequency.f, t.code) as pos
          from (select exporter, row_key, n, unnest(codes) as code from ds) as t
          inner join frequency using (exporter, code))
        where pos <= n - ({num} * n + {den} - 1) // {den} + 1""",
    )
    for row in steps.con.sql(
        """select exporter, max(k), sum(k * (k - 1) // 2)
        from (select exporter, code, count(*) as k from prefix group by all) group by 1"""
    ).fetchall():
        print(f"  {row[0]}: {row[2]:,} matches; the commonest prefix code in {row[1]:,} prefixes")


def main(warehouse: str, num: str, den: str) -> int:
    path = Path(warehouse).resolve()
    compiled = path.parent / f".{path.name}.dbt-target" / "compiled" / "distill" / "models"
    sql = (compiled / "intermediate" / "int_near_dup_edges.sql").read_text()
    ctes = sql[sql.index("with") :].split("\nkeyed as (", 1)[0].rstrip().rstrip(",")
    scratch = path.parent / "near_dup_sketches.duckdb"
    scratch.unlink(missing_ok=True)
    con = duckdb.connect(str(scratch))
    con.execute(f"set memory_limit = '{os.environ.get('DISTILL_MEMORY_LIMIT', '3GB')}'")
    con.execute(f"set max_temp_directory_size = '{os.environ.get('DISTILL_MAX_TEMP', '12GB')}'")
    con.execute("set preserve_insertion_order = false")
    con.execute(f"attach '{path}' as distill (read_only)")
    con.execute("use distill")
    steps = Steps(con)
    steps.table(
        f"{scratch.stem}.main.ds",
        ctes + " select exporter, row_key, shingle_count as n, codes from distinct_sets",
    )
    con.execute(f"use {scratch.stem}")
    t = (int(num), int(den))
    sketching(steps, "one", 1, *t)
    sketching(steps, "two", 2, *t)
    for a, b in (("one", "two"), ("two", "one")):
        count, low, high = con.sql(
            f"""select count(*), min(shared / (sum - shared)), max(shared / (sum - shared))
            from verified_{a} anti join verified_{b} using (key_a, key_b)"""
        ).fetchall()[0]
        print(f"edges only {a} finds: {count}, Jaccard {low} to {high}")
    if "--prefix-stats" in sys.argv:
        prefix_stats(steps, *t)
    con.close()
    scratch.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main(*[a for a in sys.argv[1:] if not a.startswith("--")]))
