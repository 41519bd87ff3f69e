"""`python -m tools.bench --quality-gates`: SPEC §4.3's quality gates measured on a planted
substrate (`distill synth --planted`), in one run of the bench:

1. cost: `distill export-all` without the gates and with `--near-dup --eval-set`, runs
   interleaved, medians, the ratio, peak RSS, and where the time goes (dbt's node timings);
2. recall of near_duplicate on the planted truth, at T = 0.8 (the cost runs) and T = 0.6 (one
   more run), per exporter;
3. the peer: datasketch's MinHash + MinHashLSH, configured as text-dedup (ChenghaoMou/text-dedup)
   configures it, on the same RAG rows and the same shingles, timed beside distill's near-dup
   nodes, and both held against the exact rule on every pair either of them proposed.

The peer runs in its own process (`python -m tools.bench_quality peer ...`), so that its time
and memory are its own.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

THRESHOLDS = ("0.8", "0.6")  # the cost runs use the first, SPEC's default
MARGIN = Fraction(5, 100)  # recall is promised for pairs at T + 0.05 or above
# the nodes §4.3 added: its models, its three data tests, and the generic tests on its models
QUALITY_MODELS = (
    "stg_eval__texts",
    "int_eval_sequences",
    "int_evidence_token_codes",
    "int_eval_matches",
    "int_near_dup_sets",
    "int_near_dup_edges",
    "int_near_dup_components",
    "int_near_dup_verdicts",
    "int_rag_gated",
    "int_sft_gated",
)
QUALITY_TESTS = (
    "near_duplicates_hold_on_strings",
    "eval_sequences_are_protected",
    "no_eval_item_in_exports",
)
NEAR_DUP_MODELS = (
    "int_near_dup_sets",
    "int_near_dup_edges",
    "int_near_dup_components",
    "int_near_dup_verdicts",
    "int_rag_gated",
    "int_sft_gated",
)
# int_evidence_token_codes tokenizes for both gates, made with --eval-set: counted with the eval
EVAL_MODELS = (
    "stg_eval__texts",
    "int_eval_sequences",
    "int_evidence_token_codes",
    "int_eval_matches",
)

# text-dedup's MinHash defaults (text_dedup/utils/add_args.py: --ngram 5, --num_perm 256,
# --seed 42; bands and rows by datasketch's optimal_param with weights 0.5 / 0.5, which is
# MinHashLSH's own default); shingles are SPEC §4.3's, not text-dedup's \W split
PEER_NUM_PERM = 256
PEER_SEED = 42


# ---------------------------------------------------------------- SPEC §4.3 in Python
# tokens: maximal runs of characters that are neither whitespace (SPEC §2: \t-\r, space, U+0085,
# the other Zs, U+2028, U+2029) nor ASCII punctuation; ASCII letters lowercased, nothing else
TOKEN = re.compile(
    "[^\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000!-/:-@\\[-`{-~]+"
)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower() if text.isascii() else text.translate(_ASCII_LOWER))


def shingles(toks: list[str]) -> set[str]:
    """The 5-windows of the tokens, or the one window of all of them when fewer than 5."""
    if len(toks) < 5:
        return {" ".join(toks)}
    return {" ".join(toks[i : i + 5]) for i in range(len(toks) - 4)}


def is_similar(inter: int, union: int, threshold: Fraction) -> bool:
    return inter >= threshold * union  # exact: Fractions, no floating point


# ---------------------------------------------------------------- the substrate
def planted_substrate(runs: int, seed: int, scratch: Path) -> Path:
    """`distill synth --planted` (its default eval set: 10,000 lines, at most runs / 10),
    generated once per (runs, seed) and cached in the scratch folder."""
    from distill.synth.planted import write_planted_substrate
    from tools.bench import cached

    return cached(
        scratch / f"planted-{runs}-{seed}",
        "planted.json",
        lambda tmp: write_planted_substrate(tmp, runs=runs, seed=seed),
    )


def parse_thresholds(value: str | None) -> tuple[str, ...]:
    """--thresholds "0.8,0.6": the cost runs use the first; one more run for each other."""
    if not value:
        return THRESHOLDS
    thresholds = tuple(t.strip() for t in value.split(",") if t.strip())
    for t in thresholds:
        if not Fraction(1, 2) <= Fraction(t) <= 1:
            raise SystemExit(f"--thresholds: {t} is not in [0.5, 1]")
    return thresholds


GATES = ("both", "near-dup", "eval")  # --gates: which of the two the gated runs switch on


def gate_args(data: Path, threshold: str, gates: str = "both") -> list[str]:
    near_dup = ["--near-dup", "--near-dup-threshold", threshold]
    eval_set = ["--eval-set", str(data / "eval_set.jsonl")]
    return {"both": near_dup + eval_set, "near-dup": near_dup, "eval": eval_set}[gates]


def has_table(warehouse: Path, name: str) -> bool:
    if not warehouse.is_file():
        return False
    con = _connect(warehouse)
    try:
        found = con.sql(f"select count(*) from duckdb_tables() where table_name = '{name}'")
        return found.fetchall()[0][0] > 0
    finally:
        con.close()


def node_name(unique_id: str) -> str:
    """model.distill.int_near_dup_edges -> int_near_dup_edges; a test's name likewise."""
    parts = unique_id.split(".")
    return parts[2] if len(parts) >= 3 else unique_id


