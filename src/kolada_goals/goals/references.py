"""The Kolada ids goal files name, read loosely (before any catalogue exists): what an offline
run must put in its synthetic catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kolada_goals.goals.source import (
    GoalFileRefused,
    decode_utf8,
    load_yaml_with_lines,
    read_bounded_bytes,
)
from kolada_goals.ids import is_kpi_id, is_municipality_group_id, is_municipality_id, is_ou_id


@dataclass
class NamedIds:
    kpi_ids: set[str] = field(default_factory=set)
    kommun_ids: set[str] = field(default_factory=set)
    group_ids: set[str] = field(default_factory=set)
    similar_areas: set[tuple[str, str]] = field(default_factory=set)  # (kommun id, area)
    units: set[tuple[str, str]] = field(default_factory=set)  # (kommun id, ou id)


def _walk(node: Any, found: NamedIds, kommun: str | None) -> None:
    if isinstance(node, dict):
        area = node.get("area")
        if kommun and node.get("kind") == "similar" and isinstance(area, str):
            found.similar_areas.add((kommun, area))
        for key, value in node.items():
            if key == "ou" and kommun and isinstance(value, str) and is_ou_id(value):
                found.units.add((kommun, value))
            elif key == "kpi" and isinstance(value, str) and is_kpi_id(value):
                found.kpi_ids.add(value)
            elif key == "kommun" and isinstance(value, str) and is_municipality_id(value):
                found.kommun_ids.add(value)
            elif key == "kommuner" and isinstance(value, list):
                found.kommun_ids.update(
                    v for v in value if isinstance(v, str) and is_municipality_id(v)
                )
            elif key == "group" and isinstance(value, str) and is_municipality_group_id(value):
                found.group_ids.add(value)
            else:
                _walk(value, found, kommun)
    elif isinstance(node, list):
        for item in node:
            _walk(item, found, kommun)


def ids_named_in(directory: Path) -> NamedIds:
    """Ids named in every readable *.yaml of `directory`; unreadable files are skipped here
    (validation reports them)."""
    found = NamedIds()
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        try:
            document, _ = load_yaml_with_lines(decode_utf8(read_bounded_bytes(path)))
        except (OSError, yaml.YAMLError, GoalFileRefused):
            continue
        kommun = document.get("kommun") if isinstance(document, dict) else None
        _walk(document, found, kommun if isinstance(kommun, str) else None)
    return found
