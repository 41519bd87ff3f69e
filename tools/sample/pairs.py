"""The defects set's preference tasks (SPEC §4.1): one function per task, PT1 to PT11, in order.

Each task writes its attempts (records sharing task_id and instruction), states what RAG and SFT
do with each run, and lists every candidate pair with its outcome at ``--min-gap 2``, or a note
on why there is none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tools.sample.builder import API_KEY, AWS_KEY, DefectsBuilder
from tools.sample.common import dumps
from tools.sample.defects import EXPORTED, Pair

OK = (EXPORTED, EXPORTED)
BAD = ("unsafe_rag_category", "unsafe_sft_category")
IPP = "invalid_preference_pairing"


def _task(
    b: DefectsBuilder, label: str, attempts: list[tuple[str, dict[str, Any]]], task_id: str
) -> list[dict]:
    """attempts: (category, overrides); records share task_id and instruction."""
    path = b.paths[len(b.d.pairs) * 7 % len(b.paths)]
    instruction = f"Review `{path}` like a senior engineer would."
    out = []
    for category, over in attempts:
        rec_over = {"task_id": task_id, "instruction": instruction, "title": None}
        rec_over.update({k: v for k, v in over.items() if k != "rationale"})
        r = b.record(b.run_id(), **rec_over)
        b.ev(r, f"{label}: {category} attempt")
        out.append(r)
        score_over = {"rationale": over["rationale"]} if "rationale" in over else {}
        b.sc(b.score(r["run_id"], category, **score_over), f"{label}: {category}")
    return out


def _runs(b: DefectsBuilder, recs: list[dict], outcomes: list[tuple[str, str]], label: str) -> None:
    for r, (rag, sft) in zip(recs, outcomes, strict=True):
        b.expect(r["run_id"], label, rag, sft)


def _pair(b: DefectsBuilder, chosen: dict, rejected: dict, outcome: str, note: str) -> None:
    b.d.pairs.append(Pair(chosen["task_id"], chosen["run_id"], rejected["run_id"], outcome, note))


def _pt1(b: DefectsBuilder) -> None:
    """Two accepted, two rejected. Both rejected pair with the accepted attempt recorded last."""
    a1, r1, a2, r2 = _task(
        b,
        "PT1",
        [("accepted", {}), ("rejected", {}), ("accepted", {}), ("rejected", {})],
        "scrum-task-pt1",
    )
    _runs(b, [a1, r1, a2, r2], [OK, BAD, OK, BAD], "PT1")
    for r in (r1, r2):
        _pair(b, a2, r, EXPORTED, "chosen: accepted recorded last")
    b.d.notes.append(
        f"PT1: `{a1['run_id']}` (accepted, recorded first) ends in no pair: `no_counterpart`."
    )


def _pt2(b: DefectsBuilder) -> None:
    """Identical texts after trim."""
    c, r = _task(b, "PT2", [("accepted", {}), ("rejected", {})], "scrum-task-pt2")
    r["text"] = c["text"] + "  \n"
    b.d.evidence[-1].data = dumps(r).encode()
    b.d.evidence[-1].case = "PT2: rejected attempt, same text as the chosen plus whitespace"
    _runs(b, [c, r], [OK, BAD], "PT2")
    _pair(b, c, r, IPP, "texts equal after trim")


def _pt3(b: DefectsBuilder) -> None:
    """Different instructions."""
    c, r = _task(
        b,
        "PT3",
        [("accepted", {}), ("rejected", {"instruction": "Summarise the module in one line."})],
        "scrum-task-pt3",
    )
    _runs(b, [c, r], [OK, BAD], "PT3")
    _pair(b, c, r, IPP, "instructions differ")


def _pt4(b: DefectsBuilder) -> None:
    """The chosen's instruction is blank."""
    c, r = _task(
        b, "PT4", [("accepted", {"instruction": "  "}), ("rejected", {})], "scrum-task-pt4"
    )
    _runs(b, [c, r], [(EXPORTED, "empty_content"), BAD], "PT4")
    _pair(b, c, r, IPP, "chosen's instruction blank")


