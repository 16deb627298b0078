"""`kolada-goals goals validate` as a person runs it: piped output with whole error lines,
and the catalogue fetched from Kolada when there is no database."""

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kolada_goals.fake import create_app, serve_in_thread
from kolada_goals.fake.offline import offline_dataset

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "goals"
BROKEN = ROOT / "tests" / "goal_files" / "broken"


@pytest.fixture(scope="module")
def fake_kolada() -> Iterator[str]:
    with serve_in_thread(create_app(offline_dataset(SHIPPED))) as base_url:
        yield base_url


def validate(*arguments: str, output: Path) -> int:
    """Run the real program with its output going to a file, as in cron or CI."""
    with output.open("wb") as sink:
        return subprocess.run(
            [sys.executable, "-m", "kolada_goals.cli", "goals", "validate", *arguments],
            stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=120,
        ).returncode  # fmt: skip


def test_without_a_database_the_catalogue_is_fetched_from_kolada(
    tmp_path: Path, fake_kolada: str
) -> None:
    output = tmp_path / "out.txt"
    code = validate(str(SHIPPED), "--database", str(tmp_path / "none.duckdb"),
                    "--base-url", fake_kolada, output=output)  # fmt: skip
    text = output.read_text()
    assert code == 0, text
    assert f"fetching Kolada's catalogue from {fake_kolada}" in text
    assert "5 file(s) valid" in text


def test_an_unreachable_kolada_fails_at_once_with_the_ways_out(tmp_path: Path) -> None:
    output = tmp_path / "out.txt"
    closed_port = "http://127.0.0.1:9/v3"  # the discard port: nothing listens there
    code = validate(str(SHIPPED), "--database", str(tmp_path / "none.duckdb"),
                    "--base-url", closed_port, output=output)  # fmt: skip
    text = output.read_text()
    assert code == 2
    assert "error: cannot fetch Kolada's catalogue" in text and closed_port in text
    assert "--metadata DIR" in text and "kolada-goals run" in text
    assert "Traceback" not in text


def test_piped_error_lines_stay_whole_at_a_long_path(tmp_path: Path, fake_kolada: str) -> None:
    folder = tmp_path / ("a-long-folder-name-" * 4) / ("and-deeper-still-" * 3)
    folder.mkdir(parents=True)
    broken = sorted(BROKEN.glob("0*.yaml"))
    for path in broken:
        shutil.copy(path, folder / path.name)
    copies = [folder / path.name for path in broken]
    assert all(len(str(path)) > 100 for path in copies)
    output = tmp_path / "out.txt"
    code = validate(*map(str, copies), "--database", str(tmp_path / "none.duckdb"),
                    "--base-url", fake_kolada, output=output)  # fmt: skip
    lines = output.read_text().splitlines()
    assert code == 1
    for path in copies:
        # One whole line per error: the full path, the line number and the message.
        [line] = [line for line in lines if line.startswith(f"{path}:")]
        location, message = line[len(str(path)) + 1 :].split(": ", 1)
        assert location.isdigit() and message.startswith("["), line
