"""`kolada-goals goals ...`: validate, create and describe goal-definition files, and carry
them to and from a goal workbook (Excel) for the goals' owners."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.text import Text

from kolada_goals.atomic_file import write_file_atomically
from kolada_goals.errors import KoladaError
from kolada_goals.extract.client import DEFAULT_BASE_URL, ClientSettings, KoladaClient
from kolada_goals.goals.catalogue import Catalogue
from kolada_goals.goals.comments import read_comments
from kolada_goals.goals.model import YEAR_RANGE, GoalFile, json_schema
from kolada_goals.goals.source import decode_utf8, load_yaml_with_lines, read_goal_yaml
from kolada_goals.goals.template import file_name_for, goal_file_template
from kolada_goals.goals.validate import validate_goal_file, validate_goal_files
from kolada_goals.goals.workbook import carried_comments, goal_workbook_bytes
from kolada_goals.goals.workbook_forecast import ForecastSheet, read_forecast_sheet
from kolada_goals.goals.workbook_read import read_goal_workbook
from kolada_goals.goals.yaml_writer import goal_file_yaml
from kolada_goals.load.publish import DEFAULT_PUBLISHED_DATABASE
from kolada_goals.outputs.terminal import make_console, print_error
from kolada_goals.settings import BASE_URL_ENVIRONMENT_VARIABLE, DEFAULT_GOALS_DIRECTORY

goals_app = typer.Typer(
    help="Goal-definition files: validate, new, schema, to-xlsx, from-xlsx.", no_args_is_help=True
)
console = make_console(stderr=True)

MetadataOption = Annotated[
    Path | None,
    typer.Option(help="Kolada v3 metadata folder (kpi.v3.json, ...) instead of the database."),
]
DatabaseOption = Annotated[
    Path,
    typer.Option(
        help="DuckDB file whose Kolada metadata to check against; when it does not exist, "
        "the catalogue is fetched from Kolada (--base-url)."
    ),
]
BaseUrlOption = Annotated[
    str,
    typer.Option(
        envvar=BASE_URL_ENVIRONMENT_VARIABLE,
        help="Kolada v3 base URL to fetch the catalogue from when there is no database.",
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Replace the output file when it exists.")
]
# Validation is interactive: a Kolada that cannot be reached is reported at once, not
# after the nightly run's patient retries.
CATALOGUE_CLIENT = ClientSettings(max_attempts=2, backoff_initial_seconds=0.5, timeout_seconds=30)


def load_catalogue(metadata: Path | None, database: Path, base_url: str) -> Catalogue:
    """The catalogue from --metadata, else from the database, else fetched from Kolada;
    exits with a clear message naming the ways out."""
    try:
        if metadata is not None:
            return Catalogue.from_metadata_folder(metadata)
        if database.is_file():
            with duckdb.connect(str(database), read_only=True) as con:
                return Catalogue.from_database(con)
    except (OSError, ValueError, KeyError, duckdb.Error) as error:
        print_error(console, f"cannot read Kolada metadata: {error}")
        raise typer.Exit(2) from None
    console.print(f"{database} does not exist: fetching Kolada's catalogue from {base_url}")
    try:
        return asyncio.run(_fetch_catalogue(replace(CATALOGUE_CLIENT, base_url=base_url)))
    except (KoladaError, KeyError) as error:
        print_error(console, f"cannot fetch Kolada's catalogue: {error}")
        console.print(
            "Two ways out: give --metadata DIR (Kolada v3 metadata: kpi.v3.json, "
            "municipality.v3.json, municipality_groups.v3.json), or run `kolada-goals run` "
            "(offline: `kolada-goals run --offline`) and validate against its database "
            "(--database). --base-url points at another Kolada, e.g. `kolada-goals fake-api`."
        )
        raise typer.Exit(2) from None


async def _fetch_catalogue(settings: ClientSettings) -> Catalogue:
    async with KoladaClient(settings) as client:
        return await Catalogue.fetch(client)


@goals_app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of *.yaml.")],
    metadata: MetadataOption = None,
    database: DatabaseOption = DEFAULT_PUBLISHED_DATABASE,
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
) -> None:
    """Check files against the format and Kolada's catalogue; report every error at once."""
    missing = [path for path in paths if not path.exists()]
    if missing:
        print_error(console, f"not found: {', '.join(map(str, missing))}")
        raise typer.Exit(2)
    catalogue = load_catalogue(metadata, database, base_url)
    results = validate_goal_files(paths, catalogue)
    problems = [problem for result in results for problem in result.problems]
    for result in results:
        mark = ("ok", "green") if result.ok else ("errors", "red")
        console.print(Text.assemble(mark, " ", str(result.path)))
    for problem in problems:
        console.print(str(problem), markup=False, highlight=False)
    if problems:
        console.print(f"[red]{len(problems)} error(s) in {len(results)} file(s)[/red]")
        raise typer.Exit(1)
    console.print(f"{len(results)} file(s) valid")


@goals_app.command()
def new(
    kommun: Annotated[str, typer.Option(help="Kommunkod, e.g. 2425.")],
    directory: Annotated[Path, typer.Option(help="Where to write.")] = DEFAULT_GOALS_DIRECTORY,
    metadata: MetadataOption = None,
    database: DatabaseOption = DEFAULT_PUBLISHED_DATABASE,
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
) -> None:
    """Write a starting file for a kommun (never overwrites)."""
    catalogue = load_catalogue(metadata, database, base_url)
    try:
        text = goal_file_template(kommun, catalogue)
    except KeyError:
        print_error(console, f"{kommun!r} is not a kommun id (e.g. 2425 for Dorotea)")
        raise typer.Exit(2) from None
    path = directory / file_name_for(kommun, catalogue.municipalities[kommun].title)
    existing = sorted(directory.glob(f"{kommun}-*.yaml"))
    if existing:
        print_error(console, f"{existing[0]} already exists; not overwritten")
        raise typer.Exit(1)
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    console.print(f"wrote {path}")


