"""The HTML report per kommun: content, errors, and what a real browser shows."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from kolada_goals.outputs.report import (
    COMPUTED_SOURCE,
    STATUS_LABELS,
    VALUE_SOURCE,
    ReportError,
    build_chart,
    format_number,
    render_report,
    write_report,
)
from tests.helpers import require_samples
from tests.sample_warehouse import sample_warehouse

DOROTEA = "2425"
# A status badge: its class and its word (after the symbol, which screen readers skip).
BADGE = re.compile(
    r'<span class="badge badge-(\w+)"><span class="badge-symbol" aria-hidden="true">[^<]*</span>'
    r" ([^<]*)</span>"
)
CHROMIUM_MISSING = (
    "chromium is not installed: the report's browser test needs it. Install Debian's chromium "
    "package (apt-get install -y chromium)."
)


class _TextParser(HTMLParser):
    """The text of a page as a person sees it: no markup, no <head>, no CSS."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("head", "style", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("head", "style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _TextParser()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture(scope="module")
def warehouse() -> Iterator[duckdb.DuckDBPyConnection]:
    con = sample_warehouse(require_samples())
    yield con
    con.close()


@pytest.fixture(scope="module")
def dorotea_html(warehouse: duckdb.DuckDBPyConnection) -> str:
    return render_report(warehouse, DOROTEA, "outcome")


def goal_titles(con: duckdb.DuckDBPyConnection, kommun_id: str) -> list[str]:
    rows = con.execute("select title from goal where kommun_id = ?", [kommun_id]).fetchall()
    return [row[0] for row in rows]


def goal_statuses(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, str]:
    rows = con.execute(
        "select goal_id, status from mart_goal_status "
        "where kommun_id = ? and report_mode = 'outcome' and report_year = ?",
        [DOROTEA, year],
    ).fetchall()
    return {goal_id: status for goal_id, status in rows}


def report_year(html: str) -> int:
    match = re.search(r"<h1>Måluppfyllelse Dorotea (\d{4})</h1>", html)
    assert match, "the title names the kommun and the year"
    return int(match.group(1))


def test_report_for_dorotea_has_goals_sources_and_charts(
    warehouse: duckdb.DuckDBPyConnection, dorotea_html: str
) -> None:
    html = dorotea_html
    text = visible_text(html)
    assert "Dorotea" in text
    assert "Utfall (årsredovisning)" in text
    assert "Dorotea är en brusande tillväxtkommun i Sápmi." in text
    titles = goal_titles(warehouse, DOROTEA)
    assert len(titles) > 10
    for title in titles:
        assert title in text, f"goal {title!r} missing from the report"
    # Sources: Kolada's values and our own processing are told apart.
    assert "Källor" in text
    assert VALUE_SOURCE in text
    assert COMPUTED_SOURCE in text
    assert "Rapporten skapades" in text
    # One self-contained file: no links, scripts, fonts or remote anything.
    assert "http" not in html.lower()
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert "@import" not in html and "url(" not in html
    # The N15428 indicator has an accessible line chart.
    figure = re.search(r'<figure[^>]*data-kpi="N15428"[^>]*>(.*?)</figure>', html, re.S)
    assert figure, "no chart for the N15428 indicator"
    svg = re.search(r"<svg([^>]*)>(.*?)</svg>", figure.group(1), re.S)
    assert svg
    assert 'role="img"' in svg.group(1)
    assert re.search(r'aria-label="Diagram för [^"]+Dorotea \d{4}–\d{4}', svg.group(1))
    assert "<polyline" in svg.group(2)
    for legend in ("kommunen", "länets snitt", "riket"):
        assert f">{legend}</text>" in svg.group(2)
    # Text from the database is escaped, in attributes too (an indicator title has quotes).
    assert "&#34;Helt och hållet&#34;" in html
    assert '"Helt och hållet"' not in html
    # Every svg of the report is labelled for screen readers.
    svgs = re.findall(r"<svg[^>]*>", html)
    assert svgs
    assert all('role="img"' in tag and "aria-label=" in tag for tag in svgs)


