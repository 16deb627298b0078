from typing import Any

import pyarrow as pa
import pytest

from kolada_goals.errors import KoladaRecordError, excerpt
from kolada_goals.extract.planner import DataRequest, RequestScope
from kolada_goals.extract.records import (
    Place,
    decode_plain_page,
    decode_value_page,
    flatten_records,
)
from kolada_goals.fake import synthetic_dataset
from tests.helpers import body, record

URL = "http://kolada.test/v3/data/x?page=1"


def decode(
    records: list[Any],
    url: str = URL,
    place: Place = "municipality",
    scope: RequestScope | None = None,
) -> pa.Table:
    return decode_value_page(body(records), url, place, scope).values


def entry(gender: str = "T", **fields: Any) -> dict[str, Any]:
    return {"gender": gender, "count": 1, "status": "", "value": 1.5, "isdeleted": False, **fields}


def scope(
    kpi_ids: set[str] | None = None,
    place_ids: set[str] | None = None,
    years: set[int] | None = None,
    genders: set[str] | None = None,
    every_place: bool = False,
) -> RequestScope:
    """A request's scope, by default N15428 for 0180 and 2425 in 2021 and 2022."""
    return RequestScope(
        frozenset(kpi_ids or {"N15428"}),
        None if every_place else frozenset(place_ids or {"0180", "2425"}),
        frozenset(years or {2021, 2022}),
        frozenset(genders or {"T", "K", "M"}),
    )


def test_flatten_keeps_ids_as_strings_and_null_as_null() -> None:
    values = [
        {"gender": "T", "count": 1, "status": "", "value": 83.3, "isdeleted": False},
        {"gender": "K", "count": 1, "status": "", "value": None, "isdeleted": False},
        {"gender": "M", "count": 1, "status": "", "value": 80, "isdeleted": False},
    ]
    table = decode([record(municipality="0180", values=values)]).to_pylist()
    assert [row["gender"] for row in table] == ["T", "K", "M"]
    assert [row["value"] for row in table] == [83.3, None, 80.0]
    assert {row["place_id"] for row in table} == {"0180"}
    assert all(row["kpi_id"] == "N15428" and row["period"] == 2022 for row in table)


def test_group_ids_and_deleted_values_are_accepted() -> None:
    values = [{"gender": "T", "count": 14, "status": "", "value": None, "isdeleted": True}]
    table = decode([record(municipality="G33631", values=values)])
    assert table.column("place_id").to_pylist() == ["G33631"]
    assert table.column("count").to_pylist() == [14]
    assert table.column("is_deleted").to_pylist() == [True]


@pytest.mark.parametrize(
    ("bad_record", "message"),
    [
        (record(values=[{"gender": "X", "value": 1.0}]), "unknown gender 'X'"),
        (record(period="2020a"), "period '2020a' is not an integer"),
        (record(period=2020.5), "period 2020.5 is not an integer"),
        (record(period=True), "period True is not an integer"),
        (record(kpi="BAD1"), "kpi id 'BAD1' is not of the form"),
        (record(municipality="24250"), "municipality id '24250' is not of a valid form"),
        (record(municipality=2425), "municipality id 2425 is not of a valid form"),
        (record(values=[{"gender": "T", "value": "83,3"}]), "is neither a number nor null"),
        (record(values=[{"gender": "T"}, {"gender": "T"}]), "gender 'T' appears twice"),
        (record(values=[{"gender": "T", "isdeleted": "no"}]), "isdeleted 'no'"),
        ({"kpi": "N15428", "municipality": "2425", "period": 2020}, "`values` is missing"),
        (["not", "an", "object"], "record is not an object"),
    ],
)
def test_bad_records_name_the_url_the_position_and_the_record(
    bad_record: Any, message: str
) -> None:
    good = record()
    with pytest.raises(KoladaRecordError) as caught:
        decode([good, bad_record], url="http://kolada.test/v3/data/p?page=2")
    text = str(caught.value)
    assert message in text
    assert "record 1" in text
    assert "http://kolada.test/v3/data/p?page=2" in text
    assert caught.value.index == 1


def test_a_kpi_that_was_not_asked_for_is_refused() -> None:
    with pytest.raises(KoladaRecordError, match="was not asked for"):
        decode([record(kpi="N00001")], scope=scope())


@pytest.mark.parametrize(
    ("out_of_scope", "request_scope", "message"),
    [
        (record(kpi="N00001"), scope(), "kpi id 'N00001' was not asked for"),
        (record(municipality="9999"), scope(), "municipality id '9999' was not asked for"),
        (record(municipality="G33631"), scope(), "municipality id 'G33631' was not asked for"),
        (record(period=1851), scope(), "period 1851 was not asked for"),
        (record(period=1851), scope(every_place=True), "period 1851 was not asked for"),
        (
            record(values=[entry("T"), entry("K")]),
            scope(genders={"T"}),
            "gender 'K' was not asked for",
        ),
    ],
    ids=["kpi", "municipality", "group", "period", "period-every-place", "gender"],
)
def test_records_outside_the_request_fail_the_page_on_both_paths(
    out_of_scope: dict[str, Any], request_scope: RequestScope, message: str
) -> None:
    url = "http://kolada.test/v3/data/kpi/N15428/municipality/0180,2425/year/2021,2022"
    page_body = body([record(), out_of_scope])
    assert decode_plain_page(body([record()]), "municipality", request_scope) is not None
    assert decode_plain_page(page_body, "municipality", request_scope) is None
    with pytest.raises(KoladaRecordError) as caught:
        decode_value_page(page_body, url, "municipality", request_scope)
    text = str(caught.value)
    assert message in text
    assert url in text
    assert f"record: {excerpt(out_of_scope)}" in text
    assert caught.value.index == 1
    # Without a scope only the forms of ids are checked, and the same page passes.
    assert decode_value_page(page_body, url).record_count == 2


