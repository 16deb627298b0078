"""The goal tree with statuses, for the terminal."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
from rich.tree import Tree

from kolada_goals.report import (
    MODE_LABELS,
    STATUS_LABELS,
    format_number,
    query_rows,
    resolve_report,
)

STATUS_STYLES = {"green": "bold green", "yellow": "bold yellow", "red": "bold red", "grey": "dim"}


def _badge(status: str | None) -> str:
    label = STATUS_LABELS.get(status or "grey", "Grått")
    return f"[{STATUS_STYLES.get(status or 'grey', 'dim')}]● {label}[/]"


def status_tree(
    con: duckdb.DuckDBPyConnection, kommun_id: str, mode: str = "outcome", year: int | None = None
) -> Tree:
    """Raises ReportError for an unknown mode, a kommun without definitions or a year without
    statuses."""
    definition, year = resolve_report(con, kommun_id, mode, year, date.today())
    params: dict[str, Any] = {"kommun_id": kommun_id, "mode": mode, "year": year}
    goals = query_rows(con, "report/goals.sql", params)
    indicators = query_rows(con, "report/indicators.sql", params)
    root = Tree(f"[bold]{definition['kommun_name']} {year}[/] – {MODE_LABELS[mode]}")
    nodes: dict[str, Tree] = {}
    for goal in sorted(goals, key=lambda g: (g["depth"], g["ordinal"])):
        parent = nodes.get(goal["parent_goal_id"], root)
        level = f"{goal['level']}: " if goal["level"] else ""
        nodes[goal["goal_id"]] = parent.add(
            f"{_badge(goal['status'])} {level}{goal['title']}  [dim]{goal['reason'] or ''}[/]"
        )
    for row in indicators:
        value = format_number(row["value"])
        reference = format_number(row["reference_value"])
        target = format_number(row["target_value"])
        nodes[row["goal_id"]].add(
            f"{_badge(row['status'])} {row['indicator_title']} ({row['period']}): {value}; "
            f"mål {target}; referens {reference}  [dim]{row['reason'] or ''}[/]"
        )
    return root
