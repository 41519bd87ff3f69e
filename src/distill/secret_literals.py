"""The secret patterns' required literals (seeds/secret_patterns.csv `literals`), proven.

On Spark each secret regex runs on Java's backtracking engine, which tries every alternative
at every position of every text; `instr(text, literal)` is a plain search. So the Spark gates
ask first whether a text holds any literal that some match of some pattern must contain, and
run the regexes only on the texts that do (macros/secrets.sql). That is only right if every
match of each pattern contains one of that pattern's literals: a literal that a match can do
without would let a secret through. This module proves it from the parsed pattern, before any
build reads the seed (`distill` exits 2 naming the row otherwise) and in the tests.

The proof: in the pattern's sequence of items, a run of items that each match one of a few
fixed strings (a literal, a small class such as [pousr], a group of such alternatives, a
zero-width `\\b`) matches one string of a finite set, in full; if every string of that set
contains a listed literal, so does every match. A group or an alternation that must match is
proven the same way inside, each alternative on its own. What the proof cannot show is
reported, never assumed.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

try:
    import re._parser as sre  # Python 3.11+
    from re import _constants as c
except ImportError:  # pragma: no cover
    import sre_constants as c  # type: ignore[no-redef]
    import sre_parse as sre  # type: ignore[no-redef]

MAX_STRINGS = 256  # the largest finite set a run of items is expanded into
MAX_CLASS = 16  # the largest character class expanded into its characters


def _strings(item) -> set[str] | None:
    """The finite set of strings one parsed item matches, or None (many, or not known)."""
    op, av = item
    if op is c.LITERAL:
        return {chr(av)}
    if op is c.AT:  # \b, ^, $: zero-width
        return {""}
    if op is c.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is c.LITERAL:
                chars.add(chr(value))
            elif kind is c.RANGE and value[1] - value[0] < MAX_CLASS:
                chars.update(chr(code) for code in range(value[0], value[1] + 1))
            else:  # NEGATE, a category (\d, \w), a wide range
                return None
        return chars if len(chars) <= MAX_CLASS else None
    if op is c.SUBPATTERN:
        _group, add_flags, _del_flags, pattern = av
        return None if add_flags & re.IGNORECASE else _sequence_strings(pattern)
    if op is c.BRANCH:
        found: set[str] = set()
        for branch in av[1]:
            strings = _sequence_strings(branch)
            if strings is None:
                return None
            found |= strings
        return found if len(found) <= MAX_STRINGS else None
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        low, high, pattern = av
        inner = _sequence_strings(pattern)
        if inner is None or low != high or len(inner) ** low > MAX_STRINGS:
            return None
        found = {""}
        for _ in range(low):
            found = {a + b for a in found for b in inner}
        return found
    return None


def _sequence_strings(items) -> set[str] | None:
    found = {""}
    for item in items:
        strings = _strings(item)
        if strings is None or len(found) * len(strings) > MAX_STRINGS:
            return None
        found = {a + b for a in found for b in strings}
    return found


def _holds(strings: set[str], literals: list[str]) -> bool:
    return all(any(literal in s for literal in literals) for s in strings)


def _sequence_proven(items, literals: list[str]) -> bool:
    """Every string the sequence matches contains one of the literals."""
    run = {""}
    for item in items:
        strings = _strings(item)
        if strings is not None and len(run) * len(strings) <= MAX_STRINGS:
            run = {a + b for a in run for b in strings}
            if _holds(run, literals):
                return True
            continue
        run = {""} if strings is None else strings  # start again at this item
        if strings is not None and _holds(run, literals):
            return True
        if strings is None and _item_proven(item, literals):
            return True
    return False


def _item_proven(item, literals: list[str]) -> bool:
    op, av = item
    if op is c.SUBPATTERN:
        _group, add_flags, _del_flags, pattern = av
        return not add_flags & re.IGNORECASE and _sequence_proven(pattern, literals)
    if op is c.BRANCH:
        return all(_sequence_proven(branch, literals) for branch in av[1])
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        low, _high, pattern = av
        return low >= 1 and _sequence_proven(pattern, literals)
    return False


def unproven(pattern: str, literals: list[str]) -> str | None:
    """None when every match of `pattern` (RE2 syntax, read as Python's re with re.ASCII reads
    it, SPEC §2.5) contains one of `literals`, case-sensitively; else what is wrong."""
    if not literals:
        return "no literal is listed"
    if any(not literal for literal in literals):
        return "a literal is empty"
    try:
        parsed = sre.parse(pattern, re.ASCII)
    except re.error as error:
        return f"the pattern does not parse: {error}"
    if parsed.state.flags & re.IGNORECASE:
        return "the pattern ignores case; a literal is searched case-sensitively"
    if not _sequence_proven(list(parsed), literals):
        return (
            f"a text can match the pattern without containing any of {' '.join(literals)}"
            " (or this check cannot show that it cannot)"
        )
    return None


def seed_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def problems(path: Path) -> list[str]:
    """Each row of a secret_patterns seed whose literals do not provably cover its pattern, as
    `line N (name): what is wrong`. A row with no literals has no prefilter and is fine; but
    the prefilter is only used when every row has literals."""
    found = []
    for line, row in enumerate(seed_rows(path), start=2):  # line 1 is the header
        literals = (row.get("literals") or "").split()
        if literals:
            why = unproven(row["pattern"], literals)
            if why:
                found.append(f"line {line} ({row['name']}): {why}")
    return found
