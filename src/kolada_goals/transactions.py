"""Transactions that nest in a run's own. On a lake a run is one transaction, so readers see
nothing of it until it is published; the steps that commit on their own in the DuckDB file
(a batch of values, a metadata list, a kommun's goals) then run inside it."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

_HOLDING_A_RUN: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()


def begin_run_transaction(con: duckdb.DuckDBPyConnection) -> None:
    """Begin the one transaction of a run on `con`; `transaction` nests in it from now."""
    con.begin()
    _HOLDING_A_RUN.add(con)


def end_run_transaction(con: duckdb.DuckDBPyConnection, commit: bool) -> None:
    _HOLDING_A_RUN.discard(con)
    if commit:
        con.commit()
    else:
        con.rollback()


def in_run_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    return con in _HOLDING_A_RUN


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """A transaction of its own, or a part of the run's when `con` holds one (a failure then
    fails the run, whose transaction is rolled back whole)."""
    if in_run_transaction(con):
        yield
        return
    con.begin()
    try:
        yield
    except BaseException:
        con.rollback()
        raise
    con.commit()
