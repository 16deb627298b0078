"""`kolada-goals goals ...`: validate, create and describe goal-definition files."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.text import Text

from kolada_goals.errors import KoladaError
from kolada_goals.extract.client import DEFAULT_BASE_URL, ClientSettings, KoladaClient
from kolada_goals.goals.catalogue import Catalogue
from kolada_goals.goals.model import json_schema
from kolada_goals.goals.template import file_name_for, goal_file_template
from kolada_goals.goals.validate import validate_goal_files
from kolada_goals.load.publish import DEFAULT_PUBLISHED_DATABASE
from kolada_goals.outputs.terminal import make_console, print_error
from kolada_goals.settings import BASE_URL_ENVIRONMENT_VARIABLE, DEFAULT_GOALS_DIRECTORY

goals_app = typer.Typer(help="Goal-definition files: validate, new, schema.", no_args_is_help=True)
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
