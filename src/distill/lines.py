"""Frame input files into lines, exactly, and hand them to DuckDB as Arrow batches.

DuckDB's CSV reader cannot be trusted to frame JSON Lines: it treats a lone `\\r` as a line
break, drops invalid UTF-8 lines into a side table with their bytes replaced, and splits a line
that contains its delimiter. SPEC §2 fixes framing byte by byte (split on `\\n` only, a final
line without `\\n` counts, a BOM at the start of a file is ignored), so it is done here, with
numpy finding the newlines and Arrow pointing into the file's own buffer without copying. Every
other rule (UTF-8, JSON, schema) is SQL in the staging models.
"""

from __future__ import annotations

import glob
import gzip
import json
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

CHUNK_BYTES = 64 << 20  # read size; one batch per chunk keeps memory flat on any file size
BOM = b"\xef\xbb\xbf"
# SPEC §2 whitespace: what a blank line holds
WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
GLOB_CHARS = frozenset("*?[")

SCHEMA = pa.schema(
    [
        ("input_kind", pa.string()),  # evidence | scored | manifest | eval
        ("input_file", pa.string()),  # the path as given (after glob expansion), never absolute
        ("input_line", pa.int64()),  # 1-based line number in the (decompressed) file; 0 marks
        # the file itself (raw null), so that an empty file is still accounted for
        ("raw", pa.large_binary()),  # the line's bytes with its '\n' (one is added to a final
        # line without one), a file's leading BOM removed
        ("line_id", pa.int64()),  # the row's 0-based position in framing order, over every file
        # of every kind: one 8-byte key that joins a refused row back to its line
    ]
)
FILE_SCHEMA = SCHEMA.remove(SCHEMA.get_field_index("line_id"))


class InputError(Exception):
    """An input the user named cannot be read: SPEC §7 exit status 2."""

    def __init__(self, path: str, problem: str):
        # the mark lets the CLI tell this apart from other failures inside `dbt build`
        super().__init__(f"distill input error: {path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class Input:
    kind: str  # evidence | scored | manifest | eval
    pattern: str  # a path or a glob, as the user gave it


def utf8_key(path: str) -> bytes:
    """Paths sort by their UTF-8 bytes (SPEC §2.5), not by Python's code-point order."""
    return path.encode("utf-8", "surrogateescape")


def expand(pattern: str, root: str = ".") -> list[str]:
    """The files a path or glob names, sorted by UTF-8 bytes; an InputError when none."""
    if not pattern:
        raise InputError(pattern, "empty path")
    if GLOB_CHARS & set(pattern):
        matches = [
            m
            for m in glob.glob(pattern, root_dir=root, recursive=True)
            if os.path.isfile(os.path.join(root, m))
        ]
        if not matches:
            raise InputError(pattern, "the glob matches no file")
        return sorted(set(matches), key=utf8_key)
    full = os.path.join(root, pattern)
    if not os.path.exists(full):
        raise InputError(pattern, "no such file")
    if not os.path.isfile(full):
        raise InputError(pattern, "not a regular file")
    return [pattern]


def _open(path: str, root: str):
    full = os.path.join(root, path)
    try:
        if path.endswith(".gz"):
            return gzip.open(full, "rb")
        return open(full, "rb", buffering=0)
    except OSError as err:
        raise InputError(path, err.strerror or str(err)) from err


def _chunks(path: str, root: str) -> Iterator[bytes]:
    with _open(path, root) as handle:
        try:
            while chunk := handle.read(CHUNK_BYTES):
                yield chunk
        except (EOFError, gzip.BadGzipFile, zlib.error) as err:
            raise InputError(path, f"corrupt or truncated gzip file ({err})") from err
        except OSError as err:
            raise InputError(path, err.strerror or str(err)) from err


def frame_file(kind: str, path: str, root: str = ".") -> Iterator[pa.RecordBatch]:
    """Yield the lines of one file as Arrow batches of FILE_SCHEMA, in file order, after one marker
    row (input_line 0, raw null) that stands for the file itself, even when it is empty."""
    yield pa.record_batch(
        [
            pa.array([kind]),
            pa.array([path]),
            pa.array([0], pa.int64()),
            pa.nulls(1, pa.large_binary()),
        ],
        schema=FILE_SCHEMA,
    )
    line_no = 0
    carry = b""
    first = True
    for chunk in _chunks(path, root):
        buf = carry + chunk if carry else chunk
        if first:
            first = False
            if buf.startswith(BOM):
                buf = buf[len(BOM) :]
            elif len(buf) < len(BOM) and BOM.startswith(buf):
                carry = buf  # a file shorter than one read: decide once more bytes arrive
                first = True
                continue
        newlines = np.flatnonzero(np.frombuffer(buf, dtype=np.uint8) == 10)
        if newlines.size == 0:
            carry = buf
            continue
        yield _batch(kind, path, line_no, buf, newlines)
        line_no += int(newlines.size)
        carry = buf[int(newlines[-1]) + 1 :]
    if carry:  # a final line without '\n' counts (SPEC §2)
        if first and carry.startswith(BOM):
            carry = carry[len(BOM) :]
        if carry:
            yield _batch(kind, path, line_no, carry + b"\n", np.array([len(carry)]))


def _batch(kind: str, path: str, first_line: int, buf: bytes, newlines: np.ndarray):
    """Line i is buf[offsets[i]:offsets[i+1]], its '\\n' included: Arrow points into the read
    buffer without a copy (stripping the '\\n' here would copy every byte), and the staging
    model drops the one trailing '\\n' in SQL."""
    n = int(newlines.size)
    offsets = np.empty(n + 1, dtype=np.int64)
    offsets[0] = 0
    offsets[1:] = newlines + 1
    raw = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(buf)]
    )
    return pa.record_batch(
        [
            pa.array([kind] * n, pa.string()),
            pa.array([path] * n, pa.string()),
            pa.array(np.arange(first_line + 1, first_line + n + 1, dtype=np.int64)),
            raw,
        ],
        schema=FILE_SCHEMA,
    )