def is_quality_node(name: str) -> bool:
    """A node §4.3 added: its models, its data tests, the generic tests on its models."""
    return (
        name in QUALITY_TESTS
        or any(model in name for model in QUALITY_MODELS)
        or any(part in name for part in ("near_dup", "eval_sequences", "eval_item"))
    )


def warehouse_of(work: Path) -> Path:
    from distill.config import DEFAULT_WAREHOUSE

    return work / DEFAULT_WAREHOUSE["duckdb"]


def _connect(warehouse: Path):
    import duckdb

    from distill.config import duckdb_settings

    settings = duckdb_settings()
    con = duckdb.connect(
        str(warehouse),
        read_only=True,
        config={"memory_limit": str(settings["memory_limit"]), "threads": int(settings["threads"])},
    )
    con.execute("set enable_progress_bar = false")
    return con


# ---------------------------------------------------------------- recall on the planted truth
def distill_graph(warehouse: Path) -> dict:
    """Per exporter: the id of each row that passed gates 1-9 by run_id, the verified edges,
    and each component's kept id by row."""
    con = _connect(warehouse)
    graph: dict = {}
    for exporter in ("rag", "sft"):
        ids = dict(
            con.sql(
                f"select run_id, id from int_{exporter}_checked where reason is null"
                " and run_id is not null"
            ).fetchall()
        )
        edges = con.sql(
            "select id_a, id_b, shared, total from int_near_dup_edges"
            f" where exporter = '{exporter}'"
        ).fetchall()
        kept = dict(
            con.sql(
                f"select id, kept_id from int_near_dup_components where exporter = '{exporter}'"
            ).fetchall()
        )
        graph[exporter] = {"ids": ids, "edges": edges, "kept": kept}
    con.close()
    return graph


def recall(graph: dict, truth: dict, threshold: str) -> dict:
    """The planted pairs at T + 0.05 or above, and in [T, T + 0.05), that distill found: by an
    edge (a row whose set equals another's is collapsed onto the smallest id of its set, its
    edge to that row has shared = total, so a pair is found when both collapse onto one row
    or an edge joins the two they collapse onto), or by sharing a component. Also the planted
    pairs below T that got an edge (none may: every edge is verified)."""
    t = Fraction(threshold)
    report: dict = {}
    for exporter in ("rag", "sft"):
        g = graph[exporter]
        rep = {b: a for a, b, shared, total in g["edges"] if shared == total}
        edges = {(a, b) for a, b, shared, total in g["edges"] if shared != total}

        def root(x: str, rep: dict = rep) -> str:
            return rep.get(x, x)

        counts = {
            key: 0
            for key in (
                "high",
                "high_edge",
                "high_component",
                "band",
                "band_edge",
                "band_component",
                "below",
                "below_edge",
                "missing_rows",
            )
        }
        missed: list[dict] = []
        for pair in truth["near_dup_pairs"]:
            a, b = g["ids"].get(pair["a"]), g["ids"].get(pair["b"])
            if a is None or b is None:
                counts["missing_rows"] += 1
                continue
            j = Fraction(pair[f"{exporter}_inter"], pair[f"{exporter}_union"])
            ra, rb = sorted((root(a), root(b)))
            edge = ra == rb or (ra, rb) in edges
            component = g["kept"].get(a) is not None and g["kept"].get(a) == g["kept"].get(b)
            kind = "high" if j >= t + MARGIN else "band" if j >= t else "below"
            counts[kind] += 1
            counts[f"{kind}_edge"] += edge
            if kind != "below":
                counts[f"{kind}_component"] += component
                if not component and len(missed) < 5:
                    missed.append({"a": pair["a"], "b": pair["b"], "jaccard": float(j)})
        report[exporter] = {
            **counts,
            "recall_high": _ratio(counts["high_component"], counts["high"]),
            "recall_high_edge": _ratio(counts["high_edge"], counts["high"]),
            "recall_band": _ratio(counts["band_component"], counts["band"]),
            "recall_band_edge": _ratio(counts["band_edge"], counts["band"]),
            "edges": len(g["edges"]),
            "refused": sum(1 for row, kept in g["kept"].items() if row != kept),
            "missed_examples": missed,
        }
    return report