@goals_app.command()
def schema() -> None:
    """Print the JSON Schema of goal-definition files (docs/goal-definitions.schema.json)."""
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))


def _refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force:
        print_error(console, f"{path} already exists; not overwritten (--force replaces it)")
        raise typer.Exit(1)


def _write(path: Path, data: bytes, force: bool) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file_atomically(path, data, overwrite=force)
    except FileExistsError:
        print_error(console, f"{path} already exists; not overwritten (--force replaces it)")
        raise typer.Exit(1) from None
    except OSError as error:
        print_error(console, f"cannot write {path}: {error.strerror or error}")
        raise typer.Exit(1) from None
    console.print(Text.assemble("wrote ", str(path)))


def _forecast_sheet(database: Path, kommun_id: str, year: int) -> ForecastSheet:
    if not database.is_file():
        print_error(
            console,
            f"the sheet for --forecast-year reads the published database, and {database} does "
            "not exist: give --database, or run `kolada-goals run` first",
        )
        raise typer.Exit(2)
    try:
        with duckdb.connect(str(database), read_only=True) as con:
            return read_forecast_sheet(con, kommun_id, year)
    except duckdb.Error as error:
        print_error(console, f"cannot read the status marts of {database}: {error}")
        raise typer.Exit(2) from None


@goals_app.command("to-xlsx")
def to_xlsx(
    file: Annotated[Path, typer.Argument(help="The goal file (YAML).")],
    out: Annotated[Path, typer.Option(help="The workbook to write (.xlsx).")],
    forecast_year: Annotated[
        int | None,
        typer.Option(help="Add the sheet 'Prognos YEAR' for the delårsrapport of this year."),
    ] = None,
    force: ForceOption = False,
    metadata: MetadataOption = None,
    database: DatabaseOption = DEFAULT_PUBLISHED_DATABASE,
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
) -> None:
    """Write a goal file as a workbook to edit in Excel (docs/goal-workbook.md)."""
    if not file.is_file():
        print_error(console, f"not found: {file}")
        raise typer.Exit(2)
    if out.suffix.lower() != ".xlsx":
        print_error(console, f"--out {out}: the workbook's name must end in .xlsx")
        raise typer.Exit(2)
    if forecast_year is not None and not YEAR_RANGE[0] <= forecast_year <= YEAR_RANGE[1]:
        print_error(console, f"--forecast-year {forecast_year} is not a year of the format")
        raise typer.Exit(2)
    _refuse_existing(out, force)
    catalogue = load_catalogue(metadata, database, base_url)
    checked = validate_goal_file(file, catalogue)
    if checked.definition is None:
        for problem in checked.problems:
            console.print(str(problem), markup=False, highlight=False)
        print_error(console, f"{file} cannot be read as a goal file: fix it first")
        raise typer.Exit(1)
    for problem in checked.problems:  # still written: the workbook is where they get fixed
        console.print(Text.assemble("warning: ", str(problem)))
    document, lines, raw = read_goal_yaml(file)
    carried, dropped = carried_comments(read_comments(decode_utf8(raw), document, lines))
    for comment in dropped:
        console.print(Text.assemble("warning: comment not carried by the workbook, ", comment))
    forecast = None
    if forecast_year is not None:
        forecast = _forecast_sheet(database, checked.definition.kommun, forecast_year)
    try:
        data = goal_workbook_bytes(checked.definition, carried, catalogue, file.name, forecast)
    except ValueError as error:
        print_error(console, str(error))
        raise typer.Exit(1) from None
    _write(out, data, force)


@goals_app.command("from-xlsx")
def from_xlsx(
    workbook: Annotated[Path, typer.Argument(help="The goal workbook (.xlsx).")],
    out: Annotated[Path, typer.Option(help="The goal file to write (YAML).")],
    force: ForceOption = False,
    metadata: MetadataOption = None,
    database: DatabaseOption = DEFAULT_PUBLISHED_DATABASE,
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
) -> None:
    """Read a goal workbook back, checked as `validate` checks a file; write the YAML only when
    the whole workbook is right."""
    if not workbook.is_file():
        print_error(console, f"not found: {workbook}")
        raise typer.Exit(2)
    _refuse_existing(out, force)
    catalogue = load_catalogue(metadata, database, base_url)
    result = read_goal_workbook(workbook, catalogue, out)
    for note in result.notes:
        console.print(Text.assemble("note: ", note))
    for problem in result.problems:
        console.print(str(problem), markup=False, highlight=False)
    if result.definition is None:
        count = len(result.problems)
        errors = (f"{count} error(s) in {workbook}", "red")
        console.print(Text.assemble(errors, f"; {out} was not written"))
        raise typer.Exit(1)
    text = goal_file_yaml(result.definition, result.comments)
    if GoalFile.model_validate(load_yaml_with_lines(text)[0]) != result.definition:
        # Never expected: the written file would not say what the workbook says.
        print_error(console, f"the YAML for {out} does not read back as the workbook; not written")
        raise typer.Exit(1)
    _write(out, text.encode("utf-8"), force)
