"""Comments of goal files, tied to the key or item they stand beside."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kolada_goals.goals.comments import GoalFileComments, LooseComment, read_comments
from kolada_goals.goals.source import load_yaml_with_lines

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "data" / "goals").glob("*.yaml"))
ITEM_LINE = re.compile(r"^(\s*)- id: (\S+)\s*(?:#\s?(.*))?$")


def comments_of(text: str) -> GoalFileComments:
    document, lines = load_yaml_with_lines(text)
    return read_comments(text, document, lines)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_every_comment_of_a_shipped_file_is_tied_to_its_item(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    document, _ = load_yaml_with_lines(text)
    comments = comments_of(text)
    assert comments.loose == ()
    lines = text.splitlines()
    first_key = next(i for i, line in enumerate(lines) if line.startswith("format:"))
    assert comments.header == tuple(line[2:] for line in lines[1:first_key])
    # Walk the file as a person reads it: banners above goals, comments after indicator ids.
    expected_above: dict[tuple[object, ...], tuple[str, ...]] = {}
    expected_trailing: dict[tuple[object, ...], str] = {}
    goal = indicator = -1
    banner: list[str] = []
    for line in lines[first_key:]:
        if line.strip().startswith("#"):
            banner.append(line.strip()[2:])
            continue
        match = ITEM_LINE.match(line)
        if match and len(match.group(1)) == 2:
            goal, indicator = goal + 1, -1
            path_here: tuple[object, ...] = ("goals", goal)
        elif match:
            indicator += 1
            path_here = ("goals", goal, "indicators", indicator)
        if match:
            assert document["goals"][goal]["id"] == match.group(2) or indicator >= 0
            if banner:
                expected_above[path_here] = tuple(banner)
            if match.group(3):
                expected_trailing[path_here] = match.group(3)
        if line.strip():
            banner = []
    assert dict(comments.above) == expected_above
    assert dict(comments.trailing) == expected_trailing
    assert expected_above  # every shipped file has section banners


def test_only_real_comments_are_read() -> None:
    text = (
        "# yaml-language-server: $schema=../../docs/goal-definitions.schema.json\n"
        "# head\n"
        "a: |\n"
        "  text # inside a block scalar\n"
        'b: "x # inside quotes"   # after b\n'
        "c: {k: 1}\n"
        "  # above d\n"
        "d:\n"
        "  - one  # after one\n"
        "# at the end\n"
    )
    comments = comments_of(text)
    assert comments.header == ("head",)
    assert dict(comments.trailing) == {("b",): "after b", ("d", 0): "after one"}
    assert dict(comments.above) == {("d",): ("above d",)}
    assert comments.loose == (LooseComment(10, "at the end"),)
