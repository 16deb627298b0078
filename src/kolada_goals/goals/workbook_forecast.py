"""What the published database knows for a goal workbook's delårsrapport sheet: per indicator
the latest value, the county mean and the trend forecast for the year
(sql/goals/workbook/forecast_basis.sql)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from kolada_goals.sql_files import read_sql


@dataclass(frozen=True)
class ForecastBasis:
    indicator_id: str
    kpi_id: str | None
    gender: str
    latest_period: int | None
    latest_value: float | None
    county_mean: float | None
    trend_value: float | None


@dataclass(frozen=True)
class ForecastSheet:
    """The delårsrapport sheet of `year`: the database's facts by indicator id."""

    year: int
    basis: dict[str, ForecastBasis]


def read_forecast_sheet(con: duckdb.DuckDBPyConnection, kommun_id: str, year: int) -> ForecastSheet:
    """Raises duckdb.Error when the database has no status marts."""
    rows = con.execute(
        read_sql("goals/workbook/forecast_basis.sql"), {"kommun_id": kommun_id, "year": year}
    ).fetchall()
    basis = {row[0]: ForecastBasis(*row) for row in rows}
    return ForecastSheet(year, basis)
