"""Kolada metadata (kpi, kpi_groups, municipality, municipality_groups, ou) into DuckDB.

Kolada has no from_date for metadata, so each entity's full list is fetched. In one
transaction, what changed lands raw first (the records that are new or differ from their
latest landed version, as JSON with run id, URL and fetch time, and a row marking each record
no longer listed); then the list is shaped into its core table(s), validated, and the core
rows whose columns changed are replaced. A replay from raw_ (replay.py) applies the same
shaping, validation and core update to the list as it was landed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb
import orjson
import pandera.polars as pa
import polars as pl

from kolada_goals.errors import KoladaError, KoladaRecordError
from kolada_goals.load import schemas
from kolada_goals.sql_files import read_sql
from kolada_goals.transactions import transaction

# A catalogue that shrinks below this share of what is stored is refused, not swapped in.
MIN_KEPT_SHARE = 0.5

# The key of each core table fed from metadata: a stored row is replaced when the fetched row
# of its key differs in any column. Also the only names filled into the core SQL templates.
CORE_KEYS: dict[str, tuple[str, ...]] = {
    "core_kpi": ("kpi_id",),
    "core_kpi_group": ("kpi_group_id",),
    "core_kpi_group_member": ("kpi_group_id", "kpi_id"),
    "core_municipality": ("municipality_id",),
    "core_municipality_group": ("group_id",),
    "core_ou": ("ou_id",),
}


class CatalogueShrankError(KoladaError):
    """The new list is much shorter than the stored one: more likely a fault than news."""


@dataclass(frozen=True)
class MetadataBatch:
    run_id: str
    entity: str
    request_url: str
    fetched_at: datetime
    records: list[dict[str, Any]]


@dataclass(frozen=True)
class MetadataChanges:
    """An entity's fetched list against the latest landed version of each record."""

    entity: str
    new: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def records(self) -> int:
        """Records in the fetched list."""
        return self.new + self.changed + self.unchanged

    @property
    def landed(self) -> int:
        """Rows landed in raw_metadata_record."""
        return self.new + self.changed + self.removed


def record_hash(record: Any) -> str:
    """md5 of the record's JSON with sorted keys: equal for equal content, whatever order
    Kolada sends the keys in."""
    canonical = orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    return hashlib.md5(canonical, usedforsecurity=False).hexdigest()


def _field(batch: MetadataBatch, index: int, record: Any, key: str, kind: type) -> Any:
    if not isinstance(record, dict):
        raise KoladaRecordError("record is not an object", batch.request_url, index, record)
    if key not in record:
        raise KoladaRecordError(f"field {key!r} is missing", batch.request_url, index, record)
    value = record[key]
    if value is not None and not isinstance(value, kind):
        raise KoladaRecordError(
            f"field {key!r} is {type(value).__name__}, expected {kind.__name__}",
            batch.request_url,
            index,
            record,
        )
    return value


def _date(batch: MetadataBatch, index: int, record: Any, key: str) -> date | None:
    text = _field(batch, index, record, key, str)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise KoladaRecordError(
            f"field {key!r} is not a date: {text!r}", batch.request_url, index, record
        ) from error


def kpi_frame(batch: MetadataBatch) -> pl.DataFrame:
    rows = [
        {
            "kpi_id": _field(batch, i, r, "id", str),
            "title": _field(batch, i, r, "title", str),
            "description": _field(batch, i, r, "description", str),
            "is_divided_by_gender": _field(batch, i, r, "is_divided_by_gender", bool),
            "municipality_type": _field(batch, i, r, "municipality_type", str),
            "auspice": _field(batch, i, r, "auspice", str),
            "operating_area": _field(batch, i, r, "operating_area", str),
            "perspective": _field(batch, i, r, "perspective", str),
            "prel_publication_date": _date(batch, i, r, "prel_publication_date"),
            "publication_date": _date(batch, i, r, "publication_date"),
            "publ_period": _field(batch, i, r, "publ_period", str),
            "has_ou_data": _field(batch, i, r, "has_ou_data", bool),
        }
        for i, r in enumerate(batch.records)
    ]
    return pl.DataFrame(rows, schema=schemas.polars_schema(schemas.CoreKpi))


def municipality_frame(batch: MetadataBatch) -> pl.DataFrame:
    rows = [
        {
            "municipality_id": _field(batch, i, r, "id", str),
            "title": _field(batch, i, r, "title", str),
            "municipality_type": _field(batch, i, r, "type", str),
        }
        for i, r in enumerate(batch.records)
    ]
    return pl.DataFrame(rows, schema=schemas.polars_schema(schemas.CoreMunicipality))


