"""What an export run shows while it works (SPEC §7).

On a terminal, a live line at the bottom says where the run is: the dbt build as nodes done of
total, the node running and the elapsed time, then the files being written; each file gets a
line as it is written, with rows, MB and MB/s. dbt's log scrolls above the live line as it
always did, in colour unless NO_COLOR is set. The counts come from dbt's own events (the
callbacks of dbtRunner: ConcurrencyLine carries the number of nodes, NodeStart and
NodeFinished the rest), never from parsing its log.

Anywhere else (a pipe, a file, a CI log) a run prints the lines it always printed, with no
escape code and no carriage return: dbt is told not to colour (it colours whether or not it
writes to a terminal) and nothing is redrawn. --quiet and --json show nothing of it.

The live line goes to stdout, the stream whose being a terminal decides it: `> run.log` never
gets it, and `2> err.log` never catches a redraw. It is transient: once a phase ends, the
terminal holds the same lines as a log would, plus the files' sizes and speeds.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from rich.console import Console, ConsoleOptions
from rich.live import Live
from rich.spinner import Spinner
from rich.text import Text

REFRESH_PER_SECOND = 4  # the live line's redraws: enough to see the clock move, near no CPU


def on_terminal(stream: TextIO) -> bool:
    """The live line needs a terminal that moves its cursor: a tty, and TERM not `dumb`."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False
    return tty and os.environ.get("TERM", "").lower() not in ("dumb", "unknown")


def no_color() -> bool:
    """no-color.org: NO_COLOR set to anything but the empty string turns colour off."""
    return os.environ.get("NO_COLOR", "") != ""


def for_run(quiet: bool, stream: TextIO | None = None) -> Display:
    """The display of one export run: nothing (--quiet, --json), today's lines (off a
    terminal), or those lines with live progress (on one)."""
    stream = stream if stream is not None else sys.stdout
    if quiet:
        return Display(stream, show=False)
    if on_terminal(stream):
        return TerminalDisplay(stream)
    return Display(stream, show=True)


class Display:
    """Off a terminal: one plain line per file written, and dbt's log without colour."""

    dbt_colours = False  # dbt's --use-colors

    def __init__(self, stream: TextIO, show: bool):
        self.stream = stream
        self.show = show

    @contextlib.contextmanager
    def dbt_build(self) -> Iterator[Callable | None]:
        """Around the dbt build: yields the callback dbtRunner calls with each event, if any."""
        yield None

    @contextlib.contextmanager
    def writing(self, files: int) -> Iterator[None]:
        """Around the writing of `files` export files."""
        yield

    def file_started(self, path: Path) -> None:
        """The writer begins `path`."""

    def file_written(self, path: Path, rows: int, size: int, seconds: float) -> None:
        """The writer wrote `path` (to its temp file): `rows` rows, `size` bytes."""
        if self.show:
            print(f"wrote {rows:>9,} rows  {path}", file=self.stream, flush=True)

    def settling(self) -> None:
        """Every file is written; the writer fsyncs, hashes and compares ids."""


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class TerminalDisplay(Display):
    """On a terminal: rich draws the live line; dbt's log and the file lines print above it."""

    def __init__(self, stream: TextIO):
        super().__init__(stream, show=True)
        # dbt's lines reach the terminal through this console, which would drop their colours
        # under NO_COLOR anyway: dbt is not asked for them then, rather than relying on that
        self.dbt_colours = not no_color()
        # the terminal was decided above, from the stream itself: rich's own test would also
        # take FORCE_COLOR or TTY_COMPATIBLE as a terminal, and draw into a pipe
        self.console = Console(
            file=stream, force_terminal=True, no_color=no_color(), highlight=False
        )
        self._status: _Status | None = None  # the live line of the phase under way

    @contextlib.contextmanager
    def _live(self, status: _Status) -> Iterator[_Status]:
        # Live over one line of Text, not rich's Progress table: every line printed above
        # redraws the live line, and dbt prints a few hundred (a table costs 0.75 ms a redraw)
        live = Live(
            status,
            console=self.console,
            transient=True,
            redirect_stdout=True,  # dbt's log (it writes to sys.stdout) prints above the line
            redirect_stderr=False,  # errors stay on stderr, where 2> sends them
            refresh_per_second=REFRESH_PER_SECOND,
        )
        self._status = status
        try:
            with live:
                yield status
        finally:
            self._status = None

    @contextlib.contextmanager
    def dbt_build(self) -> Iterator[Callable | None]:
        status = _Status("dbt build", "nodes", current="reading the project")
        running = _Running()

        def on_event(msg) -> None:
            # called for each of dbt's events (thousands: every query and cache action), on
            # its worker threads: a dict look-up for the rest
            handle = handlers.get(msg.info.name)
            if handle is not None:
                handle(msg)

        def concurrency(msg) -> None:
            status.update(total=msg.data.node_count, current=running.first())

        def started(msg) -> None:
            info = msg.data.node_info
            running.add(info.unique_id, f"{info.resource_type} {info.node_name}")
            status.update(current=running.first())

        def finished(msg) -> None:
            running.remove(msg.data.node_info.unique_id)
            status.update(advance=1, current=running.first())

        handlers = {"ConcurrencyLine": concurrency, "NodeStart": started, "NodeFinished": finished}
        with self._live(status):
            yield on_event

    @contextlib.contextmanager
    def writing(self, files: int) -> Iterator[None]:
        with self._live(_Status("writing", "files", total=files)):
            yield

    def file_started(self, path: Path) -> None:
        if self._status is not None:
            self._status.update(current=(str(path), time.monotonic()))

    def file_written(self, path: Path, rows: int, size: int, seconds: float) -> None:
        # the sizes before the path, so that they line up whatever the paths' lengths
        megabytes = size / 1e6  # decimal MB, as `ls -h --si` and download tools show them
        speed = f"{megabytes / seconds:8.1f} MB/s" if seconds > 0 else "       - MB/s"
        if self._status is not None:
            self._status.update(advance=1, current=None)
        self.console.print(
            f"wrote {rows:>9,} rows  {megabytes:8.1f} MB {speed}  {path}", markup=False
        )

    def settling(self) -> None:
        if self._status is not None:
            self._status.update(current=("hashing the files, comparing ids", time.monotonic()))


