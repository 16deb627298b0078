#!/usr/bin/env python3
"""Set-up and entry points that need nothing but python3.

    python3 tasks.py run [ARGS...]   install if needed, then `kolada-goals run ARGS...`
    python3 tasks.py test            install if needed, then ruff, mypy and pytest
    python3 tasks.py cli ARGS...     install if needed, then `kolada-goals ARGS...`

The virtual environment lives in .venv and is rebuilt from requirements.lock
(hash-checked) whenever the lock file or pyproject.toml changes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed-from"
INPUTS = (ROOT / "requirements.lock", ROOT / "pyproject.toml")
PIP_VERSION = "26.0.1"
# The pinned axe-core (version and the registry's sha512); the accessibility test reads it too.
AXE_CORE_PIN = ROOT / "tests" / "axe-core.toml"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in INPUTS:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_environment() -> None:
    fingerprint = _fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    if not (BIN / "python").exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    python = str(BIN / "python")
    pip = [python, "-m", "pip", "--disable-pip-version-check"]
    # The pip that comes with Python 3.11 (23.2) refuses a hash-checked lock once a newer
    # release of a package asked for with an extra (prefect's httpx[http2]) is published.
    subprocess.run([*pip, "install", "-q", f"pip=={PIP_VERSION}"], cwd=ROOT, check=True)
    print("Installing locked dependencies (requirements.lock) ...", flush=True)
    subprocess.run(
        [*pip, "install", "-q", "--require-hashes", "-r", "requirements.lock"], cwd=ROOT, check=True
    )
    subprocess.run(
        [*pip, "install", "-q", "--no-deps", "-e", "."],
        cwd=ROOT,
        check=True,
    )
    STAMP.write_text(fingerprint)


def ensure_debian_packages() -> None:
    """The tests open the HTML report in Debian's chromium and run the lake on a PostgreSQL
    server they start themselves (postgresql); install what is missing where we can."""
    missing = []
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        missing.append("chromium")
    if not (shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))):
        missing.append("postgresql")
    if not missing:
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        print(f"Installing Debian's {' and '.join(missing)} for the tests ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=False, env=env)
        # Debian starts a cluster of its own; the tests start theirs on a free port.
        subprocess.run(["service", "postgresql", "stop"], check=False, capture_output=True)
    else:
        print(f"warning: {', '.join(missing)} not installed (apt-get install {' '.join(missing)})")


def axe_core_pin() -> tuple[str, str]:
    """The pinned axe-core: its version and the integrity (sha512) of its tarball."""
    pin = tomllib.loads(AXE_CORE_PIN.read_text(encoding="utf-8"))
    return str(pin["version"]), str(pin["integrity"])


def axe_core_script(version: str) -> Path:
    """Where the accessibility test finds axe-core's axe.min.js."""
    return VENV / "share" / f"axe-core-{version}" / "axe.min.js"


def ensure_axe_core() -> None:
    """The accessibility test runs axe-core in chromium: fetch the pinned release from the npm
    registry once, check it against its sha512 and keep its axe.min.js under .venv/share."""
    version, integrity = axe_core_pin()
    script = axe_core_script(version)
    if script.is_file():
        return
    url = f"https://registry.npmjs.org/axe-core/-/axe-core-{version}.tgz"
    print(f"Fetching axe-core {version} for the accessibility test ...", flush=True)
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            tarball = response.read()
    except OSError as error:
        print(f"warning: axe-core not fetched ({error}); the accessibility test will skip")
        return
    algorithm, _, expected = integrity.partition("-")
    if algorithm not in ("sha384", "sha512"):
        raise SystemExit(f"{AXE_CORE_PIN}: integrity must be sha384 or sha512, not {algorithm}")
    actual = base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode("ascii")
    if actual != expected:
        raise SystemExit(f"axe-core {version} from {url} does not match its pinned {algorithm}")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile("package/axe.min.js")
        if member is None:
            raise SystemExit(f"axe-core {version}: the tarball has no package/axe.min.js")
        content = member.read()
    script.parent.mkdir(parents=True, exist_ok=True)
    # Written whole or not at all: the test trusts a file that is there.
    temporary = script.with_name(f".{script.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(content)
        os.replace(temporary, script)
    finally:
        temporary.unlink(missing_ok=True)


def run(command: list[str]) -> int:
    print("+ " + " ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT).returncode


def test(pytest_args: list[str]) -> int:
    checks = [
        [str(BIN / "ruff"), "check", "."],
        [str(BIN / "ruff"), "format", "--check", "."],
        [str(BIN / "mypy")],
        # One worker per core, each test module on one worker (modules share servers);
        # the slowest tests are listed so a slow-down shows in every CI log.
        [
            *(str(BIN / "python"), "-m", "pytest", "-n", "auto", "--dist", "loadfile"),
            *("--durations=15", *pytest_args),
        ],
    ]
    for command in checks:
        code = run(command)
        if code != 0:
            return code
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "cli"}:
        print(__doc__)
        return 2
    ensure_environment()
    verb, rest = argv[0], argv[1:]
    if verb == "test":
        ensure_debian_packages()
        ensure_axe_core()
        return test(rest)
    cli = str(BIN / "kolada-goals")
    if verb == "run":
        return run([cli, "run", *rest])
    return run([cli, *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
