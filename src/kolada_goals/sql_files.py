"""Find and read the project's SQL files (one model per file under sql/)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

SQL_ROOT = Path(__file__).resolve().parents[2] / "sql"


@cache
def read_sql(relative_path: str) -> str:
    """Text of sql/<relative_path>, e.g. read_sql('load/raw/land_raw_kpi_value.sql')."""
    path = SQL_ROOT / relative_path
    if not path.is_file():
        raise FileNotFoundError(f"SQL file not found: {path}")
    return path.read_text(encoding="utf-8")


def sql_files(folder: str) -> list[Path]:
    """Every .sql file of sql/<folder>, in name order."""
    return sorted((SQL_ROOT / folder).glob("*.sql"))


def sql_statements(relative_path: str) -> list[str]:
    """The statements of a multi-statement file, for running each with parameters (DuckDB binds
    parameters to the last statement of a string only). Statements end with ';' at a line end."""
    text = read_sql(relative_path)
    return [part.strip() for part in text.split(";\n") if part.strip().rstrip(";").strip()]


def parameters_used(statement: str, parameters: dict[str, object]) -> dict[str, object]:
    """The named parameters ($name) a statement uses: DuckDB refuses any it does not."""
    return {name: value for name, value in parameters.items() if f"${name}" in statement}
