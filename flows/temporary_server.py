"""A Prefect API for one run of `kolada-goals run`, that dies with the run.

Without PREFECT_API_URL, Prefect starts a temporary API server of its own in a child
process and stops it at interpreter exit; a run killed with SIGKILL never gets there, and
the server (about 200 MB) runs on for good, reparented to init. This module starts the same
server (Prefect's own app, no UI) in a child that asks the kernel to kill it when its
parent dies (Linux's PR_SET_PDEATHSIG), and points the run at it.

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

import httpx
from prefect.events.worker import EventsWorker
from prefect.logging.handlers import APILogWorker
from prefect.settings import PREFECT_API_URL, temporary_settings

HOST = "127.0.0.1"
STARTUP_SECONDS = 60.0
DRAIN_SECONDS = 5.0
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _wait_until_healthy(process: subprocess.Popen[bytes], api_url: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    with httpx.Client(timeout=2.0) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"the temporary Prefect server exited with code {process.returncode}"
                )
            try:
                if http.get(f"{api_url}/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise RuntimeError(f"the temporary Prefect server did not answer within {STARTUP_SECONDS}s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def prefect_api_for_this_run() -> Iterator[str]:
    """The API the run reports to: PREFECT_API_URL when set, else a temporary server that
    is stopped on the way out and killed by the kernel if this process dies first."""
    configured = PREFECT_API_URL.value()
    if configured:
        yield str(configured)
        return
    port = _free_port()
    api_url = f"http://{HOST}:{port}/api"
    environment = {**os.environ, "PREFECT_UI_ENABLED": "false"}
    process = subprocess.Popen(
        [sys.executable, "-m", "flows.temporary_server", str(os.getpid()), str(port)],
        env=environment,
        stdin=subprocess.DEVNULL,
    )
    try:
        _wait_until_healthy(process, api_url)
        with temporary_settings({PREFECT_API_URL: api_url}):
            try:
                yield api_url
            finally:
                _send_what_is_queued()
    finally:
        _stop(process)


def _send_what_is_queued() -> None:
    """Logs and events go to the API in the background: send them while it still listens."""
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
