"""The schedule and the failure notification are what the README promises."""

from pathlib import Path

import yaml
from prefect.events.schemas.automations import AutomationCore

from flows.deployment import nightly_deployment
from flows.nightly import nightly

ROOT = Path(__file__).resolve().parents[1]


def test_the_deployment_runs_nightly_at_three_stockholm_time() -> None:
    deployment = nightly_deployment()
    [schedule] = deployment.schedules
    assert schedule.schedule.cron == "0 3 * * *"  # type: ignore[union-attr]
    assert schedule.schedule.timezone == "Europe/Stockholm"  # type: ignore[union-attr]
    assert deployment.name == "kolada-goals-nightly"


def test_the_failure_automation_is_valid_and_watches_the_nightly_flow() -> None:
    text = (ROOT / "deploy" / "notify-on-failure.yaml").read_text(encoding="utf-8")
    automation = AutomationCore.model_validate(yaml.safe_load(text))
    trigger = automation.trigger
    assert trigger.expect == {"prefect.flow-run.Failed", "prefect.flow-run.Crashed"}  # type: ignore[union-attr]
    related = trigger.match_related  # type: ignore[union-attr]
    assert related.root["prefect.resource.name"] == nightly.name  # type: ignore[union-attr]
    assert [action.type for action in automation.actions] == ["send-notification"]
