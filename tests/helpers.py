"""Small builders shared by tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pytest

from kolada_goals.client import Page
from kolada_goals.records import decode_value_page

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
