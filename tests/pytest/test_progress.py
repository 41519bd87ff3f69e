"""Progress on long work (issue 25): live on a terminal, today's plain lines anywhere else.

Each run is the real `distill` as its own process, its stdout and stderr a pseudo-terminal (as
a person's shell gives) or pipes (as a CI job or `> run.log` gives)."""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from conftest import SAMPLE, SMALL_ARGS, run_process, small_substrate

SAMPLE_ARGS = ["--evidence", str(SAMPLE / "evidence.jsonl"),
               "--scored", str(SAMPLE / "scored_runs.jsonl"),
               "--manifest", str(SAMPLE / "repo_manifest.txt")]  # fmt: skip
SGR = re.compile(r"\x1b\[([0-9;]*)m")  # Select Graphic Rendition: colours, bold, reset
NODES = re.compile(r"(\d+)/(\d+) nodes")
FILE_LINE = re.compile(r"wrote +([\d,]+) rows +([\d.]+) MB +([\d.]+|-) MB/s  (\S+)")


def run_on_terminal(args: list[str], cwd: Path, env: dict | None = None) -> tuple[int, str]:
    """`distill ARGS` with a pseudo-terminal (120 columns) as stdin, stdout and stderr: its
    exit status and every byte it drew, decoded."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environ.update(TERM="xterm-256color", COLUMNS="120", **(env or {}))
    process = subprocess.Popen(
        [sys.executable, "-m", "distill.cli", *args],
        cwd=cwd,
        env=environ,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        close_fds=True,
    )
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(leader, 1 << 16)
            except OSError:  # EIO: the process closed its end
                break
            if not chunk:
                break
            chunks.append(chunk)
        elif process.poll() is not None:
            break
    code = process.wait(timeout=60)
    os.close(leader)
    return code, b"".join(chunks).decode("utf-8", "replace")


def colour_codes(text: str) -> list[str]:
    """The SGR sequences of `text` that set a colour (30-37, 38;…, 40-47, 48;…, 90-107)."""
    found = []
    for match in SGR.finditer(text):
        params = [int(p) for p in match.group(1).split(";") if p]
        if any(30 <= p <= 49 or 90 <= p <= 107 for p in params):
            found.append(match.group(0))
    return found


def test_a_terminal_sees_the_build_as_nodes_done_of_total_then_each_file_with_its_speed(
    tmp_path,
):
    code, drawn = run_on_terminal(["export-all", *SAMPLE_ARGS], tmp_path)
    assert code == 0, drawn[-3000:]
    # the dbt build: nodes done of total, counting up to the total dbt reports at its end,
    # which also counts the on-run-start hook (no node of the graph)
    (reported,) = {int(t) for t in re.findall(r"TOTAL=(\d+)", drawn)}
    total = reported - len(set(re.findall(r"START hook: (\S+)", drawn)))
    assert total < reported
    counts = [(int(done), int(of)) for done, of in NODES.findall(drawn)]
    assert {of for _, of in counts} == {total}
    done = [d for d, _ in counts]
    assert done == sorted(done) and done[0] < total and done[-1] == total
    # the node running, with its own clock: the first node of the build is a model
    assert re.search(r"nodes \d+:\d\d:\d\d +model base_substrate__lines_framed +\d+:", drawn)
    # each file as it is written: rows, MB and MB/s, the rows those of the receipts
    files = {path: (int(rows.replace(",", "")), float(mb)) for rows, mb, _, path
             in FILE_LINE.findall(drawn)}  # fmt: skip
    receipt = json.loads((tmp_path / "reports/distillation/export-rag/receipt.json").read_text())
    (rag,) = [o for o in receipt["outputs"] if o["path"] == "exports/rag/playbooks.jsonl"]
    assert files["exports/rag/playbooks.jsonl"] == (rag["rows"], round(rag["bytes"] / 1e6, 1))
    assert len(files) == 13  # SPEC §7's seven files and the Hub folder's six
    assert re.search(r"\d+/13 files", drawn)
    # dbt's log still scrolls above, in colour: its green OK
    assert "\x1b[32mOK" in drawn and "\x1b[32m" in colour_codes(drawn)


def test_a_pipe_gets_todays_lines_without_an_escape_code_or_carriage_return(tmp_path):
    # rich alone would take FORCE_COLOR or TTY_COMPATIBLE for a terminal and draw into the pipe
    env = {**os.environ, "FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    result = run_process(["export-all", *SAMPLE_ARGS], tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    for stream in (result.stdout, result.stderr):
        assert stream.count("\x1b") == 0
        assert stream.count("\r") == 0
    lines = result.stdout.splitlines()
    # today's lines: dbt's log, one per node started and finished, then one per file
    (total,) = {int(t) for t in re.findall(r"TOTAL=(\d+)", result.stdout)}
    assert sum(" START " in line for line in lines) == total
    assert any(re.fullmatch(r"\d\d:\d\d:\d\d  1 of \d+ OK created .* \[OK in [\d.]+s\]", line)
               for line in lines)  # fmt: skip
    wrote = [line for line in lines if line.startswith("wrote")]
    assert len(wrote) == 13
    assert all(re.fullmatch(r"wrote +[\d,]+ rows  \S+", line) for line in wrote)
    assert "nodes" not in result.stdout and "MB/s" not in result.stdout


def test_no_color_on_a_terminal_shows_the_progress_without_a_colour(tmp_path):
    small_substrate(tmp_path)
    code, drawn = run_on_terminal(["export-rag", *SMALL_ARGS], tmp_path, env={"NO_COLOR": "1"})
    assert code == 0, drawn[-3000:]
    assert NODES.search(drawn) and FILE_LINE.search(drawn)
    assert colour_codes(drawn) == []  # without NO_COLOR, the first test sees dbt's green


def test_quiet_and_json_show_no_progress_on_a_terminal(tmp_path):
    small_substrate(tmp_path)
    code, drawn = run_on_terminal(["export-rag", "--quiet", *SMALL_ARGS], tmp_path)
    assert code == 0, drawn[-3000:]
    assert drawn == ""
    code, drawn = run_on_terminal(["export-rag", "--json", *SMALL_ARGS], tmp_path)
    assert code == 0, drawn[-3000:]
    assert "\x1b" not in drawn
    # the terminal ends its lines with \r\n; what was printed is the JSON summary alone
    summary = json.loads(drawn.replace("\r\n", "\n"))
    assert summary["command"] == "export-rag" and summary["exit"] == 0
