"""ISO-8601 timestamps of the synthetic clock, formatted quickly (SPEC §2.4's valid forms)."""

from __future__ import annotations

import time


class Clock:
    """Formats epoch milliseconds as ISO-8601 quickly (a cache of the minute prefix)."""

    def __init__(self) -> None:
        self._minute: dict[int, str] = {}

    def prefix(self, minute: int) -> str:
        p = self._minute.get(minute)
        if p is None:
            t = time.gmtime(minute * 60)
            p = f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:"
            self._minute[minute] = p
        return p

    def iso(self, ms: int, style: float) -> str:
        """A valid ISO-8601 form of ms; `style` in [0, 1) picks the form (mostly `.mmmZ`)."""
        if style < 0.86:
            m, r = divmod(ms, 60_000)
            return f"{self.prefix(m)}{r // 1000:02d}.{r % 1000:03d}Z"
        if style < 0.93:
            m, r = divmod(ms, 60_000)
            return f"{self.prefix(m)}{r // 1000:02d}Z"
        if style < 0.96:
            m, r = divmod(ms, 60_000)
            micro = int(style * 1e7) % 1000
            return f"{self.prefix(m)}{r // 1000:02d}.{r % 1000:03d}{micro:03d}Z"
        if style < 0.99:
            offset = (120, -300, 330, 60)[int(style * 1000) % 4]
            m, r = divmod(ms + offset * 60_000, 60_000)
            sign = "+" if offset >= 0 else "-"
            hh, mm = divmod(abs(offset), 60)
            return f"{self.prefix(m)}{r // 1000:02d}.{r % 1000:03d}{sign}{hh:02d}:{mm:02d}"
        m, r = divmod(ms, 60_000)
        return f"{self.prefix(m)}{r // 1000:02d}"  # no zone: UTC
