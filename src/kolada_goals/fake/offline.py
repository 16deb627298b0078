"""Offline runs: the nightly job against the fake Kolada serving SYNTHETIC data."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from kolada_goals.fake.app import create_app
from kolada_goals.fake.server import serve_in_thread
from kolada_goals.fake.synthetic import synthetic_dataset
from kolada_goals.goals.references import ids_named_in
from kolada_goals.settings import RunOptions

log = logging.getLogger(__name__)


@contextmanager
def offline_run_options(options: RunOptions) -> Iterator[RunOptions]:
    """Serve a synthetic Kolada on loopback; yields `options` pointed at it. The synthetic
    catalogue includes every KPI, kommun and group the options and the goal definitions name;
    with no KPIs named in the options, every synthetic KPI is fetched."""
    named = ids_named_in(options.goals_directory)
    dataset = synthetic_dataset(
        extra_kpi_ids=sorted({*options.kpi_ids, *named.kpi_ids}),
        extra_kommun_ids=sorted(named.kommun_ids),
        extra_group_ids=sorted(named.group_ids),
    )
    kpi_ids = options.kpi_ids or tuple(kpi["id"] for kpi in dataset.kpis)
    with serve_in_thread(create_app(dataset)) as base_url:
        log.warning("offline: fake Kolada with SYNTHETIC data at %s", base_url)
        yield replace(
            options,
            kpi_ids=kpi_ids,
            client=replace(options.client, base_url=base_url, requests_per_second=None),
        )
