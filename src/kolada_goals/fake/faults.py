"""Faults the fake Kolada can inject, chosen by configuration (a list of rules).

A rule applies to the first `times` requests whose path contains `path_contains`
(every matching request when `times` is None). Rules are tried in order; the first one
with turns left applies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

FaultKind = Literal[
    "rate_limit",  # 429 with Retry-After
    "server_error",  # a 5xx status
    "slow",  # answer after `seconds`, e.g. past the client's timeout
    "truncated",  # a valid body cut off half way
    "malformed",  # a body that is not JSON at all
    "loop",  # next_url points back at the same page
    "endless",  # next_url asks for the next page number, past the end and forever
    "foreign_next_url",  # next_url is `next_url`, e.g. on another host
    "oversized",  # the body is padded with whitespace to `size_bytes`, streamed
    "drip",  # the body is streamed `chunk_bytes` at a time, `seconds` apart
    "no_values",  # an envelope without `values`
    "bad_record",  # the first record broken as `bad_record` says
    "duplicate_rows",  # every record of the page sent `copies` times
]
BadRecord = Literal[
    "unknown_gender",
    "period_not_integer",
    "bad_kpi_id",
    "bad_municipality_id",
    # Well-formed ids and years that the request did not name:
    "foreign_kpi",
    "foreign_municipality",
    "foreign_period",
]
FAULT_KINDS: tuple[str, ...] = FaultKind.__args__  # type: ignore[attr-defined]


@dataclass
class Fault:
    kind: FaultKind
    path_contains: str = ""
    times: int | None = 1
    status: int = 500
    retry_after: float = 1.0
    seconds: float = 5.0
    bad_record: BadRecord = "unknown_gender"
    next_url: str = ""
    size_bytes: int = 0
    chunk_bytes: int = 64
    copies: int = 100
    used: int = field(default=0, compare=False)
    sent_bytes: int = field(default=0, compare=False)  # of streamed bodies, as sent

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(FAULT_KINDS)}")

    def matches(self, path: str) -> bool:
        return self.path_contains in path and (self.times is None or self.used < self.times)


@dataclass
class FaultPlan:
    faults: list[Fault] = field(default_factory=list)

    def take(self, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.matches(path):
                fault.used += 1
                return fault
        return None

    @classmethod
    def from_file(cls, path: Path) -> FaultPlan:
        """A JSON list of rules, e.g. [{"kind": "rate_limit", "times": 2}]."""
        rules = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(rules, list):
            raise ValueError(f"{path}: expected a JSON list of fault rules")
        return cls([Fault(**rule) for rule in rules])


def break_record(record: dict[str, object], how: BadRecord) -> dict[str, object]:
    broken = dict(record)
    if how == "unknown_gender":
        broken["values"] = [{"gender": "X", "count": 1, "status": "", "value": 1.0}]
    elif how == "period_not_integer":
        broken["period"] = f"{record['period']}a"
    elif how == "bad_kpi_id":
        broken["kpi"] = "BAD1"
    elif how == "bad_municipality_id":
        broken["municipality"] = "24250"
    elif how == "foreign_kpi":
        broken["kpi"] = "N99999"
    elif how == "foreign_municipality":
        broken["municipality"] = "9999"
    else:
        broken["period"] = 1851
    return broken
