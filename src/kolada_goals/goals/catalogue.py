"""What goal validation needs to know of Kolada: KPIs, municipalities and groups."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import orjson

from kolada_goals.extract.client import KoladaClient
from kolada_goals.sql_files import read_sql

CATALOGUE_ENTITIES = ("kpi", "municipality", "municipality_groups")


@dataclass(frozen=True)
class KpiFacts:
    title: str
    is_divided_by_gender: bool
    municipality_type: str  # K kommuner, L regions, A both


@dataclass(frozen=True)
class Municipality:
    title: str
    municipality_type: str  # K kommun, L region or Riket


@dataclass(frozen=True)
class Catalogue:
    kpis: Mapping[str, KpiFacts]
    municipalities: Mapping[str, Municipality]
    groups: Mapping[str, str]  # group id -> title
    # organisational unit id -> its kommun; empty when the catalogue came without units
    units: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_database(cls, con: duckdb.DuckDBPyConnection) -> Catalogue:
        kpis = {
            kpi_id: KpiFacts(title, bool(gendered), kind)
            for kpi_id, title, gendered, kind in con.execute(
                read_sql("goals/catalogue_kpis.sql")
            ).fetchall()
        }
        municipalities = {
            municipality_id: Municipality(title, kind)
            for municipality_id, kind, title in con.execute(
                read_sql("goals/catalogue_municipalities.sql")
            ).fetchall()
        }
        groups = dict(con.execute(read_sql("goals/catalogue_groups.sql")).fetchall())
        units = dict(con.execute(read_sql("goals/catalogue_units.sql")).fetchall())
        return cls(kpis, municipalities, groups, units)

    @classmethod
    def from_metadata_folder(cls, folder: Path) -> Catalogue:
        """A folder of Kolada v3 metadata as JSON arrays: kpi.v3.json, municipality.v3.json,
        municipality_groups.v3.json (the layout of kolada-samples/v3_metadata)."""

        def read(name: str) -> list[dict[str, Any]]:
            records = orjson.loads((folder / name).read_bytes())
            if not isinstance(records, list):
                raise ValueError(f"{folder / name}: expected a JSON array of records")
            return records

        return cls.from_records(
            read("kpi.v3.json"), read("municipality.v3.json"), read("municipality_groups.v3.json")
        )

    @classmethod
    def from_records(
        cls,
        kpis: Iterable[Mapping[str, Any]],
        municipalities: Iterable[Mapping[str, Any]],
        municipality_groups: Iterable[Mapping[str, Any]],
    ) -> Catalogue:
        """From Kolada v3 metadata records, as the API lists them."""
        return cls(
            {
                str(k["id"]): KpiFacts(
                    str(k["title"]), bool(k["is_divided_by_gender"]), str(k["municipality_type"])
                )
                for k in kpis
            },
            {str(m["id"]): Municipality(str(m["title"]), str(m["type"])) for m in municipalities},
            {str(g["id"]): str(g["title"]) for g in municipality_groups},
        )

    @classmethod
    async def fetch(cls, client: KoladaClient) -> Catalogue:
        """Kolada's catalogue as the API lists it now (three requests, a few MB)."""
        lists = [(await client.fetch_all(entity))[1] for entity in CATALOGUE_ENTITIES]
        return cls.from_records(*lists)

    def kommun_ids(self) -> list[str]:
        return sorted(i for i, m in self.municipalities.items() if m.municipality_type == "K")
