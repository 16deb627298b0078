"""The goal tree of a report: sub-goals and indicators under their goal, in the definitions'
order, whatever order the rows come in."""

from __future__ import annotations

from kolada_goals.outputs.goal_tree import build_goal_tree, walk_goals
from kolada_goals.outputs.queries import GoalRow, IndicatorRow


def goal(goal_id: str, parent: str | None, ordinal: int) -> GoalRow:
    depth = goal_id.count(".")
    return GoalRow(goal_id, parent, depth, ordinal, None, f"Mål {goal_id}", None, "green", None)


def indicator(goal_id: str, indicator_id: str) -> IndicatorRow:
    return IndicatorRow(
        goal_id, indicator_id, indicator_id, None, 2024, "outcome", 1.0, False, None, None,
        None, None, None, None, None, None, None, "green", None, None, None, None, None, None,
    )  # fmt: skip


def test_goals_nest_by_parent_in_ordinal_order() -> None:
    rows = [goal("2", None, 2), goal("1.2", "1", 5), goal("1", None, 1), goal("1.1", "1", 4)]
    roots = build_goal_tree(rows, [])
    assert [node.goal.goal_id for node in roots] == ["1", "2"]
    assert [child.goal.goal_id for child in roots[0].children] == ["1.1", "1.2"]
    assert [node.goal.goal_id for node in walk_goals(roots)] == ["1", "1.1", "1.2", "2"]


def test_indicators_keep_their_order_under_their_goal() -> None:
    rows = [goal("1", None, 1), goal("1.1", "1", 2)]
    indicators = [indicator("1.1", "b"), indicator("1", "c"), indicator("1.1", "a")]
    roots = build_goal_tree(rows, indicators)
    assert [row.indicator_id for row in roots[0].indicators] == ["c"]
    assert [row.indicator_id for row in roots[0].children[0].indicators] == ["b", "a"]


def test_a_goal_without_its_parent_is_a_top_goal_and_a_lost_indicator_is_left_out() -> None:
    roots = build_goal_tree([goal("1.1", "1", 2), goal("2", None, 3)], [indicator("9", "x")])
    assert [node.goal.goal_id for node in roots] == ["1.1", "2"]
    assert all(not node.indicators for node in walk_goals(roots))
