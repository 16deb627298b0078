"""The goal tree with statuses, for the terminal.

Labels are rich Text built from parts: titles, reasons and motivations come from Kolada and
the goal files and print literally, never as console markup."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
from rich.text import Text
from rich.tree import Tree

from kolada_goals.outputs.report import (
    MODE_LABELS,
    STATUS_LABELS,
    format_number,
    query_rows,
    resolve_report,
)
from kolada_goals.outputs.terminal import literal_text

STATUS_STYLES = {"green": "bold green", "yellow": "bold yellow", "red": "bold red", "grey": "dim"}


def _badge(status: str | None) -> Text:
    key = status or "grey"
    return Text(f"● {STATUS_LABELS.get(key, 'Grått')}", style=STATUS_STYLES.get(key, "dim"))


def _explanation(reason: str | None, motivation: str | None = None) -> Text:
    """The reason, and for a grey indicator the goal file's motivation, dimmed."""
    parts = [part for part in (reason, motivation) if part]
    return literal_text(" – ".join(parts), style="dim")


def status_tree(
    con: duckdb.DuckDBPyConnection, kommun_id: str, mode: str = "outcome", year: int | None = None
) -> Tree:
    """Raises ReportError for an unknown mode, a kommun without definitions or a year without
    statuses."""
    definition, year = resolve_report(con, kommun_id, mode, year, date.today())
    params: dict[str, Any] = {"kommun_id": kommun_id, "mode": mode, "year": year}
    goals = query_rows(con, "outputs/report/goals.sql", params)
    indicators = query_rows(con, "outputs/report/indicators.sql", params)
    root = Tree(
        Text.assemble(
            literal_text(f"{definition['kommun_name']} {year}", style="bold"),
            f" – {MODE_LABELS[mode]}",
        )
    )
    nodes: dict[str, Tree] = {}
    for goal in sorted(goals, key=lambda g: (g["depth"], g["ordinal"])):
        parent = nodes.get(goal["parent_goal_id"], root)
        level = f"{goal['level']}: " if goal["level"] else ""
        nodes[goal["goal_id"]] = parent.add(
            Text.assemble(
                _badge(goal["status"]),
                " ",
                literal_text(f"{level}{goal['title']}"),
                "  ",
                _explanation(goal["reason"]),
            )
        )
    for row in indicators:
        value = format_number(row["value"])
        reference = format_number(row["reference_value"])
        target = format_number(row["target_value"])
        nodes[row["goal_id"]].add(
            Text.assemble(
                _badge(row["status"]),
                " ",
                literal_text(row["indicator_title"]),
                f" ({row['period']}): {value}; mål {target}; referens {reference}  ",
                _explanation(row["reason"], row["motivation"]),
            )
        )
    return root