def _pt5(b: DefectsBuilder) -> None:
    """The chosen cites an unsafe path."""
    c, r = _task(
        b,
        "PT5",
        [("accepted", {"file_refs": ["/etc/hosts"]}), ("rejected", {})],
        "scrum-task-pt5",
    )
    hp = "hallucinated_file_path"
    _runs(b, [c, r], [(hp, hp), BAD], "PT5")
    _pair(b, c, r, hp, "chosen's file_refs unsafe")


def _pt6(b: DefectsBuilder) -> None:
    """The rejected cites a path not in the manifest: not checked."""
    c, r = _task(
        b,
        "PT6",
        [("accepted", {}), ("rejected", {"file_refs": ["crates/ghost/src/lib.rs"]})],
        "scrum-task-pt6",
    )
    _runs(b, [c, r], [OK, BAD], "PT6")
    _pair(b, c, r, EXPORTED, "rejected's file_refs are not checked")


def _pt7(b: DefectsBuilder) -> None:
    """A secret in the rejected text."""
    c, r = _task(b, "PT7", [("accepted", {}), ("rejected", {})], "scrum-task-pt7")
    r["text"] += f"\n\nAWS_ACCESS_KEY_ID={AWS_KEY}"
    b.d.evidence[-1].data = dumps(r).encode()
    _runs(b, [c, r], [OK, BAD], "PT7")
    _pair(b, c, r, "secret_detected", "secret in the rejected text")


def _pt8(b: DefectsBuilder) -> None:
    """Partially accepted vs rejected: a gap of 1 < min-gap 2."""
    c, r = _task(b, "PT8", [("partially_accepted", {}), ("rejected", {})], "scrum-task-pt8")
    _runs(b, [c, r], [(EXPORTED, "category_disallowed"), BAD], "PT8")
    b.d.notes.append(
        "PT8: partially_accepted vs rejected is a gap of 1: no pair with the default "
        "`--min-gap 2` (the rejected run counts as `no_counterpart`); `--min-gap 1` pairs them."
    )


def _pt9(b: DefectsBuilder) -> None:
    """The rejected text is blank: not a candidate."""
    c, r = _task(b, "PT9", [("accepted", {}), ("rejected", {"text": " "})], "scrum-task-pt9")
    _runs(b, [c, r], [OK, BAD], "PT9")
    b.d.notes.append(
        "PT9: the rejected attempt's text is blank, so it is no candidate (`ineligible`); "
        "the accepted attempt is `no_counterpart`."
    )


def _pt10(b: DefectsBuilder) -> None:
    """A secret in the chosen rationale: it reaches the pair's reason only."""
    c, r = _task(
        b,
        "PT10",
        [("accepted", {"rationale": f"Fine; rotate {API_KEY} later."}), ("rejected", {})],
        "scrum-task-pt10",
    )
    _runs(b, [c, r], [OK, BAD], "PT10")
    _pair(b, c, r, "secret_detected", "secret in the chosen rationale, copied into the reason")


def _pt11(b: DefectsBuilder) -> None:
    """Task ids that differ by a trailing space: two tasks."""
    c = _task(b, "PT11", [("accepted", {})], "observer-task-pt11")[0]
    r = _task(b, "PT11", [("rejected", {})], "observer-task-pt11 ")[0]
    _runs(b, [c, r], [OK, BAD], "PT11")
    b.d.notes.append(
        "PT11: task_ids `observer-task-pt11` and `observer-task-pt11 ` differ (compared "
        "verbatim): no pair."
    )


PREFERENCE_TASKS: tuple[Callable[[DefectsBuilder], None], ...] = (
    _pt1, _pt2, _pt3, _pt4, _pt5, _pt6, _pt7, _pt8, _pt9, _pt10, _pt11,
)  # fmt: skip


def preference(b: DefectsBuilder) -> None:
    """Every preference task, in order."""
    for task in PREFERENCE_TASKS:
        task(b)
