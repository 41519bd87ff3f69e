"""Write the export files from the warehouse: sorted, byte-stable, atomic, all or none.

Each file is streamed by DuckDB's COPY (never held in Python) into a temp file of its own in
the target folder, its row count checked against the relation, and fsynced. Only when every
file of the command is written does any rename happen. A commit journal, written before the
first rename, lets the next run finish the renames a crash interrupted (roll forward), so a
command's set of files is never left half old and half new once distill has started again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from distill.registry import Export

if TYPE_CHECKING:
    from distill.progress import Display

JOURNAL = ".distill-commit.json"
TMP_MARK = ".tmp-"
CHANGED_IDS_LISTED = 1000  # added ids listed in a receipt; removed (retracted) ids: all


class WriteError(Exception):
    """The exports folder cannot be written: SPEC §7 exit status 2, naming the path."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path


@dataclass
class Changes:
    added: int = 0
    removed: int = 0
    unchanged: int = 0
    added_ids: list[str] = field(default_factory=list)  # the first CHANGED_IDS_LISTED
    removed_ids: list[str] = field(default_factory=list)  # every retracted id

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "added_ids": self.added_ids,
            "added_ids_truncated": self.added > len(self.added_ids),
            "retracted_ids": self.removed_ids,
        }


@dataclass
class Written:
    export: Export
    path: Path  # final path
    rows: int
    bytes: int
    sha256: str
    changes: Changes
    write_ms: int  # counting the rows and the COPY (fsync and hash overlap the next file)


def sql_literal(value: str) -> str:
    """A SQL string literal: the only way a path reaches SQL here (COPY takes no parameter)."""
    return "'" + value.replace("'", "''") + "'"


def sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(8 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _fsync_path(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(exports_dir: Path, reports_dir: Path | None = None) -> list[str]:
    """Finish an interrupted commit (roll forward), then remove temp files of dead runs in the
    export and receipt folders. Returns what was done, for the log."""
    done: list[str] = []
    journal = exports_dir / JOURNAL
    if journal.is_file():
        plan = json.loads(journal.read_text(encoding="utf-8"))
        for tmp, final in plan["renames"]:
            if os.path.exists(tmp):
                os.replace(tmp, final)
                done.append(f"completed {final}")
        _remove_all(plan.get("removals", []))
        for folder in {str(Path(final).parent) for _, final in plan["renames"]}:
            _fsync_path(Path(folder), directory=True)
        journal.unlink()
    leftovers = [
        leftover
        for folder in (exports_dir, reports_dir)
        if folder is not None and folder.is_dir()
        for depth in ("", "*/", "*/*/")  # exports/, exports/rag/, exports/hf/sft/
        for leftover in folder.glob(f"{depth}.*{TMP_MARK}*")
    ]
    if leftovers:
        for leftover in leftovers:
            pid = leftover.name.rsplit(TMP_MARK, 1)[1].split("-", 1)[0]
            if not pid.isdigit() or not _pid_alive(int(pid)):
                leftover.unlink(missing_ok=True)
                done.append(f"removed leftover {leftover}")
    return done


def _changes(con: duckdb.DuckDBPyConnection, export: Export, old: Path) -> Changes:
    new_ids = f"select id from ({export.rows})"
    if not old.is_file() or old.stat().st_size == 0:
        count = con.execute(f"select count(*) from ({new_ids})").fetchall()[0][0]
        ids = [
            r[0] for r in con.sql(f"{new_ids} order by id limit {CHANGED_IDS_LISTED}").fetchall()
        ]
        return Changes(added=count, added_ids=ids)
    if export.format == "parquet":
        old_ids = f"select distinct id from read_parquet({sql_literal(str(old))})"
    else:
        old_ids = (
            f"select distinct id from read_json({sql_literal(str(old))},"
            " format='newline_delimited', columns={'id': 'varchar'}, ignore_errors=true)"
            " where id is not null"
        )
    row = con.execute(
        f"""
        with old_ids as ({old_ids}), new_ids as ({new_ids})
        select
            count(*) filter (where old_ids.id is null),
            count(*) filter (where new_ids.id is null),
            count(*) filter (where old_ids.id is not null and new_ids.id is not null),
            list(new_ids.id order by new_ids.id) filter (where old_ids.id is null),
            list(old_ids.id order by old_ids.id) filter (where new_ids.id is null)
        from new_ids full outer join old_ids on new_ids.id = old_ids.id
        """
    ).fetchall()[0]
    return Changes(
        added=row[0],
        removed=row[1],
        unchanged=row[2],
        added_ids=(row[3] or [])[:CHANGED_IDS_LISTED],
        removed_ids=row[4] or [],
    )


class Commit:
    """The files of one command: each written whole to a temp file beside its target, then all
    renamed together through one journal (exports, receipts and latest.md alike), so a crash
    leaves the old set or, once the next command rolls the journal forward, the new one."""

    def __init__(self, exports_dir: Path):
        self.exports_dir = exports_dir
        self.token = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.renames: list[tuple[Path, Path]] = []
        self.removals: list[Path] = []  # files the new set no longer has (a Hub file of
        # another format or split), deleted after the renames, through the same journal
        self.journaled = False

    def temp_for(self, final: Path) -> Path:
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise WriteError(final.parent, err.strerror or str(err)) from err
        tmp = final.parent / f".{final.name}{TMP_MARK}{self.token}"
        self.renames.append((tmp, final))
        return tmp

    def add_text(self, final: Path, text: str) -> None:
        tmp = self.temp_for(final)
        try:
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as err:
            raise WriteError(tmp, err.strerror or str(err)) from err

    def remove(self, final: Path) -> None:
        self.removals.append(final)

    def commit(self) -> None:
        self.journaled = True
        _commit(self.exports_dir, self.renames, self.removals)

    def abort(self) -> None:
        """Drop the temps, unless the journal names them: then the next run rolls forward."""
        if self.journaled and (self.exports_dir / JOURNAL).exists():
            return
        for tmp, _ in self.renames:
            with contextlib.suppress(OSError):
                tmp.unlink()


def write_exports(
    con: duckdb.DuckDBPyConnection,
    commit: Commit,
    exports: list[Export],
    progress: Display | None = None,
) -> list[Written]:
    """Write every export of one command to its temp file, checked and fsynced; `commit`
    renames them later, with the receipts (see the module docstring). `progress` is told of
    each file as it begins and once it is written.

    Each file is fsynced and hashed on a second thread while DuckDB writes the next one: a
    sorted COPY keeps about one core and a quarter of two busy, and hashing a written file
    needs one (hashlib and fsync release the GIL)."""
    staged: list[tuple[Export, Path, int, int, Future[tuple[str, int]]]] = []
    with ThreadPoolExecutor(max_workers=1) as settler:
        for export in exports:
            final = commit.exports_dir / export.path
            tmp = commit.temp_for(final)
            if progress:
                progress.file_started(final)
            started = time.monotonic()
            expected = con.execute(f"select count(*) from ({export.rows})").fetchall()[0][0]
            try:
                written = con.execute(
                    f"copy ({export.rows} order by id) "
                    f"to {sql_literal(str(tmp))} (format {export.format})"
                ).fetchall()[0][0]
                if not tmp.exists() and export.format == "json":
                    tmp.touch()  # DuckDB writes no JSON file for zero rows on some versions
            except (duckdb.IOException, OSError) as err:
                raise WriteError(tmp, str(err).splitlines()[0]) from err
            if written != expected:
                raise WriteError(tmp, f"wrote {written} rows, expected {expected}")
            seconds = time.monotonic() - started
            write_ms = int(seconds * 1000)
            staged.append((export, final, written, write_ms, settler.submit(_settle, tmp)))
            if progress:
                progress.file_written(final, written, tmp.stat().st_size, seconds)
        if progress:
            progress.settling()
        results = []
        for export, final, rows, write_ms, settled in staged:
            digest, size = settled.result()
            changes = _changes(con, export, final)
            results.append(Written(export, final, rows, size, digest, changes, write_ms))
    return results


def _settle(tmp: Path) -> tuple[str, int]:
    """fsync a written temp file, then hash it: (sha256, bytes)."""
    try:
        _fsync_path(tmp)
        return sha256_file(tmp)
    except OSError as err:
        raise WriteError(tmp, err.strerror or str(err)) from err


def _fault_point(name: str) -> None:
    """Fault injection for the crash and concurrency tests: with DISTILL_FAULT=<name>, announce
    the point by creating $DISTILL_FAULT_MARKER and wait there (at most 60 s) to be killed, or
    for the test to delete the marker to let the run go on. Inert otherwise."""
    if os.environ.get("DISTILL_FAULT") != name:
        return
    marker = Path(os.environ["DISTILL_FAULT_MARKER"])
    marker.touch()
    deadline = time.monotonic() + 60
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def _commit(exports_dir: Path, renames: list[tuple[Path, Path]], removals: list[Path]) -> None:
    _fault_point("before-commit")  # every temp written and fsynced, nothing renamed
    exports_dir.mkdir(parents=True, exist_ok=True)
    journal = exports_dir / JOURNAL
    tmp_journal = exports_dir / f".{JOURNAL}{TMP_MARK}{os.getpid()}"
    plan = {
        "renames": [[str(tmp), str(final)] for tmp, final in renames],
        "removals": [str(path) for path in removals],
    }
    tmp_journal.write_text(json.dumps(plan), encoding="utf-8")
    _fsync_path(tmp_journal)
    os.replace(tmp_journal, journal)
    _fsync_path(exports_dir, directory=True)
    for number, (tmp, final) in enumerate(renames):
        os.replace(tmp, final)
        if number == 0:
            _fault_point("mid-commit")  # the journal says what is left to rename
    _remove_all(removals)
    for folder in {final.parent for _, final in renames} | {path.parent for path in removals}:
        _fsync_path(folder, directory=True)
    journal.unlink()
    _fsync_path(exports_dir, directory=True)


def _remove_all(paths: list) -> None:
    for path in paths:
        Path(path).unlink(missing_ok=True)