def _ratio(n: int, d: int) -> float | None:
    return round(n / d, 5) if d else None


def eval_verdicts(warehouse: Path, truth: dict) -> dict:
    """The planted eval runs: how many the eval gate refused where the truth says contaminated,
    and kept where it says clean, per exporter (RAG checks title and text, SFT instruction and
    text)."""
    con = _connect(warehouse)
    report = {}
    for exporter in ("rag", "sft"):
        refused = {
            run_id
            for (run_id,) in con.sql(
                f"select run_id from int_{exporter}_checked"
                " where list_bool_or(list_transform(errors,"
                " lambda e: e like '% contains eval item %'))"
            ).fetchall()
        }
        right = wrong = 0
        for item in truth["eval_items"]:
            expected = item[f"{exporter}_expect"] == "contaminated"
            if (item["run_id"] in refused) == expected:
                right += 1
            else:
                wrong += 1
        report[exporter] = {"right": right, "wrong": wrong, "refused": len(refused)}
    con.close()
    return report


def candidate_counts(warehouse: Path) -> dict:
    """int_near_dup_edges' steps counted: its compiled SQL with the last select replaced,
    re-run on the warehouse (read-only) after the build. Also how long that took."""
    from distill.config import Paths

    compiled = next(
        (Paths(warehouse=warehouse).dbt_target / "compiled").rglob("int_near_dup_edges.sql"), None
    )
    if compiled is None:
        return {}
    sql = compiled.read_text()
    head, _, _ = sql.rpartition("select * from final")
    steps = ("distinct_sets", "identical_pairs", "candidates", "sized", "verified")
    # the steps after distinct_sets hold row keys; a pair's exporter is its first row's
    sql = head + " union all ".join(
        f"select '{step}' as step, sets.exporter, count(*) as n from {step} inner join sets"
        f" on sets.row_key = {step}.{'row_key' if step == 'distinct_sets' else 'key_a'}"
        " group by sets.exporter"
        for step in steps
    )
    con = _connect(warehouse)
    started = time.monotonic()
    rows = con.sql(sql).fetchall()
    seconds = time.monotonic() - started
    con.close()
    counts: dict = {"rag": dict.fromkeys(steps, 0), "sft": dict.fromkeys(steps, 0)}
    for step, exporter, n in rows:
        counts[exporter][step] = n
    return {**counts, "query_s": round(seconds, 2)}


