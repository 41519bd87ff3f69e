"""The warehouse: one writer at a time, and read-only access for everything else.

On DuckDB the warehouse is one file. On Spark it is a folder (profiles.yml's spark target):
every table dbt-spark built is Parquet under tables/distill.db/<table>/, and distill reads
those files with DuckDB, so the writer, the receipts and `distill sql` run the same queries on
either engine and the files come out byte for byte the same.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb

from distill.config import duckdb_settings


class WarehouseBusy(Exception):
    """Another distill run holds the warehouse: SPEC §7 exit status 2."""


class WarehouseLock:
    """An exclusive advisory lock on `<warehouse>.lock`, holding the owner's pid.

    DuckDB's own file lock would make a second run fail deep inside dbt with an IO error; this
    one fails first, with the pid of the run that holds it, and is released by the kernel when
    its holder dies (kill -9 included), so it never goes stale."""

    def __init__(self, warehouse: Path):
        self.path = warehouse.parent / f"{warehouse.name}.lock"
        self.fd: int | None = None

    def __enter__(self) -> WarehouseLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise WarehouseBusy(
                f"{self.path}: cannot create the lock file ({err.strerror})"
            ) from err
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise WarehouseBusy(
                f"warehouse {self.path.parent / self.path.name.removesuffix('.lock')} is in use "
                f"by another distill run (pid {holder})"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, 0)
            os.close(self.fd)  # closing releases the flock
            self.fd = None


SPARK_SCHEMA = "distill"  # profiles.yml's spark target: its tables are under tables/distill.db/


def spark_tables(warehouse: Path) -> dict[str, Path]:
    """The tables of a Spark warehouse folder: name -> the folder of its Parquet files."""
    root = warehouse / "tables" / f"{SPARK_SCHEMA}.db"
    return {p.name: p for p in sorted(root.iterdir()) if p.is_dir()} if root.is_dir() else {}


def _open_spark(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose views are the Spark warehouse's tables, read from Parquet."""
    tables = spark_tables(warehouse)
    if not tables:
        raise WarehouseBusy(
            f"no Spark tables in {warehouse}: run `distill export-all --engine spark` first"
        )
    con = duckdb.connect()
    for name, folder in tables.items():
        files = sorted(folder.glob("*.parquet"))
        if not files:  # a table Spark wrote no part file for holds no row; it is skipped
            continue
        listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
        con.execute(f'create view "{name}" as select * from read_parquet([{listing}])')
    return con


@contextlib.contextmanager
def read_only(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    if warehouse.is_dir():
        con = _open_spark(warehouse)
    elif not warehouse.is_file():
        raise WarehouseBusy(f"no warehouse at {warehouse}: run `distill export-all` first")
    else:
        try:
            con = duckdb.connect(str(warehouse), read_only=True)
        except duckdb.IOException as err:
            raise WarehouseBusy(f"{warehouse}: {str(err).splitlines()[0]}") from err
    try:
        # the same caps as the build (profiles.yml): a sort for COPY spills instead of growing
        settings = duckdb_settings()
        con.execute(f"set memory_limit = '{settings['memory_limit']}'")
        con.execute(f"set threads = {settings['threads']}")
        con.execute("set preserve_insertion_order = false")
        # DuckDB draws a progress bar on stdout for a long COPY when Python runs interactively
        # (a notebook, `python -c`); stdout is the --json summary's
        con.execute("set enable_progress_bar = false")
        yield con
    finally:
        con.close()


def failing_rows(paths, compiled_sql: str, limit: int) -> tuple[list[str], list[tuple]]:
    """A sample of the rows a failed data test returned, for the error message: on DuckDB from
    the warehouse file, on Spark from the session the build ran in (the test is Spark SQL)."""
    query = f"select * from ({compiled_sql}) as offending limit {limit}"
    if paths.engine == "spark":
        from pyspark.sql import SparkSession

        session = SparkSession.getActiveSession()
        if session is None:
            raise RuntimeError("the Spark session has ended")
        frame = session.sql(query)
        return frame.columns, [tuple(row) for row in frame.collect()]
    with read_only(paths.warehouse) as con:
        cursor = con.sql(query)
        return cursor.columns, cursor.fetchall()
