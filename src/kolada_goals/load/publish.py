"""Publish the work database for readers: a complete copy, swapped in atomically.

The nightly run writes only to the work database. When the run and its data tests have
succeeded, the work file (closed, so fully checkpointed) is copied beside the published
file and renamed over it. A rename is atomic on POSIX file systems: a reader that opened
the old file keeps reading it undisturbed, the next reader opens the new one, and nobody
ever sees half a run. A run killed at any point leaves the published file as it was.

Publishers (a run, a snapshot) take turns through a lock file beside the published file,
so one never deletes the copy another is writing: whoever holds the lock knows every
temporary copy it finds was left by a publisher that is gone.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_PUBLISHED_DATABASE = Path("data") / "kolada_goals.duckdb"
DEFAULT_WORK_DATABASE = Path("data") / "work" / "kolada_goals.duckdb"


class PublishError(RuntimeError):
    pass


def fsync_directory(directory: Path) -> None:
    """Make a rename or unlink in `directory` durable."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def durable_copy(source: Path, target: Path) -> None:
    """Copy `source` to `target` and flush it to disk (the directory entry is the caller's)."""
    with source.open("rb") as reading, target.open("wb") as writing:
        shutil.copyfileobj(reading, writing, length=16 * 1024 * 1024)
        writing.flush()
        os.fsync(writing.fileno())


def publish_lock_path(published_database: Path) -> Path:
    return published_database.with_name(f".{published_database.name}.publish.lock")


@contextmanager
def publish_lock(published_database: Path) -> Iterator[None]:
    """Wait for any other publisher of `published_database`, then hold the turn. The kernel
    releases the lock of a publisher that dies, so a killed one never blocks the next."""
    descriptor = os.open(publish_lock_path(published_database), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def publish_database(work_database: Path, published_database: Path) -> Path:
    """Copy `work_database` (which must be closed) over `published_database` atomically."""
    wal = work_database.with_name(work_database.name + ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise PublishError(
            f"{wal} exists: the work database is still open or was not checkpointed; "
            "close every connection to it before publishing"
        )
    published_database.parent.mkdir(parents=True, exist_ok=True)
    with publish_lock(published_database):
        # Holding the turn, every temporary copy here was left by a publisher killed while
        # copying: of no use to anyone.
        for leftover in published_database.parent.glob(f".{published_database.name}.*.tmp"):
            leftover.unlink(missing_ok=True)
        temporary = published_database.with_name(f".{published_database.name}.{os.getpid()}.tmp")
        try:
            durable_copy(work_database, temporary)
            os.replace(temporary, published_database)
            fsync_directory(published_database.parent)
        finally:
            temporary.unlink(missing_ok=True)
    return published_database
