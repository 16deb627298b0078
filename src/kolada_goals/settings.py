"""What one run is asked to do; built by the CLI or a deployment, read by the flow."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kolada_goals.client import DEFAULT_BASE_URL, ClientSettings
from kolada_goals.incremental import DEFAULT_FULL_EVERY_DAYS
from kolada_goals.pipeline import default_years
from kolada_goals.publish import DEFAULT_PUBLISHED_DATABASE, DEFAULT_WORK_DATABASE

BASE_URL_ENVIRONMENT_VARIABLE = "KOLADA_BASE_URL"
DEFAULT_GOALS_DIRECTORY = Path("data") / "goals"


def base_url_from_environment() -> str:
    return os.environ.get(BASE_URL_ENVIRONMENT_VARIABLE) or DEFAULT_BASE_URL


@dataclass(frozen=True)
class RunOptions:
    work_database: Path = DEFAULT_WORK_DATABASE
    published_database: Path = DEFAULT_PUBLISHED_DATABASE
    client: ClientSettings = field(default_factory=ClientSettings)
    goals_directory: Path = DEFAULT_GOALS_DIRECTORY
    kpi_ids: tuple[str, ...] = ()
    kpi_group_ids: tuple[str, ...] = ()
    years: tuple[int, ...] = tuple(default_years())
    municipality_ids: tuple[str, ...] = ()  # empty: every municipality Kolada lists
    full_every_days: int = DEFAULT_FULL_EVERY_DAYS
    force_full: bool = False
    accept_drops: bool = False
    raw_retention_days: int = 35  # raw landing rows older than this are removed; 0 keeps all

    @classmethod
    def from_environment(cls) -> RunOptions:
        """Defaults, with the base URL from KOLADA_BASE_URL when it is set."""
        return cls(client=ClientSettings(base_url=base_url_from_environment()))
