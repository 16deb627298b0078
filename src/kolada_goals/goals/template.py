"""A starting goal-definition file for any kommun."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from kolada_goals.goals.catalogue import Catalogue

SCHEMA_LINE = "# yaml-language-server: $schema=../../docs/goal-definitions.schema.json"


def file_name_for(kommun_id: str, kommun_name: str) -> str:
    """2425-dorotea.yaml; å/ä/ö become a/a/o."""
    ascii_name = unicodedata.normalize("NFKD", kommun_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return f"{kommun_id}-{slug}.yaml"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def goal_file_template(kommun_id: str, catalogue: Catalogue, today: date | None = None) -> str:
    """YAML text for `kommun_id`: one målområde, one goal and one example indicator to edit.
    Raises KeyError for an id that is not a kommun."""
    municipality = catalogue.municipalities.get(kommun_id)
    if municipality is None or municipality.municipality_type != "K":
        raise KeyError(kommun_id)
    year = (today or date.today()).year
    first = year - (year - 2023) % 4  # Swedish mandate periods: 2023-2026, 2027-2030, ...
    name = municipality.title
    return f"""{SCHEMA_LINE}
# Goal definitions for {name}. Format: docs/goal-definitions.md
format: 1
kommun: "{kommun_id}"
name: {_quoted(name)}
source: "Fyll i: beslut om mål och budget (organ, datum, paragraf)"
note: "Startfil: ersätt exemplen med kommunens egna mål och indikatorer."
vision: "Fyll i kommunens vision."
mandate: {{first_year: {first}, last_year: {first + 3}}}
levels: [Målområde, Mål, Verksamhetsmål]
defaults:
  gender: T
  reference: {{kind: county}}     # medel för kommunerna i samma län (ovägt)
  rule: {{kind: dorotea}}         # grönt/gult/rött mot målvärde och referens
rollup: {{method: majority}}
goals:
  - id: MO1
    level: Målområde
    title: "Fyll i målområde"
    owner: Kommunfullmäktige
  - id: M1.1
    parent: MO1
    level: Mål
    title: "Fyll i mål"
    owner: Kommunfullmäktige
  - id: VM1.1.1
    parent: M1.1
    level: Verksamhetsmål
    title: "Fyll i verksamhetsmål"
    owner: Kommunstyrelsen
    indicators:
      - id: exempel-valdeltagande
        kpi: N05401            # Valdeltagande i senaste kommunalvalet, andel (%)
        direction: higher
        targets: {{{first + 3}: 85}}
        example: true
"""
