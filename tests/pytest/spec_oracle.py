"""SPEC's fixed sets, written out again for the tests' own oracles (test_synth, test_properties):
independent of src/distill and seeds/, so that a wrong seed or macro cannot hide in both."""

from __future__ import annotations

import re

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