# ---------------------------------------------------------------- the peer, in its own process
class UnionFind:
    """Roots are the smallest member: rows are numbered in id order, so the kept row of a
    cluster is its smallest id, as SPEC's rule and text-dedup (the first index) keep."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, members) -> None:
        roots = [self.find(m) for m in members]
        smallest = min(roots)
        for r in roots:
            self.parent[r] = smallest

    def refused(self) -> set[int]:
        return {i for i in range(len(self.parent)) if self.find(i) != i}


def peer_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tools.bench_quality peer")
    parser.add_argument("--warehouse", type=Path, required=True, help="texts: int_rag_checked")
    parser.add_argument(
        "--distill",
        action="append",
        default=[],
        metavar="T=[WAREHOUSE]",
        help="the peer at T, beside distill's edges and components at T from that warehouse"
        " (none: distill did not finish at T)",
    )
    parser.add_argument("--truth", type=Path, required=True, help="planted.json")
    parser.add_argument("--num-perm", type=int, default=PEER_NUM_PERM)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    from datasketch import MinHash, MinHashLSH

    con = _connect(args.warehouse)
    rows = con.sql(
        "select checked.id, checked.run_id, evidence.text from int_rag_checked as checked"
        " inner join stg_substrate__evidence as evidence"
        " on evidence.line_id = checked.evidence_line_id"
        " where checked.reason is null order by checked.id"
    ).fetchall()
    con.close()
    ids = [row[0] for row in rows]
    texts = [row[2] for row in rows]
    index_of = {row_id: i for i, row_id in enumerate(ids)}
    index_of_run = {row[1]: i for i, row in enumerate(rows)}
    del rows

    # timed: SPEC's shingles of each text (the peer sees what distill's gate sees), MinHash
    started = time.monotonic()
    encoded = ([s.encode() for s in shingles(tokens(text))] for text in texts)
    sketches = list(MinHash.generator(encoded, num_perm=args.num_perm, seed=PEER_SEED))
    build_s = time.monotonic() - started

    truth = json.loads(args.truth.read_text())
    report: dict = {
        "rows": len(ids),
        "num_perm": args.num_perm,
        "seed": PEER_SEED,
        "ngram": 5,
        "build_s": round(build_s, 2),
        "thresholds": {},
    }
    shingle_sets: dict[int, frozenset] = {}  # the exact check's, filled after the timing

    def shingle_set(i: int) -> frozenset:
        if i not in shingle_sets:
            shingle_sets[i] = frozenset(shingles(tokens(texts[i])))
        return shingle_sets[i]

    for spec in args.distill:
        threshold, _, warehouse = spec.partition("=")
        t = Fraction(threshold)
        started = time.monotonic()
        lsh = MinHashLSH(threshold=float(t), num_perm=args.num_perm)
        for i, sketch in enumerate(sketches):
            lsh.insert(i, sketch, check_duplication=False)
        # text-dedup: every bucket of every band is a cluster, unioned, never verified
        clusters = UnionFind(len(ids))
        buckets: list[list[int]] = []
        for table in lsh.hashtables:
            for key in table.keys():  # noqa: SIM118 (a datasketch storage, not a dict)
                members = table.get(key)
                if len(members) > 1:
                    members = sorted(members)
                    buckets.append(members)
                    clusters.union(members)
        peer_refused = clusters.refused()
        lsh_s = time.monotonic() - started
        del lsh

        # not timed: the exact rule over every pair either proposed
        graph = distill_graph(Path(warehouse))["rag"] if warehouse else {"edges": [], "kept": {}}
        distill_refused = {index_of[row] for row, kept in graph["kept"].items() if row != kept}
        involved = {i for members in buckets for i in members}
        distill_pairs = {(index_of[a], index_of[b]) for a, b, _, _ in graph["edges"]}
        involved |= {i for pair in distill_pairs for i in pair}
        groups: dict[frozenset, int] = {}
        representative = {}
        for i in sorted(involved):
            representative[i] = groups.setdefault(shingle_set(i), i)
        exact = UnionFind(len(ids))
        for i, r in representative.items():
            if i != r:
                exact.union((r, i))  # identical sets: Jaccard 1
        pairs: set[tuple[int, int]] = set()
        for members in buckets:
            reps = sorted({representative[i] for i in members})
            pairs.update((a, b) for n, a in enumerate(reps) for b in reps[n + 1 :])
        peer_pairs = len(pairs)
        for a, b in distill_pairs:
            ra, rb = sorted((representative[a], representative[b]))
            if ra != rb:
                pairs.add((ra, rb))
        verified = 0
        for a, b in pairs:
            sa, sb = shingle_set(a), shingle_set(b)
            inter = len(sa & sb)
            if is_similar(inter, len(sa) + len(sb) - inter, t):
                exact.union((a, b))
                verified += 1
        exact_refused = exact.refused()
        report["thresholds"][threshold] = {
            "bands": lsh_bands(float(t), args.num_perm),
            "lsh_s": round(lsh_s, 2),
            "peer_s": round(build_s + lsh_s, 2),
            "buckets": len(buckets),
            "bucket_pairs": sum(len(m) * (len(m) - 1) // 2 for m in buckets),
            "peer_candidate_pairs": peer_pairs,  # distinct, identical sets collapsed
            "checked_pairs": len(pairs),
            "verified_edges": verified,
            "identical_rows": sum(1 for i, r in representative.items() if i != r),
            "exact_refused": len(exact_refused),
            "peer": {
                "refused": len(peer_refused),
                "false_refusals": len(peer_refused - exact_refused),
                "misses": len(exact_refused - peer_refused),
            },
            "distill": {
                "refused": len(distill_refused),
                "false_refusals": len(distill_refused - exact_refused),
                "misses": len(exact_refused - distill_refused),
            }
            if warehouse
            else None,
            "peer_recall": _peer_recall(truth, index_of_run, clusters, t),
        }
        shingle_sets.clear()
    report["peak_rss_mib"] = _own_peak_mib()
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    return 0


def _own_peak_mib() -> int | None:
    """This process's own peak RSS (VmHWM, of its own address space). wait4's ru_maxrss would
    count the parent's resident set at the fork as well: Linux carries it across exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return None


def lsh_bands(threshold: float, num_perm: int) -> list[int]:
    from datasketch.lsh import _optimal_param

    return list(_optimal_param(threshold, num_perm, 0.5, 0.5))


