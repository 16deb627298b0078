"""A DuckDB warehouse built from the real samples: fake Kolada -> client -> DuckDB, with the
shipped goal definitions and the marts."""

from __future__ import annotations

import asyncio
from pathlib import Path

import duckdb
import httpx

from kolada_goals.extract.client import ClientSettings, KoladaClient
from kolada_goals.fake import create_app, load_folder
from kolada_goals.goals.store import load_goal_definitions
from kolada_goals.load import pipeline
from kolada_goals.status.marts import build_marts
from kolada_goals.warehouse import apply_schema, connect

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_KPIS = ("N00923", "N00945", "N01951", "N01963", "N05401", "N07403", "N11008",
               "N15428", "N31807")  # fmt: skip


async def _load(con: duckdb.DuckDBPyConnection, samples: Path, goals: Path) -> None:
    app = create_app(load_folder(samples))
    settings = ClientSettings(base_url="http://kolada.test/v3", requests_per_second=None)
    async with KoladaClient(settings, transport=httpx.ASGITransport(app=app)) as client:
        await pipeline.refresh_metadata(client, con, "samples")
        load_goal_definitions(con, goals, run_id="samples")
        await pipeline.load_values(
            client, con, "samples", SAMPLE_KPIS, range(2010, 2023), pipeline.value_places(con)
        )


def sample_warehouse(
    samples: Path, goals: Path = ROOT / "data" / "goals"
) -> duckdb.DuckDBPyConnection:
    con = connect()
    apply_schema(con)
    asyncio.run(_load(con, samples, goals))
    build_marts(con)
    return con
