"""The nightly schedule: a Prefect deployment served by this process.

Start a Prefect server (`prefect server start`), point PREFECT_API_URL at it, then run
`kolada-goals serve`. The deployment runs the nightly flow at 03:00 Stockholm time.
"""

from __future__ import annotations

from prefect.schedules import Cron

from flows.nightly import nightly

DEPLOYMENT_NAME = "kolada-goals-nightly"
NIGHTLY_CRON = "0 3 * * *"
TIMEZONE = "Europe/Stockholm"


def serve_nightly(cron: str = NIGHTLY_CRON) -> None:
    nightly.serve(
        name=DEPLOYMENT_NAME,
        schedules=[Cron(cron, timezone=TIMEZONE)],
        description="Refresh Kolada data, rebuild statuses, publish the database.",
        tags=["kolada-goals"],
    )
