"""The generated substrate of the property tests: its lines, input files and options, how it is
written to disk and passed to `distill export-all`, and how a valid line is serialized and read
back."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Line:
    data: bytes  # the line without its terminator
    kind: str  # blank | invalid | valid
    record: dict | None = None  # the record, for valid lines
    run_id: object = None  # for invalid lines: the run_id the ingest quarantine row must carry


@dataclass
class InputFile:
    path: str
    lines: list[Line]
    crlf: bool = False
    bom: bool = False
    final_newline: bool = True

    def payload(self) -> bytes:
        end = b"\r\n" if self.crlf else b"\n"
        body = end.join(line.data for line in self.lines)
        # a missing final newline would swallow a final empty line: keep it then
        if self.lines and (self.final_newline or self.lines[-1].data == b""):
            body += end
        data = (b"\xef\xbb\xbf" if self.bom else b"") + body
        return gzip.compress(data, mtime=0) if self.path.endswith(".gz") else data

    def __repr__(self) -> str:
        shown = "\n".join(
            f"    {i:3d} {line.kind:7s} {line.data!r}" for i, line in enumerate(self.lines, start=1)
        )
        return (
            f"\n  {self.path} (crlf={self.crlf}, bom={self.bom}, "
            f"final_newline={self.final_newline})\n{shown}"
        )


@dataclass
class Substrate:
    evidence: list[InputFile]
    scored: list[InputFile]
    manifest: list[str] | None  # manifest lines as written (None: no --manifest)
    manifest_crlf: bool = False
    manifest_bom: bool = False
    include_review: bool = False
    include_partial: bool = False
    min_gap: int | None = None  # None: option left out (default 2)

    def write(self, root: Path) -> list[str]:
        for f in self.evidence + self.scored:
            (root / f.path).parent.mkdir(parents=True, exist_ok=True)
            (root / f.path).write_bytes(f.payload())
        args = ["export-all", "--quiet"]
        args += ["--evidence", self.evidence[0].path if len(self.evidence) == 1 else "in/ev-*"]
        args += ["--scored", self.scored[0].path if len(self.scored) == 1 else "in/sc-*"]
        if self.manifest is not None:
            end = "\r\n" if self.manifest_crlf else "\n"
            text = ("\ufeff" if self.manifest_bom else "") + "".join(
                line + end for line in self.manifest
            )
            (root / "in/manifest.txt").write_bytes(text.encode("utf-8"))
            args += ["--manifest", "in/manifest.txt"]
        if self.include_review:
            args.append("--include-review")
        if self.include_partial:
            args.append("--include-partial")
        if self.min_gap is not None:
            args += ["--min-gap", str(self.min_gap)]
        return args

    @property
    def gap(self) -> int:
        return 2 if self.min_gap is None else self.min_gap

    def __repr__(self) -> str:
        return (
            f"Substrate(include_review={self.include_review}, include_partial="
            f"{self.include_partial}, min_gap={self.min_gap}, manifest={self.manifest!r} "
            f"(crlf={self.manifest_crlf}, bom={self.manifest_bom}),"
            f"\n evidence={self.evidence!r},\n scored={self.scored!r})"
        )


def serialize(record: dict, style: str) -> bytes:
    if style == "ascii":
        text = json.dumps(record)
    elif style == "compact":
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    elif style == "trailing_comma":  # DuckDB's leniency, valid per SPEC §2
        text = json.dumps(record, ensure_ascii=False)[:-1] + ",}"
    elif style == "nan":  # likewise
        text = json.dumps(record, ensure_ascii=False)[:-1] + ', "score_raw": -Infinity}'
    elif style == "padded":  # JSON whitespace around the object
        text = " \t" + json.dumps(record, ensure_ascii=False) + "\t "
    elif style == "deep":  # duplicate keys deeper than checked; out-of-range numbers
        text = json.dumps(record, ensure_ascii=False)[:-1] + (
            ', "nested": {"k": 1, "k": 2}, "big": 1e400, "huge": 123456789012345678901234567890}'
        )
    else:
        text = json.dumps(record, ensure_ascii=False)
    return text.encode("utf-8")


def record_of(line: Line):
    """The record a valid line holds, parsed as DuckDB's reader does: Python's json already
    takes NaN, Infinity, duplicate keys and out-of-range numbers; the trailing comma of the
    `trailing_comma` style is the one leniency it lacks."""
    text = line.data.decode("utf-8").strip()
    if text.endswith(",}"):
        text = text[:-2] + "}"
    return json.loads(text)
