"""Checking goal-definition files: form (the pydantic model), the tree, and every id against
Kolada's catalogue. Every problem is collected, each naming file, line, place and fix.

A parsed document (a dict, e.g. read from a goal workbook) is checked the same way by
validate_goal_document; each problem carries its place as a document path (`at`), which a
reader of another format maps back to where the value came from."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import math
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kolada_goals.goals.catalogue import Catalogue
from kolada_goals.goals.model import (
    RULES_ALLOWING_NEUTRAL,
    RULES_WITHOUT_DIRECTION,
    YEAR_RANGE,
    GoalFile,
    GroupReference,
    Indicator,
    KommunerReference,
    Mandate,
    Reference,
)
from kolada_goals.goals.reference_checks import (
    UNIT_REFERENCES,
    check_cost_quality,
    check_similar,
    check_unit,
)
from kolada_goals.goals.source import (
    GoalFileRefused,
    LineIndex,
    decode_utf8,
    load_yaml_with_lines,
    place,
    read_bounded_bytes,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GoalFileProblem:
    path: Path
    line: int | None
    place: str
    code: str
    message: str
    fix: str
    # The place as a path in the document, e.g. ('goals', 3, 'indicators', 0, 'kpi').
    at: tuple[object, ...] = ()

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: [{self.code}] {self.place}: {self.message}. Fix: {self.fix}"


@dataclass(frozen=True)
class LocalValue:
    indicator_id: str
    period: int
    value: float | None


@dataclass
class ValidatedFile:
    path: Path
    definition: GoalFile | None = None
    digest: str | None = None  # sha256 of the bytes that were checked
    local_values: list[LocalValue] = field(default_factory=list)
    problems: list[GoalFileProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.definition is not None and not self.problems


class _Reporter:
    def __init__(
        self, path: Path, lines: LineIndex | None, present: Collection[tuple[str, ...]]
    ) -> None:
        self.path = path
        self.lines = lines
        self.present = present  # every key and item path of the document, as text
        self.problems: list[GoalFileProblem] = []

    def __call__(self, at: Sequence[object], code: str, message: str, fix: str) -> None:
        line = self.lines.line_of(at) if self.lines is not None else None
        self.problems.append(
            GoalFileProblem(self.path, line, place(at), code, message, fix, tuple(at))
        )


def document_paths(document: object) -> set[tuple[str, ...]]:
    """Every mapping key and sequence item path of a parsed document, as text (the keys of a
    LineIndex): a document without lines says with these which places it has."""
    paths: set[tuple[str, ...]] = set()
    pending: list[tuple[tuple[str, ...], object]] = [((), document)]
    while pending:
        path, node = pending.pop()
        paths.add(path)
        if isinstance(node, dict):
            pending.extend(((*path, str(key)), value) for key, value in node.items())
        elif isinstance(node, list):
            pending.extend(((*path, str(index)), item) for index, item in enumerate(node))
    return paths


def _schema_place(loc: Sequence[object], present: Collection[tuple[str, ...]]) -> list[object]:
    """Pydantic's location without its union tags: the keys and items the document has, plus
    a missing key at the end."""
    kept: list[object] = []
    for position, part in enumerate(loc):
        present_here = tuple(str(p) for p in (*kept, part)) in present
        missing_last_key = (
            position == len(loc) - 1 and isinstance(part, str) and not part.startswith("[")
        )
        if present_here or missing_last_key:
            kept.append(part)
    return kept


_SCHEMA_FIXES = {
    "missing": "add the key (see docs/goal-definitions.md)",
    "extra_forbidden": "remove the key or correct its spelling (see docs/goal-definitions.md)",
    "string_pattern_mismatch": "use the documented form",
    "literal_error": "use one of the values listed",
    "union_tag_invalid": "use one of the kinds listed",
}


def _quoted(value: object, limit: int = 60) -> str:
    """A value from the file in a message, cut so that a long one cannot flood the report."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _schema_problems(error: ValidationError, report: _Reporter) -> None:
    for detail in error.errors():
        at = _schema_place(detail["loc"], report.present)
        kind = detail["type"]
        message = detail["msg"]
        if kind == "string_pattern_mismatch":
            message = f"{_quoted(detail.get('input'))} does not have the form "
            message += detail["ctx"]["pattern"]
        elif kind == "extra_forbidden":
            message = f"unknown key {_quoted(detail['loc'][-1])}"
        report(at, "schema", message, _SCHEMA_FIXES.get(kind, "correct the value"))


