"""Goal files written as the shipped files are: the schema line first, small maps and lists
in flow style (`mandate: {first_year: 2023, last_year: 2026}`), prose in double quotes,
ids plain, numbers as short as they are exact (7.5, 75), and the comments kept.

The writer walks the pydantic models in their field order and writes the fields a file set
(defaults it left out stay out), so a field added to a model is written without a change
here. Only the house order of a goal's first keys is named.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from kolada_goals.goals.comments import DocumentPath, GoalFileComments
from kolada_goals.goals.model import Goal, GoalFile, Indicator
from kolada_goals.goals.template import SCHEMA_LINE

# Keys written first, before the rest in model order: a goal's place in the tree, and what an
# indicator is called, read first.
HOUSE_ORDER: dict[type[BaseModel], tuple[str, ...]] = {
    Goal: ("id", "parent", "level"),
    Indicator: ("id", "title"),
}
# Free text, always double-quoted as the shipped files write it.
PROSE_KEYS = frozenset({"title", "description", "note", "vision", "source", "motivation"})
FLOW_WIDTH = 100  # a small map or list stays on its line up to this width
INDENT = 2

_PLAIN = re.compile(r"[\w][\w .\-/()+]*")
_RESOLVER = Resolver()
# What YAML lets stand in a double-quoted scalar; everything else is escaped.
_PRINTABLE = re.compile(r"[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}

Scalar = str | int | float | bool | None


def number_text(value: float, point: bool = False) -> str:
    """75 for 75.0 (75.0 with `point`, beside decimals), 7.5 for 7.5 and for
    7.500000000000001 (noise past 15 digits is dropped): a form YAML reads as a number."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value)}.0" if point else str(int(value))
    text = format(value, ".15g")
    if "e" in text:
        mantissa, exponent = text.split("e")
        # YAML 1.1 reads 1e+16 as text: its floats need a dot.
        text = f"{mantissa if '.' in mantissa else mantissa + '.0'}e{exponent}"
    return text


def quoted(text: str) -> str:
    """A double-quoted YAML scalar of any text."""
    parts = []
    for character in text:
        if character in _ESCAPES:
            parts.append(_ESCAPES[character])
        elif _PRINTABLE.fullmatch(character):
            parts.append(character)
        elif ord(character) <= 0xFFFF:
            parts.append(f"\\u{ord(character):04x}")
        else:
            parts.append(f"\\U{ord(character):08x}")
    return '"' + "".join(parts) + '"'


def _plain_is_text(text: str) -> bool:
    """The text reads back as this same text when written plain, in block and flow style."""
    if not _PLAIN.fullmatch(text) or text.endswith(" ") or "  " in text:
        return False
    tag = _RESOLVER.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag == "tag:yaml.org,2002:str")


def scalar_text(value: Scalar, prose: bool = False, point: bool = False) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value, point)
    return quoted(value) if prose or not _plain_is_text(value) else value


def _items(value: object) -> list[tuple[object, object]] | None:
    """The key-value pairs of a model (the fields it set, house order first) or a dict."""
    if isinstance(value, BaseModel):
        order = HOUSE_ORDER.get(type(value), ())
        names = [*order, *(name for name in type(value).model_fields if name not in order)]
        return [(name, getattr(value, name)) for name in names if name in value.model_fields_set]
    if isinstance(value, Mapping):
        return list(value.items())
    return None


def _is_scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _is_sequence(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str)


def flow_text(value: object, key: object = None, point: bool = False) -> str:
    """A value in flow style: `{kind: group, group: G176552}`, `[Målområde, Mål]`, `7.5`."""
    items = _items(value)
    if items is not None:
        point = _has_decimals(v for _, v in items)
        return "{" + ", ".join(f"{_key_text(k)}: {flow_text(v, k, point)}" for k, v in items) + "}"
    if _is_sequence(value):
        assert isinstance(value, Sequence)
        point = _has_decimals(value)
        return "[" + ", ".join(flow_text(item, key, point) for item in value) + "]"
    assert _is_scalar(value), f"cannot write {type(value).__name__} as YAML"
    return scalar_text(value, prose=key in PROSE_KEYS, point=point)  # type: ignore[arg-type]


def _has_decimals(values: Iterable[object]) -> bool:
    """Whole numbers beside decimals are written 7.0, as in `{2024: 7.5, 2025: 7.0}`."""
    return any(isinstance(v, float) and math.isfinite(v) and not v.is_integer() for v in values)


