"""An asynchronous Kolada v3 client on httpx: polite, bounded, retrying, paging.

Politeness: at most `requests_per_second` (default 5) and `max_concurrency` requests in
flight. Retries: only 429, 5xx, connection errors, timeouts and cut-off bodies, with
exponential backoff that honours Retry-After. Paging: follows `next_url` until it is null
or empty, only within the base URL (its scheme, host, port and path), and fails on a
next_url it has already visited or after more pages than the request can fill. Bounds:
every request, body included, ends within `timeout_seconds`, and a body may hold at most
`max_body_bytes`.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import math
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

import httpx
import orjson
from aiolimiter import AsyncLimiter
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from kolada_goals.errors import (
    KoladaError,
    KoladaHTTPError,
    KoladaLimitError,
    KoladaPagingError,
    KoladaResponseError,
)

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.kolada.se/v3"
METADATA_ENTITIES = ("kpi", "kpi_groups", "municipality", "municipality_groups", "ou")


@dataclass(frozen=True)
class ClientSettings:
    base_url: str = DEFAULT_BASE_URL
    requests_per_second: float | None = 5.0  # None: no rate limit
    max_concurrency: int = 4
    timeout_seconds: float = 60.0  # per request attempt, from sending to the body's end
    max_attempts: int = 6
    backoff_initial_seconds: float = 1.0
    backoff_max_seconds: float = 60.0
    per_page: int = 5000
    # A page of 5000 value records is about 1-2 MB, 5000 KPIs of the catalogue about 4 MB.
    max_body_bytes: int = 64 * 2**20
    # Requests without the planner's estimate (metadata) are bounded as if they could hold
    # this many records: the largest entity, ou, lists about 35,000.
    max_records_without_estimate: int = 500_000
    user_agent: str = "kolada-goals (+https://github.com/kolada-goals/kolada-goals)"


@dataclass
class ClientStats:
    requests: int = 0  # HTTP requests sent, retries included
    retries: int = 0
    pages: int = 0  # pages accepted
    records: int = 0


Values = TypeVar("Values")


@dataclass(frozen=True)
class Envelope(Generic[Values]):
    """A decoded answer: its records (as the decoder gives them) and where paging goes on."""

    values: Values
    record_count: int
    next_url: str | None


@dataclass(frozen=True)
class Page(Generic[Values]):
    request_url: str  # the first URL of the paged request
    page_url: str
    page_number: int
    values: Values
    record_count: int
    fetched_at: datetime


class MalformedBodyError(KoladaResponseError):
    """The body is not JSON: usually cut off in transit, so worth another attempt."""


def decode_envelope(body: bytes, url: str) -> Envelope[list[dict[str, Any]]]:
    """Decode a Kolada envelope `{"values": [...], "next_url": ...}` into Python objects."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        message = f"malformed JSON ({error}); body: {_start(body)!r}"
        raise MalformedBodyError(message, url) from error
    if not isinstance(payload, dict) or not isinstance(payload.get("values"), list):
        raise KoladaResponseError(
            f"answer is not a Kolada envelope with a `values` list; body: {_start(body)!r}", url
        )
    next_url = payload.get("next_url")
    if next_url is not None and not isinstance(next_url, str):
        raise KoladaResponseError(f"next_url is not a string: {next_url!r}", url)
    values = payload["values"]
    return Envelope(values, len(values), next_url or None)


@dataclass(frozen=True)
class AnsweredRecords:
    """A page's records with its body as received, kept until the records are accepted."""

    records: list[dict[str, Any]]
    body: bytes


def decode_envelope_keeping_body(body: bytes, url: str) -> Envelope[AnsweredRecords]:
    envelope = decode_envelope(body, url)
    return Envelope(
        AnsweredRecords(envelope.values, body), envelope.record_count, envelope.next_url
    )


def _start(body: bytes) -> str:
    return body[:200].decode("utf-8", errors="replace")


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: httpx.URL) -> tuple[str, bytes, str, int | None]:
    return url.scheme, url.userinfo, url.host, url.port or _DEFAULT_PORTS.get(url.scheme)


def _path_without_query(url: httpx.URL) -> bytes:
    return url.raw_path.split(b"?", 1)[0]


def is_within(base_url: str, url: str) -> bool:
    """`url` lies under `base_url`: the same scheme, user, host and port, and a path below
    the base path, both as sent (percent-encoded) and as decoded, without dot segments a
    server could resolve above it."""
    try:
        base, candidate = httpx.URL(base_url), httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return False
    if not candidate.is_absolute_url or _origin(candidate) != _origin(base):
        return False
    prefix = _path_without_query(base).rstrip(b"/") + b"/"
    return (
        _path_without_query(candidate).startswith(prefix)
        and candidate.path.startswith(prefix.decode("ascii", errors="replace"))
        and not {".", ".."} & set(candidate.path.split("/"))
    )


