"""What the fake Kolada serves: metadata lists and KPI values, with a change log.

A dataset answers "which records exist for these KPIs x places x years" as a sequence
that can be sliced into pages without building the whole answer, so the synthetic
catalogue (57 million records) pages as fast as a small sample folder.
"""

from __future__ import annotations

import csv
import itertools
import json
import zlib
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol, overload, runtime_checkable

from kolada_goals.ids import GENDERS, MUNICIPALITY_GROUP_ID
from kolada_goals.units import UnitKind, kpi_unit

# Values from the base data count as published long before any from_date a client sends.
BASE_PUBLISHED = date(2000, 1, 1)
DELETED = object()  # change-log marker for a withdrawn value
ANSWERS_KEPT = 8  # answers kept for the pages that follow the first

GenderValues = dict[str, float | None]
Record = dict[str, Any]


class ValueSource(Protocol):
    """Base values: per (kpi, place, period), the value of each gender that has one."""

    def genders(self, kpi_id: str) -> tuple[str, ...]: ...

    def lookup(self, kpi_id: str, place_id: str, period: int) -> GenderValues | None: ...


@runtime_checkable
class DenseValueSource(ValueSource, Protocol):
    """A source with a record for every combination, which renders pages itself."""

    def page_json(
        self,
        kpi_ids: Sequence[str],
        place_ids: Sequence[str],
        years: Sequence[int],
        start: int,
        stop: int,
    ) -> bytes: ...


@dataclass
class Change:
    changed_on: date
    value: float | object | None  # DELETED for a withdrawn value


