"""Run the fake Kolada on loopback with uvicorn: in the foreground, or in a thread."""

from __future__ import annotations

import gc
import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.applications import Starlette

LOOPBACK_HOST = "127.0.0.1"


def check_loopback(host: str) -> None:
    """The fake only ever listens on this machine's loopback addresses."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host != "localhost":
            raise ValueError(f"{host!r}: the fake Kolada serves loopback addresses only") from None
        return
    if not address.is_loopback:
        raise ValueError(f"{host!r}: the fake Kolada serves loopback addresses only")


def serve(app: Starlette, host: str = LOOPBACK_HOST, port: int = 8765) -> None:
    check_loopback(host)
    # The dataset lives as long as the server: kept out of the cyclic garbage collector's
    # sight, it no longer makes every collection slow while pages are built (a third of
    # the time per page).
    gc.freeze()
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


@contextmanager
def serve_in_thread(app: Starlette, host: str = LOOPBACK_HOST) -> Iterator[str]:
    """Serve on a free port in a background thread; yields the base URL ('…/v3')."""
    check_loopback(host)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake Kolada did not start")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{port}/v3"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()
