"""The comments of a goal file, read by line, each tied to the key or list item it stands
beside, so that writing the file again (or carrying it through a goal workbook) keeps them.

Three kinds are kept: the header (comment lines before the first key), comment lines above
a key or list item (section banners such as `# --- Målområde 1 ---` above a goal), and a
comment at the end of a key's or item's first line (`- id: kostnad-grundskola    # kostnad`).
A comment that stands beside nothing (after the last value) is listed as loose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from kolada_goals.goals.source import LineIndex
from kolada_goals.goals.template import SCHEMA_LINE

DocumentPath = tuple[object, ...]  # ('goals', 3, 'indicators', 0): keys and list positions


@dataclass(frozen=True)
class LooseComment:
    line: int  # 1-based
    text: str


@dataclass(frozen=True)
class GoalFileComments:
    """Comment texts without their `#` (and the one space after it)."""

    header: tuple[str, ...] = ()  # the schema line is not one: every written file has it
    above: Mapping[DocumentPath, tuple[str, ...]] = field(default_factory=dict)
    trailing: Mapping[DocumentPath, str] = field(default_factory=dict)
    loose: tuple[LooseComment, ...] = ()


def comment_text(comment: str) -> str:
    """`# kvalitet` -> `kvalitet`."""
    text = comment.strip().removeprefix("#")
    return (text[1:] if text.startswith(" ") else text).rstrip()


def _token_ends(text: str) -> tuple[set[int], dict[int, int]]:
    """Lines (0-based) that hold YAML content, and on each the column where its last token
    ends: what follows there on the line is a comment or nothing."""
    covered: set[int] = set()
    last_end: dict[int, int] = {}
    zero_width = (yaml.StreamStartToken, yaml.StreamEndToken, yaml.BlockEndToken)
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, zero_width):
            continue
        start, end = token.start_mark, token.end_mark
        covered.update(range(start.line, end.line + 1))
        if end.column == 0 and end.line > start.line:  # a token that ends with its line break
            covered.discard(end.line)
            end_line, end_column = end.line - 1, 10**9
        else:
            end_line, end_column = end.line, end.column
        last_end[end_line] = max(last_end.get(end_line, 0), end_column)
    return covered, last_end


def _paths_by_line(document: object, lines: LineIndex) -> dict[int, DocumentPath]:
    """The outermost key or list item that starts on each line (1-based), as a document path
    with list positions as integers."""
    found: dict[int, DocumentPath] = {}
    pending: list[tuple[DocumentPath, object]] = [((), document)]
    while pending:
        path, node = pending.pop()
        if path:
            line = lines.lines.get(tuple(str(part) for part in path))
            if line is not None and (line not in found or len(path) < len(found[line])):
                found[line] = path
        if isinstance(node, dict):
            pending.extend(((*path, key), value) for key, value in node.items())
        elif isinstance(node, list):
            pending.extend(((*path, index), item) for index, item in enumerate(node))
    return found


def read_comments(text: str, document: object, lines: LineIndex) -> GoalFileComments:
    """The comments of a goal file's text, whose parsed document and line index (from
    load_yaml_with_lines) are given."""
    covered, last_end = _token_ends(text)
    paths = _paths_by_line(document, lines)
    source_lines = text.splitlines()
    header: list[str] = []
    above: dict[DocumentPath, tuple[str, ...]] = {}
    trailing: dict[DocumentPath, str] = {}
    loose: list[LooseComment] = []
    block: list[tuple[int, str]] = []  # full-line comments waiting for the line they stand above
    seen_content = False
    for number, line in enumerate(source_lines):
        stripped = line.strip()
        if number not in covered:
            if stripped.startswith("#"):
                if not seen_content and line.rstrip() == SCHEMA_LINE:
                    continue
                block.append((number + 1, comment_text(stripped)))
            continue
        path = paths.get(number + 1)
        if block:
            if not seen_content:
                header.extend(text for _, text in block)
            elif path is not None:
                above[path] = tuple(text for _, text in block)
            else:
                loose.extend(LooseComment(at, text) for at, text in block)
            block = []
        seen_content = True
        rest = line[last_end.get(number, len(line)) :].strip()
        if rest.startswith("#"):
            if path is not None:
                trailing[path] = comment_text(rest)
            else:
                loose.append(LooseComment(number + 1, comment_text(rest)))
    loose.extend(LooseComment(at, text) for at, text in block)
    return GoalFileComments(tuple(header), above, trailing, tuple(loose))