def validate_goal_file(
    path: Path, catalogue: Catalogue, *, check_file_name: bool = True
) -> ValidatedFile:
    """Every problem of one file; `definition` is set when the form is right. Never raises
    on what the file holds: any failure is a problem of this file."""
    try:
        return _validate_goal_file(path, catalogue, check_file_name)
    except Exception as error:  # MemoryError, RecursionError or a bug: this file fails alone
        return _stopped(path, error)


def validate_goal_document(
    document: object, catalogue: Catalogue, path: Path, *, check_file_name: bool = True
) -> ValidatedFile:
    """Every problem of a parsed document, checked as `goals validate` checks a file at `path`
    (where it is to be written: its name is checked, local CSVs are looked for beside it).
    Problems have no line; their `at` says where in the document they are."""
    try:
        return _validate_document(
            document, catalogue, path, None, document_paths(document), None, check_file_name
        )
    except Exception as error:  # as for a file: the document fails alone
        return _stopped(path, error)


def _stopped(path: Path, error: Exception) -> ValidatedFile:
    logger.error("goal definitions: checking %s stopped", path, exc_info=True)
    # The error's own text may quote the file; its type says enough to start with.
    problem = GoalFileProblem(
        path,
        None,
        "(file)",
        "unexpected_error",
        f"checking stopped on {type(error).__name__}",
        "make the file smaller or simpler; if that does not help, report the error",
    )
    return ValidatedFile(path, problems=[problem])


def _yaml_error(error: yaml.YAMLError, text: str) -> tuple[int | None, str]:
    """Line and problem of a YAML error."""
    if isinstance(error, yaml.reader.ReaderError):
        # The reader stops at the first character YAML does not allow, so that character's
        # first place in the text is where it stopped.
        at = text.find(chr(error.character))
        line = text.count("\n", 0, at) + 1 if at >= 0 else None
        return line, f"character #x{error.character:04X} is not allowed ({error.reason})"
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    return line, getattr(error, "problem", None) or type(error).__name__


def _file_problem(path: Path, line: int | None, code: str, message: str, fix: str) -> ValidatedFile:
    return ValidatedFile(path, problems=[GoalFileProblem(path, line, "(file)", code, message, fix)])


def _validate_goal_file(path: Path, catalogue: Catalogue, check_file_name: bool) -> ValidatedFile:
    text = ""
    try:
        raw = read_bounded_bytes(path)
        text = decode_utf8(raw)
        data, lines = load_yaml_with_lines(text)
    except GoalFileRefused as refused:
        return _file_problem(path, refused.line, refused.code, refused.message, refused.fix)
    except OSError as error:
        return _file_problem(
            path, None, "unreadable", error.strerror or type(error).__name__, "check the path"
        )
    except yaml.YAMLError as error:
        line, problem = _yaml_error(error, text)
        return _file_problem(
            path,
            line,
            "yaml_syntax",
            f"not valid YAML: {problem}",
            "correct the indentation, quotes or colons near this line (no tabs)",
        )
    digest = hashlib.sha256(raw).hexdigest()
    return _validate_document(data, catalogue, path, lines, lines.lines, digest, check_file_name)


