"""What one run is asked to do; built by the CLI or a deployment, read by the flow."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kolada_goals.client import DEFAULT_BASE_URL, ClientSettings
from kolada_goals.pipeline import default_years
from kolada_goals.warehouse import DEFAULT_DATABASE

BASE_URL_ENVIRONMENT_VARIABLE = "KOLADA_BASE_URL"


def base_url_from_environment() -> str:
    return os.environ.get(BASE_URL_ENVIRONMENT_VARIABLE) or DEFAULT_BASE_URL


@dataclass(frozen=True)
class RunOptions:
    database: Path = DEFAULT_DATABASE
    client: ClientSettings = field(default_factory=ClientSettings)
    kpi_ids: tuple[str, ...] = ()
    kpi_group_ids: tuple[str, ...] = ()
    years: tuple[int, ...] = tuple(default_years())
    municipality_ids: tuple[str, ...] = ()  # empty: every municipality Kolada lists
