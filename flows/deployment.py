"""The nightly schedule: a Prefect deployment served by this process.

Start a Prefect server (`prefect server start`), point PREFECT_API_URL at it, then run
`kolada-goals serve`. The deployment runs the nightly flow at 03:00 Stockholm time with the
parameters given to `serve`, every path made absolute when the deployment is built (shown
in the UI, changeable per run there or with `prefect deployment run --param`);
deploy/notify-on-failure.yaml makes a failed run reach a person.
"""

from __future__ import annotations

from contextlib import suppress

from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType

from flows.nightly import nightly
from kolada_goals.settings import RunOptions

DEPLOYMENT_NAME = "kolada-goals-nightly"
NIGHTLY_CRON = "0 3 * * *"
TIMEZONE = "Europe/Stockholm"


def nightly_deployment(options: RunOptions, cron: str = NIGHTLY_CRON) -> RunnerDeployment:
    resolved = options.resolved()
    deployment = nightly.to_deployment(
        name=DEPLOYMENT_NAME,
        schedules=[Cron(cron, timezone=TIMEZONE)],
        parameters=resolved.to_parameters(),
        description=(
            "Refresh Kolada data, rebuild statuses, publish the database. "
            f"Publishes {resolved.published_database}; goal definitions from "
            f"{resolved.goals_directory}."
        ),
        tags=["kolada-goals"],
        # By module, not by file path: a run finds the flow whatever directory it starts in.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    # Called outside an event loop, Prefect's dual sync/async method answers synchronously.
    assert isinstance(deployment, RunnerDeployment)
    return deployment


def serve_nightly(options: RunOptions, cron: str = NIGHTLY_CRON) -> None:
    serve(nightly_deployment(options, cron))


def deploy_to_pool(options: RunOptions, pool: str, cron: str = NIGHTLY_CRON) -> str:
    """Register the nightly deployment with the process work pool `pool` (created when
    missing): a worker started with `prefect worker start --pool POOL`, on this machine or
    another with kolada-goals installed, runs it. Returns the deployment's id."""
    deployment = nightly_deployment(options, cron)
    _ensure_process_pool(pool)
    return str(deployment.apply(work_pool_name=pool))


def _ensure_process_pool(pool: str) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    with get_client(sync_client=True) as client, suppress(ObjectAlreadyExists):
        client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
