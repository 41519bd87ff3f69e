"""SPEC's fixed sets and its plainest definitions (blank, control characters, timestamps, unsafe
paths, secrets), written out again for the tests' own oracles (test_synth's reading of the
inputs, test_properties' ``oracle``): independent of src/distill and seeds/, so that a wrong seed
or macro cannot hide in both."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

# SPEC §2: whitespace (trim, blank)
WS = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)
CATEGORIES = ("accepted", "partially_accepted", "rejected", "needs_human_review")
RANK = {"accepted": 3, "partially_accepted": 2, "rejected": 1}  # SPEC §4.1
CONVERSATIONAL = ("scrum_review", "observer_review", "mode_experiment")  # SPEC §4 task classes
EXTRACTION = ("observer_escalation", "audit_facts", "distilled_%")
SECRETS = [  # SPEC §4 secret patterns
    re.compile(p, re.ASCII)
    for p in (
        r"\bAKIA[0-9A-Z]{16}\b",
        r"\bgh[pousr]_[A-Za-z0-9]{36,}",
        r"\bsk-[A-Za-z0-9_-]{20,}",
        r"\bxox[abprs]-[A-Za-z0-9-]{10,}",
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
    )
]
TS_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]{1,9}))?(Z|[+-][0-9]{2}:[0-9]{2})?"
)


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip(WS) == "")


def has_control(value: str) -> bool:
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in value)


def parse_ts(value) -> datetime | None:
    """SPEC §2.4, to the microsecond, as naive UTC; None when unparseable."""
    if not isinstance(value, str):
        return None
    m = TS_RE.fullmatch(value)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    if hour > 23 or minute > 59 or second > 59:
        return None
    micro = int((m.group(7) or "")[:6].ljust(6, "0"))
    try:
        local = datetime(year, month, day, hour, minute, second, micro)
    except ValueError:
        return None
    offset = m.group(8)
    delta = timedelta(0)
    if offset and offset != "Z":
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        if hours > 23 or minutes > 59:
            return None
        delta = timedelta(hours=hours, minutes=minutes) * (1 if offset[0] == "+" else -1)
    try:
        return local - delta
    except OverflowError:
        return None


def unsafe_path(path: str) -> bool:
    return (
        blank(path)
        or path.startswith(("/", "~"))
        or re.match(r"[A-Za-z]:", path) is not None
        or ".." in path.split("/")
        or "\\" in path
        or has_control(path)
    )


def secret(*values) -> bool:
    return any(isinstance(v, str) and p.search(v) for v in values for p in SECRETS)


# --------------------------------------------------------------------------------------------
# SPEC §4.3, the quality gates: tokens, shingles, Jaccard, protected eval sequences. Written from
# the SPEC's words, character by character (src/distill/synth/planted.py uses a regex).
# --------------------------------------------------------------------------------------------

# ASCII punctuation: U+0021-U+002F, U+003A-U+0040, U+005B-U+0060, U+007B-U+007E
ASCII_PUNCTUATION = frozenset(
    chr(c)
    for lo, hi in ((0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E))
    for c in range(lo, hi + 1)
)
_SEPARATORS = frozenset(WS) | ASCII_PUNCTUATION


def tokens(text: str) -> list[str]:
    """Maximal runs of characters that are neither whitespace (§2) nor ASCII punctuation; ASCII
    letters lowercased, every other character kept as it is."""
    out: list[str] = []
    current: list[str] = []
    for ch in text:
        if ch in _SEPARATORS:
            if current:
                out.append("".join(current))
                current = []
        elif "A" <= ch <= "Z":
            current.append(chr(ord(ch) + 32))
        else:
            current.append(ch)
    if current:
        out.append("".join(current))
    return out


def shingles(toks: list[str]) -> set[str]:
    """The set of 5-windows (5 consecutive tokens joined by one space), or the one window of all
    the tokens when there are fewer than 5."""
    if len(toks) < 5:
        return {" ".join(toks)}
    return {" ".join(toks[i : i + 5]) for i in range(len(toks) - 4)}


def jaccard(a: set, b: set) -> float:
    """The Jaccard index: the size of the intersection over the size of the union."""
    return len(a & b) / len(a | b)


def eval_texts(value) -> list[str]:
    """Every string value at any depth of a parsed .jsonl line (object keys are not values)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in eval_texts(v)]
    if isinstance(value, list):
        return [s for v in value for s in eval_texts(v)]
    return []


def eval_protected(text: str) -> set[tuple[str, ...]]:
    """What one eval text protects: nothing under 8 tokens, its whole token sequence with 8-12,
    each of its 13-windows when longer."""
    toks = tokens(text)
    if len(toks) < 8:
        return set()
    if len(toks) <= 12:
        return {tuple(toks)}
    return {tuple(toks[i : i + 13]) for i in range(len(toks) - 12)}


def shared_sequences(field_text, protected_sequences) -> set[tuple[str, ...]]:
    """The protected sequences (token tuples, or windows joined by one space) that appear as
    consecutive tokens within field_text."""
    if not isinstance(field_text, str):
        return set()
    seqs = {tuple(s.split(" ")) if isinstance(s, str) else tuple(s) for s in protected_sequences}
    toks = tokens(field_text)
    found = set()
    for n in {len(s) for s in seqs}:
        for i in range(len(toks) - n + 1):
            window = tuple(toks[i : i + n])
            if window in seqs:
                found.add(window)
    return found


def contaminated(field_text, protected_sequences) -> bool:
    """Whether a protected sequence appears as consecutive tokens within field_text."""
    return bool(shared_sequences(field_text, protected_sequences))