def _validate_document(
    data: object,
    catalogue: Catalogue,
    path: Path,
    lines: LineIndex | None,
    present: Collection[tuple[str, ...]],
    digest: str | None,
    check_file_name: bool,
) -> ValidatedFile:
    result = ValidatedFile(path, digest=digest)
    report = _Reporter(path, lines, present)
    try:
        definition = GoalFile.model_validate(data)
    except ValidationError as error:
        _schema_problems(error, report)
        result.problems = report.problems
        return result
    result.definition = definition
    if check_file_name and not path.name.startswith(definition.kommun + "-"):
        report(
            ["kommun"],
            "file_name",
            f"the file name {path.name!r} does not start with the kommun id {definition.kommun}",
            f"rename the file to {definition.kommun}-<name>.yaml",
        )
    _check_kommun(definition.kommun, ["kommun"], catalogue, report)
    _check_tree(definition, report)
    _check_reference(definition.defaults.reference, ["defaults", "reference"], catalogue, report)
    check_similar(
        definition.defaults.reference, definition, ["defaults", "reference"], catalogue, report
    )
    if definition.defaults.reference.kind in UNIT_REFERENCES:
        report(
            ["defaults", "reference", "kind"],
            "unit_reference",
            f"reference {definition.defaults.reference.kind!r} is for a unit's indicators only",
            "give it to the indicators with `ou`; the default must compare kommuner",
        )
    for goal_index, goal in enumerate(definition.goals):
        mandate = goal.mandate or definition.mandate
        check_cost_quality(goal, ["goals", goal_index], report)
        for pair_index, pair in enumerate(goal.cost_quality):
            pair_at = ["goals", goal_index, "cost_quality", pair_index, "reference"]
            _check_reference(pair.reference, pair_at, catalogue, report)
            check_similar(pair.reference, definition, pair_at, catalogue, report)
        for indicator_index, indicator in enumerate(goal.indicators):
            at = ["goals", goal_index, "indicators", indicator_index]
            _check_indicator(definition, indicator, mandate, at, catalogue, report)
            check_similar(indicator.reference, definition, [*at, "reference"], catalogue, report)
            check_unit(indicator, definition, at, catalogue, report)
            if indicator.local is not None:
                result.local_values.extend(_local_values(path, indicator, at, report))
    _check_duplicate_indicators(definition, report)
    result.problems = report.problems
    return result


def _check_kommun(
    kommun_id: str, at: Sequence[object], catalogue: Catalogue, report: _Reporter
) -> None:
    municipality = catalogue.municipalities.get(kommun_id)
    if municipality is None:
        report(
            at,
            "unknown_kommun",
            f"{kommun_id} is not a Swedish kommun id",
            'use the 4-digit kommunkod, e.g. "2425" for Dorotea, quoted',
        )
    elif municipality.municipality_type != "K":
        report(
            at,
            "not_a_kommun",
            f"{kommun_id} is {municipality.title}, not a kommun",
            "use a kommun's id; for Riket as reference use `reference: {kind: riket}`",
        )


def _check_tree(definition: GoalFile, report: _Reporter) -> None:
    seen: dict[str, int] = {}
    for index, goal in enumerate(definition.goals):
        if goal.id in seen:
            report(
                ["goals", index, "id"],
                "duplicate_id",
                f"goal id {goal.id!r} is also used by goals[{seen[goal.id]}]",
                "give every goal its own id",
            )
        else:
            seen[goal.id] = index
        if definition.levels is not None and goal.level not in definition.levels:
            report(
                ["goals", index, "level"],
                "unknown_level",
                f"level {goal.level!r} is not one of {definition.levels}",
                "use one of the names under `levels`, or add this one there",
            )
    parents = {goal.id: goal.parent for goal in definition.goals}
    for index, goal in enumerate(definition.goals):
        if goal.parent is not None and goal.parent not in parents:
            report(
                ["goals", index, "parent"],
                "unknown_parent",
                f"goal {goal.id!r} has parent {goal.parent!r}, which is not a goal here",
                "correct the parent id, or leave `parent` out for a top-level goal",
            )
    reported: set[str] = set()
    for index, goal in enumerate(definition.goals):
        chain = [goal.id]
        current = goal.parent
        while current is not None and current in parents:
            if current in chain:
                cycle = [*chain[chain.index(current) :], current]
                if not reported & set(cycle):
                    report(
                        ["goals", index, "parent"],
                        "goal_cycle",
                        "goals are their own ancestors: " + " -> ".join(cycle),
                        "make one of these goals top-level or give it another parent",
                    )
                    reported.update(cycle)
                break
            chain.append(current)
            current = parents[current]


def _check_duplicate_indicators(definition: GoalFile, report: _Reporter) -> None:
    seen: dict[str, str] = {}
    for goal_index, goal in enumerate(definition.goals):
        for indicator_index, indicator in enumerate(goal.indicators):
            if indicator.id in seen:
                report(
                    ["goals", goal_index, "indicators", indicator_index, "id"],
                    "duplicate_id",
                    f"indicator id {indicator.id!r} is also used under goal {seen[indicator.id]!r}",
                    "give every indicator in the file its own id",
                )
            else:
                seen[indicator.id] = goal.id