def test_without_a_municipality_segment_every_place_of_kolada_forms_is_accepted() -> None:
    every_place = scope(every_place=True)
    records = [record(municipality=place) for place in ("0000", "2425", "9999", "G33631")]
    plain = decode_plain_page(body(records), "municipality", every_place)
    assert plain is not None
    assert plain.values.column("place_id").to_pylist() == ["0000", "2425", "9999", "G33631"]
    with pytest.raises(KoladaRecordError, match="municipality id '24250' is not of a valid"):
        decode([*records, record(municipality="24250")], scope=every_place)
    with pytest.raises(KoladaRecordError, match="municipality id 'V15E24250' is not of a"):
        decode([record(municipality="V15E24250")], scope=every_place)


def test_ou_records_must_name_a_unit_the_request_named() -> None:
    ou_scope = RequestScope(frozenset({"N15428"}), frozenset({"V15E242500101"}), frozenset({2022}))
    ou_record = {"kpi": "N15428", "ou": "V15E242500101", "period": 2022, "values": [entry()]}
    assert decode([ou_record], place="ou", scope=ou_scope).num_rows == 1
    with pytest.raises(KoladaRecordError, match="ou id 'V15E242500102' was not asked for"):
        decode([ou_record, {**ou_record, "ou": "V15E242500102"}], place="ou", scope=ou_scope)


@pytest.mark.parametrize(
    "municipality_ids", [("0180", "2425", "G33631"), None], ids=["by-municipality", "every-place"]
)
def test_full_pages_of_a_planned_request_take_the_columnar_path(
    municipality_ids: tuple[str, ...] | None,
) -> None:
    """The scope checks keep a real page on pyarrow's path, which is what keeps loading fast."""
    dataset = synthetic_dataset()
    kpis = tuple(k["id"] for k in dataset.kpis[:4])
    request = DataRequest(kpis, municipality_ids, tuple(range(2001, 2026)))
    places = municipality_ids or (*dataset.municipality_ids(), *dataset.group_ids())
    answer = dataset.answer(list(kpis), list(places), list(request.years))
    page_body = body(list(answer[:5000]))
    plain = decode_plain_page(page_body, "municipality", request.scope())
    assert plain is not None
    assert plain.record_count == min(5000, len(answer))
    assert set(plain.values.column("place_id").to_pylist()) <= set(places)


def test_oudata_records_use_the_ou_key() -> None:
    ou_record = {"kpi": "N15428", "ou": "V15E242500101", "period": 2022, "values": []}
    assert decode([ou_record], place="ou").num_rows == 0
    with pytest.raises(KoladaRecordError, match="ou id '2425'"):
        decode([{**ou_record, "ou": "2425"}], place="ou")


@pytest.mark.parametrize(
    "records",
    [
        [record(values=[entry("T"), entry("K", value=None), entry("M", value=80)])],
        [record(values=[entry(value=7)]), record(period=2021, values=[entry(value=8)])],
        [record(values=[entry(value=None)]), record(period=2021, values=[entry(value=None)])],
        [record(values=[{"gender": "T"}]), record(period=2021, values=[{"gender": "K"}])],
        [record(values=[entry(count=None, status=None)])],
        [record(values=[entry(status="B")]), record(municipality="G33631", values=[])],
        [record(values=[])],
        [],
    ],
    ids=["genders", "integers", "all-null", "bare", "nulls", "status", "no-entries", "empty"],
)
def test_pyarrow_reads_plain_pages_exactly_as_the_record_checks_do(records: list[Any]) -> None:
    plain = decode_plain_page(
        body(records, next_url="http://kolada.test/next"), "municipality", None
    )
    assert plain is not None, "a plain page should not need the record-by-record checks"
    exact = flatten_records(records, URL).to_arrow()
    assert plain.values.equals(exact), (plain.values.to_pylist(), exact.to_pylist())
    assert plain.record_count == len(records)
    assert plain.next_url == "http://kolada.test/next"


@pytest.mark.parametrize(
    "bad_record",
    [
        record(values=[entry("X")]),
        record(values=[entry("T"), entry("T")]),
        record(period=2020.5),
        record(period=True),
        record(kpi="BAD1"),
        record(municipality=2425),
        record(values=[entry(value="83,3")]),
        record(values=[entry(value=True)]),
        record(values=[entry(count=1.5)]),
        record(values=[entry(status=3)]),
        record(values=[entry(isdeleted=None)]),
        record(values=[None]),
        {"kpi": "N15428", "municipality": "2425", "period": 2020},
        {"kpi": "N15428", "municipality": "2425", "period": 2020, "values": None},
    ],
)
def test_pages_with_anything_unusual_go_to_the_record_checks(bad_record: Any) -> None:
    page_body = body([record(), bad_record])
    assert decode_plain_page(page_body, "municipality", None) is None
    with pytest.raises(KoladaRecordError) as caught:
        decode_value_page(page_body, URL)
    assert caught.value.index == 1


def test_a_kpi_that_was_not_asked_for_is_not_read_by_pyarrow_either() -> None:
    page_body = body([record(kpi="N00001", period=2021)])
    assert decode_plain_page(page_body, "municipality", scope({"N15428"})) is None
    assert decode_plain_page(page_body, "municipality", scope({"N00001"})) is not None
