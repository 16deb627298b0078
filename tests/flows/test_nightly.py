"""The nightly Prefect flow end to end against the fake Kolada on loopback: a full run, an
incremental run with a revision, a failed fetch, failing data tests, a failed publish, a
killed run and two runs at once."""

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
from typing import Any

import duckdb
import pytest
from prefect.testing.utilities import prefect_test_harness

from flows.nightly import DataTestsFailedError, nightly
from kolada_goals.extract.client import ClientSettings
from kolada_goals.fake import Fault, FaultPlan, create_app, serve_in_thread, synthetic_dataset
from kolada_goals.fake.dataset import FakeDataset
from kolada_goals.load.ingest import IngestFailedError
from kolada_goals.load.metadata import CatalogueShrankError
from kolada_goals.load.staged_run import RunFiles
from kolada_goals.outputs.snapshot import SnapshotError, take_snapshot
from kolada_goals.settings import RunOptions

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
        goals_directory=tmp_path / "goals",
    )  # fmt: skip


GOALS = """format: 1
kommun: "2401"
name: Kommun 2401 (SYNTETISK)
vision: "En syntetisk vision."
mandate: {first_year: 2019, last_year: 2022}
goals:
  - id: MO1
    title: Målområde
  - id: VM1
    parent: MO1
    title: Verksamhetsmål
    indicators:
      - {id: a, kpi: N90005, direction: higher, targets: {2021: 1}}
      - {id: b, kpi: N90006, direction: lower, forecasts: {2022: 3}}
"""


def run_flow(options: RunOptions) -> dict[str, object]:
    result: dict[str, object] = asyncio.run(nightly(**options.to_parameters()))
    return result


def published(options: RunOptions, query: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(options.published_database), read_only=True) as con:
        return con.execute(query).fetchall()


