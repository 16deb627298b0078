"""One synthetic Kolada: `fake-api --synthetic` serves the catalogue `run --offline` uses,
so a deployment pointed at the one after a run against the other is not refused."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kolada_goals.fake.offline import offline_dataset
from kolada_goals.goals.references import ids_named_in

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "goals"


def test_the_offline_catalogue_holds_every_id_the_goal_files_name() -> None:
    dataset = offline_dataset(SHIPPED)
    named = ids_named_in(SHIPPED)
    assert named.kpi_ids <= {kpi["id"] for kpi in dataset.kpis}
    assert named.kommun_ids <= {place["id"] for place in dataset.municipalities}
    assert named.group_ids <= {group["id"] for group in dataset.municipality_groups}


@pytest.mark.slow
def test_fake_api_synthetic_serves_the_offline_catalogue(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "kolada_goals.cli", "fake-api", "--synthetic",
         "--port", str(port), "--goals", str(SHIPPED)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        served = None
        deadline = time.monotonic() + 60
        while served is None and time.monotonic() < deadline:
            try:
                served = httpx.get(f"http://127.0.0.1:{port}/v3/kpi?per_page=5000").json()
            except httpx.TransportError:
                time.sleep(0.2)
        assert served is not None, "fake-api did not start"
    finally:
        process.terminate()
        process.wait(timeout=10)
    offline = offline_dataset(SHIPPED)
    assert sorted(kpi["id"] for kpi in served["values"]) == sorted(k["id"] for k in offline.kpis)
    assert len(offline.kpis) > 40  # the invented KPIs and those the shipped goal files name
