"""The real client against the fake Kolada, in-process, including every injected fault."""

from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from kolada_goals.client import ClientSettings, KoladaClient, parse_retry_after
from kolada_goals.errors import (
    KoladaError,
    KoladaHTTPError,
    KoladaPagingError,
    KoladaRecordError,
    KoladaResponseError,
)
from kolada_goals.fake import Fault, FaultPlan, create_app, synthetic_dataset
from kolada_goals.fake.app import FakeState
from kolada_goals.records import decode_value_page

pytestmark = pytest.mark.anyio

DATASET = synthetic_dataset()
KPIS = [k["id"] for k in DATASET.kpis]
DATA_PATH = f"data/kpi/{KPIS[0]}/municipality/0180,2425/year/2019,2020"


def make_client(faults: Sequence[Fault] = (), **settings: Any) -> tuple[KoladaClient, FakeState]:
    app = create_app(DATASET, FaultPlan(list(faults)))
    defaults: dict[str, Any] = {
        "base_url": "http://kolada.test/v3",
        "requests_per_second": None,
        "backoff_initial_seconds": 0.01,
        "backoff_max_seconds": 0.05,
        "timeout_seconds": 2.0,
    }
    client = KoladaClient(
        ClientSettings(**{**defaults, **settings}), transport=httpx.ASGITransport(app=app)
    )
    return client, app.state.fake


async def test_pages_are_followed_with_next_url_until_the_end() -> None:
    client, fake = make_client(per_page=7)
    async with client:
        url, records, _ = await client.fetch_all("municipality")
    assert len(records) == len(DATASET.municipalities)
    assert [r["id"] for r in records] == [m["id"] for m in DATASET.municipalities]
    assert url == "http://kolada.test/v3/municipality?per_page=7"
    pages = -(-len(records) // 7)
    assert [r.query for r in fake.requests][:2] == ["per_page=7", "per_page=7&page=2"]
    assert client.stats.pages == pages == len(fake.requests)


async def test_429_is_retried_after_the_retry_after_header() -> None:
    client, fake = make_client([Fault("rate_limit", times=2, retry_after=0.2)])
    async with client:
        _, records, _ = await client.fetch_all(DATA_PATH)
    assert len(records) == 4
    assert [r.status for r in fake.requests] == [429, 429, 200]
    assert client.stats.retries == 2


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors_are_retried(status: int) -> None:
    client, fake = make_client([Fault("server_error", status=status, times=2)])
    async with client:
        _, records, _ = await client.fetch_all(DATA_PATH)
    assert len(records) == 4
    assert [r.status for r in fake.requests] == [status, status, 200]


async def test_persistent_server_errors_fail_with_the_url() -> None:
    client, _ = make_client([Fault("server_error", times=None)], max_attempts=3)
    async with client:
        with pytest.raises(KoladaHTTPError, match="HTTP 500") as caught:
            await client.fetch_all(DATA_PATH)
    assert DATA_PATH in caught.value.url
    assert client.stats.requests == 3


async def test_a_slow_answer_times_out_and_is_retried() -> None:
    client, _fake = make_client([Fault("slow", seconds=5)], timeout_seconds=0.3)
    async with client:
        _, records, _ = await client.fetch_all(DATA_PATH)
    assert len(records) == 4
    assert client.stats.retries == 1


async def test_slow_answers_every_time_fail_as_timeouts() -> None:
    client, _ = make_client([Fault("slow", seconds=5, times=None)], timeout_seconds=0.2,
                            max_attempts=2)  # fmt: skip
    async with client:
        with pytest.raises(KoladaError, match="timed out"):
            await client.fetch_all(DATA_PATH)


@pytest.mark.parametrize("kind", ["truncated", "malformed"])
async def test_cut_or_malformed_bodies_are_retried_then_reported(kind: str) -> None:
    client, _ = make_client([Fault(kind, times=1)])  # type: ignore[arg-type]
    async with client:
        _, records, _ = await client.fetch_all(DATA_PATH)
    assert len(records) == 4
    client, _ = make_client([Fault(kind, times=None)], max_attempts=2)  # type: ignore[arg-type]
    async with client:
        with pytest.raises(KoladaResponseError, match="malformed JSON") as caught:
            await client.fetch_all(DATA_PATH)
    assert DATA_PATH in str(caught.value)


async def test_a_next_url_that_loops_fails() -> None:
    client, _ = make_client([Fault("loop", times=None)], per_page=1)
    async with client:
        with pytest.raises(KoladaPagingError, match="loops back"):
            await client.fetch_all(DATA_PATH)


async def test_a_page_without_values_fails_without_retry() -> None:
    client, fake = make_client([Fault("no_values")])
    async with client:
        with pytest.raises(KoladaResponseError, match="`values` list"):
            await client.fetch_all(DATA_PATH)
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("unknown_gender", "unknown gender 'X'"),
        ("period_not_integer", "is not an integer"),
        ("bad_kpi_id", "kpi id 'BAD1'"),
        ("bad_municipality_id", "municipality id '24250'"),
    ],
)
async def test_bad_records_are_refused_naming_url_and_record(how: str, message: str) -> None:
    client, _ = make_client([Fault("bad_record", bad_record=how)])  # type: ignore[arg-type]
    async with client:
        with pytest.raises(KoladaRecordError, match=message) as caught:
            async for _ in client.iter_decoded_pages(DATA_PATH, None, decode_value_page):
                pass
    assert DATA_PATH in caught.value.url
    assert caught.value.index == 0


async def test_client_errors_are_not_retried() -> None:
    too_many = ",".join(KPIS[:26])
    client, fake = make_client()
    async with client:
        with pytest.raises(KoladaHTTPError, match="HTTP 422"):
            await client.fetch_all(f"data/kpi/{too_many}/year/2020")
    assert len(fake.requests) == 1


async def test_rate_limit_spaces_requests() -> None:
    client, _ = make_client(requests_per_second=20, per_page=10)
    async with client:
        import time

        started = time.monotonic()
        await client.fetch_all("municipality")  # more than 10 pages
        elapsed = time.monotonic() - started
    assert client.stats.requests >= 10
    assert elapsed >= (client.stats.requests - 2) / 20


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2026 07:28:10 GMT", now=1792567680.0) == 10.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
