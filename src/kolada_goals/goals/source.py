"""Reading goal files safely, and YAML while keeping where each value stands, for errors that
name a line.

Goal files come from many hands, so reading them is bounded: the size is checked before a byte
is read, and the parse itself stops at a nesting depth and at a number of nodes counted with
every alias expanded (an alias bomb of a few hundred bytes would otherwise expand to billions
of nodes in everything that walks the document)."""

from __future__ import annotations

import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, CollectionStartEvent, NodeEvent
from yaml.resolver import Resolver

try:  # libyaml parses ten times faster; the pure-Python parser gives the same events
    from yaml._yaml import CParser as EventParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class EventParser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


# The limits of a goal file (and of a local measure's CSV). The shipped files are about 12 kB,
# 800 nodes and 8 levels deep; these leave ample room for any kommun's steering model.
MAX_GOAL_FILE_BYTES = 2 * 1024 * 1024
MAX_YAML_NODES = 50_000  # every alias counted with everything it stands for
MAX_YAML_DEPTH = 20  # mappings and sequences inside each other


class GoalFileRefused(Exception):
    """The file is refused before or while parsing; `code` is one of docs/goal-definitions.md."""

    def __init__(self, code: str, message: str, fix: str, line: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fix = fix
        self.line = line


def read_bounded_bytes(path: Path, limit: int = MAX_GOAL_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; raises GoalFileRefused or
    OSError."""
    # Only regular files are read (opening a FIFO would block, a device would never end),
    # and never past the limit, even when the file grows after the check.
    status = path.stat()
    if not stat.S_ISREG(status.st_mode):
        raise GoalFileRefused(
            "unreadable", "not a regular file", "point at a plain file (not a device or pipe)"
        )
    if status.st_size > limit:
        raise GoalFileRefused(*_too_large(status.st_size, limit))
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise GoalFileRefused(*_too_large(len(data), limit))
    return data


def _too_large(size: int, limit: int) -> tuple[str, str, str]:
    return (
        "file_too_large",
        f"{size} bytes, more than the limit of {limit} bytes ({limit / 2**20:g} MB)",
        "split the file or remove what the format does not need",
    )


def decode_utf8(data: bytes) -> str:
    """UTF-8 text (a leading byte-order mark is dropped); raises GoalFileRefused."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise GoalFileRefused(
            "encoding",
            f"byte 0x{data[error.start]:02X} is not UTF-8",
            "save the file as UTF-8",
            line,
        ) from None


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


def _line_of(event: NodeEvent) -> int | None:
    return event.start_mark.line + 1 if event.start_mark is not None else None


class _BoundedLoader(Composer, EventParser, SafeConstructor, Resolver):
    """PyYAML's safe loader whose composer refuses a document deeper than MAX_YAML_DEPTH or
    larger than MAX_YAML_NODES with its aliases expanded. Each anchor's expanded size is kept
    when its node is complete, so counting costs one addition per alias."""

    def __init__(self, text: str) -> None:
        EventParser.__init__(self, text)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.depth = 0
        self.expanded_nodes = 0
        self.anchor_sizes: dict[str, int] = {}

    def _count(self, nodes: int, event: NodeEvent) -> None:
        self.expanded_nodes += nodes
        if self.expanded_nodes > MAX_YAML_NODES:
            raise GoalFileRefused(
                "yaml_too_complex",
                f"more than {MAX_YAML_NODES} values (an alias counts as all it stands for)",
                "write the values out instead of repeating anchors (&) and aliases (*)"
                if self.anchor_sizes
                else "split the file: no kommun's goals need this many values",
                _line_of(event),
            )

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        assert isinstance(event, NodeEvent)
        if isinstance(event, AliasEvent):
            if event.anchor in self.anchors and event.anchor not in self.anchor_sizes:
                raise GoalFileRefused(
                    "yaml_too_complex",
                    f"alias *{event.anchor} is inside its own anchor (a structure without end)",
                    "remove the alias",
                    _line_of(event),
                )
            # An undefined alias is left to the composer, which reports it as bad YAML.
            self._count(self.anchor_sizes.get(event.anchor or "", 0), event)
            return super().compose_node(parent, index)
        if isinstance(event, CollectionStartEvent):
            self.depth += 1
            if self.depth > MAX_YAML_DEPTH:
                raise _too_deep(MAX_YAML_DEPTH, _line_of(event))
        before = self.expanded_nodes
        self._count(1, event)
        node = super().compose_node(parent, index)
        if isinstance(event, CollectionStartEvent):
            self.depth -= 1
        if event.anchor is not None:
            self.anchor_sizes[event.anchor] = self.expanded_nodes - before
        return node


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


def _too_deep(depth: int, line: int | None) -> GoalFileRefused:
    return GoalFileRefused(
        "yaml_too_complex",
        f"nested deeper than {depth} levels",
        "the format needs fewer than ten levels; remove the extra nesting",
        line,
    )


def load_yaml_with_lines(text: str) -> tuple[Any, LineIndex]:
    """Parse `text` once, within the limits; raise yaml.YAMLError (with a problem mark) on bad
    YAML and GoalFileRefused beyond a limit."""
    index = LineIndex()
    loader = _BoundedLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as error:
            # libyaml's scanner reads a flow collection ahead and has its own depth limit
            # (1000), which it may meet before the composer meets ours: the same problem.
            if "nesting depth" not in (error.problem or ""):
                raise
            mark = error.problem_mark
            raise _too_deep(MAX_YAML_DEPTH, mark.line + 1 if mark else None) from None
        if node is None:
            return None, index
        _index(node, (), index)
        return loader.construct_document(node), index
    finally:
        loader.dispose()


def read_goal_yaml(path: Path) -> tuple[Any, LineIndex, bytes]:
    """Data, line index and raw bytes of a goal file, every limit checked; raises
    GoalFileRefused, yaml.YAMLError or OSError."""
    data = read_bounded_bytes(path)
    document, lines = load_yaml_with_lines(decode_utf8(data))
    return document, lines, data


def place(path: Sequence[object]) -> str:
    """goals[3].indicators[0].kpi from ('goals', 3, 'indicators', 0, 'kpi')."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"
