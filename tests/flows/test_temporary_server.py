"""`kolada-goals run` and `demo` report to a temporary Prefect API that dies with them:
a run killed with SIGKILL leaves no process behind."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.temporary_server import early_temporary_server, prefect_api_for_this_run

pytestmark = pytest.mark.slow


def processes_in_group(group: int) -> list[str]:
    """Command lines of the live processes whose process group is `group`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        # Fields after the command name, which is in parentheses and may hold spaces.
        state, _parent, process_group = stat.rsplit(")", 1)[1].split()[:3]
        if int(process_group) == group and state != "Z":
            found.append(command)
    return found


def run_environment(tmp_path: Path) -> dict[str, str]:
    """The caller's environment without a Prefect API, with a Prefect home of the test's own."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("PREFECT_API")
    }
    return environment | {"PREFECT_HOME": str(tmp_path / "prefect"), "PYTHONUNBUFFERED": "1"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("verb", ["run", "demo"])
def test_a_killed_run_leaves_no_prefect_server_behind(tmp_path: Path, verb: str) -> None:
    arguments = {
        "run": ["run", "--offline", "--years", "2020-2022",
                "--database", str(tmp_path / "k.duckdb"),
                "--work-database", str(tmp_path / "work" / "k.duckdb")],
        "demo": ["demo", "--directory", str(tmp_path / "demo")],
    }[verb]  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "kolada_goals.cli", *arguments],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True, env=run_environment(tmp_path),
    )  # fmt: skip
    assert process.stdout is not None
    try:
        deadline = time.monotonic() + 120
        for line in process.stdout:  # kill it once its flow is fetching values
            if b"requests planned" in line or time.monotonic() > deadline:
                break
        members = processes_in_group(process.pid)
        assert any("flows.temporary_server" in command for command in members), members
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        deadline = time.monotonic() + 15
        while processes_in_group(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert processes_in_group(process.pid) == []
    finally:
        if processes_in_group(process.pid):
            os.killpg(process.pid, signal.SIGKILL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_run_killed_while_it_starts_leaves_no_prefect_server_behind(tmp_path: Path) -> None:
    """The server starts before the run imports Prefect; the run is killed as soon as the
    server's process appears, before its flow begins."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kolada_goals.cli", "run", "--offline", "--years", "2020-2022",
         "--database", str(tmp_path / "k.duckdb"),
         "--work-database", str(tmp_path / "work" / "k.duckdb")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True, env=run_environment(tmp_path),
    )  # fmt: skip
    assert process.stdout is not None
    try:
        deadline = time.monotonic() + 60
        while not any("flows.temporary_server" in c for c in processes_in_group(process.pid)):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        deadline = time.monotonic() + 15
        while processes_in_group(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert processes_in_group(process.pid) == []
        # Only now: the server shares the run's stdout, and reading waits for both to close it.
        assert "Beginning flow run" not in process.stdout.read().decode()
    finally:
        if processes_in_group(process.pid):
            os.killpg(process.pid, signal.SIGKILL)


def test_no_early_server_when_the_environment_names_an_api(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    with early_temporary_server() as server:
        assert server is None


def test_an_early_server_stops_when_the_run_fails_before_using_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with pytest.raises(ImportError), early_temporary_server() as server:
        assert server is not None
        raise ImportError("the run died while importing")
    assert server.process.poll() is not None


def test_an_api_url_from_prefect_settings_wins_over_the_early_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A URL from a profile or .env reaches Prefect's settings but not os.environ."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    configured = "http://127.0.0.1:9/api"
    with (
        temporary_settings({PREFECT_API_URL: configured}),
        early_temporary_server() as server,
    ):
        assert server is not None
        with prefect_api_for_this_run(server) as api_url:
            assert api_url == configured
            assert server.process.poll() is not None
