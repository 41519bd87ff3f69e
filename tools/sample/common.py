"""What the sample and the defects set both write with: JSON lines, sorted paths, timestamps."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from distill import synth


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def sorted_paths(paths: set[str] | list[str]) -> list[str]:
    """Distinct paths sorted by UTF-8 bytes, as a manifest lists them (SPEC §2.3)."""
    return sorted(set(paths), key=lambda p: p.encode())


def iso(ms: int) -> str:
    return synth.Clock().iso(ms, 0.0)


def shift(ts: str, ms: int) -> str:
    """ts (as iso writes it) moved by ms."""
    t = dt.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    epoch = int(t.timestamp() * 1000) + ms
    return iso(epoch)