def test_report_statuses_tables_and_swedish_numbers(
    warehouse: duckdb.DuckDBPyConnection, dorotea_html: str
) -> None:
    html = dorotea_html
    year = report_year(html)
    statuses = goal_statuses(warehouse, year)
    for goal_id, status in statuses.items():
        start = html.index(f'id="mal-{goal_id}"')
        badge = BADGE.search(html, start)
        assert badge, goal_id
        assert badge.groups() == (status, STATUS_LABELS[status]), goal_id
    text = visible_text(html)
    for header in (
        "Indikator",
        "Period",
        "Värde",
        "Målvärde",
        "Referens",
        "Avvikelse %",
        "Status",
        "Motivering/orsak",
    ):
        assert f">{header}</th>" in html
    assert "Länets kommuner (ovägt medel)" in text
    # Kostnad förskola 174 618,421053 kr: space between thousands, kronor whole.
    assert "174 618 " in text and "174 618,4" not in text
    # Grey indicators show their reason and a motivation line.
    assert "Nytt mått: inga värden ännu Motivering:" in text
    assert "Lokalt mått från lärcentrum" in text


def test_default_year_is_the_latest_not_in_the_future(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    html = render_report(warehouse, DOROTEA, today=date(2024, 6, 1))
    assert "<h1>Måluppfyllelse Dorotea 2024</h1>" in html
    forecast = render_report(warehouse, DOROTEA, "forecast", 2025)
    assert "<h1>Måluppfyllelse Dorotea 2025</h1>" in forecast
    assert "Prognos (delårsrapport)" in forecast


def test_report_errors(warehouse: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ReportError, match="9999"):
        render_report(warehouse, "9999")
    with pytest.raises(ReportError, match="1990"):
        render_report(warehouse, DOROTEA, "outcome", 1990)
    with pytest.raises(ReportError, match="mode"):
        render_report(warehouse, DOROTEA, "budget")
    with pytest.raises(ReportError, match="2022 or earlier"):
        render_report(warehouse, DOROTEA, today=date(2022, 1, 1))
    assert issubclass(ReportError, ValueError)


def test_write_report_to_a_file_or_a_folder(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    file = write_report(warehouse, DOROTEA, tmp_path / "out" / "dorotea.html", "outcome", 2025)
    assert file == tmp_path / "out" / "dorotea.html"
    assert "Måluppfyllelse Dorotea 2025" in file.read_text(encoding="utf-8")
    named = write_report(warehouse, DOROTEA, tmp_path, "forecast", 2024)
    assert named == tmp_path / "maluppfyllelse-2425-forecast-2024.html"
    assert [p.name for p in tmp_path.glob(".*.tmp")] == []


def test_format_number_is_swedish() -> None:
    assert format_number(174618.421053) == "174 618,4"
    assert format_number(-1.870679) == "-1,9"
    assert format_number(1234567.0) == "1 234 567,0"
    assert format_number(-0.01) == "0,0"
    assert format_number(10.49, signed=True) == "+10,5"
    assert format_number(None) == "–"
    assert format_number(float("nan")) == "–"


def test_chart_of_a_single_point_and_of_nothing() -> None:
    chart = build_chart('A <b> "KPI"', "Dorotea", {"kommun": [(2020, 5.0)], "riket": []})
    assert not chart.empty
    assert chart.y_min_label == "4,0" and chart.y_max_label == "6,0"
    assert "Dorotea 2020: 5,0" in chart.aria_label
    assert build_chart("x", "Dorotea", {}).empty


def _chromium() -> str:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.fail(CHROMIUM_MISSING)
    return binary


def _run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        binary,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


@pytest.mark.slow
def test_report_in_a_real_browser(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    binary = _chromium()
    report = write_report(warehouse, DOROTEA, tmp_path / "dorotea.html", "outcome", None)
    url = report.resolve().as_uri()

    dumped = _run_chromium(binary, tmp_path / "profile", "--dump-dom", url)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = dumped.stdout
    text = visible_text(dom)
    assert "Måluppfyllelse Dorotea" in text
    for title in goal_titles(warehouse, DOROTEA):
        assert title in text, f"goal {title!r} not shown by the browser"
    statuses = goal_statuses(warehouse, report_year(dom))
    for label in {STATUS_LABELS[status] for status in statuses.values()}:
        assert label in text
    assert VALUE_SOURCE in text
    assert COMPUTED_SOURCE in text
    assert dom.count("<svg") >= 1

    shot = tmp_path / "shot.png"
    taken = _run_chromium(
        binary, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,2000", url
    )
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert shot.is_file(), taken.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000
