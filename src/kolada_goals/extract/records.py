"""Decode Kolada data pages into columns, checking every record against Kolada's shape.

A data record is `{"kpi", "municipality" | "ou", "period", "values": [{"gender", "count",
"status", "value", "isdeleted"}]}`, and lies in the scope of its request: a KPI, place,
year and gender the request named (a request without a place segment names every place
Kolada's catalogue lists). Anything else raises KoladaRecordError naming the URL, the record's
position on the page and the record itself: nothing is guessed.

Two decoders, one verdict: pyarrow reads a page straight into columns (without the GIL)
and vectorised checks accept it only when everything is plainly as expected. Whatever
they do not accept goes to the exact record-by-record checks, which give the answer and
the error message, so both paths accept and refuse the same pages.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from kolada_goals.errors import KoladaRecordError
from kolada_goals.extract.client import Envelope, decode_envelope
from kolada_goals.extract.planner import RequestScope
from kolada_goals.ids import (
    GENDERS,
    KPI_ID,
    MUNICIPALITY_GROUP_ID,
    MUNICIPALITY_ID,
    OU_ID,
    whole,
)

Place = Literal["municipality", "ou"]

# The id forms of ids.py for pyarrow's regular expressions (RE2). RE2's \d is ASCII only, so
# it accepts no more than Python's re: what it refuses goes to the record checks, which decide.
_KPI_FORM = whole(KPI_ID)
_PLACE_FORMS: dict[Place, str] = {
    "municipality": f"^(?:{MUNICIPALITY_ID.pattern}|{MUNICIPALITY_GROUP_ID.pattern})$",
    "ou": whole(OU_ID),
}

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


def _fail(url: str, index: int, record: Any, problem: str) -> KoladaRecordError:
    return KoladaRecordError(problem, url, index, record)


def _named(ids: Iterable[object]) -> str:
    """The ids a request named, shortly, for error messages."""
    shown = sorted(str(id_) for id_ in ids)
    return ", ".join(shown[:10]) + (" …" if len(shown) > 10 else "")


def _check_ids(
    url: str, index: int, record: dict[str, Any], place: Place, scope: RequestScope | None,
    known: set[tuple[str, str]],
) -> None:  # fmt: skip
    """Check a record's KPI and place ids; ids already seen on the page pass at once."""
    kpi_id = record.get("kpi")
    place_id = record.get(place)
    if (kpi_id, place_id) in known:  # type: ignore[comparison-overlap]
        return
    if not isinstance(kpi_id, str) or KPI_ID.fullmatch(kpi_id) is None:
        raise _fail(url, index, record, f"kpi id {kpi_id!r} is not of the form N##### or U#####")
    if scope is not None and kpi_id not in scope.kpi_ids:
        raise _fail(
            url, index, record,
            f"kpi id {kpi_id!r} was not asked for (the request names {_named(scope.kpi_ids)})",
        )  # fmt: skip
    if not _check_place(place, place_id):
        raise _fail(url, index, record, f"{place} id {place_id!r} is not of a valid form")
    if scope is not None and scope.place_ids is not None and place_id not in scope.place_ids:
        raise _fail(
            url, index, record,
            f"{place} id {place_id!r} is not a place Kolada's catalogue lists (a request "
            "without a municipality segment answers only those)"
            if scope.places_are_listed
            else f"{place} id {place_id!r} was not asked for "
            f"(the request names {_named(scope.place_ids)})",
        )  # fmt: skip
    known.add((kpi_id, place_id))  # type: ignore[arg-type]  # checked above


