"""The goal tree with statuses, for the terminal.

Labels are rich Text built from parts: titles, reasons and motivations come from Kolada and
the goal files and print literally, never as console markup."""

from __future__ import annotations

from datetime import date

import duckdb
from rich.text import Text
from rich.tree import Tree

from kolada_goals.outputs.goal_tree import GoalNode, goal_tree
from kolada_goals.outputs.labels import MODE_LABELS, format_number, status_label, value_decimals
from kolada_goals.outputs.queries import IndicatorRow, resolve_report
from kolada_goals.outputs.terminal import literal_text

STATUS_STYLES = {"green": "bold green", "yellow": "bold yellow", "red": "bold red", "grey": "dim"}


def _badge(status: str | None) -> Text:
    return Text(f"● {status_label(status)}", style=STATUS_STYLES.get(status or "grey", "dim"))


def _explanation(reason: str | None, motivation: str | None = None) -> Text:
    """The reason, and for a grey indicator the goal file's motivation, dimmed."""
    parts = [part for part in (reason, motivation) if part]
    return literal_text(" – ".join(parts), style="dim")


def _goal_label(node: GoalNode) -> Text:
    goal = node.goal
    level = f"{goal.level}: " if goal.level else ""
    return Text.assemble(
        _badge(goal.status),
        " ",
        literal_text(f"{level}{goal.title}"),
        "  ",
        _explanation(goal.reason),
    )


def _indicator_label(row: IndicatorRow) -> Text:
    decimals = value_decimals(row.kpi_title)
    value = format_number(row.value, decimals)
    reference = format_number(row.reference_value, decimals)
    target = format_number(row.target_value, decimals)
    return Text.assemble(
        _badge(row.status),
        " ",
        literal_text(row.indicator_title),
        f" ({row.period}): {value}; mål {target}; referens {reference}  ",
        _explanation(row.reason, row.motivation),
    )


def _add_goal(parent: Tree, node: GoalNode) -> None:
    """The goal under `parent`: its sub-goals first, then its indicators."""
    branch = parent.add(_goal_label(node))
    for child in node.children:
        _add_goal(branch, child)
    for indicator in node.indicators:
        branch.add(_indicator_label(indicator))


def status_tree(
    con: duckdb.DuckDBPyConnection, kommun_id: str, mode: str = "outcome", year: int | None = None
) -> Tree:
    """Raises ReportError for an unknown mode, a kommun without definitions or a year without
    statuses."""
    scope = resolve_report(con, kommun_id, mode, year, date.today())
    root = Tree(
        Text.assemble(
            literal_text(f"{scope.definition.kommun_name} {scope.year}", style="bold"),
            f" – {MODE_LABELS[mode]}",
        )
    )
    for node in goal_tree(con, scope):
        _add_goal(root, node)
    return root
