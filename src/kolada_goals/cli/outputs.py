"""`kolada-goals status | export | report | snapshot`: the outputs report authors use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import duckdb
import typer

from kolada_goals.errors import KoladaGoalsError
from kolada_goals.lake import LakeSettings
from kolada_goals.load.publish import DEFAULT_PUBLISHED_DATABASE, DEFAULT_WORK_DATABASE
from kolada_goals.outputs.export import FORMATS, write_export
from kolada_goals.outputs.queries import NotAKommunError, open_published_database
from kolada_goals.outputs.terminal import literal_text, make_console, print_error

console = make_console(stderr=True)
out_console = make_console()

KommunOption = Annotated[str, typer.Option(help="Kommunkod, e.g. 2425 for Dorotea.")]
ModeOption = Annotated[
    str, typer.Option(help="outcome (årsredovisning) or forecast (delårsrapport).")
]
YearOption = Annotated[
    int | None, typer.Option(help="Report year (default: the latest up to this year).")
]
DatabaseOption = Annotated[Path, typer.Option(help="Published DuckDB file to read.")]
LakeOption = Annotated[
    str | None,
    typer.Option(
        help="DuckLake catalog to read instead of the file, e.g. 'postgres:dbname=kolada "
        "host=127.0.0.1 user=kolada' (or KOLADA_GOALS_LAKE).",
    ),
]
LakeDataOption = Annotated[
    str | None, typer.Option(help="The lake's data folder or s3:// URL (KOLADA_GOALS_LAKE_DATA).")
]
FORMAT_HELP = (
    f"{', '.join(FORMATS[:-1])} or {FORMATS[-1]} (docx: the status chapter as a Word document "
    "with charts)."
)


def fail(message: str, code: int = 1) -> typer.Exit:
    print_error(console, message)
    return typer.Exit(code)


def source_of(database: Path, lake: str | None, lake_data: str | None) -> Path | LakeSettings:
    """The lake when one is given (option or environment), else the published file."""
    try:
        return LakeSettings.chosen(lake, lake_data) or database
    except KoladaGoalsError as error:
        raise fail(str(error), 2) from None


@contextmanager
def published_database(
    source: Path | LakeSettings, kommun_id: str
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The published data, read-only, for a report on `kommun_id`: a kommun id that is not
    one exits with 2, any other error of the database or the report with 1."""
    try:
        with open_published_database(source, kommun_id) as con:
            yield con
    except NotAKommunError as error:
        raise fail(str(error), 2) from None
    except KoladaGoalsError as error:
        raise fail(str(error)) from None


def status(
    kommun: KommunOption, mode: ModeOption = "outcome", year: YearOption = None,
    database: DatabaseOption = DEFAULT_PUBLISHED_DATABASE,
    lake: LakeOption = None, lake_data: LakeDataOption = None,
) -> None:  # fmt: skip
    """Print the goal tree of a kommun with its statuses."""
    from kolada_goals.outputs.status_tree import status_tree

    with published_database(source_of(database, lake, lake_data), kommun) as con:
        out_console.print(status_tree(con, kommun, mode, year))


def export(
    kommun: KommunOption,
    out: Annotated[Path, typer.Option(help="File to write (csv/parquet: two files from it).")],
    format: Annotated[str, typer.Option("--format", help=FORMAT_HELP)] = "xlsx",
    mode: ModeOption = "outcome", year: YearOption = None,
    database: DatabaseOption = DEFAULT_PUBLISHED_DATABASE,
    lake: LakeOption = None, lake_data: LakeDataOption = None,
) -> None:  # fmt: skip
    """Write the status tables of a kommun (xlsx with colours and an explanation sheet), or
    its status chapter as a Word document (docx)."""
    if format not in FORMATS:
        raise fail(f"unknown format {format!r}: use one of {', '.join(FORMATS)}", 2)
    with published_database(source_of(database, lake, lake_data), kommun) as con:
        paths = write_export(con, kommun, format, out, mode, year)
    for path in paths:
        console.print(literal_text(f"wrote {path}"))


def report(
    kommun: KommunOption,
    out: Annotated[Path, typer.Option(help="HTML file (or folder) to write.")],
    mode: ModeOption = "outcome", year: YearOption = None,
    database: DatabaseOption = DEFAULT_PUBLISHED_DATABASE,
    lake: LakeOption = None, lake_data: LakeDataOption = None,
) -> None:  # fmt: skip
    """Write a self-contained HTML report in Swedish for a kommun."""
    from kolada_goals.outputs.report import write_report

    with published_database(source_of(database, lake, lake_data), kommun) as con:
        path = write_report(con, kommun, out, mode, year)
    console.print(literal_text(f"wrote {path}"))


def snapshot(
    label: Annotated[str, typer.Option(help='e.g. "Delårsrapport 2026".')],
    replace: Annotated[bool, typer.Option("--replace", help="Take a label again.")] = False,
    database: DatabaseOption = DEFAULT_PUBLISHED_DATABASE,
    work_database: Annotated[Path, typer.Option(help="Work DuckDB file.")] = DEFAULT_WORK_DATABASE,
    lake: LakeOption = None,
    lake_data: LakeDataOption = None,
) -> None:
    """Freeze the status tables as they are now, under a label (snap_* tables)."""
    from kolada_goals.outputs.snapshot import take_lake_snapshot, take_snapshot

    source = source_of(database, lake, lake_data)
    try:
        if isinstance(source, LakeSettings):
            result = take_lake_snapshot(source, label, replace)
        else:
            result = take_snapshot(work_database, database, label, replace)
    except KoladaGoalsError as error:
        raise fail(str(error)) from None
    where = "published" if result.published else "stored; published with the next good run"
    console.print(
        literal_text(
            f"snapshot {result.label!r}: {result.indicator_rows} indicator rows, "
            f"{result.goal_rows} goal rows ({where})"
        )
    )
