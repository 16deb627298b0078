"""Small builders shared by tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kolada_goals.client import Page

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


def page(
    values: list[Any],
    url: str = "http://kolada.test/v3/data/x?page=1",
    fetched_at: datetime = datetime(2026, 1, 1, tzinfo=UTC),
) -> Page:
    return Page(url, url, 1, values, fetched_at)
