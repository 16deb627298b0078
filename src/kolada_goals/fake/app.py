"""The fake Kolada v3 API as an ASGI app: same routes, envelope, paging, limits, errors.

Faithful to what ../shared/KOLADA_API.md records of the real API: path-form filters only
(the query-parameter form answers empty with 200), at most 25 ids per segment (422),
per_page up to 5000 (422 above), next_url as an absolute URL, group ids answering the
unweighted mean of their members, and a data request without a municipality segment
answering every municipality and every group.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from kolada_goals.fake.dataset import DenseAnswer, FakeDataset, Record
from kolada_goals.fake.faults import Fault, FaultPlan, break_record

MAX_IDS = 25
MAX_PER_PAGE = 5000
METADATA_ENTITIES = ("kpi", "kpi_groups", "municipality", "municipality_groups", "ou")


@dataclass
class SeenRequest:
    path: str
    query: str
    status: int


@dataclass
class FakeState:
    dataset: FakeDataset
    faults: FaultPlan = field(default_factory=FaultPlan)
    requests: list[SeenRequest] = field(default_factory=list)


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(payload), status, headers, media_type="application/json")


def _ids(segment: str, name: str) -> list[str]:
    ids = [part for part in segment.split(",") if part]
    if not ids:
        raise ApiError(400, f"empty {name} segment")
    if len(ids) > MAX_IDS:
        raise ApiError(422, f"at most {MAX_IDS} ids per segment, {name} has {len(ids)}")
    return ids


def _years(segment: str) -> list[int]:
    try:
        return [int(year) for year in _ids(segment, "year")]
    except ValueError:
        raise ApiError(400, f"year segment {segment!r} is not a list of years") from None


def _paging(request: Request) -> tuple[int, int]:
    try:
        page = int(request.query_params.get("page", "1"))
        per_page = int(request.query_params.get("per_page", str(MAX_PER_PAGE)))
    except ValueError:
        raise ApiError(400, "page and per_page must be integers") from None
    if per_page < 1 or per_page > MAX_PER_PAGE:
        raise ApiError(422, f"per_page must be between 1 and {MAX_PER_PAGE}")
    if page < 1:
        raise ApiError(400, "page must be 1 or more")
    return page, per_page


def _page_url(request: Request, page: int) -> str:
    query = dict(request.query_params)
    query["page"] = str(page)
    return str(request.url.replace(query=urlencode(query)))


def _envelope(request: Request, records: Sequence[Record], fault: Fault | None) -> Any:
    page, per_page = _paging(request)
    start = (page - 1) * per_page
    stop = min(start + per_page, len(records))
    has_next = stop < len(records)
    next_url = _page_url(request, page + 1) if has_next else None
    if fault is not None and fault.kind == "loop":
        next_url = str(request.url)
    if fault is not None and fault.kind == "endless":
        next_url = _page_url(request, page + 1)
    if fault is not None and fault.kind == "foreign_next_url":
        next_url = fault.next_url
    values: list[Record] | orjson.Fragment
    if start >= len(records):
        values = []  # a page past the end
    elif isinstance(records, DenseAnswer) and (
        fault is None or fault.kind not in ("bad_record", "duplicate_rows")
    ):
        values = orjson.Fragment(b"[" + records.page_json(start, stop) + b"]")
    else:
        values = list(records[start:stop])
        if fault is not None and fault.kind == "bad_record" and values:
            values[0] = break_record(values[0], fault.bad_record)
        if fault is not None and fault.kind == "duplicate_rows":
            values = [record for record in values for _ in range(fault.copies)]
    return {
        "count": len(values) if isinstance(values, list) else max(stop - start, 0),
        "values": values,
        "next_url": next_url,
        "previous_url": _page_url(request, page - 1) if page > 1 else None,
    }


def _metadata(state: FakeState, request: Request, entity: str, ids: str | None) -> list[Record]:
    records = state.dataset.metadata(entity)
    if ids is not None:
        wanted = set(_ids(ids, entity))
        records = [r for r in records if r["id"] in wanted]
    title = request.query_params.get("title")
    if title:
        records = [r for r in records if title.lower() in str(r.get("title", "")).lower()]
    region_type = request.query_params.get("region_type")
    if entity == "municipality" and region_type:
        records = [r for r in records if r.get("type") == region_type]
    municipality = request.query_params.get("municipality")
    if entity == "ou" and municipality:
        records = [r for r in records if r.get("municipality") == municipality]
    return records


def _data(state: FakeState, request: Request, segments: list[str]) -> list[Record] | Any:
    if len(segments) % 2 or not segments:
        raise ApiError(404, "data routes take name/value segment pairs")
    parts: dict[str, str] = {}
    for name, value in zip(segments[::2], segments[1::2], strict=True):
        if name not in ("kpi", "municipality", "year") or name in parts:
            raise ApiError(404, f"unknown data segment {name!r}")
        parts[name] = value
    if len(parts) < 2:
        raise ApiError(404, "data routes need two of kpi, municipality and year")
    dataset = state.dataset
    kpis = _ids(parts["kpi"], "kpi") if "kpi" in parts else [k["id"] for k in dataset.kpis]
    places = (
        _ids(parts["municipality"], "municipality")
        if "municipality" in parts
        else dataset.municipality_ids() + dataset.group_ids()
    )
    years = _years(parts["year"]) if "year" in parts else list(dataset.years)
    since_text = request.query_params.get("from_date")
    if since_text:
        try:
            since = date.fromisoformat(since_text)
        except ValueError:
            raise ApiError(400, f"from_date {since_text!r} is not YYYY-MM-DD") from None
        return dataset.changes_since(since, kpis, places, years)
    return dataset.answer(kpis, places, years)


def create_app(dataset: FakeDataset, faults: FaultPlan | None = None) -> Starlette:
    state = FakeState(dataset, faults or FaultPlan())

    async def handle(request: Request) -> Response:
        path = request.url.path
        fault = state.faults.take(path)
        response = await _answer(state, request, fault)
        state.requests.append(SeenRequest(path, request.url.query, response.status_code))
        return response

    app = Starlette(routes=[Route("/v3/{rest:path}", handle, methods=["GET"])])
    app.state.fake = state
    return app


async def _answer(state: FakeState, request: Request, fault: Fault | None) -> Response:
    if fault is not None:
        if fault.kind == "rate_limit":
            return _json(
                {"error": "too many requests"}, 429, {"Retry-After": str(fault.retry_after)}
            )
        if fault.kind == "server_error":
            return _json({"error": "server error"}, fault.status)
        if fault.kind == "malformed":
            return Response(b"<html>Bad gateway</html>", 200, media_type="application/json")
        if fault.kind == "slow":
            await asyncio.sleep(fault.seconds)
    segments = [s for s in request.path_params["rest"].split("/") if s]
    try:
        if not segments:
            raise ApiError(404, "unknown route")
        route = segments[0]
        if route in METADATA_ENTITIES and len(segments) <= 2:
            records: Sequence[Record] = _metadata(
                state, request, route, segments[1] if len(segments) == 2 else None
            )
        elif route == "data" and len(segments) == 1:
            records = []  # the query-parameter form: the real API answers empty with 200
        elif route in ("data", "oudata"):
            records = (
                _oudata(state, segments[1:])
                if route == "oudata"
                else _data(state, request, segments[1:])
            )
        else:
            raise ApiError(404, "unknown route")
        payload = _envelope(request, records, fault)
    except ApiError as error:
        return _json({"error": str(error)}, error.status)
    if fault is not None and fault.kind == "no_values":
        payload.pop("values")
    body = orjson.dumps(payload)
    if fault is not None and fault.kind == "truncated":
        body = body[: len(body) // 2]
    if fault is not None and fault.kind in ("oversized", "drip"):
        return StreamingResponse(
            _streamed(request, body, fault), 200, media_type="application/json"
        )
    return Response(body, 200, media_type="application/json")


async def _streamed(request: Request, body: bytes, fault: Fault) -> AsyncIterator[bytes]:
    """The body in pieces, without a Content-Length: dripping `chunk_bytes` at a time, or
    padded with whitespace (still valid JSON) to `size_bytes`, made as it is sent and only
    while the client is still there."""
    if fault.kind == "drip":
        pieces = [body[i : i + fault.chunk_bytes] for i in range(0, len(body), fault.chunk_bytes)]
    else:
        pieces = [body]
    for index, piece in enumerate(pieces):
        if index:
            await asyncio.sleep(fault.seconds)
        fault.sent_bytes += len(piece)
        yield piece
    padding = b" " * 2**16
    while fault.kind == "oversized" and fault.sent_bytes < fault.size_bytes:
        if await request.is_disconnected():
            return
        piece = padding[: fault.size_bytes - fault.sent_bytes]
        fault.sent_bytes += len(piece)
        yield piece


def _oudata(state: FakeState, segments: list[str]) -> list[Record]:
    """Unit values: those of a synthetic dataset; a dataset of real samples has none, and
    its valid routes answer empty."""
    if len(segments) % 2 or len(segments) < 4:
        raise ApiError(404, "oudata routes need two of kpi, ou and year")
    parts: dict[str, str] = {}
    for name, value in zip(segments[::2], segments[1::2], strict=True):
        if name not in ("kpi", "ou", "year") or name in parts:
            raise ApiError(404, f"unknown oudata segment {name!r}")
        _ids(value, name)
        parts[name] = value
    dataset = state.dataset
    kpis = _ids(parts["kpi"], "kpi") if "kpi" in parts else [k["id"] for k in dataset.kpis]
    ous = _ids(parts["ou"], "ou") if "ou" in parts else [str(ou["id"]) for ou in dataset.ous]
    years = _years(parts["year"]) if "year" in parts else list(dataset.years)
    return dataset.unit_answer(kpis, ous, years)