class _Status:
    """The live line: a phase's spinner, bar, done of total, clock, and what is under way (a
    node or a file, with its own clock). Updated from dbt's threads; rich renders it, at
    REFRESH_PER_SECOND and whenever a line prints above it."""

    BAR = 24  # characters

    def __init__(self, label: str, unit: str, total: int | None = None, current=None):
        self._lock = threading.Lock()
        self.label, self.unit, self.total, self.done = label, unit, total, 0
        self.current: str | tuple[str, float] | None = current
        self.started = time.monotonic()
        self.spinner = Spinner("dots", style="progress.spinner")

    def update(self, advance: int = 0, total: int | None = None, current=None) -> None:
        with self._lock:
            self.done += advance
            self.total = total if total is not None else self.total
            self.current = current

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        now = time.monotonic()
        with self._lock:
            done, total, current = self.done, self.total, self.current
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append_text(self.spinner.render(now))  # type: ignore[arg-type]  # Text: no text
        line.append(f" {self.label} ")
        if total:
            filled = min(self.BAR, self.BAR * done // total)
            line.append("━" * filled, style="bar.finished" if done >= total else "bar.complete")
            line.append("─" * (self.BAR - filled), style="bar.back")
            line.append(f" {done}/{total} {self.unit}")
        line.append(f" {_clock(now - self.started)}")
        if isinstance(current, str):
            line.append(f" {current}")
        elif current is not None:
            label, since = current
            clock = f"  {_clock(now - since)}"
            # a long node name gives way, not its clock
            room = options.max_width - line.cell_len - len(clock) - 1
            if len(label) > room:
                label = label[: max(room - 1, 0)] + "…"
            line.append(f" {label}{clock}")
        yield line


class _Running:
    """The nodes dbt is running (one per dbt thread), oldest first: the oldest is shown."""

    def __init__(self):
        self._lock = threading.Lock()
        self._nodes: dict[str, tuple[str, float]] = {}

    def add(self, unique_id: str, label: str) -> None:
        with self._lock:
            self._nodes[unique_id] = (label, time.monotonic())

    def remove(self, unique_id: str) -> None:
        with self._lock:
            self._nodes.pop(unique_id, None)

    def first(self) -> tuple[str, float] | None:
        with self._lock:
            if not self._nodes:
                return None
            label, since = next(iter(self._nodes.values()))
            more = len(self._nodes) - 1
        return (f"{label} (+{more} more)" if more else label, since)