def _peer_recall(truth: dict, index_of_run: dict, clusters: UnionFind, t: Fraction) -> dict:
    """The planted RAG pairs at T + 0.05 or above, and in [T, T + 0.05), in one peer cluster."""
    counts = {"high": 0, "high_found": 0, "band": 0, "band_found": 0}
    for pair in truth["near_dup_pairs"]:
        a, b = index_of_run.get(pair["a"]), index_of_run.get(pair["b"])
        j = Fraction(pair["rag_inter"], pair["rag_union"])
        if a is None or b is None or j < t:
            continue
        kind = "high" if j >= t + MARGIN else "band"
        counts[kind] += 1
        counts[f"{kind}_found"] += clusters.find(a) == clusters.find(b)
    return {
        **counts,
        "recall_high": _ratio(counts["high_found"], counts["high"]),
        "recall_band": _ratio(counts["band_found"], counts["band"]),
    }


def run_peer(texts: Path, warehouses: dict[str, Path | None], truth: Path, out: Path) -> dict:
    """The peer in its own process, on the RAG rows of the `texts` warehouse, at each threshold
    beside distill's warehouse at that threshold (None: distill did not finish); its wall time
    and peak RSS beside its own timings."""
    from tools.bench import _run_measured

    args = [
        sys.executable,
        "-m",
        "tools.bench_quality",
        "peer",
        "--warehouse",
        str(texts),
        "--truth",
        str(truth),
        "--out",
        str(out),
    ]
    for threshold, warehouse in warehouses.items():
        args += ["--distill", f"{threshold}={warehouse or ''}"]
    started = time.monotonic()
    peak_kib, code, _, err = _run_measured(args, Path(__file__).resolve().parents[1])
    if code != 0:
        raise SystemExit(f"the peer failed ({code}):\n{err[-4000:]}")
    report = json.loads(out.read_text())
    report["wall_s"] = round(time.monotonic() - started, 2)
    if report.get("peak_rss_mib") is None:
        report["peak_rss_mib"] = round(peak_kib / 1024)
    return report


# ---------------------------------------------------------------- the bench
def run_gated(
    data: Path,
    work: Path,
    threshold: str,
    timeout: float | None,
    min_free_gb: float | None,
    gates: str = "both",
) -> dict:
    """export-all with the gates at `threshold`; a run that fails or is stopped at its timeout
    is reported with what it got through (dbt's node timings so far, the node it was in)."""
    from tools.bench import DistillFailed, run_distill

    try:
        return {
            "status": "ok",
            **run_distill(
                data,
                work,
                extra=gate_args(data, threshold, gates),
                timeout=timeout,
                min_free_gb=min_free_gb,
            ),
        }
    except DistillFailed as failed:
        from tools.bench import LOW_DISK, TIMED_OUT

        status = {
            TIMED_OUT: f"stopped at {timeout} s",
            LOW_DISK: f"stopped: under {min_free_gb} GB free on disk",
        }.get(failed.code, f"exit {failed.code}")
        node_s, running = dbt_progress(warehouse_of(work))
        error = [line.strip() for line in str(failed).splitlines() if "Error" in line]
        return {
            "status": status,
            "wall_s": failed.wall_s,
            "peak_rss_mib": failed.peak_rss_mib,
            "node_s": node_s,
            "running": running,
            "error": error[:3],
        }


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_LOG_LINE = re.compile(r"^(\d\d):(\d\d):(\d\d\.\d+) .*?\]: (\d+) of \d+ (START|.*? in ([\d.]+)s\])")
_LOG_NODE = re.compile(r"START (?:(?:sql|python) \w+ model \w+\.|test |seed file \w+\.)?(\S+)")


def dbt_progress(warehouse: Path) -> tuple[dict[str, float], dict | None]:
    """From dbt's log of a build that did not finish: each finished node's seconds (by name,
    as a node's `unique_id`'s last part), and the node that was running, with how long it had
    run when the log ends or now."""
    from distill.config import Paths

    log = Paths(warehouse=warehouse).dbt_target / "logs" / "dbt.log"
    if not log.is_file():
        return {}, None
    started: dict[str, tuple[str, float]] = {}
    node_s: dict[str, float] = {}
    for raw in log.read_text(errors="replace").splitlines():
        line = _ANSI.sub("", raw)
        match = _LOG_LINE.match(line)
        if not match:
            continue
        hh, mm, ss, index, what, seconds = match.groups()
        clock = int(hh) * 3600 + int(mm) * 60 + float(ss)
        if what == "START":
            name = _LOG_NODE.search(line)
            started[index] = (name.group(1) if name else index, clock)
        elif index in started and seconds is not None:
            node_s[started.pop(index)[0]] = float(seconds)
    if not started:
        return node_s, None
    name, clock = max(started.values(), key=lambda pair: pair[1])
    now = time.gmtime()  # dbt's log clock is UTC here; a run over midnight wraps
    elapsed = (now.tm_hour * 3600 + now.tm_min * 60 + now.tm_sec - clock) % 86400
    return node_s, {"node": name, "running_s": round(elapsed, 1)}