def _check_indicator(
    definition: GoalFile,
    indicator: Indicator,
    mandate: Mandate,
    at: list[object],
    catalogue: Catalogue,
    report: _Reporter,
) -> None:
    gender = indicator.gender or definition.defaults.gender
    if indicator.kpi is not None:
        facts = catalogue.kpis.get(indicator.kpi)
        if facts is None:
            report(
                [*at, "kpi"],
                "unknown_kpi",
                f"KPI {indicator.kpi} is not in Kolada's catalogue (unknown or removed)",
                "search the id on kolada.se, or choose a KPI that replaces it",
            )
        else:
            if facts.municipality_type == "L":
                report(
                    [*at, "kpi"],
                    "kpi_for_regions",
                    f"KPI {indicator.kpi} ({facts.title}) is reported for regions only",
                    "choose a KPI reported for kommuner (municipality_type K or A)",
                )
            if gender != "T" and not facts.is_divided_by_gender:
                report(
                    [*at, "gender"],
                    "kpi_not_divided_by_gender",
                    f"gender {gender} asked of KPI {indicator.kpi} ({facts.title}), "
                    "which is not divided by gender",
                    "use gender T, or a KPI divided by gender",
                )
    _check_reference(indicator.reference, [*at, "reference"], catalogue, report)
    for key, years in (("targets", indicator.targets), ("forecasts", indicator.forecasts)):
        for year in years:
            if not mandate.covers(year):
                report(
                    [*at, key, year],
                    "target_outside_mandate",
                    f"{key[:-1]} for {year}, outside the mandate "
                    f"{mandate.first_year}-{mandate.last_year}",
                    "move it into the mandate period, or give the goal its own `mandate`",
                )
    rule = indicator.rule or definition.defaults.rule
    if rule.kind not in RULES_WITHOUT_DIRECTION:
        if indicator.direction is None:
            report(
                [*at, "direction"],
                "missing_direction",
                f"rule {rule.kind!r} needs to know whether higher or lower is better",
                "add `direction: higher` or `direction: lower`",
            )
        elif indicator.direction == "neutral" and rule.kind not in RULES_ALLOWING_NEUTRAL:
            report(
                [*at, "direction"],
                "missing_direction",
                f"rule {rule.kind!r} cannot judge a neutral indicator",
                "give direction higher or lower, or use rule monitor or target_only",
            )


def _check_reference(
    reference: Reference | None, at: list[object], catalogue: Catalogue, report: _Reporter
) -> None:
    if isinstance(reference, GroupReference) and reference.group not in catalogue.groups:
        report(
            [*at, "group"],
            "unknown_group",
            f"{reference.group} is not a Kolada municipality group",
            "look the group up on kolada.se (e.g. a 'Liknande kommuner' group)",
        )
    if isinstance(reference, KommunerReference):
        for position, kommun_id in enumerate(reference.kommuner):
            _check_kommun(kommun_id, [*at, "kommuner", position], catalogue, report)


def _local_values(
    path: Path, indicator: Indicator, at: list[object], report: _Reporter
) -> Iterable[LocalValue]:
    assert indicator.local is not None
    local = indicator.local
    if local.values is None and local.csv is None:
        report(
            [*at, "local"],
            "local_values",
            "a local measure without values",
            "add `values: {2024: 12}` or `csv: <file beside this one>`",
        )
        return []
    values = [LocalValue(indicator.id, year, v) for year, v in (local.values or {}).items()]
    if local.csv is not None:
        csv_at = [*at, "local", "csv"]
        csv_path = _local_csv_path(path, local.csv, csv_at, report)
        if csv_path is not None:
            values.extend(_csv_values(csv_path, indicator.id, csv_at, report))
    return _without_repeated_periods(values, [*at, "local"], report)


def _local_csv_path(path: Path, reference: str, at: list[object], report: _Reporter) -> Path | None:
    """The CSV a goal file names, when it lies inside the goal file's folder (after every
    symlink is followed): a goal file must not make the run read any other file."""
    fix = "name a CSV file in the folder of this file, e.g. `csv: 2425-lasfrukost.csv`"
    if Path(reference).is_absolute():
        report(at, "local_csv_path", f"csv {_quoted(reference)} is an absolute path", fix)
        return None
    try:
        folder = path.parent.resolve()
        resolved = (folder / reference).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        report(at, "local_csv_path", f"csv {_quoted(reference)} cannot be resolved", fix)
        return None
    if not resolved.is_relative_to(folder):
        report(
            at, "local_csv_path", f"csv {_quoted(reference)} leads outside the folder {folder}", fix
        )
        return None
    return path.parent / reference