def page_limit(expected_records: int, per_page: int) -> int:
    """Most pages one request may take. Twice the pages its expected records fill, plus two:
    the estimate for an answer without a municipality segment comes from the metadata
    fetched earlier (its groups may grow), the rest are upper bounds, and the two cover
    rounding and an empty last page. Anything past that is paging that never ends."""
    return 2 * math.ceil(expected_records / per_page) + 2


class _RetryableError(Exception):
    """A failure worth another attempt; carries the error to raise when attempts run out."""

    def __init__(self, error: KoladaError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def parse_retry_after(header: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not header:
        return None
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        moment = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, moment.timestamp() - current)


class KoladaClient:
    """Use as `async with KoladaClient(settings) as client: ...`."""

    def __init__(
        self,
        settings: ClientSettings | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings or ClientSettings()
        self.stats = ClientStats()
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self._semaphore = asyncio.Semaphore(self.settings.max_concurrency)
        rate = self.settings.requests_per_second
        # A bucket of one token: requests are spread evenly, never sent in bursts.
        self._limiter = AsyncLimiter(1, 1.0 / rate) if rate else None
        initial = self.settings.backoff_initial_seconds
        self._backoff = wait_exponential_jitter(
            multiplier=initial, jitter=initial, max=self.settings.backoff_max_seconds
        )

    async def __aenter__(self) -> KoladaClient:
        self._http = httpx.AsyncClient(
            transport=self._transport,
            # A redirect would lead anywhere: it fails as an HTTP status instead.
            follow_redirects=False,
            timeout=httpx.Timeout(self.settings.timeout_seconds),
            headers={"User-Agent": self.settings.user_agent, "Accept": "application/json"},
            limits=httpx.Limits(max_connections=self.settings.max_concurrency),
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def url(self, path: str, params: Mapping[str, str | int] | None = None) -> str:
        url = f"{self.settings.base_url.rstrip('/')}/{path.lstrip('/')}"
        return f"{url}?{urlencode(dict(params))}" if params else url

    def _wait_seconds(self, state: RetryCallState) -> float:
        exponential = self._backoff(state)
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, _RetryableError) and error.retry_after is not None:
            return min(error.retry_after, self.settings.backoff_max_seconds)
        return exponential

    async def get_page(
        self, url: str, decode: Callable[[bytes, str], Envelope[Values]]
    ) -> Envelope[Values]:
        """GET one URL and decode its body, retrying what is worth retrying."""
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_RetryableError),
            stop=stop_after_attempt(self.settings.max_attempts),
            wait=self._wait_seconds,
            reraise=True,
            before_sleep=self._log_retry,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._get_once(url, decode)
        except _RetryableError as exhausted:
            raise exhausted.error from exhausted
        raise AssertionError("unreachable: tenacity either returns or raises")

    def _log_retry(self, state: RetryCallState) -> None:
        self.stats.retries += 1
        error = state.outcome.exception() if state.outcome else None
        log.warning(
            "retry %d after %.1fs: %s",
            state.attempt_number,
            state.upcoming_sleep,
            error,
        )

    async def _get_once(
        self, url: str, decode: Callable[[bytes, str], Envelope[Values]]
    ) -> Envelope[Values]:
        if self._http is None:
            raise RuntimeError("KoladaClient must be used as an async context manager")
        seconds = self.settings.timeout_seconds
        async with self._semaphore:
            if self._limiter is not None:
                await self._limiter.acquire()
            self.stats.requests += 1
            try:
                # The deadline covers the whole request, body included: httpx's own timeouts
                # apply to each read, which a body dripping in slowly never exceeds.
                async with asyncio.timeout(seconds):
                    response, body = await self._read(self._http, url)
            except (httpx.TimeoutException, TimeoutError) as error:
                raise _RetryableError(
                    KoladaError(f"timed out (limit {seconds} s per request): {error!r}", url)
                ) from error
            except httpx.TransportError as error:
                raise _RetryableError(KoladaError(f"connection failed: {error!r}", url)) from error
        fetched_at = datetime.now(UTC)
        status = response.status_code
        if status == 429 or status >= 500:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            refused = _answered(KoladaHTTPError(status, url, body), body, fetched_at)
            raise _RetryableError(refused, retry_after)
        if status != 200:
            raise _answered(KoladaHTTPError(status, url, body), body, fetched_at)
        try:
            # In a thread: decoding a page takes milliseconds, and pyarrow's decoder runs
            # without the GIL beside the event loop and DuckDB.
            return await asyncio.to_thread(decode, body, url)
        except MalformedBodyError as error:
            # Cut-off bodies are usually transient; a persistently malformed one fails after
            # the last attempt.
            raise _RetryableError(_answered(error, body, fetched_at)) from error
        except KoladaError as error:
            raise _answered(error, body, fetched_at) from None

    async def _read(self, http: httpx.AsyncClient, url: str) -> tuple[httpx.Response, bytes]:
        """The response and its body, read as it streams in and refused past max_body_bytes
        (before reading when the declared length is already too large)."""
        limit = self.settings.max_body_bytes
        async with http.stream("GET", url) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise KoladaLimitError(
                    f"body of {int(declared)} bytes announced, more than the limit of {limit} "
                    "(max_body_bytes); not read",
                    url,
                )
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise KoladaLimitError(
                        f"body larger than the limit of {limit} bytes (max_body_bytes); "
                        "stopped reading",
                        url,
                    )
                chunks.append(chunk)
        return response, b"".join(chunks)

    def iter_pages(
        self, path: str, params: Mapping[str, str | int] | None = None
    ) -> AsyncIterator[Page[list[dict[str, Any]]]]:
        """Every page of one request as Python objects, following next_url."""
        return self.iter_decoded_pages(path, params, decode_envelope)

    async def iter_decoded_pages(
        self,
        path: str,
        params: Mapping[str, str | int] | None,
        decode: Callable[[bytes, str], Envelope[Values]],
        expected_records: int | None = None,
    ) -> AsyncIterator[Page[Values]]:
        """Every page of one request, each decoded by `decode`, following next_url within
        the base URL. `expected_records` (the planner's estimate; by default
        max_records_without_estimate) bounds the number of pages."""
        query: dict[str, str | int] = {"per_page": self.settings.per_page, **(params or {})}
        first_url = self.url(path, query)
        records = self.settings.max_records_without_estimate
        most_pages = page_limit(
            records if expected_records is None else expected_records, int(query["per_page"])
        )
        url: str | None = first_url
        visited: set[str] = set()
        page_number = 0
        while url:
            if url in visited:
                raise KoladaPagingError(f"next_url loops back to a visited page: {url}", first_url)
            if page_number >= most_pages:
                raise KoladaPagingError(
                    f"still a next_url after {page_number} pages, the most a request of "
                    f"{records if expected_records is None else expected_records} records "
                    f"may take; next_url: {url}",
                    first_url,
                )
            visited.add(url)
            try:
                envelope = await self.get_page(url, decode)
            except KoladaError as error:
                error.request_url, error.page_number = first_url, page_number + 1
                raise
            page_number += 1
            next_url = envelope.next_url
            if next_url is not None and not is_within(self.settings.base_url, next_url):
                raise KoladaPagingError(
                    f"next_url {next_url} leaves the base URL {self.settings.base_url} "
                    "(scheme, host, port and path must stay); not followed",
                    url,
                )
            self.stats.pages += 1
            self.stats.records += envelope.record_count
            yield Page(
                first_url, url, page_number, envelope.values, envelope.record_count,
                datetime.now(UTC),
            )  # fmt: skip
            url = next_url

    async def fetch_all(
        self, path: str, params: Mapping[str, str | int] | None = None
    ) -> tuple[str, list[dict[str, Any]], datetime]:
        """Every record of a (small) request, e.g. a metadata entity: (url, records, time)."""
        records: list[dict[str, Any]] = []
        first_url = self.url(path, params)
        fetched_at = datetime.now(UTC)
        async for page in self.iter_pages(path, params):
            first_url, fetched_at = page.request_url, page.fetched_at
            records.extend(page.values)
        return first_url, records, fetched_at


def _answered(error: KoladaError, body: bytes, fetched_at: datetime) -> KoladaError:
    """`error` with the answer that caused it, to land the refused page."""
    error.body, error.fetched_at = body, fetched_at
    return error


def from_date_param(since: date | None) -> dict[str, str]:
    return {"from_date": since.isoformat()} if since else {}


__all__ = [
    "DEFAULT_BASE_URL",
    "METADATA_ENTITIES",
    "AnsweredRecords",
    "ClientSettings",
    "ClientStats",
    "Envelope",
    "KoladaClient",
    "MalformedBodyError",
    "Page",
    "decode_envelope",
    "decode_envelope_keeping_body",
    "from_date_param",
    "is_within",
    "page_limit",
    "parse_retry_after",
]