def bench_quality(args: argparse.Namespace, scratch: Path, out: Path) -> int:
    from tools.bench import run_distill

    started = time.monotonic()
    thresholds = parse_thresholds(getattr(args, "thresholds", None))
    timeout = getattr(args, "run_timeout", None)
    min_free_gb = getattr(args, "min_free_gb", None)
    gates = getattr(args, "gates", None) or "both"
    if gates == "eval":
        thresholds = thresholds[:1]  # the threshold is not used
    data = planted_substrate(args.runs, args.seed, scratch)
    truth_path = data / "planted.json"
    work = scratch / "work"
    off, on = [], []
    for _ in range(args.repeat):  # interleaved, so that drift in machine load hits both alike
        off.append(run_distill(data, work / "gates-off"))
        shutil.rmtree(work / "gates-off")  # its figures are all it is kept for: disk, at 1M
        on.append(run_gated(data, work / "gates-on", thresholds[0], timeout, min_free_gb, gates))
        if on[-1]["status"] != "ok":
            break
    runs = {thresholds[0]: on[-1]}
    folders = {thresholds[0]: work / "gates-on"}
    for threshold in thresholds[1:]:  # recall at the other thresholds: one run each
        folders[threshold] = work / f"gates-on-{threshold}"
        runs[threshold] = run_gated(
            data, folders[threshold], threshold, timeout, min_free_gb, gates
        )
    finished = {t: warehouse_of(folders[t]) for t, r in runs.items() if r["status"] == "ok"}
    truth = json.loads(truth_path.read_text())
    near_dup, eval_gate = gates in ("both", "near-dup"), gates in ("both", "eval")
    recalls = {t: recall(distill_graph(w), truth, t) for t, w in finished.items() if near_dup}
    candidates = {t: candidate_counts(w) for t, w in finished.items() if near_dup}
    evals = {}
    if eval_gate and thresholds[0] in finished:
        evals = eval_verdicts(finished[thresholds[0]], truth)
    # the peer reads the RAG rows that passed the earlier gates from a run that built them
    texts = [warehouse_of(folders[t]) for t in thresholds]
    texts = [w for w in texts if has_table(w, "int_rag_checked")]
    peer = None
    if near_dup and texts and not getattr(args, "no_peer", False):
        peer = run_peer(
            texts[0], {t: finished.get(t) for t in thresholds}, truth_path, work / "peer.json"
        )
    report = quality_report(args, data, thresholds, off, on, runs, recalls, candidates, evals, peer)
    report["gates"] = gates
    report["bench_wall_s"] = round(time.monotonic() - started, 1)
    (out / "quality.json").write_text(json.dumps(report, indent=2) + "\n")
    print_quality_report(report)
    print(f"written {out / 'quality.json'}")
    return 0


