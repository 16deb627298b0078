"""The nightly Prefect flow end to end against the fake Kolada on loopback: a full run, an
incremental run with a revision, a failed fetch and a killed run."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest
from prefect.testing.utilities import prefect_test_harness

from flows.nightly import nightly
from kolada_goals.client import ClientSettings
from kolada_goals.fake import Fault, FaultPlan, create_app, serve_in_thread, synthetic_dataset
from kolada_goals.fake.dataset import FakeDataset
from kolada_goals.settings import RunOptions
from kolada_goals.values import IngestFailedError

pytestmark = pytest.mark.slow
YEARS = (2019, 2020, 2021)


@pytest.fixture(scope="module", autouse=True)
def prefect_server() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=120):
        yield


def options_for(tmp_path: Path, base_url: str, dataset: FakeDataset) -> RunOptions:
    return RunOptions(
        work_database=tmp_path / "work" / "kolada.duckdb",
        published_database=tmp_path / "kolada.duckdb",
        client=ClientSettings(base_url=base_url, requests_per_second=None, max_attempts=2,
                              backoff_initial_seconds=0.01, backoff_max_seconds=0.02),
        kpi_ids=tuple(k["id"] for k in dataset.kpis[:4]),
        years=YEARS,
    )  # fmt: skip


def published(options: RunOptions, query: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(options.published_database), read_only=True) as con:
        return con.execute(query).fetchall()


def test_full_then_incremental_run_publish_and_report_revisions(tmp_path: Path) -> None:
    dataset = synthetic_dataset()
    with serve_in_thread(create_app(dataset)) as base_url:
        options = options_for(tmp_path, base_url, dataset)
        first = asyncio.run(nightly(options))
        values_after_first = published(options, "select count(*) from core_kpi_value")[0][0]
        kpi = options.kpi_ids[0]
        dataset.set_value(kpi, "2401", 2020, "T", 1234.5, changed_on=date.today())
        second = asyncio.run(nightly(options))
    assert first["run_id"] != second["run_id"]
    genders = sum(len(dataset.values.genders(kpi)) for kpi in options.kpi_ids)
    assert values_after_first == genders * len(dataset.municipalities) * len(YEARS)
    runs = published(
        options,
        "select mode, status, revised_values, failed_requests from meta_run order by started_at",
    )
    assert runs == [("full", "succeeded", 0, 0), ("incremental", "succeeded", 1, 0)]
    assert published(
        options,
        f"select value from core_kpi_value where kpi_id = '{kpi}' and municipality_id = '2401' "
        "and period = 2020 and gender = 'T'",
    ) == [(1234.5,)]


def test_a_failed_fetch_fails_the_run_and_keeps_the_published_database(tmp_path: Path) -> None:
    dataset = synthetic_dataset()
    with serve_in_thread(create_app(dataset)) as base_url:
        options = options_for(tmp_path, base_url, dataset)
        asyncio.run(nightly(options))
    before = published(options, "select * from core_kpi_value order by all")
    faults = FaultPlan([Fault("server_error", path_contains="/data/", times=None)])
    with serve_in_thread(create_app(dataset, faults)) as base_url:
        failing = replace(options, client=replace(options.client, base_url=base_url),
                          force_full=True)  # fmt: skip
        with pytest.raises(IngestFailedError):
            asyncio.run(nightly(failing))
    assert published(options, "select * from core_kpi_value order by all") == before
    work = duckdb.connect(str(options.work_database), read_only=True)
    status, error = work.execute(
        "select status, error from meta_run order by started_at desc limit 1"
    ).fetchone()
    assert status == "failed" and "IngestFailedError" in error
    assert work.execute("select count(*) from meta_failed_request").fetchone()[0] > 0


def test_a_killed_run_leaves_the_published_database_and_the_next_run_completes(
    tmp_path: Path,
) -> None:
    dataset = synthetic_dataset()
    with serve_in_thread(create_app(dataset)) as base_url:
        options = options_for(tmp_path, base_url, dataset)
        asyncio.run(nightly(options))
    before = published(options, "select * from core_kpi_value order by all")
    slow = FaultPlan([Fault("slow", path_contains="/data/", seconds=60, times=None)])
    command = [
        sys.executable, "-m", "kolada_goals.cli", "run",
        "--database", str(options.published_database),
        "--work-database", str(options.work_database),
        "--years", "2019-2021", "--rate", "0", "--full",
        *[arg for kpi in options.kpi_ids for arg in ("--kpi", kpi)],
    ]  # fmt: skip
    with serve_in_thread(create_app(dataset, slow)) as base_url:
        process = subprocess.Popen(
            [*command, "--base-url", base_url],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
        assert process.stdout is not None
        deadline = time.monotonic() + 120
        for line in process.stdout:  # kill it once it is fetching values
            if b"requests planned" in line or time.monotonic() > deadline:
                break
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert published(options, "select * from core_kpi_value order by all") == before
    with serve_in_thread(create_app(dataset)) as base_url:
        asyncio.run(nightly(replace(options, client=replace(options.client, base_url=base_url))))
    statuses = published(options, "select status from meta_run order by started_at")
    assert statuses == [("succeeded",), ("abandoned",), ("succeeded",)]
