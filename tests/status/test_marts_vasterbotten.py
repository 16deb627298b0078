"""Dorotea's statuses on the real Västerbotten values (Källa: Kolada), worked out by hand.

Outcome for report year 2023: the samples end in 2022, so every KPI shows its 2022 value,
compared with the unweighted mean of Västerbotten's 15 kommuner (Dorotea included)."""

from __future__ import annotations

import csv
from pathlib import Path
from statistics import mean

import duckdb
import pytest

from tests.helpers import require_samples
from tests.sample_warehouse import sample_warehouse

# KPI: (direction, Dorotea 2022, county mean 2022 rounded, status) – worked out by hand:
# worse_by = mean - value (higher is better) or value - mean (lower is better);
# green if worse_by <= 0; yellow if worse_by / |mean| <= 10 %; else red.
EXPECTED = {
    # 96.43 >= 87.27: better than the mean
    "N15428": ("higher", 96.42857143, 87.2727, "green"),
    # 79.67 - 78.0 = 1.67; 1.67 / 79.67 = 2.1 % worse
    "N05401": ("higher", 78.0, 79.6667, "yellow"),
    # lower is better: 497.3 < 698.8
    "N07403": ("lower", 497.30625, 698.8366, "green"),
    # lower is better: 5.10 - 2.79 = 2.31; 2.31 / 2.79 = 83 % worse
    "N31807": ("lower", 5.097389, 2.7904, "red"),
    # lower is better: 174 618 - 171 136 = 3 482; 3 482 / 171 136 = 2.0 % worse
    "N11008": ("lower", 174618.421053, 171136.2892, "yellow"),
    # 80.07 - 78.86 = 1.21; 1.21 / 80.07 = 1.5 % worse
    "N00923": ("higher", 78.86, 80.0733, "yellow"),
    # negative values: -0.56 - (-1.87) = 1.31; 1.31 / |-0.56| = 235 % worse
    "N01963": ("higher", -1.870679, -0.5577, "red"),
    # 41.1 >= 39.04
    "N00945": ("higher", 41.1, 39.04, "green"),
}


@pytest.fixture(scope="module")
def samples() -> Path:
    return require_samples()


@pytest.fixture(scope="module")
def warehouse(samples: Path) -> duckdb.DuckDBPyConnection:
    return sample_warehouse(samples)


def county_means_from_the_csv(samples: Path) -> dict[str, float]:
    values: dict[str, list[float]] = {}
    path = samples / "data" / "vasterbotten_9kpis_1994-2022_long.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            kommun = row["municipality"]
            if (row["period"], row["gender"]) != ("2022", "T") or not kommun.startswith("24"):
                continue
            if row["value"]:
                values.setdefault(row["kpi"], []).append(float(row["value"]))
    return {kpi: mean(v) for kpi, v in values.items()}


def test_dorotea_outcome_2023_on_real_values(
    warehouse: duckdb.DuckDBPyConnection, samples: Path
) -> None:
    rows = warehouse.execute(
        "select kpi_id, direction, period, value, reference_value, reference_count, status, "
        "source_label, value_source_label from mart_indicator_report "
        "where kommun_id = '2425' and report_mode = 'outcome' and report_year = 2023 "
        "and kpi_id in ? order by kpi_id",
        [list(EXPECTED)],
    ).fetchall()
    means = county_means_from_the_csv(samples)
    assert len(rows) == len(EXPECTED)
    for kpi, direction, period, value, reference, count, status, label, value_label in rows:
        want_direction, want_value, want_mean, want_status = EXPECTED[kpi]
        assert (direction, period, status) == (want_direction, 2022, want_status), kpi
        assert value == pytest.approx(want_value), kpi
        assert reference == pytest.approx(means[kpi]) and reference == pytest.approx(
            want_mean, abs=1e-3
        ), kpi
        assert count == 15 or (kpi == "N31807" and count == 14), (kpi, count)
        assert (label, value_label) == ("Egen bearbetning av data från Kolada", "Källa: Kolada")


def test_the_computed_county_mean_matches_koladas_group_value(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    row = warehouse.execute(
        "select reference_value, reference_count, kolada_group_id, kolada_group_value, "
        "kolada_group_count, disagrees_with_kolada from mart_reference_value "
        "where reference_kind = 'county' and reference_id = '24' and kpi_id = 'N15428' "
        "and period = 2020 and gender = 'T'"
    ).fetchone()
    assert row is not None
    assert row[0] == pytest.approx(85.868, abs=1e-3) and row[1] == 15
    assert row[2:5] == ("G33631", pytest.approx(85.868, abs=1e-3), 15)
    assert row[5] is False
    region = warehouse.execute(
        "select count(*) from mart_reference_value where reference_id like '00%' "
        "and reference_kind = 'county'"
    ).fetchone()
    assert region == (0,)


def test_doroteas_goals_roll_up(warehouse: duckdb.DuckDBPyConnection) -> None:
    statuses = dict(
        warehouse.execute(
            "select status, count(*) from mart_goal_status where kommun_id = '2425' "
            "and report_year = 2023 and report_mode = 'outcome' group by status"
        ).fetchall()
    )
    assert set(statuses) <= {"green", "yellow", "red", "grey"}
    assert (
        sum(statuses.values())
        == warehouse.execute("select count(*) from goal where kommun_id = '2425'").fetchone()[0]
    )  # type: ignore[index]
    grey = warehouse.execute(
        "select count(*) from mart_indicator_report where status = 'grey' and reason is null"
    ).fetchone()
    assert grey == (0,)