_CSV_COLUMNS = ("indicator_id", "period", "value")


def _csv_values(
    csv_path: Path, indicator_id: str, at: list[object], report: _Reporter
) -> list[LocalValue]:
    """The CSV's values of one indicator. Messages name the file, line and column, never a
    row's content."""
    if not csv_path.is_file():
        report(
            at,
            "local_values",
            f"{csv_path} does not exist",
            "put the CSV beside the YAML file, or correct its name",
        )
        return []
    try:
        text = decode_utf8(read_bounded_bytes(csv_path))
    except GoalFileRefused as refused:
        where = f" line {refused.line}" if refused.line else ""
        report(at, "local_values", f"{csv_path}{where}: {refused.message}", refused.fix)
        return []
    except OSError as error:
        report(at, "local_values", f"{csv_path}: {error.strerror}", "check the file")
        return []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    values: list[LocalValue] = []
    try:
        missing = [c for c in _CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            report(
                at,
                "local_values",
                f"{csv_path}: the header lacks the column(s) {', '.join(missing)}",
                "write the header line indicator_id,period,value",
            )
            return []
        for row in reader:
            if row["indicator_id"] != indicator_id:
                continue
            parsed, bad_column = _parse_csv_row(row)
            if parsed is None:
                report(
                    at,
                    "local_values",
                    f"{csv_path} line {reader.line_num}: column {bad_column} is not "
                    + ("a year" if bad_column == "period" else "a number"),
                    f"period must be a year ({YEAR_RANGE[0]}-{YEAR_RANGE[1]}) "
                    "and value a number or empty",
                )
            else:
                values.append(LocalValue(indicator_id, *parsed))
    except csv.Error as error:  # its messages name the problem, not the content
        report(
            at,
            "local_values",
            f"{csv_path} line {reader.line_num}: not a CSV row ({error})",
            "write plain rows indicator_id,period,value",
        )
    return values


def _parse_csv_row(row: dict[str, Any]) -> tuple[tuple[int, float | None] | None, str]:
    """(period, value), or None and the column that is wrong."""
    try:
        period = int(row["period"])
    except (TypeError, ValueError):
        return None, "period"
    if not YEAR_RANGE[0] <= period <= YEAR_RANGE[1]:
        return None, "period"
    try:
        text = (row["value"] or "").strip().replace(",", ".")
        value = float(text) if text else None
    except (TypeError, ValueError):
        return None, "value"
    if value is not None and not math.isfinite(value):
        return None, "value"
    return (period, value), ""


def _without_repeated_periods(
    values: list[LocalValue], at: list[object], report: _Reporter
) -> list[LocalValue]:
    seen: set[int] = set()
    for value in values:
        if value.period in seen:
            report(
                at,
                "local_values",
                f"the year {value.period} has more than one value (in `values` or the CSV)",
                "give each year one value",
            )
        seen.add(value.period)
    return values


def kommun_of_file_name(path: Path) -> str | None:
    """The kommun id a file's name claims (`2425-dorotea.yaml`), for a file too broken to
    say it itself."""
    match = re.match(r"(\d{4})-", path.name)
    return match.group(1) if match else None


def validate_goal_files(paths: Iterable[Path], catalogue: Catalogue) -> list[ValidatedFile]:
    """Files and folders (every *.yaml / *.yml inside); duplicates of one kommun are errors."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        else:
            files.append(path)
    results = [validate_goal_file(path, catalogue) for path in files]
    first_file: dict[str, Path] = {}
    for result in results:
        if result.definition is None:
            continue
        kommun = result.definition.kommun
        if kommun in first_file:
            result.problems.append(
                GoalFileProblem(
                    result.path,
                    1,
                    "kommun",
                    "duplicate_id",
                    f"kommun {kommun} is also defined in {first_file[kommun]}",
                    "keep one file per kommun",
                )
            )
        else:
            first_file[kommun] = result.path
    return results