def _group_frames(
    batch: MetadataBatch,
    group_model: type[pa.DataFrameModel],
    member_model: type[pa.DataFrameModel],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    id_column, member_column, _ = schemas.polars_schema(member_model)
    groups: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    for i, r in enumerate(batch.records):
        group_id = _field(batch, i, r, "id", str)
        groups.append({id_column: group_id, "title": _field(batch, i, r, "title", str)})
        for member in _field(batch, i, r, "members", list) or []:
            if not isinstance(member, dict) or not isinstance(member.get("member_id"), str):
                raise KoladaRecordError(
                    f"a member has no string member_id: {member!r}", batch.request_url, i, r
                )
            members.append(
                {
                    id_column: group_id,
                    member_column: member["member_id"],
                    "member_title": member.get("member_title"),
                }
            )
    group_frame = pl.DataFrame(groups, schema=schemas.polars_schema(group_model))
    member_frame = pl.DataFrame(members, schema=schemas.polars_schema(member_model))
    return group_frame, member_frame


def ou_frame(batch: MetadataBatch) -> pl.DataFrame:
    rows = [
        {
            "ou_id": _field(batch, i, r, "id", str),
            "municipality_id": _field(batch, i, r, "municipality", str),
            "title": _field(batch, i, r, "title", str),
        }
        for i, r in enumerate(batch.records)
    ]
    return pl.DataFrame(rows, schema=schemas.polars_schema(schemas.CoreOu))


def land_raw(con: duckdb.DuckDBPyConnection, batch: MetadataBatch) -> MetadataChanges:
    """Land the records that are new or differ from their latest landed version, and a row
    marking each record no longer listed. Records are validated objects with a unique id."""
    stored: dict[str, tuple[str | None, str | None]] = {
        str(record_id): (stored_hash, stored_text)
        for record_id, stored_hash, stored_text in con.execute(
            read_sql("load/raw/latest_metadata_records.sql"), {"entity": batch.entity}
        ).fetchall()
    }
    landed: dict[str, list[Any]] = {"record_index": [], "record_id": [], "record": [],
                                    "record_hash": []}  # fmt: skip
    new = changed = 0
    for index, record in enumerate(batch.records):
        # Landed before validation: a record without an id is named by its position.
        record_id = (
            str(record["id"]) if isinstance(record, dict) and "id" in record else f"#{index}"
        )
        digest = record_hash(record)
        text: str | None = None
        if record_id in stored:
            stored_hash, stored_text = stored[record_id]
            if stored_hash == digest:
                continue
            if stored_hash is None:  # landed before hashes were kept
                text = orjson.dumps(record).decode()
                if text == stored_text:
                    continue
            changed += 1
        else:
            new += 1
        landed["record_index"].append(index)
        landed["record_id"].append(record_id)
        landed["record"].append(text or orjson.dumps(record).decode())
        landed["record_hash"].append(digest)
    listed = {str(r["id"]) for r in batch.records if isinstance(r, dict) and "id" in r}
    removed = sorted(set(stored) - listed)
    params = {
        "run_id": batch.run_id,
        "entity": batch.entity,
        "request_url": batch.request_url,
        "fetched_at": batch.fetched_at,
    }
    if landed["record_id"]:
        frame = pl.DataFrame(
            landed,
            schema={"record_index": pl.Int32, "record_id": pl.String, "record": pl.String,
                    "record_hash": pl.String},
        )  # fmt: skip
        con.register("staged_raw_metadata", frame.to_arrow())
        try:
            con.execute(read_sql("load/raw/land_raw_metadata_record.sql"), params)
        finally:
            con.unregister("staged_raw_metadata")
    if removed:
        con.execute(
            read_sql("load/raw/land_removed_metadata_record.sql"), {**params, "record_ids": removed}
        )
    unchanged = len(batch.records) - new - changed
    return MetadataChanges(batch.entity, new, changed, len(removed), unchanged)


def _check_not_shrunk(con: duckdb.DuckDBPyConnection, table: str, new_rows: int, url: str) -> None:
    result = con.execute(f"select count(*) from {table}").fetchone()
    stored = int(result[0]) if result else 0
    if stored and new_rows < stored * MIN_KEPT_SHARE:
        raise CatalogueShrankError(
            f"{table}: Kolada now lists {new_rows} rows where {stored} are stored; "
            "refusing to replace (kept the stored rows). Re-run later, or, if the "
            "shrinking is real, run once with `kolada-goals run --allow-shrink` (deployment "
            "parameter allow_shrink).",
            url,
        )


def _update_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Make `table` hold exactly `frame`, deleting and inserting only the rows that differ."""
    key = ", ".join(CORE_KEYS[table])
    con.register("staged_core", frame.select(con.table(table).columns).to_arrow())
    try:
        con.execute(read_sql("load/core/delete_changed_core_rows.sql").format(table=table, key=key))
        con.execute(read_sql("load/core/insert_changed_core_rows.sql").format(table=table))
    finally:
        con.unregister("staged_core")


def _validated(
    model: type[pa.DataFrameModel], frame: pl.DataFrame, batch: MetadataBatch
) -> pl.DataFrame:
    return schemas.validate_frame(model, frame, batch.request_url)


def _load_membership(
    con: duckdb.DuckDBPyConnection, batch: MetadataBatch, membership: pl.DataFrame
) -> None:
    con.register("staged_membership", membership.to_arrow())
    try:
        params = {"fetched_at": batch.fetched_at}
        con.execute(read_sql("load/core/close_group_membership.sql"), params)
        con.execute(
            read_sql("load/core/open_group_membership.sql"), {**params, "run_id": batch.run_id}
        )
    finally:
        con.unregister("staged_membership")


def catalogue_tables(batch: MetadataBatch) -> list[tuple[str, pl.DataFrame]]:
    """One entity's full list shaped into its core table(s) and validated."""
    loaders: dict[str, Callable[[], list[tuple[str, pl.DataFrame]]]] = {
        "kpi": lambda: [("core_kpi", _validated(schemas.CoreKpi, kpi_frame(batch), batch))],
        "municipality": lambda: [
            (
                "core_municipality",
                _validated(schemas.CoreMunicipality, municipality_frame(batch), batch),
            )
        ],
        "kpi_groups": lambda: _kpi_group_tables(batch),
        "municipality_groups": lambda: _municipality_group_tables(batch),
        "ou": lambda: [("core_ou", _validated(schemas.CoreOu, ou_frame(batch), batch))],
    }
    if batch.entity not in loaders:
        raise ValueError(f"unknown metadata entity {batch.entity!r}")
    return loaders[batch.entity]()


def apply_catalogue(
    con: duckdb.DuckDBPyConnection, batch: MetadataBatch, tables: list[tuple[str, pl.DataFrame]]
) -> None:
    """Make the core tables of one entity hold its validated list, in the open transaction."""
    for table, frame in tables:
        if table == "staged_membership":
            _load_membership(con, batch, frame)
        else:
            _update_table(con, table, frame)


def load_metadata(
    con: duckdb.DuckDBPyConnection, batch: MetadataBatch, allow_shrink: bool = False
) -> MetadataChanges:
    """Land one entity's full list raw (what changed since the landed version), then shape
    and validate it and apply it to the core tables, in one transaction. Returns how many
    records were new, changed, removed and unchanged."""
    with transaction(con):
        changes = land_raw(con, batch)
        tables = catalogue_tables(batch)
        if not allow_shrink:
            for table, frame in tables:
                if table in CORE_KEYS:
                    _check_not_shrunk(con, table, frame.height, batch.request_url)
        apply_catalogue(con, batch, tables)
    return changes


def _kpi_group_tables(batch: MetadataBatch) -> list[tuple[str, pl.DataFrame]]:
    groups, members = _group_frames(batch, schemas.CoreKpiGroup, schemas.CoreKpiGroupMember)
    return [
        ("core_kpi_group", _validated(schemas.CoreKpiGroup, groups, batch)),
        ("core_kpi_group_member", _validated(schemas.CoreKpiGroupMember, members, batch)),
    ]


def _municipality_group_tables(batch: MetadataBatch) -> list[tuple[str, pl.DataFrame]]:
    groups, members = _group_frames(
        batch, schemas.CoreMunicipalityGroup, schemas.MunicipalityGroupMembership
    )
    return [
        ("core_municipality_group", _validated(schemas.CoreMunicipalityGroup, groups, batch)),
        (
            "staged_membership",
            _validated(schemas.MunicipalityGroupMembership, members, batch),
        ),
    ]
