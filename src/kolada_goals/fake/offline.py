"""Offline runs: the nightly job against the fake Kolada serving SYNTHETIC data."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from kolada_goals.fake.app import create_app
from kolada_goals.fake.dataset import FakeDataset
from kolada_goals.fake.server import serve_in_thread
from kolada_goals.fake.synthetic import synthetic_dataset
from kolada_goals.goals.references import ids_named_in
from kolada_goals.settings import RunOptions

log = logging.getLogger(__name__)


def offline_dataset(goals_directory: Path, extra_kpi_ids: Sequence[str] = ()) -> FakeDataset:
    """The one synthetic Kolada, served by `run --offline`, `demo` and `fake-api
    --synthetic` alike: the invented catalogue plus every KPI, kommun and group the goal
    files in `goals_directory` (and `extra_kpi_ids`) name."""
    named = ids_named_in(goals_directory)
    return synthetic_dataset(
        extra_kpi_ids=sorted({*extra_kpi_ids, *named.kpi_ids}),
        extra_kommun_ids=sorted(named.kommun_ids),
        extra_group_ids=sorted(named.group_ids),
        extra_similar_areas=sorted(named.similar_areas),
        extra_units=sorted(named.units),
    )


@contextmanager
def offline_run_options(options: RunOptions) -> Iterator[RunOptions]:
    """Serve the synthetic Kolada on loopback; yields `options` pointed at it. With no KPIs
    named in the options, every synthetic KPI is fetched."""
    dataset = offline_dataset(options.goals_directory, options.kpi_ids)
    kpi_ids = options.kpi_ids or tuple(kpi["id"] for kpi in dataset.kpis)
    with serve_in_thread(create_app(dataset)) as base_url:
        log.warning("offline: fake Kolada with SYNTHETIC data at %s", base_url)
        yield replace(
            options,
            kpi_ids=kpi_ids,
            client=replace(options.client, base_url=base_url, requests_per_second=None),
        )
