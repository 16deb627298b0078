"""The real client against the fake Kolada, in-process, including every injected fault."""

import time
from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from kolada_goals.errors import (
    KoladaError,
    KoladaHTTPError,
    KoladaLimitError,
    KoladaPagingError,
    KoladaRecordError,
    KoladaResponseError,
)
from kolada_goals.extract.client import (
    ClientSettings,
    KoladaClient,
    is_within,
    page_limit,
    parse_retry_after,
)
from kolada_goals.extract.records import decode_value_page
from kolada_goals.fake import Fault, FaultPlan, create_app, serve_in_thread, synthetic_dataset
from kolada_goals.fake.app import FakeState

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


BASE_URL = "http://kolada.test/v3"
FIRST_URL = f"{BASE_URL}/{DATA_PATH}?per_page=5000"


@pytest.mark.parametrize(
    "next_url",
    [
        f"http://127.0.0.2/v3/{DATA_PATH}?page=2",  # another host
        f"https://kolada.test/v3/{DATA_PATH}?page=2",  # another scheme
        f"http://kolada.test:8080/v3/{DATA_PATH}?page=2",  # another port
        f"http://kolada.test/v2/{DATA_PATH}?page=2",  # another path prefix
        f"http://kolada.test/v3evil/{DATA_PATH}?page=2",
        "http://kolada.test/v3/../admin?page=2",
        "http://kolada.test/v3/%2e%2e/admin?page=2",
        "http://kolada.test/v3%2f..%2fadmin?page=2",
        f"http://someone@kolada.test/v3/{DATA_PATH}?page=2",
        f"http://kolada.test@127.0.0.2/v3/{DATA_PATH}?page=2",
        f"//127.0.0.2/v3/{DATA_PATH}?page=2",
        f"/v3/{DATA_PATH}?page=2",
        "http://[::1/v3/",
    ],
)
async def test_a_next_url_away_from_the_base_url_is_refused_unrequested(next_url: str) -> None:
    client, fake = make_client([Fault("foreign_next_url", next_url=next_url, times=None)])
    async with client:
        with pytest.raises(KoladaPagingError) as caught:
            await client.fetch_all(DATA_PATH)
    message = str(caught.value)
    assert next_url in message and FIRST_URL in message
    assert "leaves the base URL" in message
    # In process, every request the client sends reaches the fake, whatever its host.
    assert [(r.path, r.query) for r in fake.requests] == [(f"/v3/{DATA_PATH}", "per_page=5000")]
    assert client.stats.requests == 1


@pytest.mark.parametrize(
    "next_url",
    [
        f"http://kolada.test/v3/{DATA_PATH}?per_page=5000&page=2",
        f"HTTP://KOLADA.test:80/v3/{DATA_PATH}?per_page=5000&page=2",
    ],
)
async def test_a_next_url_within_the_base_url_is_followed(next_url: str) -> None:
    client, fake = make_client([Fault("foreign_next_url", next_url=next_url, times=1)])
    async with client:
        _, records, _ = await client.fetch_all(DATA_PATH)
    assert len(records) == 4  # page 2 lies past the end: empty
    assert [r.query for r in fake.requests] == ["per_page=5000", "per_page=5000&page=2"]
    assert client.stats.pages == 2


def test_is_within_compares_scheme_host_port_and_path_prefix() -> None:
    assert is_within("https://api.kolada.se/v3", "https://api.kolada.se/v3/kpi?page=2")
    assert is_within("https://api.kolada.se/v3/", "https://API.kolada.se:443/v3/kpi")
    assert not is_within("https://api.kolada.se/v3", "https://api.kolada.se/v3")
    assert not is_within("https://api.kolada.se/v3", "https://api.kolada.se.evil/v3/kpi")
    assert not is_within("https://api.kolada.se/v3", "https://api.kolada.se:8443/v3/kpi")
    assert not is_within("https://api.kolada.se/v3", "http://api.kolada.se/v3/kpi")
    assert not is_within("https://api.kolada.se/v3", "https://api.kolada.se/v3/./../kpi")


