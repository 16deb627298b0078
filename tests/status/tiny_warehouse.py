"""A warehouse of a few hand-made rows for golden tests of the marts: kommun 2401 in county
24 beside 2402-2404, and 2501-2502 in another county, with one goal G1."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import polars as pl

from kolada_goals.status.marts import build_marts
from kolada_goals.warehouse import apply_schema, connect

KOMMUN = "2401"
COUNTY = ("2402", "2403", "2404")
OTHER_COUNTY = ("2501", "2502")


def indicator(indicator_id: str, kpi_id: str, ordinal: int, **columns: Any) -> dict[str, Any]:
    """A goal_indicator row of kommun 2401's goal G1 (county reference, dorotea rule)."""
    return {
        "kommun_id": KOMMUN, "indicator_id": indicator_id, "goal_id": "G1", "ordinal": ordinal,
        "kpi_id": kpi_id, "gender": "T", "direction": "higher", "reference_kind": "county",
        "rule": "dorotea", "tolerance_kind": "relative", "tolerance_value": 10.0,
        "min_reference_count": 1, "is_example": False, **columns,
    }  # fmt: skip


def build(
    kpis: Sequence[tuple[str, str, bool]],
    indicators: Sequence[dict[str, Any]],
    values: Sequence[tuple[str, str, int, str, float]],
    *,
    cost_quality: Sequence[dict[str, Any]] = (),
    groups: Sequence[tuple[str, str, Sequence[str]]] = (),
    units: Sequence[tuple[str, str, str]] = (),
    unit_values: Sequence[tuple[str, str, int, str, float]] = (),
) -> duckdb.DuckDBPyConnection:
    """`kpis` are (kpi_id, title, is_divided_by_gender); `values` are (kpi, municipality,
    period, gender, value); `groups` are (group_id, title, member ids); `units` are (ou_id,
    municipality, title) and `unit_values` (kpi, ou_id, period, gender, value)."""
    con = connect()
    apply_schema(con)
    municipalities = [("0000", "Riket", "L"), ("0024", "Region", "L"), (KOMMUN, "K1", "K")]
    municipalities += [(m, f"K{m}", "K") for m in COUNTY + OTHER_COUNTY]
    con.executemany(
        "insert into core_municipality (municipality_id, title, municipality_type) "
        "values (?, ?, ?)",
        municipalities,
    )
    con.executemany(
        "insert into core_kpi (kpi_id, title, is_divided_by_gender, municipality_type, "
        "has_ou_data, publ_period) values (?, ?, ?, 'K', false, '2022')",
        list(kpis),
    )
    for group_id, title, members in groups:
        con.execute(
            "insert into core_municipality_group (group_id, title) values (?, ?)",
            [group_id, title],
        )
        con.executemany(
            "insert into core_municipality_group_member (group_id, member_id, valid_from, "
            "first_seen_run_id) "
            "values (?, ?, now(), 'test')",
            [(group_id, member) for member in members],
        )
    if units:
        con.executemany(
            "insert into core_ou (ou_id, municipality_id, title) values (?, ?, ?)", list(units)
        )
    if unit_values:
        con.executemany(
            "insert into core_ou_value (kpi_id, ou_id, period, gender, value, count, status) "
            "values (?, ?, ?, ?, ?, 1, '')",
            list(unit_values),
        )
    con.execute(
        "insert into goal_definition_file (kommun_id, kommun_name, file_path, file_sha256, "
        "vision, mandate_first_year, mandate_last_year, rollup_method, loaded_at) "
        "values ('2401', 'K1', 'f.yaml', 'x', 'Vision', 2021, 2024, 'majority', now())"
    )
    con.execute(
        "insert into goal (kommun_id, goal_id, parent_goal_id, depth, ordinal, title, "
        "mandate_first_year, mandate_last_year) values ('2401', 'G1', null, 0, 0, 'Mål', "
        "2021, 2024)"
    )
    indicator_frame = pl.DataFrame(list(indicators))  # noqa: F841 (read by DuckDB)
    con.execute("insert into goal_indicator by name select * from indicator_frame")
    if cost_quality:
        pair_frame = pl.DataFrame(list(cost_quality))  # noqa: F841 (read by DuckDB)
        con.execute("insert into goal_cost_quality by name select * from pair_frame")
    con.executemany(
        "insert into hist_kpi_value (kpi_id, municipality_id, period, gender, value, count, "
        "status, is_deleted, is_revision, valid_from, valid_to, run_id) "
        "values (?, ?, ?, ?, ?, 1, '', false, false, now(), null, 'test')",
        list(values),
    )
    build_marts(con)
    return con


def rows_of(con: duckdb.DuckDBPyConnection, query: str, parameters: Sequence[Any] = ()) -> list[
    dict[str, Any]
]:  # fmt: skip
    cursor = con.execute(query, list(parameters))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