def quality_report(args, data, thresholds, off, on, runs, recalls, candidates, evals, peer) -> dict:
    median = statistics.median

    def node_medians(results: list[dict]) -> dict[str, float]:
        names = {name for r in results for name in r["node_s"]}
        return {
            node_name(n): median([r["node_s"].get(n, 0.0) for r in results]) for n in sorted(names)
        }

    def side(results: list[dict]) -> dict:
        failed = [r for r in results if r.get("status", "ok") != "ok"]
        row = {
            "status": failed[0]["status"] if failed else "ok",
            "wall_s": round(median(r["wall_s"] for r in results), 2),
            "peak_rss_mib": round(max(r["peak_rss_mib"] for r in results)),
            "wall_samples_s": [round(r["wall_s"], 2) for r in results],
        }
        if failed:
            return {**row, "running": failed[0]["running"], "error": failed[0]["error"]}
        return {
            **row,
            "build_s": round(median(r["build_s"] for r in results), 2),
            "nodes_s": round(median(sum(r["node_s"].values()) for r in results), 2),
            "phases_s": {
                p: round(median(r["phases_s"][p] for r in results), 2)
                for p in results[0]["phases_s"]
            },
        }

    off_nodes, on_nodes = node_medians(off), node_medians(on)
    quality_nodes = {n: round(s, 2) for n, s in on_nodes.items() if is_quality_node(n)}
    deltas = {n: on_nodes[n] - off_nodes.get(n, 0.0) for n in on_nodes}
    top = sorted(deltas.items(), key=lambda kv: -kv[1])[:12]
    tests = [n for n in quality_nodes if n not in QUALITY_MODELS]

    def group_s(names) -> float:
        return round(sum(quality_nodes.get(n, 0.0) for n in names), 2)

    def near_dup_s(run: dict) -> float:
        return round(
            sum(s for uid, s in run["node_s"].items() if node_name(uid) in NEAR_DUP_MODELS), 2
        )

    input_mb = sum(p.stat().st_size for p in data.iterdir()) / 1e6
    on_side = side(on)
    report = {
        "runs": args.runs,
        "seed": args.seed,
        "repeat": args.repeat,
        "threshold": thresholds[0],
        "thresholds": list(thresholds),
        "input_mb": round(input_mb, 1),
        "eval_lines": _lines(data / "eval_set.jsonl"),
        "off": side(off),
        "on": on_side,
        "ratio": round(median(r["wall_s"] for r in on) / median(r["wall_s"] for r in off), 3)
        if on_side["status"] == "ok"
        else None,
        "quality_nodes_s": quality_nodes,
        "near_dup_models_s": group_s(NEAR_DUP_MODELS),
        "near_dup_tests_s": group_s(n for n in tests if "near_dup" in n),
        "eval_models_s": group_s(EVAL_MODELS),
        "eval_tests_s": group_s(n for n in tests if "eval" in n),
        "top_deltas_s": [[name, round(s, 2)] for name, s in top],
        "by_threshold": {
            t: {
                "status": r["status"],
                "wall_s": round(r["wall_s"], 2),
                "peak_rss_mib": round(r["peak_rss_mib"]),
                "near_dup_models_s": near_dup_s(r),
                "nodes_s": {
                    node_name(uid): round(s, 2)
                    for uid, s in r["node_s"].items()
                    if node_name(uid) in NEAR_DUP_MODELS
                },
                **({} if r["status"] == "ok" else {"running": r["running"], "error": r["error"]}),
            }
            for t, r in runs.items()
        },
        "recall": recalls,
        "candidates": candidates,
        "eval_verdicts": evals,
        "peer": peer,
    }
    report["peer_ratio"] = {
        t: {
            "distill_near_dup_s": report["by_threshold"][t]["near_dup_models_s"],
            "peer_s": p["peer_s"],
            "peer_over_distill": round(
                p["peer_s"] / report["by_threshold"][t]["near_dup_models_s"], 2
            )
            if runs[t]["status"] == "ok" and report["by_threshold"][t]["near_dup_models_s"]
            else None,
        }
        for t, p in (peer or {"thresholds": {}})["thresholds"].items()
    }
    return report


