"""Run options and flow parameters describe the same run, both ways."""

from pathlib import Path

import pytest

from kolada_goals.extract.client import ClientSettings
from kolada_goals.settings import ParameterError, RunOptions, format_years, parse_years


def test_parameters_round_trip_to_the_same_options(tmp_path: Path) -> None:
    options = RunOptions(
        published_database=tmp_path / "p.duckdb",
        work_database=tmp_path / "w.duckdb",
        goals_directory=tmp_path / "goals",
        client=ClientSettings(base_url="http://127.0.0.1:1/v3", requests_per_second=None,
                              max_concurrency=2, max_attempts=3),
        kpi_ids=("N00945", "U00405"),
        kpi_group_ids=("GKPI118",),
        years=(2015, 2017, 2019),
        force_full=True,
        allow_shrink=True,
    )  # fmt: skip
    assert RunOptions.from_parameters(**options.to_parameters()) == options


@pytest.mark.parametrize("name", ["published_database", "work_database", "goals_directory"])
def test_a_relative_path_parameter_is_refused_by_name(tmp_path: Path, name: str) -> None:
    parameters = RunOptions().resolved().to_parameters() | {name: "data/somewhere"}
    with pytest.raises(ParameterError, match=f"{name}: 'data/somewhere' is a relative path"):
        RunOptions.from_parameters(**parameters)


def test_empty_years_mean_the_last_25_and_bad_years_name_the_parameter() -> None:
    parameters = RunOptions().resolved().to_parameters()
    assert len(RunOptions.from_parameters(**(parameters | {"years": ""})).years) == 25
    with pytest.raises(ParameterError, match="years: '2025-2020'"):
        RunOptions.from_parameters(**(parameters | {"years": "2025-2020"}))


@pytest.mark.parametrize(
    ("text", "years"),
    [("2019-2021", (2019, 2020, 2021)), ("2021,2019", (2019, 2021)), ("2020", (2020,))],
)
def test_years_parse_and_format_back(text: str, years: tuple[int, ...]) -> None:
    assert parse_years(text) == years
    assert parse_years(format_years(years)) == years


@pytest.mark.parametrize("text", ["", "x", "2020-", "2021-2019", ","])
def test_unreadable_years_say_how_to_write_them(text: str) -> None:
    with pytest.raises(ValueError, match="FIRST-LAST"):
        parse_years(text)
