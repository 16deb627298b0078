"""`kolada-goals run` and `demo` report to a temporary Prefect API that dies with them:
a run killed with SIGKILL leaves no process behind."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

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


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("verb", ["run", "demo"])
def test_a_killed_run_leaves_no_prefect_server_behind(tmp_path: Path, verb: str) -> None:
    arguments = {
        "run": ["run", "--offline", "--years", "2020-2022",
                "--database", str(tmp_path / "k.duckdb"),
                "--work-database", str(tmp_path / "work" / "k.duckdb")],
        "demo": ["demo", "--directory", str(tmp_path / "demo")],
    }[verb]  # fmt: skip
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("PREFECT_API")
    }
    environment |= {"PREFECT_HOME": str(tmp_path / "prefect"), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kolada_goals.cli", *arguments],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True, env=environment,
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
