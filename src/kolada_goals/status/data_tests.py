"""Data tests: queries that select the rows breaking a rule. Any row is a failure.

Most are the SQL files of sql/tests/. The grain and the id forms of each core table are
stated by its pandera model (load/schemas.py) already, so those two tests are made from the
model: table and column names from the model, quoted, and the id patterns as parameters. The
grain of the other tables with a primary key is made from their DDL (warehouse.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from kolada_goals.load.schemas import CORE_TABLE_MODELS, grain, id_patterns
from kolada_goals.sql_files import sql_files
from kolada_goals.warehouse import declared_table_keys

SAMPLE_ROWS = 5


@dataclass(frozen=True)
class DataTest:
    name: str
    query: str
    parameters: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataTestFailure:
    test: str
    rows: int
    sample: list[tuple[object, ...]]

    def __str__(self) -> str:
        return f"{self.test}: {self.rows} violating row(s), e.g. {self.sample}"


def data_tests() -> list[DataTest]:
    """The SQL files of sql/tests/, then the tests made from the core table models, then the
    grain of every other table whose DDL declares a primary key (a lake has no keys)."""
    tests = [DataTest(path.stem, path.read_text(encoding="utf-8")) for path in sql_files("tests")]
    for table, model in CORE_TABLE_MODELS.items():
        tests.append(_grain_is_unique(table, grain(model)))
        patterns = id_patterns(model)
        if patterns:
            tests.append(_ids_have_kolada_form(table, patterns))
    for table, key in declared_table_keys().items():
        if table not in CORE_TABLE_MODELS:
            tests.append(_grain_is_unique(table, key))
    return tests


def run_data_tests(con: duckdb.DuckDBPyConnection) -> list[DataTestFailure]:
    failures: list[DataTestFailure] = []
    for test in data_tests():
        parameters = list(test.parameters)
        rows = con.execute(f"select count(*) from ({test.query})", parameters).fetchone()
        count = int(rows[0]) if rows else 0
        if count:
            sample = con.execute(
                f"select * from ({test.query}) limit {SAMPLE_ROWS}", parameters
            ).fetchall()
            failures.append(DataTestFailure(test.name, count, sample))
    return failures


def _grain_is_unique(table: str, columns: tuple[str, ...]) -> DataTest:
    key = ", ".join(map(_identifier, columns))
    return DataTest(
        f"{table} grain is unique",
        f"select {key}, count(*) as rows from {_identifier(table)} "
        f"group by {key} having count(*) > 1",
    )


def _ids_have_kolada_form(table: str, patterns: dict[str, str]) -> DataTest:
    # regexp_matches searches the text; the patterns are anchored, so the whole id must match.
    # A null id is no id and breaks no form (as in the model).
    columns = ", ".join(map(_identifier, patterns))
    broken = " or ".join(f"not regexp_matches({_identifier(column)}, ?)" for column in patterns)
    return DataTest(
        f"{table} ids have Kolada's form",
        f"select {columns} from {_identifier(table)} where {broken}",
        tuple(patterns.values()),
    )


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