def flatten_records(
    records: list[Any],
    url: str,
    place: Place = "municipality",
    scope: RequestScope | None = None,
) -> ValueColumns:
    """Every value of the records of one page, checked record by record, and against the
    scope of the request when one is given (else only the forms of ids are checked).

    Exact type tests (a bool is not a number here); ids checked once per page."""
    columns = ValueColumns()
    known_ids: set[tuple[str, str]] = set()
    kpi_ids, place_ids, periods = columns.kpi_id, columns.place_id, columns.period
    genders, values_, counts = columns.gender, columns.value, columns.count
    statuses, deleted = columns.status, columns.is_deleted
    for index, record in enumerate(records):
        if type(record) is not dict:
            raise _fail(url, index, record, "record is not an object")
        _check_ids(url, index, record, place, scope, known_ids)
        kpi_id = record["kpi"]
        place_id = record[place]
        period = record.get("period")
        if type(period) is not int:
            raise _fail(url, index, record, f"period {period!r} is not an integer")
        if scope is not None and period not in scope.years:
            raise _fail(
                url, index, record,
                f"period {period} was not asked for (the request names {_named(scope.years)})",
            )  # fmt: skip
        entries = record.get("values")
        if type(entries) is not list:
            raise _fail(url, index, record, "`values` is missing or not a list")
        seen_genders = ""
        for item in entries:
            if type(item) is not dict:
                raise _fail(url, index, record, "an entry of `values` is not an object")
            gender = item.get("gender")
            if gender not in GENDERS:
                raise _fail(url, index, record, f"unknown gender {gender!r} (expected T, K or M)")
            if scope is not None and gender not in scope.genders:
                raise _fail(url, index, record, f"gender {gender!r} was not asked for")
            if gender in seen_genders:
                raise _fail(url, index, record, f"gender {gender!r} appears twice")
            seen_genders += gender
            value: Any = item.get("value")
            value_type = type(value)
            if value_type is int:
                value = float(value)
            elif value_type is not float and value is not None:
                raise _fail(
                    url, index, record,
                    f"value {value!r} for gender {gender} is neither a number nor null",
                )  # fmt: skip
            count = item.get("count")
            if count is not None and type(count) is not int:
                raise _fail(
                    url, index, record, f"count {count!r} for gender {gender} is not an integer"
                )
            status = item.get("status")
            if status is not None and type(status) is not str:
                raise _fail(
                    url, index, record, f"status {status!r} for gender {gender} is not a string"
                )
            is_deleted = item.get("isdeleted", False)
            if is_deleted is not True and is_deleted is not False:
                raise _fail(
                    url, index, record,
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


def decode_value_page(
    body: bytes,
    page_url: str,
    place: Place = "municipality",
    scope: RequestScope | None = None,
) -> Envelope[pa.Table]:
    """The values of one data page as a VALUE_ARROW_SCHEMA table, with the next page's URL.
    Every record must lie in `scope`, the ids the request named (None: any ids of Kolada's
    forms).

    Raises MalformedBodyError (worth a retry), KoladaResponseError or KoladaRecordError."""
    fast = decode_plain_page(body, place, scope)
    if fast is not None:
        return fast
    envelope = decode_envelope(body, page_url)
    columns = flatten_records(envelope.values, page_url, place, scope)
    return Envelope(columns.to_arrow(), envelope.record_count, envelope.next_url)


def decode_plain_page(
    body: bytes, place: Place, scope: RequestScope | None
) -> Envelope[pa.Table] | None:
    """Decode a page with pyarrow when it is plainly well formed and in scope; None when
    anything is not (malformed JSON, a missing or null field, an unexpected type, a bad id
    or gender, an id the request did not name), so that flatten_records decides and
    explains."""
    try:
        envelope = pa_json.read_json(
            io.BytesIO(body),
            # The whole answer is one JSON object: one block, read on this thread.
            read_options=pa_json.ReadOptions(use_threads=False, block_size=len(body) + 1),
            parse_options=pa_json.ParseOptions(newlines_in_values=True),
        )
        return _plain_values(envelope, place, scope)
    except (pa.ArrowException, ValueError):
        return None


def _plain_values(
    envelope: pa.Table, place: Place, scope: RequestScope | None
) -> Envelope[pa.Table] | None:
    if envelope.num_rows != 1 or "values" not in envelope.column_names:
        return None
    next_url = _next_url(envelope)
    page_values = envelope.column("values").chunk(0)
    if not pa.types.is_list(page_values.type) or page_values.null_count:
        return None
    records = page_values.flatten()
    if len(records) == 0:
        return Envelope(VALUE_ARROW_SCHEMA.empty_table(), 0, next_url)
    if not pa.types.is_struct(records.type) or records.null_count:
        return None
    fields = dict(zip([f.name for f in records.type], records.flatten(), strict=True))
    kpi_ids = _plain(fields.get("kpi"), pa.types.is_string)
    place_ids = _plain(fields.get(place), pa.types.is_string)
    periods = _plain(fields.get("period"), pa.types.is_int64)
    entry_lists = _plain(fields.get("values"), pa.types.is_list)
    if (
        kpi_ids is None
        or place_ids is None
        or periods is None
        or entry_lists is None
        or not _ids_are_valid(kpi_ids, place_ids, place, scope)
        or not (scope is None or _all_in(periods, _value_set(scope.years, pa.int64())))
    ):
        return None
    entries = entry_lists.flatten()
    if len(entries) == 0:
        return Envelope(VALUE_ARROW_SCHEMA.empty_table(), len(records), next_url)
    if not pa.types.is_struct(entries.type) or entries.null_count:
        return None
    size = len(entries)
    item = dict(zip([f.name for f in entries.type], entries.flatten(), strict=True))
    genders = _plain(item.get("gender"), pa.types.is_string)
    values = _nullable(item.get("value"), size, _is_number)
    counts = _nullable(item.get("count"), size, pa.types.is_int64)
    statuses = _nullable(item.get("status"), size, pa.types.is_string)
    deleted = _plain(item.get("isdeleted", pa.repeat(False, size)), pa.types.is_boolean)
    if genders is None or values is None or counts is None or statuses is None or deleted is None:
        return None
    parents = pc.list_parent_indices(entry_lists)
    gender_codes = pc.index_in(genders, value_set=pa.array(GENDERS))
    if gender_codes.null_count:
        return None  # an unknown gender
    if scope is not None and not _all_in(genders, _value_set(scope.genders, pa.string())):
        return None
    # A gender twice in one record repeats a (record, gender) key.
    keys = pc.add(pc.multiply(parents.cast(pa.int64()), 4), gender_codes.cast(pa.int64()))
    if pc.count_distinct(keys).as_py() != len(keys):
        return None
    table = pa.table(
        [
            kpi_ids.take(parents),
            place_ids.take(parents),
            periods.take(parents).cast(pa.int32()),
            genders,
            values.cast(pa.float64()),
            counts.cast(pa.int32()),
            statuses.cast(pa.string()),
            deleted,
        ],
        schema=VALUE_ARROW_SCHEMA,
    )
    return Envelope(table, len(records), next_url)


def _next_url(envelope: pa.Table) -> str | None:
    if "next_url" not in envelope.column_names:
        return None
    column = envelope.column("next_url")
    if not (pa.types.is_string(column.type) or pa.types.is_null(column.type)):
        raise ValueError("next_url is not a string")  # decided by the exact checks
    return column[0].as_py() or None


def _plain(array: pa.Array | None, is_type: Callable[[pa.DataType], bool]) -> pa.Array | None:
    """The array when it is present, of the expected type and without nulls."""
    if array is not None and is_type(array.type) and array.null_count == 0:
        return array
    return None


def _nullable(
    array: pa.Array | None, size: int, is_type: Callable[[pa.DataType], bool]
) -> pa.Array | None:
    """The array when it is of the expected type or all null (nulls when it is absent)."""
    if array is None:
        return pa.nulls(size)
    if pa.types.is_null(array.type) or is_type(array.type):
        return array
    return None


def _is_number(data_type: pa.DataType) -> bool:
    return bool(pa.types.is_float64(data_type) or pa.types.is_int64(data_type))


@lru_cache(maxsize=64)
def _value_set(ids: frozenset[Any], type_: pa.DataType) -> pa.Array:
    """The ids of a scope as an array, made once per scope rather than once per page (a
    request without a municipality segment names some 3,900 places)."""
    return pa.array(sorted(ids), type_)


def _all_in(array: pa.Array, named: pa.Array) -> bool:
    """Every element of `array` is one of `named` (vectorised)."""
    return bool(pc.all(pc.is_in(array, value_set=named), min_count=0).as_py())


def _all_match(array: pa.Array, pattern: str) -> bool:
    return bool(pc.all(pc.match_substring_regex(array, pattern), min_count=0).as_py())


def _ids_are_valid(
    kpi_ids: pa.Array, place_ids: pa.Array, place: Place, scope: RequestScope | None
) -> bool:
    """Every id is of its form and, with a scope, one the request named; checked on the
    distinct ids of the page."""
    kpis = pc.unique(kpi_ids)
    places = pc.unique(place_ids)
    if not (_all_match(kpis, _KPI_FORM) and _all_match(places, _PLACE_FORMS[place])):
        return False
    if scope is None:
        return True
    return _all_in(kpis, _value_set(scope.kpi_ids, pa.string())) and (
        scope.place_ids is None or _all_in(places, _value_set(scope.place_ids, pa.string()))
    )
