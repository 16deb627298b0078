"""The goal tree of one report: each goal with its sub-goals and its indicators."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import duckdb

from kolada_goals.outputs.queries import (
    GoalRow,
    IndicatorRow,
    ReportScope,
    goal_rows,
    indicator_rows,
)


@dataclass
class GoalNode:
    """A goal of the tree with the goals and indicators right below it."""

    goal: GoalRow
    children: list[GoalNode] = field(default_factory=list)  # by ordinal
    indicators: list[IndicatorRow] = field(default_factory=list)  # as the definitions list them


def goal_tree(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> list[GoalNode]:
    """The top goals of the report, each with its sub-goals and indicators."""
    return build_goal_tree(goal_rows(con, scope), indicator_rows(con, scope))


def build_goal_tree(goals: Iterable[GoalRow], indicators: Iterable[IndicatorRow]) -> list[GoalNode]:
    """The top goals, by ordinal, with their sub-goals and indicators below them. A goal whose
    parent is missing is a top goal; an indicator whose goal is missing is left out."""
    nodes = {goal.goal_id: GoalNode(goal) for goal in goals}
    roots: list[GoalNode] = []
    for node in nodes.values():
        parent_id = node.goal.parent_goal_id
        parent = nodes.get(parent_id) if parent_id is not None else None
        (parent.children if parent is not None else roots).append(node)
    for indicator in indicators:
        goal = nodes.get(indicator.goal_id)
        if goal is not None:
            goal.indicators.append(indicator)
    for node in nodes.values():
        node.children.sort(key=_ordinal_key)
    roots.sort(key=_ordinal_key)
    return roots


def walk_goals(nodes: Iterable[GoalNode]) -> Iterator[GoalNode]:
    """Every goal of the tree, each before its sub-goals."""
    for node in nodes:
        yield node
        yield from walk_goals(node.children)


def _ordinal_key(node: GoalNode) -> tuple[int, str]:
    return node.goal.ordinal, node.goal.goal_id
