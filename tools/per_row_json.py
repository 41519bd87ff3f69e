"""JSON as DuckDB reads and writes it, in the standard library: tools/per_row's dialect.

Reading: SPEC §2's JSON (RFC 8259 plus NaN, Infinity, -Infinity and trailing commas; no lone
surrogate escapes), objects kept as their key/value pairs so that duplicate keys can be found and
written back, numbers DuckDB keeps verbatim (integers beyond 64 bits, doubles out of range) kept
as their text. Writing: DuckDB's (yyjson's) form, compact, non-ASCII raw, control characters as
``\\u00XX`` in upper case, doubles in their shortest digits and ECMAScript's choice of plain or
exponent notation (``100000.0``, ``1e21``, ``0.000001``, ``1e-7``).
"""

from __future__ import annotations

import json
import math
import re

# Python's reader refuses trailing commas: a line that fails is read again without them (strings
# are matched whole, so their commas stay; a comma right after `[`, `{` or `,` stays, and fails)
TRAILING_COMMA = re.compile(
    r'("(?:[^"\\]|\\.)*"|[^ \t\n\r\[{,"])([ \t\n\r]*),(?=[ \t\n\r]*[}\]])|"(?:[^"\\]|\\.)*"',
    re.S,
)
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
LOWER_HEX_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u00([01][0-9a-f])")
TYPE_NAMES = {  # a DuckDB json_type as distill's messages name it
    "VARCHAR": "a string",
    "BIGINT": "a number",
    "UBIGINT": "a number",
    "DOUBLE": "a number",
    "BOOLEAN": "a boolean",
    "OBJECT": "an object",
    "ARRAY": "an array",
    "NULL": "null",
}


class Pairs:
    """A JSON object as its (key, value) pairs, in order, duplicates kept (DuckDB writes them)."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: list[tuple[str, object]]):
        self.pairs = pairs

    def first(self) -> dict:
        """The object's fields, the first of duplicate keys winning (as DuckDB's paths read)."""
        fields = dict(self.pairs)
        if len(fields) < len(self.pairs):
            fields = {}
            for key, value in self.pairs:
                fields.setdefault(key, value)
        return fields

    def duplicate(self) -> str | None:
        """The first key that occurs a second time (SPEC §2.5), or None."""
        seen = set()
        for key, _ in self.pairs:
            if key in seen:
                return key
            seen.add(key)
        return None


class Number:
    """A JSON number that is not a 64-bit integer: a double, or (``text``) one DuckDB keeps as
    written, an integer beyond 64 bits or a double out of range."""

    __slots__ = ("text", "value")

    def __init__(self, value: float, text: str | None = None):
        self.value = value
        self.text = text


def _parse_int(text: str):
    value = int(text)
    return value if -(2**63) <= value < 2**64 else Number(float(text), text)


def _parse_float(text: str):
    value = float(text)
    return Number(value, text if value in (math.inf, -math.inf) else None)


DECODER = json.JSONDecoder(
    object_pairs_hook=Pairs,
    parse_int=_parse_int,
    parse_float=_parse_float,
    parse_constant=lambda text: Number(float(text)),
)


def _drop_trailing_commas(text: str) -> str:
    return TRAILING_COMMA.sub(lambda m: m.group(0) if m.group(1) is None else m[1] + m[2], text)


def _has_lone_surrogate(value) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= c <= "\udfff" for c in value)
    if isinstance(value, Pairs):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.pairs)
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def parse_json(text: str):
    """The document of a line, or raise ValueError when it is not SPEC §2's JSON."""
    try:
        doc = DECODER.decode(text)
    except json.JSONDecodeError:
        if "," not in text:
            raise
        doc = DECODER.decode(_drop_trailing_commas(text))
    except RecursionError as err:
        raise ValueError("nested too deep") from err
    if SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(doc):
        raise ValueError("lone surrogate")
    return doc


def json_type(value) -> str:
    """DuckDB's json_type name of a value."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, Number):
        return "DOUBLE"
    if isinstance(value, int):
        return "BIGINT" if value < 2**63 else "UBIGINT"
    if isinstance(value, str):
        return "VARCHAR"
    return "OBJECT" if isinstance(value, Pairs) else "ARRAY"


def dump_double(value: float) -> str:
    """A double as DuckDB (yyjson) writes it: shortest digits, ECMAScript's choice of form."""
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + int(exponent or 0)  # the decimal point's place after digits[0:]
    point -= len(digits) - len(digits.lstrip("0"))
    digits = digits.strip("0")
    if not digits:
        return sign + "0.0"
    if len(digits) <= point <= 21:
        return sign + digits + "0" * (point - len(digits)) + ".0"
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    tail = "." + digits[1:] if len(digits) > 1 else ""
    return f"{sign}{digits[0]}{tail}e{point - 1}"


class _NotPlain(Exception):
    """A value json.dumps cannot write as DuckDB does: a duplicate key or a double."""


def _plain(value):
    if isinstance(value, Pairs):
        fields = value.first()
        if len(fields) == len(value.pairs):
            return fields
    raise _NotPlain


def _dump_any(value) -> str:
    """What json.dumps cannot write: objects with duplicate keys, DuckDB's number forms."""
    if isinstance(value, Number):
        return value.text or dump_double(value.value)
    if isinstance(value, Pairs):
        value = value.pairs
    elif isinstance(value, dict):
        value = value.items()
    elif isinstance(value, list):
        return "[" + ",".join(_dump_any(v) for v in value) + "]"
    else:
        return json.dumps(value, ensure_ascii=False)
    return (
        "{"
        + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _dump_any(v) for k, v in value)
        + "}"
    )


def dump(value) -> str:
    """A row (and the records in it) as DuckDB writes JSON: json.dumps, unless a record holds a
    duplicate key or a double; control characters' escapes in DuckDB's upper case."""
    try:
        out = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_plain)
    except _NotPlain:
        out = _dump_any(value)
    if "\\u00" in out:
        out = LOWER_HEX_ESCAPE.sub(lambda m: m[1] + "\\u00" + m[2].upper(), out)
    return out
