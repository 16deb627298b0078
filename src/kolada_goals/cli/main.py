"""The `kolada-goals` command line."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from kolada_goals.cli import outputs as cli_outputs
from kolada_goals.cli.goals import goals_app
from kolada_goals.cli.outputs import LakeDataOption, LakeOption
from kolada_goals.errors import KoladaError, KoladaGoalsError
from kolada_goals.extract.client import DEFAULT_BASE_URL, ClientSettings
from kolada_goals.lake import LakeSettings
from kolada_goals.load.publish import DEFAULT_PUBLISHED_DATABASE, DEFAULT_WORK_DATABASE
from kolada_goals.load.staged_run import check_no_run_holds
from kolada_goals.outputs.terminal import make_console, print_error
from kolada_goals.settings import (
    BASE_URL_ENVIRONMENT_VARIABLE,
    DEFAULT_GOALS_DIRECTORY,
    RunOptions,
    parse_years,
)

# Prefect must not try to phone home from machines without a network.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "kolada_goals")
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")

app = typer.Typer(help="Follow up municipal goals with KPI data from Kolada.", no_args_is_help=True)
app.add_typer(goals_app, name="goals")
for command in (cli_outputs.status, cli_outputs.export, cli_outputs.report, cli_outputs.snapshot):
    app.command()(command)
console = make_console(stderr=True)


def _configure_logging(verbose: bool) -> None:
    """Prefect prints the package's logs (PREFECT_LOGGING_EXTRA_LOGGERS); httpx's line per
    request is too much for a run of thousands of requests."""
    logging.getLogger("kolada_goals").setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("httpx").setLevel(logging.DEBUG if verbose else logging.WARNING)


# The options of `run` and `serve`: one definition, the same words in both.
BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        envvar=BASE_URL_ENVIRONMENT_VARIABLE, help="Kolada v3 base URL (default: the live API)."
    ),
]
DatabaseOption = Annotated[
    Path, typer.Option(help="Published DuckDB file, replaced atomically after a good run.")
]
WorkDatabaseOption = Annotated[
    Path, typer.Option(help="Work DuckDB file the run writes and keeps between runs.")
]
GoalsOption = Annotated[Path, typer.Option(help="Folder of goal-definition files (*.yaml).")]
KpiOption = Annotated[list[str] | None, typer.Option(help="KPI id to fetch (repeatable).")]
KpiGroupOption = Annotated[
    list[str] | None, typer.Option(help="KPI group id, e.g. GKPI118 (repeatable).")
]
YearsOption = Annotated[str | None, typer.Option(help="e.g. 2000-2025 (default: 25 years).")]
RateOption = Annotated[float, typer.Option(help="Requests per second; 0 turns the limit off.")]
ConcurrencyOption = Annotated[int, typer.Option(help="Requests in flight at most.")]
FullOption = Annotated[
    bool, typer.Option("--full", help="Load every KPI in full, not incrementally.")
]
AcceptDropsOption = Annotated[
    bool,
    typer.Option(
        "--accept-drops", help="Replace stored values even when an answer shrinks sharply."
    ),
]
AllowShrinkOption = Annotated[
    bool,
    typer.Option(
        "--allow-shrink",
        help="Accept a Kolada catalogue (KPIs, municipalities, groups) that shrank sharply.",
    ),
]


def _run_options(
    base_url: str | None, database: Path, work_database: Path, goals: Path,
    kpi: list[str] | None, kpi_group: list[str] | None, years: str | None, rate: float,
    concurrency: int, full: bool, accept_drops: bool, allow_shrink: bool,
    lake: str | None = None, lake_data: str | None = None,
) -> RunOptions:  # fmt: skip
    """RunOptions from the command line, every path made absolute here and now."""
    try:
        chosen_lake = LakeSettings.chosen(lake, lake_data)
    except KoladaGoalsError as error:
        raise typer.BadParameter(str(error), param_hint="--lake") from None
    try:
        parsed_years = parse_years(years) if years else None
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--years") from None
    options = RunOptions(
        work_database=work_database,
        published_database=database,
        client=ClientSettings(
            base_url=base_url or DEFAULT_BASE_URL,
            requests_per_second=rate or None,
            max_concurrency=concurrency,
        ),
        goals_directory=goals,
        force_full=full,
        accept_drops=accept_drops,
        allow_shrink=allow_shrink,
        kpi_ids=tuple(kpi or ()),
        kpi_group_ids=tuple(kpi_group or ()),
    )
    if parsed_years:
        options = replace(options, years=parsed_years)
    return replace(options.resolved(), lake=chosen_lake)


def _require_prefect_api() -> None:
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        print_error(
            console,
            "PREFECT_API_URL is not set: start a server (`prefect server start`) and "
            "export PREFECT_API_URL=http://127.0.0.1:4200/api",
        )
        raise typer.Exit(2)


def run_flow_once(options: RunOptions) -> None:
    """Run the nightly flow once, reporting to a Prefect API that dies with this process."""
    _run_flow("nightly", options.to_parameters())


def _run_flow(name: str, parameters: dict[str, Any]) -> None:
    """Run a flow of flows/ once, reporting to a Prefect API that dies with this process."""
    from flows.temporary_server import early_temporary_server, prefect_api_for_this_run

    # The temporary server first: its start overlaps this process's import of Prefect.
    with early_temporary_server() as server:
        from flows.console import quiet_expected_tracebacks

        # Prefect is slow to import: only when needed
        from flows.nightly import nightly
        from flows.rebuild import rebuild

        quiet_expected_tracebacks()

        with prefect_api_for_this_run(server):
            if name == "nightly":
                asyncio.run(nightly(**parameters))
            else:
                asyncio.run(rebuild(**parameters))


@app.command()
def rebuild(
    from_raw: Annotated[
        str, typer.Option("--from-raw", metavar="RUN_ID", help="The last run to replay.")
    ],
    database: DatabaseOption = DEFAULT_PUBLISHED_DATABASE,
    work_database: WorkDatabaseOption = DEFAULT_WORK_DATABASE,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Build the catalogue, value history and marts again from raw_, up to run RUN_ID,
    without the network; then test and publish them as a run does."""
    _configure_logging(verbose)
    work, published = work_database.resolve(), database.resolve()
    try:
        check_no_run_holds(work)
        _run_flow(
            "rebuild",
            {"published_database": str(published), "work_database": str(work),
             "from_run_id": from_raw},
        )  # fmt: skip
    except KoladaGoalsError as error:
        print_error(console, str(error))
        console.print(f"The published database {published} is unchanged.")
        raise typer.Exit(1) from None