@dataclass
class FakeDataset:
    """Metadata, base values and the changes made since (for from_date)."""

    kpis: list[Record]
    municipalities: list[Record]
    municipality_groups: list[Record]
    values: ValueSource
    kpi_groups: list[Record] = field(default_factory=list)
    ous: list[Record] = field(default_factory=list)
    years: tuple[int, ...] = tuple(range(1996, 2026))
    synthetic: bool = False
    changes: dict[tuple[str, str, int, str], Change] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._members = {
            g["id"]: [m["member_id"] for m in g.get("members") or []]
            for g in self.municipality_groups
        }
        # from_date walks the changes, each of which moves the means of its member's groups.
        groups_of: dict[str, dict[str, None]] = {}
        for group_id, members in self._members.items():
            for member in members:
                groups_of.setdefault(member, {})[group_id] = None
        self._groups_of = {member: tuple(groups) for member, groups in groups_of.items()}
        # Paging asks for the same answer once per page: keep the last few, per data version.
        self._change_keys_by_kpi: dict[str, dict[tuple[str, str, int, str], None]] = {}
        for key in self.changes:
            self._change_keys_by_kpi.setdefault(key[0], {})[key] = None
        self._version = 0
        self._answers: OrderedDict[tuple[object, ...], list[Record]] = OrderedDict()

    # --- mutation, for tests of incremental loads -------------------------------------
    def set_value(
        self, kpi_id: str, place_id: str, period: int, gender: str, value: float | None,
        changed_on: date,
    ) -> None:  # fmt: skip
        self._change((kpi_id, place_id, period, gender), Change(changed_on, value))

    def delete_value(
        self, kpi_id: str, place_id: str, period: int, gender: str, changed_on: date
    ) -> None:
        self._change((kpi_id, place_id, period, gender), Change(changed_on, DELETED))

    def _change(self, key: tuple[str, str, int, str], change: Change) -> None:
        self.changes[key] = change
        # from_date requests name at most 25 KPIs: their changes are found by KPI, not by
        # walking every change (a night of a full catalogue holds a million).
        self._change_keys_by_kpi.setdefault(key[0], {})[key] = None
        self._version += 1

    def remove_kpi(self, kpi_id: str) -> None:
        self.kpis = [kpi for kpi in self.kpis if kpi["id"] != kpi_id]
        self._version += 1

    # --- metadata ---------------------------------------------------------------------
    def metadata(self, entity: str) -> list[Record]:
        return {
            "kpi": self.kpis,
            "kpi_groups": self.kpi_groups,
            "municipality": self.municipalities,
            "municipality_groups": self.municipality_groups,
            "ou": self.ous,
        }[entity]

    def municipality_ids(self) -> list[str]:
        return [m["id"] for m in self.municipalities]

    def group_ids(self) -> list[str]:
        return [g["id"] for g in self.municipality_groups]

    # --- values -----------------------------------------------------------------------
    def gender_values(self, kpi_id: str, place_id: str, period: int) -> list[dict[str, Any]]:
        """The values entries of one record: members' own values, or a group's mean."""
        if MUNICIPALITY_GROUP_ID.fullmatch(place_id):
            return self._group_mean(kpi_id, place_id, period)
        base = self.values.lookup(kpi_id, place_id, period) or {}
        genders = self.values.genders(kpi_id)
        if not self.changes:  # the common case, worth its own short path
            return [_entry(gender, base[gender], 1) for gender in genders if gender in base]
        entries = []
        for gender in genders:
            value: float | object | None
            change = self.changes.get((kpi_id, place_id, period, gender))
            if change is not None:
                value = change.value
            elif gender in base:
                value = base[gender]
            else:
                continue
            if value is DELETED:
                continue
            entries.append(_entry(gender, value, 1))  # type: ignore[arg-type]
        return entries

    def _group_mean(self, kpi_id: str, group_id: str, period: int) -> list[dict[str, Any]]:
        # Kolada's group value: the unweighted mean of members that have a value.
        sums: dict[str, list[float]] = {}
        for member in self._members.get(group_id, ()):
            for entry in self.gender_values(kpi_id, member, period):
                if entry["value"] is not None:
                    sums.setdefault(entry["gender"], []).append(entry["value"])
        return [
            _entry(gender, sum(numbers) / len(numbers), len(numbers))
            for gender, numbers in sums.items()
        ]

    def record(self, kpi_id: str, place_id: str, period: int) -> Record | None:
        entries = self.gender_values(kpi_id, place_id, period)
        if not entries:
            return None
        return {"kpi": kpi_id, "municipality": place_id, "period": period, "values": entries}

    def unit_answer(
        self, kpi_ids: Sequence[str], ou_ids: Sequence[str], years: Sequence[int]
    ) -> list[Record]:
        """oudata records, ordered by (kpi, ou, period). Only a synthetic dataset has unit
        values: a unit's value is its kommun's, moved by up to 10 % by a hash of the unit and
        KPI (shares kept within 100). Real samples have no unit values: they answer none."""
        if not self.synthetic:
            return []
        kommun_of = {str(ou["id"]): str(ou["municipality"]) for ou in self.ous}
        shares = {
            str(k["id"]) for k in self.kpis if kpi_unit(str(k["title"])).kind is UnitKind.SHARE
        }
        records = []
        for kpi_id, ou_id, period in itertools.product(kpi_ids, ou_ids, years):
            kommun = kommun_of.get(ou_id)
            base = self.values.lookup(kpi_id, kommun, period) if kommun else None
            if not base:
                continue
            factor = 0.9 + 0.2 * zlib.crc32(f"{ou_id}:{kpi_id}".encode()) / 2**32
            entries = []
            for gender, value in base.items():
                if value is not None:
                    value = round(value * factor, 1)
                    value = min(value, 100.0) if kpi_id in shares else value
                entries.append(
                    {"gender": gender, "count": 1, "status": "", "value": value,
                     "isdeleted": False}
                )  # fmt: skip
            records.append({"kpi": kpi_id, "ou": ou_id, "period": period, "values": entries})
        return records

    def answer(
        self, kpi_ids: Sequence[str], place_ids: Sequence[str], years: Sequence[int]
    ) -> Sequence[Record]:
        """Every existing record of the combinations, ordered by (kpi, place, period)."""
        has_groups = any(MUNICIPALITY_GROUP_ID.fullmatch(p) for p in place_ids)
        if isinstance(self.values, DenseValueSource) and not self.changes and not has_groups:
            return DenseAnswer(self, self.values, list(kpi_ids), list(place_ids), list(years))
        key = (self._version, tuple(kpi_ids), tuple(place_ids), tuple(years))
        if key in self._answers:
            self._answers.move_to_end(key)
            return self._answers[key]
        found = (self.record(k, p, y) for k, p, y in itertools.product(kpi_ids, place_ids, years))
        answer = [r for r in found if r is not None]
        self._answers[key] = answer
        while len(self._answers) > ANSWERS_KEPT:
            self._answers.popitem(last=False)
        return answer

    def changes_since(
        self, since: date, kpi_ids: Sequence[str], place_ids: Sequence[str], years: Sequence[int]
    ) -> list[Record]:
        """Records with a value changed on or after `since`, each value with isdeleted,
        ordered like `answer`. A group's record changed when a member's value did: it
        answers the group's current mean for the genders concerned, or isdeleted where no
        member has a value any more."""
        key = ("since", since, self._version, tuple(kpi_ids), tuple(place_ids), tuple(years))
        if key in self._answers:
            self._answers.move_to_end(key)
            return self._answers[key]
        kpi_order = _positions(kpi_ids)
        place_order = _positions(place_ids)
        year_order = _positions(years)
        # Most requests name kommuner only: no group's mean to follow then.
        asks_groups = any(MUNICIPALITY_GROUP_ID.fullmatch(place) for place in place_order)
        own: dict[tuple[str, str, int], dict[str, dict[str, Any]]] = {}
        group_genders: dict[tuple[str, str, int], set[str]] = {}
        keys = (key for kpi_id in kpi_order for key in self._change_keys_by_kpi.get(kpi_id, ()))
        for kpi_id, place_id, period, gender in keys:
            change = self.changes[(kpi_id, place_id, period, gender)]
            if change.changed_on < since or period not in year_order:
                continue
            if place_id in place_order:
                deleted = change.value is DELETED
                value = None if deleted else change.value
                entry = _entry(gender, value, 1)  # type: ignore[arg-type]
                entry["isdeleted"] = deleted
                own.setdefault((kpi_id, place_id, period), {})[gender] = entry
            for group_id in self._groups_of.get(place_id, ()) if asks_groups else ():
                if group_id in place_order:
                    group_genders.setdefault((kpi_id, group_id, period), set()).add(gender)
        for (kpi_id, group_id, period), genders in group_genders.items():
            means = {e["gender"]: e for e in self._group_mean(kpi_id, group_id, period)}
            own[(kpi_id, group_id, period)] = {
                gender: means.get(gender) or {**_entry(gender, None, 0), "isdeleted": True}
                for gender in genders
            }

        def order(record: tuple[str, str, int]) -> tuple[int, int, int]:
            return kpi_order[record[0]], place_order[record[1]], year_order[record[2]]

        answer = [
            {"kpi": k, "municipality": p, "period": y, "values": _in_gender_order(own[k, p, y])}
            for k, p, y in sorted(own, key=order)
        ]
        self._answers[key] = answer
        while len(self._answers) > ANSWERS_KEPT:
            self._answers.popitem(last=False)
        return answer


