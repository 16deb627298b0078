"""Errors that name what is at fault: the URL, the record, the file and line."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

_EXCERPT_CHARS = 300


def excerpt(data: Any) -> str:
    """A short, single-line rendering of a body or record for error messages."""
    if isinstance(data, bytes):
        text = data.decode("utf-8", errors="replace")
    elif isinstance(data, str):
        text = data
    else:
        text = orjson.dumps(data, default=str).decode()
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT_CHARS else text[:_EXCERPT_CHARS] + "…"


class KoladaGoalsError(Exception):
    """Base of every error this package raises on purpose."""


class KoladaError(KoladaGoalsError):
    """Kolada, or something claiming to be Kolada, answered something unusable."""

    def __init__(self, message: str, url: str) -> None:
        super().__init__(f"{message} [url: {url}]")
        self.url = url
        # The page that was refused, when there was an answer: set by the client, so the
        # page can be landed in raw_page with its body and this error.
        self.body: bytes | None = None
        self.fetched_at: datetime | None = None
        self.request_url: str | None = None
        self.page_number: int | None = None


class KoladaHTTPError(KoladaError):
    def __init__(self, status_code: int, url: str, body: bytes) -> None:
        super().__init__(f"HTTP {status_code}: {excerpt(body)}", url)
        self.status_code = status_code


class KoladaResponseError(KoladaError):
    """The answer is not a well-formed Kolada envelope (malformed JSON, no `values`, ...)."""


class KoladaPagingError(KoladaError):
    """next_url leads somewhere already visited, away from Kolada, or paging never ends."""


class KoladaLimitError(KoladaResponseError):
    """An answer goes past a limit the client sets, e.g. a body too large to read."""


class KoladaRecordError(KoladaError):
    """One record of an otherwise well-formed answer breaks Kolada's documented shape."""

    def __init__(self, problem: str, url: str, index: int, record: Any) -> None:
        super().__init__(f"record {index}: {problem}; record: {excerpt(record)}", url)
        self.index = index
        self.record = record


class UnknownKpiError(KoladaGoalsError):
    def __init__(self, kpi_ids: list[str]) -> None:
        shown = ", ".join(kpi_ids[:20]) + (" …" if len(kpi_ids) > 20 else "")
        super().__init__(
            f"{len(kpi_ids)} KPI id(s) unknown to Kolada's KPI catalogue: {shown}. "
            "Check the id, or refresh metadata if the KPI is new."
        )
        self.kpi_ids = kpi_ids