def work_tables(options: RunOptions) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of the work database but those a failed run writes there:
    its manifest row, its failed requests and the pages it refused (refused_pages)."""
    with duckdb.connect(str(options.work_database), read_only=True) as con:
        names = [
            str(name)
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main' "
                "and table_name not in ('meta_run', 'meta_failed_request') order by 1"
            ).fetchall()
        ]
        assert {"core_kpi", "hist_kpi_value", "raw_page", "raw_request"} <= set(names)
        tables = {
            name: con.execute(f'select * from "{name}" order by all').fetchall() for name in names
        }
        tables["raw_page"] = con.execute(
            "select * from raw_page where error is null order by all"
        ).fetchall()
        return tables


def refused_pages(options: RunOptions) -> list[tuple[object, ...]]:
    with duckdb.connect(str(options.work_database), read_only=True) as con:
        return con.execute(
            "select entity, error, body from raw_page where error is not null order by all"
        ).fetchall()


def work_runs(options: RunOptions) -> list[tuple[object, ...]]:
    with duckdb.connect(str(options.work_database), read_only=True) as con:
        return con.execute("select status, error from meta_run order by started_at").fetchall()


def after_a_good_run(tmp_path: Path) -> tuple[FakeDataset, RunOptions]:
    """A synthetic dataset and the options of a run of it that completed and published (the
    fake it ran against has stopped since)."""
    dataset = synthetic_dataset()
    with serve_in_thread(create_app(dataset)) as base_url:
        options = options_for(tmp_path, base_url, dataset)
        run_flow(options)
    return dataset, options


def test_full_then_incremental_run_publish_and_report_revisions(tmp_path: Path) -> None:
    dataset = synthetic_dataset()
    with serve_in_thread(create_app(dataset)) as base_url:
        options = options_for(tmp_path, base_url, dataset)
        first = run_flow(options)
        values_after_first = published(options, "select count(*) from core_kpi_value")[0][0]
        kpi = options.kpi_ids[0]
        dataset.set_value(kpi, "2401", 2020, "T", 1234.5, changed_on=date.today())
        second = run_flow(options)
    assert first["run_id"] != second["run_id"]
    genders = sum(len(dataset.values.genders(kpi)) for kpi in options.kpi_ids)
    assert values_after_first == genders * len(dataset.municipalities) * len(YEARS)
    runs = published(
        options,
        "select mode, status, revised_values, failed_requests from meta_run order by started_at",
    )
    # The kommun's value, and the means of its two groups the run keeps (its county's
    # kommuner and all kommuner), which changed with it.
    assert runs == [("full", "succeeded", 0, 0), ("incremental", "succeeded", 3, 0)]
    assert published(
        options,
        f"select value from core_kpi_value where kpi_id = '{kpi}' and municipality_id = '2401' "
        "and period = 2020 and gender = 'T'",
    ) == [(1234.5,)]


def test_goal_kpis_are_fetched_and_statuses_published_and_frozen(tmp_path: Path) -> None:
    dataset = synthetic_dataset()
    options = replace(options_for(tmp_path, "", dataset), kpi_ids=())
    options.goals_directory.mkdir()
    (options.goals_directory / "2401-syntetisk.yaml").write_text(GOALS, encoding="utf-8")
    with serve_in_thread(create_app(dataset)) as base_url:
        run_flow(replace(options, client=replace(options.client, base_url=base_url)))
    fetched = published(options, "select distinct kpi_id from core_kpi_value order by 1")
    assert fetched == [("N90005",), ("N90006",)]
    groups = published(
        options, "select count(distinct group_id) from core_municipality_group_value"
    )[0][0]
    assert groups == 22  # the 21 county groups and all kommuner, fetched beside the kommuner
    statuses = published(
        options,
        "select indicator_id, period, mode, status from mart_indicator_status "
        "where kommun_id = '2401' and period >= 2021 order by all",
    )
    assert [row[:3] for row in statuses] == [
        ("a", 2021, "outcome"), ("a", 2022, "forecast"), ("a", 2022, "outcome"),
        ("b", 2021, "outcome"), ("b", 2022, "forecast"), ("b", 2022, "outcome"),
    ]  # fmt: skip
    assert all(status in {"green", "yellow", "red", "grey"} for *_, status in statuses)
    assert published(options, "select count(*) from mart_goal_status")[0][0] == 2 * 2 * 4

    result = take_snapshot(options.work_database, options.published_database, "Delårsrapport 2022")
    assert result.published and result.indicator_rows == 2 * 2 * 4
    assert published(options, "select distinct snapshot_label from snap_goal_status") == [
        ("Delårsrapport 2022",)
    ]
    with pytest.raises(SnapshotError, match="exists"):
        take_snapshot(options.work_database, options.published_database, "Delårsrapport 2022")


def test_a_failed_fetch_fails_the_run_and_keeps_the_published_database(tmp_path: Path) -> None:
    dataset, options = after_a_good_run(tmp_path)
    before = published(options, "select * from core_kpi_value order by all")
    before_work = work_tables(options)
    faults = FaultPlan([Fault("server_error", path_contains="/data/", times=None)])
    with serve_in_thread(create_app(dataset, faults)) as base_url:
        failing = replace(options, client=replace(options.client, base_url=base_url),
                          force_full=True)  # fmt: skip
        with pytest.raises(IngestFailedError):
            run_flow(failing)
    assert published(options, "select * from core_kpi_value order by all") == before
    assert work_tables(options) == before_work
    work = duckdb.connect(str(options.work_database), read_only=True)
    status, error = work.execute(
        "select status, error from meta_run order by started_at desc limit 1"
    ).fetchone()
    assert status == "failed" and "IngestFailedError" in error
    assert work.execute("select count(*) from meta_failed_request").fetchone()[0] > 0
    # the page Kolada refused stays in raw_, with the body it answered
    [(entity, page_error, body)] = refused_pages(options)
    assert entity == "data" and "HTTP 500" in page_error and "server error" in body


def cli_run(options: RunOptions, base_url: str) -> list[str]:
    return [
        sys.executable, "-m", "kolada_goals.cli", "run",
        "--database", str(options.published_database),
        "--work-database", str(options.work_database),
        "--years", "2019-2021", "--rate", "0", "--full", "--base-url", base_url,
        *[arg for kpi in options.kpi_ids for arg in ("--kpi", kpi)],
    ]  # fmt: skip


def start_fetching_run(options: RunOptions, base_url: str) -> subprocess.Popen[bytes]:
    """`kolada-goals run` in a process of its own, returned once it is fetching values."""
    process = subprocess.Popen(
        cli_run(options, base_url),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    for line in process.stdout:
        if b"requests planned" in line or time.monotonic() > deadline:
            break
    return process


def test_a_run_failing_its_data_tests_leaves_the_work_database_and_the_next_run_publishes(
    tmp_path: Path,
) -> None:
    dataset, options = after_a_good_run(tmp_path)
    before = work_tables(options)
    published_before = published(options, "select * from core_kpi_value order by all")
    new_kpi = dataset.kpis[4]["id"]  # loaded for the first time, its rows as they come
    duplicated = FaultPlan([Fault("duplicate_rows", path_contains=new_kpi, copies=10)])
    with serve_in_thread(create_app(dataset, duplicated)) as base_url:
        failing = replace(options, client=replace(options.client, base_url=base_url),
                          kpi_ids=(*options.kpi_ids, new_kpi))  # fmt: skip
        with pytest.raises(DataTestsFailedError, match="core_kpi_value_grain_is_unique"):
            run_flow(failing)
    assert work_tables(options) == before
    assert published(options, "select * from core_kpi_value order by all") == published_before
    status, error = work_runs(options)[-1]
    assert status == "failed" and "DataTestsFailedError" in str(error)
    failed_copy = RunFiles(options.work_database).failed
    with duckdb.connect(str(failed_copy), read_only=True) as con:  # kept for a person to see
        duplicates = con.execute(
            "select count(*) from core_kpi_value group by all having count(*) > 1"
        ).fetchall()
    assert duplicates
    with serve_in_thread(create_app(dataset)) as base_url:
        run_flow(replace(failing, client=replace(options.client, base_url=base_url)))
    statuses = published(options, "select status from meta_run order by started_at")
    assert statuses == [("succeeded",), ("failed",), ("succeeded",)]
    assert (
        published(options, f"select * from core_kpi_value where kpi_id != '{new_kpi}' order by all")
        == published_before
    )
    assert published(options, f"select count(*) from core_kpi_value where kpi_id = '{new_kpi}'")[0][
        0
    ] == len(dataset.values.genders(new_kpi)) * len(dataset.municipalities) * len(YEARS)


def test_a_failed_publish_leaves_the_run_failed_in_the_work_database(tmp_path: Path) -> None:
    dataset = synthetic_dataset()
    with serve_in_thread(create_app(dataset)) as base_url:
        options = options_for(tmp_path, base_url, dataset)
        blocked = replace(options, published_database=tmp_path / "a-folder")
        (blocked.published_database / "in-the-way").mkdir(parents=True)
        with pytest.raises(OSError):  # the first run, and its copy cannot be published
            run_flow(blocked)
        assert [status for status, _ in work_runs(options)] == ["failed"]
        tables = work_tables(options)  # as no run left it: empty, without marts
        assert tables["hist_kpi_value"] == [] and "mart_goal_status" not in tables
        run_flow(options)
    [(status, error), (last_status, _)] = work_runs(options)
    assert status == "failed" and "a-folder" in str(error) and last_status == "succeeded"
    statuses = published(options, "select status from meta_run order by started_at")
    assert statuses == [("failed",), ("succeeded",)]


def test_a_second_run_at_once_is_refused_naming_the_first(tmp_path: Path) -> None:
    dataset = synthetic_dataset()
    options = options_for(tmp_path, "", dataset)
    slow = FaultPlan([Fault("slow", path_contains="/data/", seconds=60, times=None)])
    with serve_in_thread(create_app(dataset, slow)) as base_url:
        first = start_fetching_run(options, base_url)
        try:
            second = subprocess.run(cli_run(options, base_url), capture_output=True, text=True)
            assert first.poll() is None  # the first run goes on undisturbed
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=30)
    assert second.returncode == 1
    assert f"another run holds {options.work_database} (pid {first.pid})" in second.stderr
    assert "Traceback" not in second.stderr + second.stdout


def test_a_killed_run_leaves_the_published_database_and_the_next_run_completes(
    tmp_path: Path,
) -> None:
    dataset, options = after_a_good_run(tmp_path)
    before = published(options, "select * from core_kpi_value order by all")
    before_work = work_tables(options)
    slow = FaultPlan([Fault("slow", path_contains="/data/", seconds=60, times=None)])
    with serve_in_thread(create_app(dataset, slow)) as base_url:
        process = start_fetching_run(options, base_url)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert published(options, "select * from core_kpi_value order by all") == before
    assert work_tables(options) == before_work  # the killed run's metadata refresh is not in it
    with serve_in_thread(create_app(dataset)) as base_url:
        run_flow(replace(options, client=replace(options.client, base_url=base_url)))
    statuses = published(options, "select status from meta_run order by started_at")
    assert statuses == [("succeeded",), ("abandoned",), ("succeeded",)]
    assert not RunFiles(options.work_database).staging.exists()


def counting(app: Any, paths: list[str]) -> Any:
    """The ASGI app, noting the path of every request it is sent."""

    async def wrapper(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            paths.append(scope["path"])
        await app(scope, receive, send)

    return wrapper


def test_a_shrunken_catalogue_ends_the_run_at_once_and_names_the_way_out(
    tmp_path: Path,
) -> None:
    dataset, options = after_a_good_run(tmp_path)
    shrunk = synthetic_dataset(kpis=dataset.kpis[:4])
    paths: list[str] = []
    with serve_in_thread(counting(create_app(shrunk), paths)) as base_url:
        shrinking = replace(options, client=replace(options.client, base_url=base_url))
        started = time.monotonic()
        with pytest.raises(CatalogueShrankError, match="--allow-shrink") as refused:
            run_flow(shrinking)
        assert time.monotonic() - started < 20  # no task retry waits 30 s before failing
        assert paths.count("/v3/kpi") == 1  # asked once: a refusal is not retried
        assert "kolada-goals run --allow-shrink" in str(refused.value)
        run_flow(replace(shrinking, allow_shrink=True))
    kpis = published(options, "select count(*) from core_kpi")[0][0]
    assert kpis == 4