def _positions(items: Sequence[Any]) -> dict[Any, int]:
    """Where each item first stands in a request's segment."""
    positions: dict[Any, int] = {}
    for index, item in enumerate(items):
        positions.setdefault(item, index)
    return positions


def _in_gender_order(entries: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries by gender as the full answer lists them: T, K, M."""
    return [entries[gender] for gender in GENDERS if gender in entries] + [
        entry for gender, entry in entries.items() if gender not in GENDERS
    ]


def _entry(gender: str, value: float | None, count: int) -> dict[str, Any]:
    return {"gender": gender, "count": count, "status": "", "value": value, "isdeleted": False}


class DenseAnswer(Sequence[Record]):
    """Records of a dense value source, made only for the slice a page asks for."""

    def __init__(
        self,
        dataset: FakeDataset,
        source: DenseValueSource,
        kpi_ids: list[str],
        place_ids: list[str],
        years: list[int],
    ) -> None:
        self._dataset = dataset
        self._source = source
        self._dims = (kpi_ids, place_ids, years)

    def __len__(self) -> int:
        kpis, places, years = self._dims
        return len(kpis) * len(places) * len(years)

    def page_json(self, start: int, stop: int) -> bytes:
        """Records start..stop as comma-separated JSON objects: the same records as
        self[start:stop], rendered by the source a column at a time."""
        return self._source.page_json(*self._dims, start, min(stop, len(self)))

    def _at(self, index: int) -> Record:
        kpis, places, years = self._dims
        per_kpi = len(places) * len(years)
        kpi = kpis[index // per_kpi]
        rest = index % per_kpi
        record = self._dataset.record(kpi, places[rest // len(years)], years[rest % len(years)])
        if record is None:  # a dense source answers every combination
            raise LookupError(f"dense value source has a gap at index {index}")
        return record

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...

    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        if isinstance(index, slice):
            return [self._at(i) for i in range(*index.indices(len(self)))]
        return self._at(index)

    def __iter__(self) -> Iterator[Record]:
        return (self._at(i) for i in range(len(self)))


class TableValues:
    """Values held in memory, e.g. read from the long CSV files of a samples folder."""

    def __init__(self, rows: dict[tuple[str, str, int], GenderValues], gendered: set[str]):
        self._rows = rows
        self._gendered = gendered

    def genders(self, kpi_id: str) -> tuple[str, ...]:
        return ("T", "K", "M") if kpi_id in self._gendered else ("T",)

    def lookup(self, kpi_id: str, place_id: str, period: int) -> GenderValues | None:
        return self._rows.get((kpi_id, place_id, period))


def read_json_array(path: Path) -> list[Record]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON array of records")
    return data


def read_long_csv(paths: Sequence[Path]) -> dict[tuple[str, str, int], GenderValues]:
    """Files with the header kpi,municipality,period,gender,value; an empty value is null."""
    rows: dict[tuple[str, str, int], GenderValues] = {}
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            expected = ["kpi", "municipality", "period", "gender", "value"]
            if reader.fieldnames != expected:
                raise ValueError(f"{path}: header must be {','.join(expected)}")
            for line_number, row in enumerate(reader, start=2):
                try:
                    key = (row["kpi"], row["municipality"], int(row["period"]))
                    value = float(row["value"]) if row["value"] != "" else None
                except ValueError as error:
                    raise ValueError(f"{path}:{line_number}: {error}") from error
                rows.setdefault(key, {})[row["gender"]] = value
    return rows


def _first_existing(folder: Path, names: Sequence[str]) -> Path | None:
    return next((folder / name for name in names if (folder / name).is_file()), None)


def load_folder(folder: Path) -> FakeDataset:
    """A folder laid out like kolada-samples: v3_metadata/*.json and data/*.csv."""
    metadata = folder / "v3_metadata"
    if not (metadata / "kpi.v3.json").is_file():
        raise FileNotFoundError(f"{metadata / 'kpi.v3.json'} not found")
    kpis = read_json_array(metadata / "kpi.v3.json")
    kpi_groups_path = _first_existing(
        folder, ["v3_metadata/kpi_groups.v3.json", "v2_metadata/kpi_groups.v2.pykolada.json"]
    )
    ou_path = _first_existing(
        folder, ["v3_metadata/ou.v3.json", "v2_metadata/ou.v2.pykolada.vasterbotten_subset.json"]
    )
    csv_paths = sorted((folder / "data").glob("*.csv")) if (folder / "data").is_dir() else []
    rows = read_long_csv(csv_paths)
    gendered = {k["id"] for k in kpis if k.get("is_divided_by_gender")}
    years = sorted({period for (_, _, period) in rows}) or list(range(1996, 2026))
    return FakeDataset(
        kpis=kpis,
        municipalities=read_json_array(metadata / "municipality.v3.json"),
        municipality_groups=read_json_array(metadata / "municipality_groups.v3.json"),
        values=TableValues(rows, gendered),
        kpi_groups=read_json_array(kpi_groups_path) if kpi_groups_path else [],
        ous=read_json_array(ou_path) if ou_path else [],
        years=tuple(years),
    )
