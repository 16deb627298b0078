from typing import Any

import pytest

from kolada_goals.errors import KoladaRecordError
from kolada_goals.records import flatten_page
from tests.helpers import page, record


def test_flatten_keeps_ids_as_strings_and_null_as_null() -> None:
    values = [
        {"gender": "T", "count": 1, "status": "", "value": 83.3, "isdeleted": False},
        {"gender": "K", "count": 1, "status": "", "value": None, "isdeleted": False},
        {"gender": "M", "count": 1, "status": "", "value": 80, "isdeleted": False},
    ]
    columns = flatten_page(page([record(municipality="0180", values=values)]))
    table = columns.to_arrow().to_pylist()
    assert [row["gender"] for row in table] == ["T", "K", "M"]
    assert [row["value"] for row in table] == [83.3, None, 80.0]
    assert {row["place_id"] for row in table} == {"0180"}
    assert all(row["kpi_id"] == "N15428" and row["period"] == 2022 for row in table)


def test_group_ids_and_deleted_values_are_accepted() -> None:
    values = [{"gender": "T", "count": 14, "status": "", "value": None, "isdeleted": True}]
    columns = flatten_page(page([record(municipality="G33631", values=values)]))
    assert columns.place_id == ["G33631"]
    assert columns.count == [14]
    assert columns.is_deleted == [True]


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
        flatten_page(page([good, bad_record], url="http://kolada.test/v3/data/p?page=2"))
    text = str(caught.value)
    assert message in text
    assert "record 1" in text
    assert "http://kolada.test/v3/data/p?page=2" in text
    assert caught.value.index == 1


def test_a_kpi_that_was_not_asked_for_is_refused() -> None:
    with pytest.raises(KoladaRecordError, match="was not asked for"):
        flatten_page(page([record(kpi="N00001")]), requested_kpis={"N15428"})


def test_oudata_records_use_the_ou_key() -> None:
    ou_record = {"kpi": "N15428", "ou": "V15E242500101", "period": 2022, "values": []}
    assert len(flatten_page(page([ou_record]), place="ou")) == 0
    with pytest.raises(KoladaRecordError, match="ou id '2425'"):
        flatten_page(page([{**ou_record, "ou": "2425"}]), place="ou")
