"""A real PostgreSQL server for the lake's tests: Debian's postgresql, initdb into a temporary
folder, listening on 127.0.0.1 only, stopped at the end. As root (CI) the server runs as the
postgres user, which PostgreSQL requires; tests skip with the reason when none is installed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

USER = "kolada"


def postgres_bin() -> Path | None:
    """The folder of initdb and pg_ctl: Debian keeps them out of PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_version)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version(initdb: Path) -> int:
    name = initdb.parent.parent.name
    return int(name) if name.isdigit() else 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class PostgresServer:
    bin: Path
    port: int
    folder: Path
    as_user: tuple[str, ...]  # the command prefix that runs as the server's owner

    def run(self, *command: str) -> None:
        subprocess.run([*self.as_user, *command], check=True, capture_output=True, text=True)

    def new_database(self, name: str) -> str:
        """Create database `name`; returns its DuckLake catalog string."""
        self.run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                 "-U", USER, name)  # fmt: skip
        return f"postgres:dbname={name} host=127.0.0.1 port={self.port} user={USER}"


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    bin_folder = postgres_bin()
    if bin_folder is None:
        pytest.skip("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    # A folder of its own under /tmp: the server's owner must be able to reach it.
    folder = Path(tempfile.mkdtemp(prefix="kolada-goals-postgres-"))
    folder.chmod(0o755)
    as_user: tuple[str, ...] = ()
    if os.geteuid() == 0:  # initdb refuses root
        as_user = ("runuser", "-u", "postgres", "--")
        shutil.chown(folder, "postgres")
    server = PostgresServer(bin_folder, _free_port(), folder, as_user)
    data = folder / "data"
    server.run(str(bin_folder / "initdb"), "-D", str(data), "-A", "trust", "-U", USER,
               "--no-sync")  # fmt: skip
    options = f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    server.run(str(bin_folder / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"),
               "-o", options, "-w", "start")  # fmt: skip
    try:
        yield server
    finally:
        server.run(str(bin_folder / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)
