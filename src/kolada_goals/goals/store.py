"""Goal definitions into DuckDB. A kommun's rows are replaced only by a file that validates:
a broken file keeps what was loaded before, and is reported; it never stops the others."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from kolada_goals.goals.catalogue import Catalogue
from kolada_goals.goals.model import (
    CostQuality,
    DoroteaRule,
    Goal,
    GoalFile,
    GroupReference,
    Indicator,
    KommunerReference,
    KommunValueReference,
    OwnTrendReference,
    Reference,
    RiketReference,
    SimilarReference,
    TrendRule,
)
from kolada_goals.goals.reference_checks import kommun_name
from kolada_goals.goals.similar import similar_group
from kolada_goals.goals.validate import (
    GoalFileProblem,
    ValidatedFile,
    kommun_of_file_name,
    validate_goal_files,
)
from kolada_goals.sql_files import read_sql, sql_statements
from kolada_goals.transactions import in_run_transaction, transaction

logger = logging.getLogger(__name__)


@dataclass
class GoalLoadSummary:
    loaded: list[str] = field(default_factory=list)  # kommun ids replaced from their files
    kept: list[str] = field(default_factory=list)  # kommun ids whose broken file was not loaded
    removed: list[str] = field(default_factory=list)  # kommun ids whose file is gone
    problems: list[GoalFileProblem] = field(default_factory=list)


def _depths(goals: list[Goal]) -> dict[str, int]:
    parents = {goal.id: goal.parent for goal in goals}
    depths: dict[str, int] = {}
    for goal in goals:
        depth, current = 0, goal.parent
        while current is not None:
            depth += 1
            current = parents.get(current)
        depths[goal.id] = depth
    return depths


def _group_of(reference: Reference, definition: GoalFile, catalogue: Catalogue) -> str | None:
    """The Kolada group a reference compares with: a group's own, or the similar-kommuner
    group found for the kommun and area (validation has checked that there is one)."""
    if isinstance(reference, GroupReference):
        return reference.group
    if isinstance(reference, SimilarReference):
        found = similar_group(catalogue.groups, kommun_name(definition, catalogue), reference.area)
        return found.group_id if found else None
    return None


def indicator_reference(definition: GoalFile, indicator: Indicator) -> Reference:
    """The indicator's reference: its own, else the file's default; a unit's default is the
    kommun's own value (the county's kommuner are no peers of one school)."""
    if indicator.reference is not None:
        return indicator.reference
    if indicator.ou is not None:
        return KommunValueReference(kind="kommun")
    return definition.defaults.reference


def _indicator_row(
    definition: GoalFile, goal: Goal, indicator: Indicator, ordinal: int, catalogue: Catalogue
) -> tuple[object, ...]:
    reference = indicator_reference(definition, indicator)
    rule = indicator.rule or definition.defaults.rule
    return (
        definition.kommun,
        indicator.id,
        goal.id,
        ordinal,
        indicator.kpi,
        indicator.local.unit if indicator.local else None,
        indicator.title,
        indicator.gender or definition.defaults.gender,
        indicator.direction,
        reference.kind,
        _group_of(reference, definition, catalogue),
        reference.kommuner if isinstance(reference, KommunerReference) else None,
        reference.years if isinstance(reference, OwnTrendReference) else None,
        rule.kind,
        rule.tolerance.kind if isinstance(rule, DoroteaRule) else None,
        rule.tolerance.value if isinstance(rule, DoroteaRule) else None,
        rule.min_reference_count if isinstance(rule, DoroteaRule) else None,
        rule.threshold_pct if isinstance(rule, TrendRule) else None,
        indicator.motivation,
        indicator.example,
        indicator.ou,
        reference.area if isinstance(reference, SimilarReference) else None,
    )


def _cost_quality_rows(
    definition: GoalFile, goal: Goal, catalogue: Catalogue
) -> list[tuple[object, ...]]:
    """The goal's cost-quality pairs, each with the kommuner it is compared among: its own
    reference, else the quality indicator's; Riket means all kommuner, and a reference that
    is no set of kommuner (own trend, a unit's) means the county."""
    indicators = {indicator.id: indicator for indicator in goal.indicators}
    rows: list[tuple[object, ...]] = []
    for ordinal, pair in enumerate(goal.cost_quality):
        reference = pair.reference or _quality_reference(definition, indicators, pair)
        if isinstance(reference, RiketReference):
            kind = "all_kommuner"
        elif reference.kind in ("county", "all_kommuner", "group", "similar", "kommuner"):
            kind = reference.kind
        else:
            kind = "county"
        rows.append(
            (definition.kommun, goal.id, pair.quality, pair.cost, ordinal, kind,
             _group_of(reference, definition, catalogue),
             reference.kommuner if isinstance(reference, KommunerReference) else None)
        )  # fmt: skip
    return rows


def _quality_reference(
    definition: GoalFile, indicators: dict[str, Indicator], pair: CostQuality
) -> Reference:
    quality = indicators.get(pair.quality)
    return (
        indicator_reference(definition, quality)
        if quality is not None
        else definition.defaults.reference
    )


def _delete_kommun(con: duckdb.DuckDBPyConnection, kommun_id: str) -> None:
    for statement in sql_statements("goals/delete_goal_definitions.sql"):
        con.execute(statement, [kommun_id])


def _store_file(
    con: duckdb.DuckDBPyConnection,
    validated: ValidatedFile,
    run_id: str | None,
    catalogue: Catalogue,
) -> None:
    definition = validated.definition
    assert definition is not None
    kommun = definition.kommun
    _delete_kommun(con, kommun)
    con.execute(
        read_sql("goals/insert_goal_definition_file.sql"),
        [
            kommun, definition.name, str(validated.path), validated.digest, definition.vision,
            definition.vision_year, definition.source, definition.note,
            definition.mandate.first_year, definition.mandate.last_year, definition.levels,
            definition.rollup.method, datetime.now(UTC), run_id,
        ],
    )  # fmt: skip
    depths = _depths(definition.goals)
    goal_rows: list[tuple[object, ...]] = []
    indicator_rows: list[tuple[object, ...]] = []
    targets: list[tuple[object, ...]] = []
    forecasts: list[tuple[object, ...]] = []
    cost_quality: list[tuple[object, ...]] = []
    for ordinal, goal in enumerate(definition.goals):
        mandate = goal.mandate or definition.mandate
        goal_rows.append(
            (kommun, goal.id, goal.parent, depths[goal.id], ordinal, goal.level, goal.title,
             goal.owner, goal.description, mandate.first_year, mandate.last_year)
        )  # fmt: skip
        cost_quality.extend(_cost_quality_rows(definition, goal, catalogue))
        for indicator in goal.indicators:
            indicator_rows.append(
                _indicator_row(definition, goal, indicator, len(indicator_rows), catalogue)
            )
            targets.extend((kommun, indicator.id, y, v) for y, v in indicator.targets.items())
            for year in indicator.forecasts:
                forecast = indicator.forecast(year)
                forecasts.append((kommun, indicator.id, year, forecast.value, forecast.note))
    locals_ = [(kommun, v.indicator_id, v.period, v.value) for v in validated.local_values]
    for sql, rows in (
        ("goals/insert_goal.sql", goal_rows),
        ("goals/insert_goal_indicator.sql", indicator_rows),
        ("goals/insert_goal_indicator_target.sql", targets),
        ("goals/insert_goal_indicator_forecast.sql", forecasts),
        ("goals/insert_goal_local_value.sql", locals_),
        ("goals/insert_goal_cost_quality.sql", cost_quality),
    ):
        if rows:
            con.executemany(read_sql(sql), rows)


def load_goal_definitions(
    con: duckdb.DuckDBPyConnection,
    directory: Path,
    catalogue: Catalogue | None = None,
    run_id: str | None = None,
) -> GoalLoadSummary:
    """Validate every file of `directory` and replace the definitions of each kommun whose file
    is valid, each kommun in its own transaction. Kommuner whose file is gone are removed."""
    summary = GoalLoadSummary()
    if not directory.is_dir():
        # A missing folder is more likely a wrong working directory than a wish to drop
        # every kommun's definitions: keep them.
        logger.warning("goal definitions: %s is not a folder; stored definitions kept", directory)
        return summary
    catalogue = catalogue or Catalogue.from_database(con)
    results = validate_goal_files([directory], catalogue)
    present: set[str] = set()
    kommun_unknown: list[Path] = []
    for result in results:
        # A file too broken to be read still claims its kommun by its name.
        kommun = result.definition.kommun if result.definition else kommun_of_file_name(result.path)
        if kommun is None:
            kommun_unknown.append(result.path)
            summary.problems.extend(result.problems)
            continue
        present.add(kommun)
        if result.ok and _store_kommun(con, result, run_id, catalogue, summary):
            summary.loaded.append(kommun)
        else:
            summary.problems.extend(result.problems)
            summary.kept.append(kommun)
    _remove_kommuner_without_file(con, present, kommun_unknown, summary)
    for problem in summary.problems:
        logger.error("goal definitions: %s", problem)
    logger.info(
        "goal definitions: %d kommun(er) loaded, %d broken file(s) kept out, %d removed",
        len(summary.loaded), len({p.path for p in summary.problems}),
        len(summary.removed),
    )  # fmt: skip
    return summary


def _store_kommun(
    con: duckdb.DuckDBPyConnection,
    result: ValidatedFile,
    run_id: str | None,
    catalogue: Catalogue,
    summary: GoalLoadSummary,
) -> bool:
    """Replace one kommun's rows in one transaction; a failure keeps its earlier rows, becomes
    a problem of its file and lets the other kommuner load. In a run's own transaction (on a
    lake) a failure fails the run: DuckDB has no savepoints to undo one kommun alone."""
    if in_run_transaction(con):
        _store_file(con, result, run_id, catalogue)
        return True
    con.execute("begin transaction")
    try:
        _store_file(con, result, run_id, catalogue)
        con.execute("commit")
    except Exception as error:  # e.g. a value DuckDB cannot convert: this kommun fails alone
        con.execute("rollback")
        logger.error("goal definitions: storing %s failed", result.path, exc_info=True)
        summary.problems.append(
            GoalFileProblem(
                result.path,
                None,
                "(file)",
                "unexpected_error",
                f"storing the definitions stopped on {type(error).__name__}",
                "check the values of the file against docs/goal-definitions.md; "
                "if that does not help, report the error",
            )
        )
        return False
    except BaseException:
        con.execute("rollback")
        raise
    return True


def _remove_kommuner_without_file(
    con: duckdb.DuckDBPyConnection,
    present: set[str],
    kommun_unknown: list[Path],
    summary: GoalLoadSummary,
) -> None:
    stored = [row[0] for row in con.execute(read_sql("goals/goal_kommun_ids.sql")).fetchall()]
    gone = [kommun for kommun in stored if kommun not in present]
    if gone and kommun_unknown:
        # An unreadable file whose name names no kommun may be any kommun's: removing none
        # is the safe side until the file is fixed or gone.
        logger.warning(
            "goal definitions: %s kept although no file names them, since %s could not be read",
            ", ".join(gone), ", ".join(map(str, kommun_unknown)),
        )  # fmt: skip
        return
    with transaction(con):
        for kommun in gone:
            _delete_kommun(con, kommun)
    summary.removed.extend(gone)


@dataclass(frozen=True)
class KpiWatchChange:
    kpi_id: str
    field: str
    old_value: str | None
    new_value: str | None

    def __str__(self) -> str:
        if self.field == "exists" and self.new_value == "false":
            return f"{self.kpi_id}: no longer in Kolada's catalogue"
        return f"{self.kpi_id}: {self.field} changed from {self.old_value!r} to {self.new_value!r}"


def watch_kpis(con: duckdb.DuckDBPyConnection, run_id: str) -> list[KpiWatchChange]:
    """Record what this run sees of every KPI the goals name; return what is missing or
    changed since the previous check."""
    con.execute(read_sql("goals/snapshot_kpi_watch.sql"), [run_id])
    con.execute(read_sql("goals/kpi_watch_changes.sql"), [run_id])
    rows = con.execute(read_sql("goals/kpi_watch_report.sql"), [run_id]).fetchall()
    changes = [KpiWatchChange(*row) for row in rows]
    for change in changes:
        logger.warning("KPI watch: %s", change)
    return changes
