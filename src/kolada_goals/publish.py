"""Publish the work database for readers: a complete copy, swapped in atomically.

The nightly run writes only to the work database. When the run and its data tests have
succeeded, the work file (closed, so fully checkpointed) is copied beside the published
file and renamed over it. A rename is atomic on POSIX file systems: a reader that opened
the old file keeps reading it undisturbed, the next reader opens the new one, and nobody
ever sees half a run. A run killed at any point leaves the published file as it was.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

DEFAULT_PUBLISHED_DATABASE = Path("data") / "kolada_goals.duckdb"
DEFAULT_WORK_DATABASE = Path("data") / "work" / "kolada_goals.duckdb"


class PublishError(RuntimeError):
    pass


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def publish_database(work_database: Path, published_database: Path) -> Path:
    """Copy `work_database` (which must be closed) over `published_database` atomically."""
    wal = work_database.with_name(work_database.name + ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise PublishError(
            f"{wal} exists: the work database is still open or was not checkpointed; "
            "close every connection to it before publishing"
        )
    published_database.parent.mkdir(parents=True, exist_ok=True)
    # Copies left by a run killed while publishing are of no use to anyone.
    for leftover in published_database.parent.glob(f".{published_database.name}.*.tmp"):
        leftover.unlink(missing_ok=True)
    temporary = published_database.with_name(f".{published_database.name}.{os.getpid()}.tmp")
    try:
        with work_database.open("rb") as source, temporary.open("wb") as target:
            shutil.copyfileobj(source, target, length=16 * 1024 * 1024)
            target.flush()
            os.fsync(target.fileno())
        os.replace(temporary, published_database)
        _fsync_directory(published_database.parent)
    finally:
        temporary.unlink(missing_ok=True)
    return published_database