def print_quality_report(r: dict) -> None:
    off, on = r["off"], r["on"]
    print(
        f"{r['runs']:,} runs (planted, seed {r['seed']}), {r['input_mb']:,.0f} MB of input,"
        f" eval set {r['eval_lines']:,} lines; median of {r['repeat']}, runs interleaved"
    )
    print(f"{'export-all':<34} {'gates off':>10} {'gates on':>10}   (on: {r['gates']})")
    ratio = f"ratio {r['ratio']:.3f}x (target <= 1.25x)" if r["ratio"] else on["status"]
    print(f"{'wall (s)':<34} {off['wall_s']:>10.2f} {on['wall_s']:>10.2f}   {ratio}")
    if on["status"] == "ok":
        print(f"{'dbt build (s)':<34} {off['build_s']:>10.2f} {on['build_s']:>10.2f}")
        print(f"{'dbt nodes (s)':<34} {off['nodes_s']:>10.2f} {on['nodes_s']:>10.2f}")
        for phase in on["phases_s"]:
            print(
                f"{'  ' + phase + ' (s)':<34} {off['phases_s'][phase]:>10.2f}"
                f" {on['phases_s'][phase]:>10.2f}"
            )
    else:
        print(f"gates on: {on['status']}, in {on['running']}; {' '.join(on['error'])}")
    print(
        f"{'peak RSS (MiB)':<34} {off['peak_rss_mib']:>10,} {on['peak_rss_mib']:>10,}"
        "   (target <= 4,096)"
    )
    print(
        f"\nwhere the time goes (gates on, T = {r['threshold']}): near-dup models"
        f" {r['near_dup_models_s']:.2f} s, their tests {r['near_dup_tests_s']:.2f} s;"
        f" eval models {r['eval_models_s']:.2f} s, their tests {r['eval_tests_s']:.2f} s"
    )
    for name, s in sorted(r["quality_nodes_s"].items(), key=lambda kv: -kv[1]):
        print(f"  {name:<72} {s:>7.2f}")
    print("largest changes per node, on - off (s):")
    for name, s in r["top_deltas_s"]:
        print(f"  {name:<72} {s:>+7.2f}")
    for t, x in r["by_threshold"].items():
        state = "" if x["status"] == "ok" else f" {x['status']}, in {x['running']}: {x['error']}"
        print(
            f"T = {t}: export-all {x['wall_s']:.2f} s, peak {x['peak_rss_mib']:,} MiB,"
            f" near-dup models {x['near_dup_models_s']:.2f} s {x['nodes_s']}{state}"
        )
    print("\nrecall on the planted pairs (found: one component; edge: a verified edge)")
    print(
        f"{'T':<5} {'exp':<4} {'pairs >= T+.05':>14} {'found':>8} {'edge':>8} {'[T, T+.05)':>10}"
        f" {'found':>8} {'edges':>7} {'refused':>8} {'edge < T':>8}"
    )
    for t, by in r["recall"].items():
        for exporter, x in by.items():
            print(
                f"{t:<5} {exporter:<4} {x['high']:>14,} {_pct(x['recall_high']):>8}"
                f" {_pct(x['recall_high_edge']):>8} {x['band']:>10,} {_pct(x['recall_band']):>8}"
                f" {x['edges']:>7,} {x['refused']:>8,} {x['below_edge']:>8}"
            )
    print("candidates in int_near_dup_edges (its compiled SQL re-run, counting each step):")
    for t, c in r["candidates"].items():
        for exporter in ("rag", "sft"):
            x = c.get(exporter, {})
            print(
                f"  T = {t} {exporter}: {x.get('distinct_sets', 0):,} distinct sets,"
                f" {x.get('identical_pairs', 0):,} identical-set edges,"
                f" {x.get('candidates', 0):,} candidate pairs, {x.get('sized', 0):,} after the"
                f" size filter, {x.get('verified', 0):,} verified edges"
            )
    if r["eval_verdicts"]:
        print(
            "eval gate on the planted eval runs: "
            + ", ".join(
                f"{e} {x['right']} right / {x['wrong']} wrong"
                for e, x in r["eval_verdicts"].items()
            )
        )
    p = r["peer"]
    if p is None:
        print("\npeer: not run (the near-dup gate off, or no gated run got to int_rag_checked)")
    else:
        print(
            f"\npeer: datasketch MinHash + MinHashLSH (num_perm {p['num_perm']}, seed {p['seed']},"
            f" 5-token shingles, text-dedup's union of LSH buckets, unverified) on {p['rows']:,}"
            f" RAG rows; build {p['build_s']:.2f} s; process peak {p['peak_rss_mib']:,} MiB"
        )
        print(
            f"{'T':<5} {'b x r':>7} {'peer s':>8} {'distill s':>9} {'peer/distill':>12}"
            f" {'refused':>16} {'false refusals':>16} {'misses':>14} {'peer recall':>12}"
        )
        for t, x in p["thresholds"].items():
            ratio = r["peer_ratio"][t]
            d = x["distill"] or {"refused": "-", "false_refusals": "-", "misses": "-"}
            print(
                f"{t:<5} {'x'.join(map(str, x['bands'])):>7} {x['peer_s']:>8.2f}"
                f" {ratio['distill_near_dup_s']:>9.2f} {_times(ratio['peer_over_distill']):>12}"
                f" {x['peer']['refused']:>7,} / {d['refused']:>6}"
                f" {x['peer']['false_refusals']:>7,} / {d['false_refusals']:>6}"
                f" {x['peer']['misses']:>6,} / {d['misses']:>5}"
                f" {_pct(x['peer_recall']['recall_high']):>12}"
            )
        for t, x in p["thresholds"].items():
            print(
                f"  T = {t}: the exact rule refuses {x['exact_refused']:,}, over the"
                f" {x['checked_pairs']:,} pairs either proposed (peer"
                f" {x['peer_candidate_pairs']:,} distinct, {x['bucket_pairs']:,} in its"
                f" buckets); {x['verified_edges']:,} verified, {x['identical_rows']:,} rows"
                " with another's identical set"
            )
        print(
            "  (refused, false refusals, misses: peer / distill, against the exact rule; peer s:"
            " MinHash build + LSH + clusters, RAG; distill s: its near-dup models, RAG and SFT;"
            " where distill did not finish, the exact rule is over the peer's pairs alone)"
        )
    print(f"bench wall time {r.get('bench_wall_s', 0):.0f} s")


def _times(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}x"


def _lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.2%}"


if __name__ == "__main__":
    if sys.argv[1:2] == ["peer"]:
        sys.exit(peer_main(sys.argv[2:]))
    sys.exit(
        "usage: python -m tools.bench --quality-gates (the peer: tools.bench_quality peer ...)"
    )
