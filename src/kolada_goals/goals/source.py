"""Reading a YAML file while keeping where each value stands, for errors that name a line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml


@dataclass
class LineIndex:
    """Line (1-based) of every mapping key and sequence item, by its path in the document."""

    lines: dict[tuple[str, ...], int] = field(default_factory=dict)

    def line_of(self, path: Sequence[object]) -> int | None:
        """The line of the deepest part of `path` the document has (a missing key points at
        its parent)."""
        keys = tuple(str(part) for part in path)
        while keys:
            if keys in self.lines:
                return self.lines[keys]
            keys = keys[:-1]
        return self.lines.get((), 1)


def _index(node: yaml.Node, path: tuple[str, ...], index: LineIndex) -> None:
    index.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, str(key.value))
            index.lines[child] = key.start_mark.line + 1
            _index(value, child, index)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            _index(item, (*path, str(position)), index)


def load_yaml_with_lines(text: str) -> tuple[Any, LineIndex]:
    """Parse `text`; raise yaml.YAMLError (with a problem mark) on bad YAML."""
    index = LineIndex()
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if node is not None:
        _index(node, (), index)
    return yaml.safe_load(text), index


def place(path: Sequence[object]) -> str:
    """goals[3].indicators[0].kpi from ('goals', 3, 'indicators', 0, 'kpi')."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"
