"""Goal files written in the house style: read back to the same model and the same comments."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from pydantic import create_model

from kolada_goals.goals.comments import read_comments
from kolada_goals.goals.model import GoalFile, Indicator
from kolada_goals.goals.source import load_yaml_with_lines
from kolada_goals.goals.template import SCHEMA_LINE
from kolada_goals.goals.yaml_writer import goal_file_yaml, number_text, scalar_text

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "data" / "goals").glob("*.yaml"))

SMALL = """format: 1
kommun: "2425"
name: Dorotea
vision: "Dorotea är en brusande tillväxtkommun i Sápmi."
mandate: {first_year: 2023, last_year: 2026}
goals:
  - id: VM1
    title: "Fler barn deltar i läsfrukost"
    indicators:
      - id: behorighet
        kpi: N15428
        direction: higher
"""


def parse(text: str) -> GoalFile:
    document, _ = load_yaml_with_lines(text)
    return GoalFile.model_validate(document)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_a_shipped_file_written_again_reads_as_the_same_model_and_comments(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    document, lines = load_yaml_with_lines(text)
    comments = read_comments(text, document, lines)
    written = goal_file_yaml(GoalFile.model_validate(document), comments)
    again, again_lines = load_yaml_with_lines(written)
    assert GoalFile.model_validate(again) == GoalFile.model_validate(document)
    assert read_comments(written, again, again_lines) == comments
    # Written again, it does not change: the style is a fixed point.
    assert goal_file_yaml(GoalFile.model_validate(again), comments) == written


def test_the_house_style() -> None:
    path = ROOT / "data" / "goals" / "2425-dorotea.yaml"
    text = path.read_text(encoding="utf-8")
    written = goal_file_yaml(parse(text)).splitlines()
    assert written[0] == SCHEMA_LINE
    # Every line that the shipped file writes in its house style is written the same way:
    # flow maps, quoted prose and kommun id, plain ids and names, 7.0 beside 7.5.
    for line in (
        'kommun: "2425"',
        "name: Dorotea",
        "mandate: {first_year: 2023, last_year: 2026}",
        "levels: [Målområde, Strategiskt mål, Verksamhetsmål]",
        "  reference: {kind: county}",
        "rollup: {method: majority}",
        "  - id: MO1",
        '    title: "Utbildning, utveckling och tillväxt"',
        "    level: Strategiskt mål",
        "        targets: {2024: 7.5, 2025: 7.0, 2026: 6.5}",
        "        targets: {2025: 75, 2026: 78}",
        '          2025: {value: -0.5, note: "Prognos från kommunens befolkningsprognos"}',
        "          values: {2023: 14, 2024: 18}",
        "        example: true",
    ):
        assert line in written
        assert line in text.splitlines()


def test_fields_a_file_leaves_out_stay_out() -> None:
    written = goal_file_yaml(parse(SMALL))
    assert "defaults" not in written and "rollup" not in written and "example" not in written
    assert parse(written) == parse(SMALL)


@pytest.mark.parametrize(
    ("value", "text"),
    [(7.5, "7.5"), (7.500000000000001, "7.5"), (75.0, "75"), (-0.2, "-0.2"), (0.1 + 0.2, "0.3")],
)
def test_numbers_are_as_short_as_they_are_exact(value: float, text: str) -> None:
    assert number_text(value) == text


@pytest.mark.parametrize("value", [1e16, 1.5e-7, -3e20, math.inf, -math.inf, 123456.789])
def test_every_number_reads_back_as_a_number(value: float) -> None:
    assert yaml.safe_load(f"x: {number_text(value)}")["x"] == value


@pytest.mark.parametrize(
    "text",
    ["0331", "yes", "null", "2023-12-04", "a: b", "# x", "x #y", "=1+1", "\t=1+1", "\r=1+1",
     '"quoted"', "back\\slash", "\x1b[2J", "\x85next", "\u2028", "", " padded ", "-1", "[x]",
     "Bygg- och miljönämnden", "Sápmi", "\U0001f600", "\x7f\x9f"],
)  # fmt: skip
def test_any_text_reads_back_as_itself(text: str) -> None:
    for prose in (False, True):
        written = scalar_text(text, prose)
        assert yaml.safe_load(f"x: {written}")["x"] == text
        assert yaml.safe_load(f"x: [{written}]")["x"] == [text]


def test_a_field_added_to_the_model_is_written_without_a_change_to_the_writer() -> None:
    definition = parse(SMALL)
    # A field the writer has never heard of, on a subclass of Indicator.
    extended = create_model(
        "ExtendedIndicator", __base__=Indicator, weights=(dict[int, float] | None, None)
    )
    indicator = extended.model_validate(
        {**definition.goals[0].indicators[0].model_dump(exclude_unset=True), "weights": {1: 0.5}}
    )
    goal = definition.goals[0].model_copy(update={"indicators": [indicator]})
    written = goal_file_yaml(definition.model_copy(update={"goals": [goal]}))
    assert "        weights: {1: 0.5}" in written.splitlines()