@app.command()
def run(
    base_url: BaseUrlOption = None,
    database: DatabaseOption = DEFAULT_PUBLISHED_DATABASE,
    work_database: WorkDatabaseOption = DEFAULT_WORK_DATABASE,
    goals: GoalsOption = DEFAULT_GOALS_DIRECTORY,
    kpi: KpiOption = None,
    kpi_group: KpiGroupOption = None,
    years: YearsOption = None,
    rate: RateOption = 5.0,
    concurrency: ConcurrencyOption = 4,
    full: FullOption = False,
    accept_drops: AcceptDropsOption = False,
    allow_shrink: AllowShrinkOption = False,
    offline: Annotated[
        bool,
        typer.Option(help="Serve the built-in fake Kolada with SYNTHETIC data and use it."),
    ] = False,
    lake: LakeOption = None,
    lake_data: LakeDataOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Run the nightly flow once, without a Prefect server of your own."""
    _configure_logging(verbose)
    options = _run_options(
        base_url, database, work_database, goals, kpi, kpi_group, years, rate, concurrency,
        full, accept_drops, allow_shrink, lake, lake_data,
    )  # fmt: skip
    try:
        if options.lake is None:
            check_no_run_holds(options.work_database)
        if offline:
            from kolada_goals.fake.offline import offline_run_options

            with offline_run_options(options) as offline_options:
                run_flow_once(offline_options)
        else:
            run_flow_once(options)
    except KoladaGoalsError as error:
        print_error(console, str(error))
        unchanged = (
            options.lake.describe()
            if options.lake
            else (f"published database {options.published_database}")
        )
        console.print(f"The {unchanged} is unchanged.")
        if isinstance(error, KoladaError) and not offline:
            console.print(
                "Kolada could not be used. Without network access, `kolada-goals run --offline` "
                "runs the same flow against the built-in fake Kolada with SYNTHETIC data."
            )
        raise typer.Exit(1) from None


@app.command()
def serve(
    cron: Annotated[str, typer.Option(help="Cron line, Europe/Stockholm time.")] = "0 3 * * *",
    base_url: BaseUrlOption = None,
    database: DatabaseOption = DEFAULT_PUBLISHED_DATABASE,
    work_database: WorkDatabaseOption = DEFAULT_WORK_DATABASE,
    goals: GoalsOption = DEFAULT_GOALS_DIRECTORY,
    kpi: KpiOption = None,
    kpi_group: KpiGroupOption = None,
    years: YearsOption = None,
    rate: RateOption = 5.0,
    concurrency: ConcurrencyOption = 4,
    full: FullOption = False,
    accept_drops: AcceptDropsOption = False,
    allow_shrink: AllowShrinkOption = False,
    lake: LakeOption = None,
    lake_data: LakeDataOption = None,
) -> None:
    """Serve the nightly deployment on a Prefect server (PREFECT_API_URL must point at it).
    The options become the deployment's parameters, paths made absolute; each run can
    change them in the UI or with `prefect deployment run --param`."""
    from flows.deployment import serve_nightly

    _require_prefect_api()
    options = _run_options(
        base_url, database, work_database, goals, kpi, kpi_group, years, rate, concurrency,
        full, accept_drops, allow_shrink, lake, lake_data,
    )  # fmt: skip
    serve_nightly(options, cron)


@app.command()
def deploy(
    pool: Annotated[str, typer.Option(help="The process work pool (created when missing).")],
    cron: Annotated[str, typer.Option(help="Cron line, Europe/Stockholm time.")] = "0 3 * * *",
    base_url: BaseUrlOption = None,
    database: DatabaseOption = DEFAULT_PUBLISHED_DATABASE,
    work_database: WorkDatabaseOption = DEFAULT_WORK_DATABASE,
    goals: GoalsOption = DEFAULT_GOALS_DIRECTORY,
    kpi: KpiOption = None,
    kpi_group: KpiGroupOption = None,
    years: YearsOption = None,
    rate: RateOption = 5.0,
    concurrency: ConcurrencyOption = 4,
    full: FullOption = False,
    accept_drops: AcceptDropsOption = False,
    allow_shrink: AllowShrinkOption = False,
    lake: LakeOption = None,
    lake_data: LakeDataOption = None,
) -> None:
    """Register the nightly deployment with a Prefect work pool; `prefect worker start
    --pool POOL`, here or on another machine with kolada-goals installed, then runs it."""
    from flows.deployment import deploy_to_pool

    _require_prefect_api()
    options = _run_options(
        base_url, database, work_database, goals, kpi, kpi_group, years, rate, concurrency,
        full, accept_drops, allow_shrink, lake, lake_data,
    )  # fmt: skip
    deployment_id = deploy_to_pool(options, pool, cron)
    console.print(
        f"deployment kolada-goals-nightly/kolada-goals-nightly ({deployment_id}) is on work pool "
        f"{pool}; start a worker: prefect worker start --pool {pool}"
    )


@app.command("fake-api")
def fake_api(
    data: Annotated[
        Path | None,
        typer.Option(help="Folder laid out like kolada-samples (v3_metadata/, data/*.csv)."),
    ] = None,
    synthetic: Annotated[
        bool,
        typer.Option(
            help="Serve SYNTHETIC values: for --data's metadata if given, else for the same "
            "synthetic catalogue `run --offline` uses (invented KPIs, kommuner and groups "
            "plus every id the goal files in --goals name)."
        ),
    ] = False,
    goals: Annotated[
        Path, typer.Option(help="With --synthetic alone: goal files whose ids to serve.")
    ] = DEFAULT_GOALS_DIRECTORY,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8765,
    host: Annotated[str, typer.Option(help="A loopback address.")] = "127.0.0.1",
    faults: Annotated[
        Path | None, typer.Option(help='JSON list of fault rules, e.g. [{"kind": "rate_limit"}].')
    ] = None,
) -> None:
    """Serve a fake Kolada v3 API on loopback, e.g. for `run --base-url`: the real samples
    with --data DIR, or SYNTHETIC data with --synthetic (the catalogue `run --offline`
    serves, so the two can follow each other on one database)."""
    from kolada_goals.fake import FaultPlan, create_app, load_folder, serve, synthetic_dataset
    from kolada_goals.fake.offline import offline_dataset

    if data is None and not synthetic:
        raise typer.BadParameter("give --data DIR, --synthetic, or both")
    try:
        if data is not None and not synthetic:
            dataset = load_folder(data)
        elif data is not None:
            folder = load_folder(data)
            dataset = synthetic_dataset(
                folder.kpis, folder.municipalities, folder.municipality_groups, folder.kpi_groups
            )
        else:
            dataset = offline_dataset(goals)
        plan = FaultPlan.from_file(faults) if faults else FaultPlan()
    except (OSError, ValueError) as error:
        print_error(console, str(error))
        raise typer.Exit(2) from None
    label = "SYNTHETIC values" if dataset.synthetic else f"data from {data}"
    console.print(f"fake Kolada ({label}) on http://{host}:{port}/v3")
    serve(create_app(dataset, plan), host, port)


@app.command()
def catalog(
    out: Annotated[Path, typer.Option(help="Markdown file to write.")] = Path("docs")
    / "catalog.md",
) -> None:
    """Regenerate the table catalogue from the database's own comments (COMMENT ON)."""
    from kolada_goals.outputs.catalog import write_catalog

    console.print(f"wrote {write_catalog(out)}")


@app.command()
def demo(
    directory: Annotated[Path, typer.Option(help="Where the demo databases go.")] = Path("data")
    / "demo",
    kommun: Annotated[str, typer.Option(help="Kommun to show.")] = "2425",
) -> None:
    """Everything offline on SYNTHETIC data: fake Kolada, the nightly flow with the shipped goal
    definitions, the status tree and an HTML report."""
    _configure_logging(False)
    from kolada_goals.fake.offline import offline_run_options

    options = RunOptions(
        work_database=directory / "work" / "kolada_goals.duckdb",
        published_database=directory / "kolada_goals.duckdb",
        years=tuple(range(2012, 2026)),
    ).resolved()
    console.print("[bold]Demo on SYNTHETIC data (not real Kolada values)[/bold]")
    try:
        with offline_run_options(options) as offline_options:
            run_flow_once(offline_options)
    except KoladaGoalsError as error:
        print_error(console, str(error))
        raise typer.Exit(1) from None
    cli_outputs.status(kommun, database=options.published_database)
    cli_outputs.report(kommun, directory / f"rapport-{kommun}.html",
                       database=options.published_database)  # fmt: skip
    console.print(
        f"published database: {options.published_database}\n"
        f"try: kolada-goals status --kommun 2080 --database {options.published_database}"
    )


def main() -> None:
    try:
        app()
    finally:
        # What a run leaves reachable (a million objects after an offline run: the fake's
        # page cache) would cost the interpreter's last garbage collection about 1.5 s at
        # exit; frozen, the collection skips them.
        gc.freeze()


if __name__ == "__main__":
    main()
