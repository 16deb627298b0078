"""Reading goal files within bounds: size, encoding, nesting depth and aliases expanded."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from kolada_goals.goals.references import ids_named_in
from kolada_goals.goals.source import (
    MAX_GOAL_FILE_BYTES,
    MAX_YAML_DEPTH,
    MAX_YAML_NODES,
    GoalFileRefused,
    decode_utf8,
    load_yaml_with_lines,
    read_bounded_bytes,
)

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "goal_files" / "broken"
ALIAS_BOMB = BROKEN / "58-alias-bomb.yaml"


def refusal(text: str) -> GoalFileRefused:
    with pytest.raises(GoalFileRefused) as caught:
        load_yaml_with_lines(text)
    return caught.value


def test_the_docs_state_the_limits_the_code_has() -> None:
    docs = (ROOT / "docs" / "goal-definitions.md").read_text(encoding="utf-8")
    assert MAX_GOAL_FILE_BYTES == 2 * 2**20 and "**2 MB**" in docs
    assert f"**{MAX_YAML_DEPTH}** levels" in docs
    assert f"**{MAX_YAML_NODES:,}** values" in docs


def test_a_file_over_the_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "2425-huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(57 * 2**20)  # sparse: 57 MB of nothing, cheap to make
    with pytest.raises(GoalFileRefused) as caught:
        read_bounded_bytes(path)
    assert caught.value.code == "file_too_large"
    assert "59768832 bytes" in caught.value.message


def test_a_file_at_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "2425-full.yaml"
    path.write_bytes(b"#" * MAX_GOAL_FILE_BYTES)
    assert len(read_bounded_bytes(path)) == MAX_GOAL_FILE_BYTES


def test_a_byte_order_mark_is_accepted_and_other_bytes_must_be_utf8() -> None:
    assert decode_utf8("\ufeffname: Dorotea\n".encode()) == "name: Dorotea\n"
    with pytest.raises(GoalFileRefused) as caught:
        decode_utf8("format: 1\nname: Dorotea\nvision: Sápmi\n".encode("latin-1"))
    assert (caught.value.code, caught.value.line) == ("encoding", 3)
    assert "0xE1" in caught.value.message


def test_an_alias_bomb_is_refused_at_once_in_little_memory() -> None:
    text = ALIAS_BOMB.read_text(encoding="utf-8")
    assert len(text) < 1000 and text.count("*") == 72  # 9^9 values once expanded
    tracemalloc.start()
    try:
        refused = refusal(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.code == "yaml_too_complex" and refused.line is not None
    assert "aliases (*)" in refused.fix
    assert peak < 20 * 2**20, f"parsing the bomb took {peak / 2**20:.0f} MB"


def test_aliases_within_the_limit_are_read() -> None:
    data, lines = load_yaml_with_lines(
        "shared: &lan {kind: group, group: G33631}\na: {reference: *lan}\nb: {reference: *lan}\n"
    )
    assert data["a"]["reference"] == data["b"]["reference"] == {"kind": "group", "group": "G33631"}
    assert lines.line_of(["b", "reference"]) == 3


def test_more_values_than_the_limit_are_refused_without_aliases() -> None:
    refused = refusal("[" + "1," * MAX_YAML_NODES + "1]")
    assert refused.code == "yaml_too_complex" and "split the file" in refused.fix
    data, _ = load_yaml_with_lines("[" + "1," * (MAX_YAML_NODES - 2) + "1]")
    assert len(data) == MAX_YAML_NODES - 1


def test_nesting_20000_deep_is_refused_as_too_deep() -> None:
    refused = refusal("note: " + "[" * 20_000 + "]" * 20_000 + "\n")
    assert (refused.code, refused.line) == ("yaml_too_complex", 1)
    assert f"deeper than {MAX_YAML_DEPTH}" in refused.message


def test_block_nesting_is_limited_to_the_depth() -> None:
    def nested(depth: int) -> str:
        return "".join(" " * level + f"k{level}:\n" for level in range(depth)) + " " * depth + "x"

    data, _ = load_yaml_with_lines(nested(MAX_YAML_DEPTH))
    assert data is not None
    refused = refusal(nested(MAX_YAML_DEPTH + 1))
    assert (refused.code, refused.line) == ("yaml_too_complex", MAX_YAML_DEPTH + 1)


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    refused = refusal("a: &loop [1, [2, *loop]]\n")
    assert refused.code == "yaml_too_complex" and "its own anchor" in refused.message


def test_ids_named_in_skips_hostile_files_and_reads_the_rest(tmp_path: Path) -> None:
    (tmp_path / "2425-bomb.yaml").write_text(ALIAS_BOMB.read_text("utf-8"), encoding="utf-8")
    (tmp_path / "2401-deep.yaml").write_text("a: " + "[" * 20_000 + "]" * 20_000)
    (tmp_path / "2403-latin1.yaml").write_bytes("kpi: N00001\nnote: Sápmi\n".encode("latin-1"))
    with (tmp_path / "2404-huge.yaml").open("wb") as handle:
        handle.truncate(MAX_GOAL_FILE_BYTES + 1)
    (tmp_path / "2080-falun.yaml").write_text('kommun: "2080"\nkpi: N15428\n', encoding="utf-8")
    found = ids_named_in(tmp_path)
    assert (found.kommun_ids, found.kpi_ids) == ({"2080"}, {"N15428"})


def test_no_shipped_file_comes_near_a_limit() -> None:
    for path in sorted((ROOT / "data" / "goals").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert len(text.encode()) < MAX_GOAL_FILE_BYTES / 100
        data, _ = load_yaml_with_lines(text)  # raises beyond a limit
        assert data["goals"]
