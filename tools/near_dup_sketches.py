"""Measure the near-dup gate's candidate steps on a DuckDB warehouse that an export with --near-dup
built: one 128-bin MinHash sketch against two (docs/quality-gates.md, "two sketches"), and
two sketches whose pairs agree on one band against the model's banding, which may ask for up
to three (docs/quality-gates.md, "three bands of seven").

    python -m tools.near_dup_sketches WAREHOUSE.duckdb NUM DEN [--prefix-stats]

NUM/DEN is the threshold the warehouse was built with (4 5 for 0.8). The script copies the
distinct sets of `int_near_dup_edges` (its compiled CTEs, from the dbt target folder beside the
warehouse) into a scratch DuckDB file beside it, then for each sketching, step by step as tables:
the bands, the candidate pairs, the pairs the size filter leaves, the verified edges, with the
seconds each took; then the edges only one of them finds, with their Jaccard range. The bands
are r bins each, and a pair must agree on m of them, as `macros/quality.sql` picks r and m
(with m = 1: r the largest that finds a pair at J = T + 0.05 with probability 0.999).
With --prefix-stats, the size of the exact prefix join
(tools/near_dup_prefix.py) without running it: the codes' frequencies, the prefix entries, and
the sum over prefix codes of k(k - 1)/2 matches. DuckDB is capped as distill caps it
(DISTILL_MEMORY_LIMIT, 3 GB) and its spill at DISTILL_MAX_TEMP (12 GB).
"""

from __future__ import annotations

import os
import sys
import time
from math import comb
from pathlib import Path

import duckdb

SALT = 1540483477  # macros/quality.sql sketch_salt(1)


def agreement(bands: int, rows: int, agree: int, j: float) -> float:
    """P(a pair of Jaccard j agrees on at least `agree` of `bands` bands of `rows` bins)."""
    p = j**rows
    return 1 - sum(comb(bands, k) * p**k * (1 - p) ** (bands - k) for k in range(agree))


def banding(num: int, den: int, sketches: int, most_agree: int) -> tuple[int, int, int]:
    """(rows per band, bands per sketch, bands to agree on), as macros/quality.sql
    near_dup_banding picks them, with at most `most_agree` bands to agree on."""
    t = num / den
    high, low = min(t + 0.05, 1.0), max(t - 0.2, 0.0)
    rows = max(r for r in range(1, 17) if agreement(sketches * (128 // r), r, 1, high) >= 0.999)
    best = (agreement(sketches * (128 // rows), rows, 1, low), rows, 1)
    at_t = agreement(sketches * (128 // rows), rows, 1, t)
    for agree in range(2, most_agree + 1):
        for r in range(1, 17):
            b = sketches * (128 // r)
            if agreement(b, r, agree, high) >= 0.999 and agreement(b, r, agree, t) >= at_t:
                best = min(best, (agreement(b, r, agree, low), r, agree))
    return best[1], 128 // best[1], best[2]


def sketch_minima(sketch: int) -> str:
    """One sketch's bin minima per distinct set, unnested (the model's sorted_code_minima for
    sketch 0, bin_keys and bin_minima for the others)."""
    if sketch == 0:
        return """select exporter, row_key, 0 as sketch, unnest(list_transform(list_filter(codes,
            lambda c, i: i = 1 or (c >> 57) <> (codes[greatest(i - 1, 1)] >> 57)),
            lambda c: ((c >> 57) << 56) | ((c & 144115188075855871) >> 1))) as m
          from ds"""
    return f"""select exporter, row_key, {sketch} as sketch, unnest(list_filter(k,
        lambda x, i: i = 1 or (x >> 56) <> (k[greatest(i - 1, 1)] >> 56))) as m
      from (select exporter, row_key, list_sort(list_transform(codes,
        lambda c: (((c >> {7 * sketch}) % 128) << 56) | (xor(c, {SALT * sketch}) >> 8))) as k
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


def sketching(steps: Steps, name: str, sketches: int, most_agree: int, num: int, den: int) -> None:
    rows, bands, agree = banding(num, den, sketches, most_agree)
    print(
        f"{name}: {sketches} sketch(es) of 128 bins,"
        f" {sketches * bands} bands of {rows}, {agree} to agree on"
    )
    minima = " union all ".join(sketch_minima(s) for s in range(sketches))
    seconds = steps.table(
        f"bands_{name}",
        f"""select exporter, row_key, sketch * {bands} + (m >> 56)::int // {rows} as band,
          bit_xor(m) as code
        from ({minima}) where (m >> 56)::int < {rows * bands} group by all""",
    )
    seconds += steps.table(
        f"candidates_{name}",
        f"""select a.row_key as key_a, b.row_key as key_b
        from bands_{name} as a inner join bands_{name} as b
          on a.exporter = b.exporter and a.band = b.band and a.code = b.code
            and a.row_key < b.row_key
        group by all having count(*) >= {agree}""",
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
    sketching(steps, "one", 1, 1, *t)
    sketching(steps, "two", 2, 1, *t)
    sketching(steps, "agree", 2, 3, *t)
    for a, b in (("one", "two"), ("two", "one"), ("two", "agree"), ("agree", "two")):
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
