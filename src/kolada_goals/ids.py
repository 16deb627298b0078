"""Kolada identifiers: their forms and what they say about geography."""

from __future__ import annotations

import re

KPI_ID = re.compile(r"[NU][0-9]{5}")
MUNICIPALITY_ID = re.compile(r"[0-9]{4}")
MUNICIPALITY_GROUP_ID = re.compile(r"G[0-9]+")
KPI_GROUP_ID = re.compile(r"G[0-9]*KPI[0-9]+")
OU_ID = re.compile(r"V[0-9]{2}E[0-9]+")
GENDERS = ("T", "K", "M")


def whole(form: re.Pattern[str]) -> str:
    """An id form as a pattern that must match the whole string (for pydantic, pandera and
    pyarrow, which search rather than match whole)."""
    return f"^(?:{form.pattern})$"


RIKET_ID = "0000"
ALL_KOMMUNER_GROUP_ID = "G2328"
# County codes used by SCB for the 21 län (02, 11, 15 and 16 no longer exist).
COUNTY_CODES = (
    "01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13",
    "14", "17", "18", "19", "20", "21", "22", "23", "24", "25",
)  # fmt: skip


def is_kpi_id(value: str) -> bool:
    return KPI_ID.fullmatch(value) is not None


def is_municipality_id(value: str) -> bool:
    return MUNICIPALITY_ID.fullmatch(value) is not None


def is_municipality_group_id(value: str) -> bool:
    return MUNICIPALITY_GROUP_ID.fullmatch(value) is not None


def is_ou_id(value: str) -> bool:
    return OU_ID.fullmatch(value) is not None


def is_region_id(value: str) -> bool:
    """Riket (0000) and the 21 regions (00XX) are not kommuner."""
    return is_municipality_id(value) and value.startswith("00")


def is_kommun_id(value: str) -> bool:
    return is_municipality_id(value) and not value.startswith("00")


def county_code(kommun_id: str) -> str:
    """Dorotea 2425 -> '24'."""
    if not is_kommun_id(kommun_id):
        raise ValueError(f"{kommun_id!r} is not a kommun id (four digits, not 00XX)")
    return kommun_id[:2]


def region_id(kommun_id: str) -> str:
    """Dorotea 2425 -> region Västerbotten '0024'."""
    return "00" + county_code(kommun_id)
