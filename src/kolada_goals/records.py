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


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_place(place: Place, place_id: object) -> bool:
    if not isinstance(place_id, str):
        return False
    if place == "ou":
        return OU_ID.fullmatch(place_id) is not None
    return (
        MUNICIPALITY_ID.fullmatch(place_id) is not None
        or MUNICIPALITY_GROUP_ID.fullmatch(place_id) is not None
    )


def flatten_page(
    page: Page,
    place: Place = "municipality",
    requested_kpis: Collection[str] | None = None,
    into: ValueColumns | None = None,
) -> ValueColumns:
    """Append every value on `page` to `into` (a new ValueColumns by default)."""
    columns = into if into is not None else ValueColumns()
    url = page.page_url
    for index, record in enumerate(page.values):

        def fail(problem: str, index: int = index, record: Any = record) -> KoladaRecordError:
            return KoladaRecordError(problem, url, index, record)

        if not isinstance(record, dict):
            raise fail("record is not an object")
        kpi_id = record.get("kpi")
        if not isinstance(kpi_id, str) or KPI_ID.fullmatch(kpi_id) is None:
            raise fail(f"kpi id {kpi_id!r} is not of the form N##### or U#####")
        if requested_kpis is not None and kpi_id not in requested_kpis:
            raise fail(f"kpi id {kpi_id!r} was not asked for")
        place_id = record.get(place)
        if not _check_place(place, place_id):
            raise fail(f"{place} id {place_id!r} is not of a valid form")
        period = record.get("period")
        if not isinstance(period, int) or isinstance(period, bool):
            raise fail(f"period {period!r} is not an integer")
        values = record.get("values")
        if not isinstance(values, list):
            raise fail("`values` is missing or not a list")
        seen_genders: set[str] = set()
        for item in values:
            if not isinstance(item, dict):
                raise fail("an entry of `values` is not an object")
            gender = item.get("gender")
            if gender not in GENDERS:
                raise fail(f"unknown gender {gender!r} (expected T, K or M)")
            if gender in seen_genders:
                raise fail(f"gender {gender!r} appears twice")
            seen_genders.add(gender)
            value = item.get("value")
            if value is not None and not _is_number(value):
                raise fail(f"value {value!r} for gender {gender} is neither a number nor null")
            count = item.get("count")
            if count is not None and (not isinstance(count, int) or isinstance(count, bool)):
                raise fail(f"count {count!r} for gender {gender} is not an integer")
            status = item.get("status")
            if status is not None and not isinstance(status, str):
                raise fail(f"status {status!r} for gender {gender} is not a string")
            is_deleted = item.get("isdeleted", False)
            if not isinstance(is_deleted, bool):
                raise fail(f"isdeleted {is_deleted!r} for gender {gender} is not a boolean")
            columns.kpi_id.append(kpi_id)
            columns.place_id.append(place_id)  # type: ignore[arg-type]  # checked above
            columns.period.append(period)
            columns.gender.append(gender)  # type: ignore[arg-type]  # checked above
            columns.value.append(None if value is None else float(value))
            columns.count.append(count)
            columns.status.append(status)
            columns.is_deleted.append(is_deleted)
    return columns
