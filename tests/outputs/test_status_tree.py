"""The goal tree in the terminal prints titles, reasons and motivations literally: console
markup, emoji codes and control characters in the data stay text."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from rich.console import Console

from kolada_goals.outputs.status_tree import status_tree
from tests.helpers import HOSTILE_KPI_TITLES, HOSTILE_REASON, hostile_published_database

LITERAL_TEXTS = [
    "Dorotea [bold] 2023",
    *HOSTILE_KPI_TITLES.values(),
    "[link=http://x]y[/link] @SUM(A1:A9)",
    "+1+1 [/]",
    "[bold]Företagsklimat",
    "\\x1b[2Jclear screen",
    "\\x09=1+1",
    HOSTILE_REASON,
    f"{HOSTILE_REASON}Nytt mått: inga värden ännu – @SUM(A1:A9) [/] [link=http://x]y[/link]",
]
ANSI_STYLE = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_published_database(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def con(database: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(database), read_only=True) as connection:
        yield connection


def test_status_piped_prints_every_title_literally(database: Path) -> None:
    command = Path(sys.executable).parent / "kolada-goals"
    result = subprocess.run(
        [command, "status", "--kommun", "2425", "--year", "2023", "--database", database],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for text in LITERAL_TEXTS:
        assert text in result.stdout, text
    assert "\x1b" not in result.stdout


def test_in_a_terminal_data_gets_no_style_and_no_link(con: duckdb.DuckDBPyConnection) -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, color_system="truecolor", width=400)
    console.print(status_tree(con, "2425", "outcome", 2023))
    output = screen.getvalue()
    assert "\x1b]8;" not in output  # no hyperlink escape
    assert "\x1b[2J" not in output  # the title's own escape does not reach the terminal
    plain = ANSI_STYLE.sub("", output)
    for text in LITERAL_TEXTS:
        assert text in plain, text
    # Only the badges and reasons are styled: a title that says [bold] is not bold.
    title = "[bold]Företagsklimat"
    line = next(line for line in output.splitlines() if title in ANSI_STYLE.sub("", line))
    assert re.search(r"\x1b\[1m[^\x1b]*Företagsklimat", line) is None
