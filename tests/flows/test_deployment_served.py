"""The nightly deployment as people run it: `prefect server start`, `kolada-goals serve`
against the fake Kolada on loopback, Prefect's own scheduler creating the runs, the CLI
listing them, the UI showing them in a real browser, and a failed run reaching a person
through the automation in deploy/notify-on-failure.yaml."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
import yaml

from kolada_goals.lake import LakeError, LakeSettings, connect_lake
from tests.postgres_server import postgres_server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEPLOYMENT = "kolada-goals-nightly/kolada-goals-nightly"
GOALS = """format: 1
kommun: "2401"
name: Kommun 2401 (SYNTETISK)
vision: "En syntetisk vision."
mandate: {first_year: 2019, last_year: 2022}
goals:
  - id: MO1
    title: Målområde
    indicators:
      - {id: a, kpi: N90005, direction: higher, targets: {2021: 1}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(1)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")


@dataclass
class Served:
    api_url: str
    ui_url: str
    environment: dict[str, str]
    folder: Path
    server_log: Path
    start: Callable[[list[str], str], subprocess.Popen[bytes]]

    def flow_runs(self) -> list[dict[str, Any]]:
        response = httpx.post(f"{self.api_url}/flow_runs/filter", json={}, timeout=10)
        response.raise_for_status()
        runs: list[dict[str, Any]] = response.json()
        return runs

    def cli(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "prefect"), *arguments], env=self.environment, capture_output=True,
            text=True, timeout=120, stdin=subprocess.DEVNULL,
        )  # fmt: skip


