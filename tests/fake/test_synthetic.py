"""The fake's synthetic values: pages rendered a column at a time hold exactly the records
built one by one (which group means and changes use)."""

import random

import orjson

from kolada_goals.fake import synthetic_dataset
from kolada_goals.fake.dataset import DenseAnswer
from kolada_goals.fake.synthetic import NULL_SHARE, SYNTHETIC_MARK


def test_rendered_pages_hold_the_records_built_one_by_one() -> None:
    dataset = synthetic_dataset()
    kpi_ids = [kpi["id"] for kpi in dataset.kpis]
    place_ids = [place["id"] for place in dataset.municipalities]
    chooser = random.Random(2026)
    for _ in range(40):
        kpis = chooser.sample(kpi_ids, chooser.randint(1, 25))
        places = chooser.sample(place_ids, chooser.randint(1, 25))
        years = sorted(chooser.sample(range(1996, 2026), chooser.randint(1, 25)))
        answer = dataset.answer(kpis, places, years)
        assert isinstance(answer, DenseAnswer)
        start = chooser.randint(0, len(answer))
        stop = chooser.randint(start, len(answer) + 10)  # past the end, as a last page asks
        rendered = orjson.loads(b"[" + answer.page_json(start, stop) + b"]")
        assert rendered == answer[start:stop]


def test_synthetic_values_look_like_kolada_values() -> None:
    dataset = synthetic_dataset()
    gendered = next(kpi["id"] for kpi in dataset.kpis if kpi["is_divided_by_gender"])
    places = [place["id"] for place in dataset.municipalities][:25]
    answer = dataset.answer([gendered], places, list(range(2001, 2026)))
    records = orjson.loads(b"[" + answer.page_json(0, len(answer)) + b"]")
    assert len(records) == 25 * 25
    assert all([e["gender"] for e in r["values"]] == ["T", "K", "M"] for r in records)
    values = [e["value"] for r in records for e in r["values"]]
    nulls = sum(v is None for v in values) / len(values)
    assert 0 < nulls < 3 * NULL_SHARE  # Kolada has gaps, not many
    assert all(v is None or (v > 0 and round(v, 2) == v) for v in values)
    assert all(SYNTHETIC_MARK in kpi["title"] for kpi in dataset.kpis)
