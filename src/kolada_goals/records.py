"""Flatten Kolada data pages into columns, checking every record against Kolada's shape.

A data record is `{"kpi", "municipality" | "ou", "period", "values": [{"gender", "count",
"status", "value", "isdeleted"}]}`. Anything else raises KoladaRecordError naming the
URL, the record's position on the page and the record itself: nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, Literal

import pyarrow as pa

from kolada_goals.client import Page
from kolada_goals.errors import KoladaRecordError
from kolada_goals.ids import GENDERS, KPI_ID, MUNICIPALITY_GROUP_ID, MUNICIPALITY_ID, OU_ID

Place = Literal["municipality", "ou"]

VALUE_ARROW_SCHEMA = pa.schema(
    [
        ("kpi_id", pa.string()),
        ("place_id", pa.string()),
        ("period", pa.int32()),
        ("gender", pa.string()),
        ("value", pa.float64()),
        ("count", pa.int32()),
        ("status", pa.string()),
        ("is_deleted", pa.bool_()),
    ]
)


@dataclass
class ValueColumns:
    """One row per (kpi, place, period, gender) value, as columns."""

    kpi_id: list[str] = field(default_factory=list)
    place_id: list[str] = field(default_factory=list)
    period: list[int] = field(default_factory=list)
    gender: list[str] = field(default_factory=list)
    value: list[float | None] = field(default_factory=list)
    count: list[int | None] = field(default_factory=list)
    status: list[str | None] = field(default_factory=list)
    is_deleted: list[bool] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.kpi_id)

    def to_arrow(self) -> pa.Table:
        return pa.table(
            [
                pa.array(self.kpi_id, pa.string()),
                pa.array(self.place_id, pa.string()),
                pa.array(self.period, pa.int32()),
                pa.array(self.gender, pa.string()),
                pa.array(self.value, pa.float64()),
                pa.array(self.count, pa.int32()),
                pa.array(self.status, pa.string()),
                pa.array(self.is_deleted, pa.bool_()),
            ],
            schema=VALUE_ARROW_SCHEMA,
        )


def _check_place(place: Place, place_id: object) -> bool:
    if not isinstance(place_id, str):
        return False
    if place == "ou":
        return OU_ID.fullmatch(place_id) is not None
    return (
        MUNICIPALITY_ID.fullmatch(place_id) is not None
        or MUNICIPALITY_GROUP_ID.fullmatch(place_id) is not None
    )


def _fail(page: Page, index: int, record: Any, problem: str) -> KoladaRecordError:
    return KoladaRecordError(problem, page.page_url, index, record)


def _check_ids(
    page: Page, index: int, record: dict[str, Any], place: Place,
    requested_kpis: Collection[str] | None, known: set[tuple[str, str]],
) -> None:  # fmt: skip
    """Check a record's KPI and place ids; ids already seen on the page pass at once."""
    kpi_id = record.get("kpi")
    place_id = record.get(place)
    if (kpi_id, place_id) in known:  # type: ignore[comparison-overlap]
        return
    if not isinstance(kpi_id, str) or KPI_ID.fullmatch(kpi_id) is None:
        raise _fail(page, index, record, f"kpi id {kpi_id!r} is not of the form N##### or U#####")
    if requested_kpis is not None and kpi_id not in requested_kpis:
        raise _fail(page, index, record, f"kpi id {kpi_id!r} was not asked for")
    if not _check_place(place, place_id):
        raise _fail(page, index, record, f"{place} id {place_id!r} is not of a valid form")
    known.add((kpi_id, place_id))  # type: ignore[arg-type]  # checked above


def flatten_page(
    page: Page,
    place: Place = "municipality",
    requested_kpis: Collection[str] | None = None,
    into: ValueColumns | None = None,
) -> ValueColumns:
    """Append every value on `page` to `into` (a new ValueColumns by default).

    The checks run on every value of every page, so they are written for speed: exact type
    tests (a bool is not a number here) and ids checked once per page."""
    columns = into if into is not None else ValueColumns()
    known_ids: set[tuple[str, str]] = set()
    kpi_ids, place_ids, periods = columns.kpi_id, columns.place_id, columns.period
    genders, values_, counts = columns.gender, columns.value, columns.count
    statuses, deleted = columns.status, columns.is_deleted
    for index, record in enumerate(page.values):
        if type(record) is not dict:
            raise _fail(page, index, record, "record is not an object")
        _check_ids(page, index, record, place, requested_kpis, known_ids)
        kpi_id = record["kpi"]
        place_id = record[place]
        period = record.get("period")
        if type(period) is not int:
            raise _fail(page, index, record, f"period {period!r} is not an integer")
        entries = record.get("values")
        if type(entries) is not list:
            raise _fail(page, index, record, "`values` is missing or not a list")
        seen_genders = ""
        for item in entries:
            if type(item) is not dict:
                raise _fail(page, index, record, "an entry of `values` is not an object")
            gender = item.get("gender")
            if gender not in GENDERS:
                raise _fail(page, index, record, f"unknown gender {gender!r} (expected T, K or M)")
            if gender in seen_genders:
                raise _fail(page, index, record, f"gender {gender!r} appears twice")
            seen_genders += gender
            value: Any = item.get("value")
            value_type = type(value)
            if value_type is int:
                value = float(value)
            elif value_type is not float and value is not None:
                raise _fail(
                    page, index, record,
                    f"value {value!r} for gender {gender} is neither a number nor null",
                )  # fmt: skip
            count = item.get("count")
            if count is not None and type(count) is not int:
                raise _fail(
                    page, index, record, f"count {count!r} for gender {gender} is not an integer"
                )
            status = item.get("status")
            if status is not None and type(status) is not str:
                raise _fail(
                    page, index, record, f"status {status!r} for gender {gender} is not a string"
                )
            is_deleted = item.get("isdeleted", False)
            if is_deleted is not True and is_deleted is not False:
                raise _fail(
                    page, index, record,
                    f"isdeleted {is_deleted!r} for gender {gender} is not a boolean",
                )  # fmt: skip
            kpi_ids.append(kpi_id)
            place_ids.append(place_id)
            periods.append(period)
            genders.append(gender)
            values_.append(value)
            counts.append(count)
            statuses.append(status)
            deleted.append(is_deleted)
    return columns
