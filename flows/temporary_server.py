"""A Prefect API for one run of `kolada-goals run`, that dies with the run.

Without PREFECT_API_URL, Prefect starts a temporary API server of its own in a child
process and stops it at interpreter exit; a run killed with SIGKILL never gets there, and
the server (about 200 MB) runs on for good, reparented to init. This module starts the same
server (Prefect's own app, no UI) in a child that asks the kernel to kill it when its
parent dies (Linux's PR_SET_PDEATHSIG), and points the run at it.

The child takes seconds to answer, most of them its own imports of Prefect's server. The
run can start it before importing Prefect itself (`early_temporary_server`), so that the
two processes import side by side; nothing from Prefect or httpx is imported here at module
level, for that and so that the child asks for PR_SET_PDEATHSIG before importing anything.

`python -m flows.temporary_server PARENT_PID PORT` is that child.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

HOST = "127.0.0.1"
STARTUP_SECONDS = 60.0
DRAIN_SECONDS = 5.0
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


@dataclass(frozen=True)
class TemporaryServer:
    process: subprocess.Popen[bytes]
    api_url: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _spawn() -> TemporaryServer:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "flows.temporary_server", str(os.getpid()), str(port)],
        env={**os.environ, "PREFECT_UI_ENABLED": "false"},
        stdin=subprocess.DEVNULL,
    )
    return TemporaryServer(process, f"http://{HOST}:{port}/api")


def _wait_until_healthy(server: TemporaryServer) -> None:
    import httpx

    deadline = time.monotonic() + STARTUP_SECONDS
    with httpx.Client(timeout=2.0) as http:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(
                    f"the temporary Prefect server exited with code {server.process.returncode}"
                )
            try:
                if http.get(f"{server.api_url}/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise RuntimeError(f"the temporary Prefect server did not answer within {STARTUP_SECONDS}s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Idempotent: a process already waited for is left alone."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def early_temporary_server() -> Iterator[TemporaryServer | None]:
    """Start the temporary server now, before Prefect is imported, for
    `prefect_api_for_this_run`; stopped on the way out. None when PREFECT_API_URL is in the
    environment: it will be used, and reading Prefect's other sources of it (profiles,
    .env, prefect.toml) takes the import this is meant to overlap."""
    if os.environ.get("PREFECT_API_URL"):
        yield None
        return
    server = _spawn()
    try:
        yield server
    finally:
        _stop(server.process)


@contextmanager
def prefect_api_for_this_run(started: TemporaryServer | None = None) -> Iterator[str]:
    """The API the run reports to: PREFECT_API_URL when set, else a temporary server
    (`started`, or one started now) that is stopped on the way out and killed by the kernel
    if this process dies first."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    configured = PREFECT_API_URL.value()
    if configured:
        if started is not None:
            _stop(started.process)  # the URL came from a profile or file, not the environment
        yield str(configured)
        return
    server = started or _spawn()
    try:
        _wait_until_healthy(server)
        with temporary_settings({PREFECT_API_URL: server.api_url}):
            try:
                yield server.api_url
            finally:
                _send_what_is_queued()
    finally:
        _stop(server.process)


def _send_what_is_queued() -> None:
    """Logs and events go to the API in the background: send them while it still listens."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=DRAIN_SECONDS)


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # The parent may have died before the request above took effect.
    if os.getppid() != parent_pid:
        sys.exit(0)


def main(argv: list[str]) -> None:
    parent_pid, port = int(argv[0]), int(argv[1])
    _die_with_parent(parent_pid)
    import uvicorn
    from prefect.server.api.server import create_app

    app = create_app(ephemeral=True, final=True)
    uvicorn.run(app, host=HOST, port=port, log_level="error", lifespan="on")


if __name__ == "__main__":
    main(sys.argv[1:])
