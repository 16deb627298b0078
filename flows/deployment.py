"""The nightly schedule: a Prefect deployment served by this process.

Start a Prefect server (`prefect server start`), point PREFECT_API_URL at it, then run
`kolada-goals serve`. The deployment runs the nightly flow at 03:00 Stockholm time;
deploy/notify-on-failure.yaml makes a failed run reach a person.
"""

from __future__ import annotations

from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from flows.nightly import nightly

DEPLOYMENT_NAME = "kolada-goals-nightly"
NIGHTLY_CRON = "0 3 * * *"
TIMEZONE = "Europe/Stockholm"


def nightly_deployment(cron: str = NIGHTLY_CRON) -> RunnerDeployment:
    deployment = nightly.to_deployment(
        name=DEPLOYMENT_NAME,
        schedules=[Cron(cron, timezone=TIMEZONE)],
        description="Refresh Kolada data, rebuild statuses, publish the database.",
        tags=["kolada-goals"],
    )
    # Called outside an event loop, Prefect's dual sync/async method answers synchronously.
    assert isinstance(deployment, RunnerDeployment)
    return deployment


def serve_nightly(cron: str = NIGHTLY_CRON) -> None:
    serve(nightly_deployment(cron))
