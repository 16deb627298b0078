"""What one run is asked to do; built by the CLI or a deployment, read by the flow.

A run is described twice over: as `RunOptions` (typed, used by the code) and as the flat
parameters a person sets in Prefect's UI or with `prefect deployment run --param`. The
conversion both ways lives here, so the two can never drift apart.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kolada_goals.errors import KoladaGoalsError
from kolada_goals.extract.client import DEFAULT_BASE_URL, ClientSettings
from kolada_goals.extract.incremental import DEFAULT_FULL_EVERY_DAYS
from kolada_goals.lake import LakeSettings
from kolada_goals.load.pipeline import default_years
from kolada_goals.load.publish import DEFAULT_PUBLISHED_DATABASE, DEFAULT_WORK_DATABASE

BASE_URL_ENVIRONMENT_VARIABLE = "KOLADA_BASE_URL"
DEFAULT_GOALS_DIRECTORY = Path("data") / "goals"
PATH_PARAMETERS = ("published_database", "work_database", "goals_directory")


class ParameterError(KoladaGoalsError):
    """A run parameter that cannot be used as given."""


def base_url_from_environment() -> str:
    return os.environ.get(BASE_URL_ENVIRONMENT_VARIABLE) or DEFAULT_BASE_URL


def parse_years(text: str) -> tuple[int, ...]:
    """'2015-2025' or '2019,2021,2023'; raises ValueError with the way to write it."""
    try:
        if "-" in text:
            first, last = (int(part) for part in text.split("-", 1))
            if first > last:
                raise ValueError
            return tuple(range(first, last + 1))
        years = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise ValueError(f"{text!r}: use FIRST-LAST or a comma list of years") from None
    if not years:
        raise ValueError(f"{text!r}: use FIRST-LAST or a comma list of years")
    return years


def format_years(years: Sequence[int]) -> str:
    """The shortest text parse_years reads back as `years`."""
    ordered = sorted(set(years))
    if ordered and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}-{ordered[-1]}"
    return ",".join(map(str, ordered))


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
    allow_shrink: bool = False
    raw_retention_days: int = 35  # raw landing rows older than this are removed; 0 keeps all
    lake: LakeSettings | None = None  # None: the embedded DuckDB files

    def resolved(self) -> RunOptions:
        """The same options with every path absolute (against the current directory)."""
        return replace(
            self,
            **{name: getattr(self, name).expanduser().resolve() for name in PATH_PARAMETERS},
        )

    def to_parameters(self) -> dict[str, Any]:
        """The flow parameters that describe these options (paths must be absolute)."""
        return {
            "published_database": str(self.published_database),
            "work_database": str(self.work_database),
            "goals_directory": str(self.goals_directory),
            "base_url": self.client.base_url,
            "years": format_years(self.years),
            "kpi_ids": list(self.kpi_ids),
            "kpi_group_ids": list(self.kpi_group_ids),
            "full": self.force_full,
            "accept_drops": self.accept_drops,
            "allow_shrink": self.allow_shrink,
            "rate": self.client.requests_per_second or 0.0,
            "concurrency": self.client.max_concurrency,
            "attempts": self.client.max_attempts,
            "lake": self.lake.catalog if self.lake else "",
            "lake_data": (self.lake.data_path or "") if self.lake else "",
        }

    @classmethod
    def from_parameters(
        cls,
        *,
        published_database: str | Path,
        work_database: str | Path,
        goals_directory: str | Path,
        base_url: str = DEFAULT_BASE_URL,
        years: str = "",
        kpi_ids: Sequence[str] = (),
        kpi_group_ids: Sequence[str] = (),
        full: bool = False,
        accept_drops: bool = False,
        allow_shrink: bool = False,
        rate: float = 5.0,
        concurrency: int = 4,
        attempts: int = 6,
        lake: str = "",
        lake_data: str = "",
    ) -> RunOptions:
        """Options from flow parameters; raises ParameterError naming the parameter at fault.
        Paths must be absolute: a run started by a deployment must not depend on the
        directory its process happens to start in."""
        paths: dict[str, Path] = {}
        for name, value in zip(
            PATH_PARAMETERS, (published_database, work_database, goals_directory), strict=True
        ):
            path = Path(value).expanduser()
            if not path.is_absolute():
                raise ParameterError(
                    f"{name}: {str(value)!r} is a relative path; give an absolute path "
                    "(a deployment's run must not depend on the directory it starts in)"
                )
            paths[name] = path
        if rate < 0 or concurrency < 1 or attempts < 1:
            raise ParameterError(
                f"rate must be >= 0 (0: no limit), concurrency and attempts >= 1; got rate "
                f"{rate}, concurrency {concurrency}, attempts {attempts}"
            )
        try:
            parsed_years = parse_years(years) if years.strip() else tuple(default_years())
        except ValueError as error:
            raise ParameterError(f"years: {error}") from None
        client = ClientSettings(
            base_url=base_url,
            requests_per_second=rate or None,
            max_concurrency=concurrency,
            max_attempts=attempts,
        )
        return cls(
            published_database=paths["published_database"],
            work_database=paths["work_database"],
            goals_directory=paths["goals_directory"],
            client=client,
            years=parsed_years,
            kpi_ids=tuple(kpi_ids),
            kpi_group_ids=tuple(kpi_group_ids),
            force_full=full,
            accept_drops=accept_drops,
            allow_shrink=allow_shrink,
            lake=LakeSettings(lake, lake_data or None) if lake else None,
        )