def healthy(url: str, accept: Callable[[int], bool] = lambda status: status == 200) -> bool:
    try:
        return accept(httpx.get(url, timeout=2).status_code)
    except httpx.TransportError:
        return False


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("served")
    (folder / "goals").mkdir()
    (folder / "goals" / "2401-syntetisk.yaml").write_text(GOALS, encoding="utf-8")
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    base = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    environment = base | {
        "PREFECT_HOME": str(folder / "prefect-home"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # The UI asks the API at this port; `--port` alone leaves the UI asking 4200.
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(port),
        # The real scheduler, asked to look for due schedules every few seconds, not 60.
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
        # ...and `serve` to look for due runs every 2 seconds, not 10.
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",
        "PYTHONUNBUFFERED": "1",
    }
    processes: list[subprocess.Popen[bytes]] = []

    def start(command: list[str], log_name: str) -> subprocess.Popen[bytes]:
        log = (folder / log_name).open("wb")
        process = subprocess.Popen(
            command, env=environment,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, cwd=folder,
        )  # fmt: skip
        processes.append(process)
        return process

    start(
        [str(BIN / "prefect"), "server", "start"],
        "server.log",
    )
    environment["PREFECT_API_URL"] = api_url
    try:
        wait_for(lambda: healthy(f"{api_url}/health"), 90, "prefect server start")
        yield Served(
            api_url, f"http://127.0.0.1:{port}", environment, folder, folder / "server.log", start
        )
    finally:
        for process in reversed(processes):
            with_group(process, signal.SIGTERM)
        for process in reversed(processes):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with_group(process, signal.SIGKILL)
                process.wait()


def with_group(process: subprocess.Popen[bytes], signal_number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal_number)


def start_fake(served: Served, name: str, faults: list[dict[str, Any]] | None = None) -> str:
    port = free_port()
    command = [str(BIN / "kolada-goals"), "fake-api", "--synthetic", "--port", str(port),
               "--goals", str(served.folder / "goals")]  # fmt: skip
    if faults is not None:
        (served.folder / f"{name}.json").write_text(json.dumps(faults))
        command += ["--faults", str(served.folder / f"{name}.json")]
    served.start(command, f"{name}.log")
    base_url = f"http://127.0.0.1:{port}/v3"
    # Any answer will do: the failing fake answers every request with a 500.
    wait_for(lambda: healthy(f"{base_url}/municipality", bool), 60, f"fake {name}")
    return base_url


def browser() -> str:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.fail("chromium is not installed: apt-get install -y chromium")
    return binary


def test_the_scheduler_runs_the_served_deployment_and_the_ui_lists_it(served: Served) -> None:
    base_url = start_fake(served, "fake")
    serve = served.start(
        [str(BIN / "kolada-goals"), "serve", "--cron", "* * * * *", "--base-url", base_url,
         "--database", "published/kolada.duckdb", "--work-database", "work/kolada.duckdb",
         "--goals", "goals", "--years", "2019-2021", "--rate", "0"],
        "serve.log",
    )  # fmt: skip

    def completed_scheduled_run() -> dict[str, Any] | None:
        assert serve.poll() is None, (served.folder / "serve.log").read_text()
        runs = served.flow_runs()
        done = [r for r in runs if r["auto_scheduled"] and r["state_type"] == "COMPLETED"]
        return done[0] if done else None

    run = wait_for(completed_scheduled_run, 240, "a scheduled run to complete")
    # The relative paths given to `serve` were made absolute against its directory.
    assert run["parameters"]["published_database"] == str(
        served.folder / "published" / "kolada.duckdb"
    )
    with duckdb.connect(str(served.folder / "published" / "kolada.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from mart_indicator_status").fetchone()[0] > 0
        assert con.execute("select status from meta_run").fetchall() == [("succeeded",)]

    listed = served.cli("deployment", "ls")
    assert listed.returncode == 0, listed.stderr
    assert "kolada-goals-nightly" in listed.stdout
    runs = served.cli("flow-run", "ls")
    assert runs.returncode == 0, runs.stderr

    screenshot = served.folder / "runs.png"
    command = [browser(), "--headless", "--no-sandbox", "--disable-gpu",
               "--window-size=1400,1000", "--virtual-time-budget=20000"]  # fmt: skip
    page = f"{served.ui_url}/runs"

    def rendered_page() -> str | None:
        # The page fills in as the API answers; virtual time does not always wait for that.
        dom = subprocess.run(
            [*command, "--dump-dom", page], capture_output=True, text=True, timeout=120
        ).stdout
        return dom if run["name"] in dom else None

    dom = wait_for(rendered_page, 90, "the runs page to list the run")
    subprocess.run([*command, f"--screenshot={screenshot}", page], capture_output=True,
                   timeout=120, check=True)  # fmt: skip
    assert screenshot.stat().st_size > 0
    assert "Oops" not in dom and "Something went wrong" not in dom
    assert "Traceback" not in served.server_log.read_text(errors="replace")


class WebhookListener(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        WebhookListener.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_a_failed_served_run_calls_the_webhook_with_its_name_and_error(
    served: Served, tmp_path: Path
) -> None:
    listener = ThreadingHTTPServer(("127.0.0.1", 0), WebhookListener)
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    hook_url = f"http://127.0.0.1:{listener.server_address[1]}/hook"
    try:
        # A person's one-time steps: a notification block, then the automation with its id.
        create_block = (
            "import sys\n"
            "from prefect.blocks.notifications import CustomWebhookNotificationBlock as B\n"
            "block = B(name='kolada-goals', url=sys.argv[1],\n"
            "          json_data={'subject': '{{subject}}', 'body': '{{body}}'})\n"
            "print(block.save('kolada-goals-failures', overwrite=True))\n"
        )
        created = subprocess.run(
            [sys.executable, "-c", create_block, hook_url], env=served.environment,
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        block_id = created.stdout.strip().splitlines()[-1]
        automation = yaml.safe_load((ROOT / "deploy" / "notify-on-failure.yaml").read_text())
        automation["actions"][0]["block_document_id"] = block_id
        automation_file = tmp_path / "notify.yaml"
        automation_file.write_text(yaml.safe_dump(automation, allow_unicode=True))
        registered = served.cli("automation", "create", "--from-file", str(automation_file))
        assert registered.returncode == 0, registered.stdout + registered.stderr

        failing = start_fake(served, "failing", [{"kind": "server_error", "times": None}])
        if not any(r["state_type"] == "COMPLETED" for r in served.flow_runs()):
            pytest.fail("the served deployment is not running: see the test before")
        # Its own databases: the every-minute schedule keeps the served ones busy.
        triggered = served.cli(
            "deployment", "run", DEPLOYMENT, "--param", f"base_url={failing}",
            "--param", "attempts=1",
            "--param", f"work_database={tmp_path / 'work' / 'failing.duckdb'}",
            "--param", f"published_database={tmp_path / 'failing.duckdb'}",
        )  # fmt: skip
        assert triggered.returncode == 0, triggered.stdout + triggered.stderr

        def failed_run() -> dict[str, Any] | None:
            runs = [r for r in served.flow_runs() if r["parameters"].get("base_url") == failing]
            return runs[0] if runs and runs[0]["state_type"] == "FAILED" else None

        run = wait_for(failed_run, 120, "the triggered run to fail")
        notice = wait_for(lambda: WebhookListener.received, 90, "the webhook to be called")
        text = notice[0]["subject"] + "\n" + notice[0]["body"]
        assert run["name"] in text
        assert "HTTP 500" in text, text
        assert failing in text  # the error names the URL at fault
    finally:
        listener.shutdown()
    assert "Traceback" not in served.server_log.read_text(errors="replace")


def test_a_worker_on_the_work_pool_runs_the_deployment_into_the_lake(served: Served) -> None:
    """`kolada-goals deploy --pool`, then `prefect worker start --pool` as an operator starts
    it (here, or on another machine): a run triggered on the pool publishes into the lake."""
    base_url = start_fake(served, "pool-fake")
    with postgres_server() as postgres:
        lake = LakeSettings(postgres.new_database("pool"), str(served.folder / "pool-lake"))
        deployed = subprocess.run(
            [str(BIN / "kolada-goals"), "deploy", "--pool", "kolada-pool",
             "--base-url", base_url, "--goals", str(served.folder / "goals"),
             "--years", "2020-2021", "--rate", "0",
             "--lake", lake.catalog, "--lake-data", str(lake.data_path)],
            env=served.environment, capture_output=True, text=True, timeout=120,
            cwd=served.folder,
        )  # fmt: skip
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        assert "is on work pool kolada-pool" in deployed.stdout + deployed.stderr
        # The worker finds the flow by module (flows.nightly), not by a path of this checkout.
        worker = served.start(
            [str(BIN / "prefect"), "worker", "start", "--pool", "kolada-pool"], "worker.log"
        )
        triggered = served.cli("deployment", "run", "kolada-goals-nightly/kolada-goals-nightly")
        assert triggered.returncode == 0, triggered.stdout + triggered.stderr

        def published_runs() -> list[tuple[Any, ...]] | None:
            try:  # until the run's first commit there is no lake, then no meta_run
                with connect_lake(lake, read_only=True) as con:
                    rows = con.execute("select run_id, mode, status from meta_run").fetchall()
            except (LakeError, duckdb.CatalogException):
                return None
            return rows or None

        runs = wait_for(published_runs, 120, "the pool's run to publish into the lake")
        assert [status for _, _, status in runs] == ["succeeded"]
        with connect_lake(lake, read_only=True) as con:
            statuses = con.execute("select count(*) from mart_indicator_status").fetchone()
        assert statuses is not None and statuses[0] > 0
        assert worker.poll() is None  # the worker goes on, waiting for the next run
