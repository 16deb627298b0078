"""Data tests: SQL files in sql/tests/ that select violating rows. Any row is a failure."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from kolada_goals.sql_files import sql_files

SAMPLE_ROWS = 5


@dataclass(frozen=True)
class DataTestFailure:
    test: str
    rows: int
    sample: list[tuple[object, ...]]

    def __str__(self) -> str:
        return f"{self.test}: {self.rows} violating row(s), e.g. {self.sample}"


def run_data_tests(con: duckdb.DuckDBPyConnection) -> list[DataTestFailure]:
    failures: list[DataTestFailure] = []
    for path in sql_files("tests"):
        query = path.read_text(encoding="utf-8")
        rows = con.execute(f"select count(*) from ({query})").fetchone()
        count = int(rows[0]) if rows else 0
        if count:
            sample = con.execute(f"select * from ({query}) limit {SAMPLE_ROWS}").fetchall()
            failures.append(DataTestFailure(path.stem, count, sample))
    return failures