def _key_text(key: object) -> str:
    return scalar_text(key)  # type: ignore[arg-type]


def _small(value: object) -> bool:
    """A map or list whose values are scalars or lists of scalars: written in flow style."""
    items = _items(value)
    if items is not None:
        values = [v for _, v in items]
    elif _is_sequence(value):
        assert isinstance(value, Sequence)
        values = list(value)
    else:
        return True
    return all(_is_scalar(v) or _is_scalar_list(v) for v in values)


def _is_scalar_list(value: object) -> bool:
    return isinstance(value, list | tuple) and all(_is_scalar(item) for item in value)


class _Writer:
    def __init__(self, comments: GoalFileComments) -> None:
        self.comments = comments
        self.lines: list[tuple[str, str | None]] = []  # text, end-of-line comment

    def above(self, path: DocumentPath, indent: int, first_in_parent: bool) -> None:
        texts = self.comments.above.get(path)
        if texts:
            if not first_in_parent:
                self.lines.append(("", None))
            for text in texts:
                self.lines.append((" " * indent + ("# " + text if text else "#"), None))

    def line(self, text: str, path: DocumentPath) -> None:
        self.lines.append((text, self.comments.trailing.get(path)))

    def flow_line(self, text: str, path: DocumentPath) -> None:
        """A line that holds a whole value: it carries the comments of the keys inside too."""
        inside = [
            comment
            for at, comment in self.comments.trailing.items()
            if len(at) > len(path) and at[: len(path)] == path
        ]
        own = self.comments.trailing.get(path)
        texts = [text for text in (own, *inside) if text]
        self.lines.append((text, " ".join(texts) if texts or own is not None else None))

    def fits(self, indent: int, head: str, value: object) -> bool:
        return _small(value) and indent + len(head) + len(flow_text(value)) <= FLOW_WIDTH

    def mapping(self, items: list[tuple[object, object]], indent: int, path: DocumentPath) -> None:
        for position, (key, value) in enumerate(items):
            here = (*path, key)
            self.above(here, indent, position == 0)
            self.entry(f"{' ' * indent}{_key_text(key)}:", key, value, indent, here)

    def entry(self, head: str, key: object, value: object, indent: int, path: DocumentPath) -> None:
        """`head` (`  key:` or `  - key:`) followed by the value, on its line or below."""
        items = _items(value)
        is_collection = items is not None or _is_sequence(value)
        empty = is_collection and not (items if items is not None else value)
        if not is_collection or empty or self.fits(indent, head + " ", value):
            self.flow_line(f"{head} {flow_text(value, key)}", path)
        elif items is not None:
            self.line(head, path)
            self.mapping(items, indent + INDENT, path)
        else:
            self.line(head, path)
            assert isinstance(value, Sequence)
            self.sequence(value, indent + INDENT, path, key)

    def sequence(
        self, values: Sequence[object], indent: int, path: DocumentPath, key: object
    ) -> None:
        for position, item in enumerate(values):
            here = (*path, position)
            self.above(here, indent, position == 0)
            dash = " " * indent + "- "
            items = _items(item)
            if items:
                # The item's first key goes on the dash line; the rest line up under it.
                start = len(self.lines)
                self.mapping(items, indent + INDENT, here)
                first_text, first_comment = self.lines[start]
                item_comment = self.comments.trailing.get(here)
                self.lines[start] = (dash + first_text.lstrip(), item_comment or first_comment)
            elif _is_sequence(item) and not self.fits(indent, dash, item):
                self.line(dash.rstrip(), here)
                assert isinstance(item, Sequence)
                self.sequence(item, indent + INDENT, here, key)
            else:
                self.line(dash + flow_text(item, key), here)

    def text(self) -> str:
        commented = [len(text) for text, comment in self.lines if comment is not None]
        column = max(commented, default=0) + 2
        out = []
        for text, comment in self.lines:
            if comment is None:
                out.append(text)
            else:
                out.append(text.ljust(column) + ("# " + comment if comment else "#"))
        return "\n".join(out) + "\n"


def goal_file_yaml(definition: GoalFile, comments: GoalFileComments | None = None) -> str:
    """The YAML text of a goal file, with its comments."""
    writer = _Writer(comments or GoalFileComments())
    writer.lines.append((SCHEMA_LINE, None))
    for text in writer.comments.header:
        writer.lines.append(("# " + text if text else "#", None))
    items = _items(definition)
    assert items is not None
    writer.mapping(items, 0, ())
    return writer.text()