def frame_inputs(inputs: list[Input], root: str = ".") -> pa.RecordBatchReader:
    """Every line of every input, kinds in the order given, files sorted by UTF-8 bytes.

    Globs are expanded (and missing files reported) before the first byte is read, so an
    input error never leaves a half-read substrate behind."""
    files = [(i.kind, path) for i in inputs for path in expand(i.pattern, root)]

    def batches() -> Iterator[pa.RecordBatch]:
        next_id = 0
        for kind, path in files:
            for batch in frame_file(kind, path, root):
                n = batch.num_rows
                ids = pa.array(np.arange(next_id, next_id + n, dtype=np.int64))
                next_id += n
                yield pa.RecordBatch.from_arrays([*batch.columns, ids], schema=SCHEMA)

    return pa.RecordBatchReader.from_batches(SCHEMA, batches())


def check_eval_set(paths: list[str], root: str = ".") -> None:
    """SPEC §4.3 --eval-set, read before dbt starts: every line must be UTF-8, and every
    non-blank line of a `.jsonl` / `.jsonl.gz` file JSON, so that the build never reads an eval
    set smaller than the one given. An InputError names the file and the line (exit 2)."""
    for path in paths:
        _check_lines(path, root, is_json_lines=path.endswith((".jsonl", ".jsonl.gz")))


def check_manifest(paths: list[str], root: str = ".") -> None:
    """SPEC §2.3's repo manifest, read before dbt starts: plain text, UTF-8. A line that is not
    UTF-8 names no path a JSON string could hold; rather than list nothing and refuse every run
    citing the path it was meant to hold, it is an InputError naming the file and the line."""
    for path in paths:
        _check_lines(path, root, is_json_lines=False)


def _check_lines(path: str, root: str, is_json_lines: bool) -> None:
    line_no = 0
    carry = b""
    for chunk in _chunks(path, root):
        lines = (carry + chunk).split(b"\n")
        carry = lines.pop()
        for raw in lines:
            line_no += 1
            _check_line(path, line_no, raw, is_json_lines)
    if carry:
        _check_line(path, line_no + 1, carry, is_json_lines)


def _check_line(path: str, line_no: int, raw: bytes, is_json_lines: bool) -> None:
    if line_no == 1 and raw.startswith(BOM):
        raw = raw[len(BOM) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(path, f"line {line_no}: not valid UTF-8 ({err.reason})") from err
    if not is_json_lines or not text.strip(WHITESPACE):
        return
    try:
        json.loads(text)
    except ValueError as err:
        raise InputError(path, f"line {line_no}: not valid JSON ({err})") from err
