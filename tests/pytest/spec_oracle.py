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