async def test_a_next_url_changing_one_parameter_each_time_stops_at_the_page_bound() -> None:
    client, fake = make_client([Fault("endless", times=None)])
    started = time.monotonic()
    async with client:
        with pytest.raises(KoladaPagingError, match="still a next_url after 4 pages") as caught:
            # Two KPI-years of two municipalities: at most 4 records, one page.
            async for _ in client.iter_decoded_pages(
                DATA_PATH, None, decode_value_page, expected_records=4
            ):
                pass
    elapsed = time.monotonic() - started
    assert page_limit(4, 5000) == 4 == len(fake.requests) == client.stats.requests
    assert [r.query for r in fake.requests][-1] == "per_page=5000&page=4"
    assert "page=5" in str(caught.value) and FIRST_URL in str(caught.value)
    assert elapsed < 1.0


async def test_requests_without_an_estimate_have_a_fixed_page_bound() -> None:
    client, fake = make_client([Fault("endless", times=None)])
    started = time.monotonic()
    async with client:
        with pytest.raises(KoladaPagingError, match="500000 records"):
            await client.fetch_all("municipality")
    assert len(fake.requests) == page_limit(500_000, 5000) == 202
    assert time.monotonic() - started < 5


def test_the_page_bound_is_twice_the_expected_pages_plus_two() -> None:
    assert page_limit(0, 5000) == 2
    assert page_limit(5000, 5000) == 4
    assert page_limit(5001, 5000) == 6
    assert page_limit(78 * 5000, 5000) == 158


async def test_a_body_over_the_size_limit_fails_without_retry() -> None:
    client, fake = make_client([Fault("oversized", size_bytes=2 * 2**20)], max_body_bytes=2**20)
    async with client:
        with pytest.raises(KoladaLimitError, match="larger than the limit of 1048576") as caught:
            await client.fetch_all(DATA_PATH)
    assert FIRST_URL in str(caught.value)
    assert len(fake.requests) == 1
    # Within the limit, the same padded body is read.
    client, _ = make_client([Fault("oversized", size_bytes=2**20)], max_body_bytes=2**20)
    async with client:
        _, records, _ = await client.fetch_all(DATA_PATH)
    assert len(records) == 4


async def test_a_body_announced_over_the_size_limit_is_not_read() -> None:
    client, _ = make_client(max_body_bytes=100)
    async with client:
        with pytest.raises(KoladaLimitError, match="announced") as caught:
            await client.fetch_all(DATA_PATH)
    assert FIRST_URL in str(caught.value)


@pytest.mark.slow
async def test_reading_stops_at_the_size_limit() -> None:
    """On loopback the fake sends a streamed body only as fast as the client reads it."""
    oversized = Fault("oversized", size_bytes=96 * 2**20)
    app = create_app(DATASET, FaultPlan([oversized]))
    with serve_in_thread(app) as base_url:
        settings = ClientSettings(base_url=base_url, requests_per_second=None,
                                  max_body_bytes=2**20, timeout_seconds=20)  # fmt: skip
        async with KoladaClient(settings) as client:
            with pytest.raises(KoladaLimitError, match="stopped reading"):
                await client.fetch_all(DATA_PATH)
    # What socket buffers hold beyond the limit is a few MiB, not the rest of the body.
    assert oversized.sent_bytes < 32 * 2**20


@pytest.mark.slow
async def test_a_body_dripping_in_hits_the_deadline_of_the_whole_request() -> None:
    """Each piece arrives well within httpx's read timeout; the whole body (about 1,100
    bytes) would take 3.5 s."""
    drip = Fault("drip", chunk_bytes=16, seconds=0.05, times=None)
    app = create_app(DATASET, FaultPlan([drip]))
    with serve_in_thread(app) as base_url:
        settings = ClientSettings(base_url=base_url, requests_per_second=None,
                                  timeout_seconds=0.4, max_attempts=1)  # fmt: skip
        started = time.monotonic()
        async with KoladaClient(settings) as client:
            with pytest.raises(KoladaError, match=r"timed out \(limit 0.4 s") as caught:
                await client.fetch_all(DATA_PATH)
        elapsed = time.monotonic() - started
    assert DATA_PATH in caught.value.url
    assert elapsed < 1.2
    assert drip.sent_bytes < 600
