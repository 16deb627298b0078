"""The schedule and the failure notification are what the README promises."""

from pathlib import Path

import pytest
import yaml
from prefect.events.schemas.automations import AutomationCore
from prefect.utilities.callables import parameter_schema

from flows.deployment import nightly_deployment
from flows.nightly import nightly
from kolada_goals.extract.client import ClientSettings
from kolada_goals.lake import LakeSettings
from kolada_goals.settings import RunOptions

ROOT = Path(__file__).resolve().parents[2]


def test_the_deployment_runs_nightly_at_three_stockholm_time() -> None:
    deployment = nightly_deployment(RunOptions())
    [schedule] = deployment.schedules
    assert schedule.schedule.cron == "0 3 * * *"  # type: ignore[union-attr]
    assert schedule.schedule.timezone == "Europe/Stockholm"  # type: ignore[union-attr]
    assert deployment.name == "kolada-goals-nightly"
    assert deployment.entrypoint == "flows.nightly.nightly"


def test_the_deployment_carries_every_parameter_with_paths_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    options = RunOptions(
        published_database=Path("pub.duckdb"),
        work_database=Path("work") / "w.duckdb",
        goals_directory=Path("goals"),
        kpi_ids=("N00945",),
        kpi_group_ids=("GKPI118",),
        years=(2019, 2020, 2021),
        force_full=True,
        accept_drops=True,
        allow_shrink=True,
        client=ClientSettings(base_url="http://127.0.0.1:9/v3", requests_per_second=2.0),
        lake=LakeSettings("postgres:dbname=kolada host=127.0.0.1", "s3://kolada/lake/"),
    )
    deployment = nightly_deployment(options, cron="* * * * *")
    parameters = deployment.parameters
    assert parameters["published_database"] == str(tmp_path / "pub.duckdb")
    assert parameters["work_database"] == str(tmp_path / "work" / "w.duckdb")
    assert parameters["goals_directory"] == str(tmp_path / "goals")
    assert str(tmp_path / "pub.duckdb") in (deployment.description or "")
    assert parameters | {"published_database": "", "work_database": "", "goals_directory": ""} == {
        "published_database": "", "work_database": "", "goals_directory": "",
        "base_url": "http://127.0.0.1:9/v3", "years": "2019-2021", "kpi_ids": ["N00945"],
        "kpi_group_ids": ["GKPI118"], "full": True, "accept_drops": True,
        "allow_shrink": True, "rate": 2.0, "concurrency": 4, "attempts": 6,
        "lake": "postgres:dbname=kolada host=127.0.0.1", "lake_data": "s3://kolada/lake/",
    }  # fmt: skip
    assert RunOptions.from_parameters(**parameters).lake == options.lake
    # Every parameter of the deployment is one the flow takes, and vice versa.
    assert set(parameters) == set(parameter_schema(nightly).properties)


def test_the_failure_automation_is_valid_and_watches_the_nightly_flow() -> None:
    text = (ROOT / "deploy" / "notify-on-failure.yaml").read_text(encoding="utf-8")
    automation = AutomationCore.model_validate(yaml.safe_load(text))
    trigger = automation.trigger
    assert trigger.expect == {"prefect.flow-run.Failed", "prefect.flow-run.Crashed"}  # type: ignore[union-attr]
    related = trigger.match_related  # type: ignore[union-attr]
    assert related.root["prefect.resource.name"] == nightly.name  # type: ignore[union-attr]
    assert [action.type for action in automation.actions] == ["send-notification"]
