"""Offline runs: the nightly job against the fake Kolada serving SYNTHETIC data."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from kolada_goals.fake.app import create_app
from kolada_goals.fake.server import serve_in_thread
from kolada_goals.fake.synthetic import synthetic_dataset
from kolada_goals.settings import RunOptions

log = logging.getLogger(__name__)


@contextmanager
def offline_run_options(
    options: RunOptions, kommun_ids: tuple[str, ...] = ()
) -> Iterator[RunOptions]:
    """Serve a synthetic Kolada on loopback; yields `options` pointed at it. The synthetic
    catalogue includes every KPI and kommun the options name; with no KPIs named, every
    synthetic KPI is fetched."""
    dataset = synthetic_dataset(extra_kpi_ids=options.kpi_ids, extra_kommun_ids=kommun_ids)
    kpi_ids = options.kpi_ids or tuple(kpi["id"] for kpi in dataset.kpis)
    with serve_in_thread(create_app(dataset)) as base_url:
        log.warning("offline: fake Kolada with SYNTHETIC data at %s", base_url)
        yield replace(
            options,
            kpi_ids=kpi_ids,
            client=replace(options.client, base_url=base_url, requests_per_second=None),
        )
