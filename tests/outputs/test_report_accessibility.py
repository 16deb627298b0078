"""The HTML report is accessible (WCAG AA): axe-core finds nothing serious in a real browser,
every status is told by a word and a symbol as well as by colour, and its colours contrast."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from kolada_goals.outputs.labels import STATUS_LABELS, STATUS_SYMBOLS, status_text
from kolada_goals.outputs.report import STATUS_ORDER, render_report
from tests.axe import axe_core_script, pinned_version, run_axe
from tests.helpers import require_samples
from tests.sample_warehouse import sample_warehouse

DOROTEA = "2425"
MODES = ("outcome", "forecast")
# WCAG 2.x AA: 1.4.3 for text, 1.4.11 for graphical objects such as status edges and chart lines.
TEXT_CONTRAST = 4.5
GRAPHICS_CONTRAST = 3.0
WHITE = "#ffffff"
# Lines that only guide the eye; the values are read from the axes, labels and text alternative.
DECORATIVE_COLOURS = ("var(--rule)", "var(--gridline)")


@pytest.fixture(scope="module")
def warehouse() -> Iterator[duckdb.DuckDBPyConnection]:
    con = sample_warehouse(require_samples())
    yield con
    con.close()


@pytest.fixture(scope="module")
def reports(warehouse: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return {mode: render_report(warehouse, DOROTEA, mode) for mode in MODES}


# --- axe-core in chromium --------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_axe_finds_no_serious_violations(
    reports: dict[str, str], mode: str, tmp_path: Path
) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip(
            "chromium is not installed: the accessibility test runs axe-core in it. Install "
            "Debian's chromium package (apt-get install -y chromium)."
        )
    script = axe_core_script()
    if not script.is_file():
        pytest.skip(
            f"axe-core {pinned_version()} is not at {script}: `python3 tasks.py test` fetches it "
            "(pinned and hash-checked in tests/axe-core.toml)."
        )
    results = run_axe(chromium, reports[mode], tmp_path, script)
    assert results.version == pinned_version()
    for rule in results.others():
        print(f"axe, {mode}: {rule.describe()}")
    for rule in results.incomplete:
        print(f"axe, {mode}, for a person to check: {rule.describe()}")
    blocking = results.blocking()
    assert not blocking, "\n".join(
        [f"axe found serious or critical violations in the {mode} report:"]
        + [f"  {rule.describe()}\n    {rule.nodes[0].summary}" for rule in blocking]
    )


# --- Statuses: a word and a symbol, not colour alone -----------------------------------------


class _BadgeParser(HTMLParser):
    """Every status badge of a page: its status class, its symbol and its whole text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.badges: list[tuple[str, str, str]] = []  # status, symbol, text
        self._depth = 0  # inside a badge: how many open spans
        self._in_symbol = False
        self._status = ""
        self._symbol: list[str] = []
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag != "span":
            return
        if self._depth:
            self._depth += 1
            if "badge-symbol" in classes:
                assert attributes.get("aria-hidden") == "true", "screen readers read the word"
                self._in_symbol = True
            return
        if "badge" in classes:
            statuses = [c.removeprefix("badge-") for c in classes if c.startswith("badge-")]
            assert len(statuses) == 1, classes
            self._depth, self._status, self._symbol, self._text = 1, statuses[0], [], []

    def handle_endtag(self, tag: str) -> None:
        if tag != "span" or not self._depth:
            return
        self._depth -= 1
        self._in_symbol = False
        if not self._depth:
            text = " ".join("".join(self._text).split())
            self.badges.append((self._status, "".join(self._symbol).strip(), text))

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._text.append(data)
            if self._in_symbol:
                self._symbol.append(data)


def test_symbols_and_words_tell_the_statuses_apart() -> None:
    assert set(STATUS_SYMBOLS) == set(STATUS_LABELS) == set(STATUS_ORDER)
    assert len(set(STATUS_SYMBOLS.values())) == len(STATUS_SYMBOLS)
    assert len(set(STATUS_LABELS.values())) == len(STATUS_LABELS)
    assert status_text("green") == "✓ Grönt"
    assert status_text(None) == status_text("grey")


@pytest.mark.parametrize("mode", MODES)
def test_every_status_badge_has_a_word_and_a_symbol(reports: dict[str, str], mode: str) -> None:
    parser = _BadgeParser()
    parser.feed(reports[mode])
    assert len(parser.badges) > len(STATUS_ORDER) + 10, "the summary's and the goals' badges"
    for status, symbol, text in parser.badges:
        assert status in STATUS_ORDER, status
        assert symbol == STATUS_SYMBOLS[status], (status, symbol)
        assert text == status_text(status), (status, text)
    # The summary's column heads name every status, in order.
    assert [status for status, _, _ in parser.badges[: len(STATUS_ORDER)]] == list(STATUS_ORDER)
    # A goal's coloured edge is never the only sign of its status: its own badge follows.
    html = reports[mode]
    goals = list(re.finditer(r'<section class="goal goal-(\w+)"', html))
    assert goals
    for goal in goals:
        badge = re.compile(r'<span class="badge badge-(\w+)">').search(html, goal.end())
        assert badge and badge.group(1) == goal.group(1), html[goal.start() : goal.end() + 200]


# --- Contrast ----------------------------------------------------------------------------------


def _srgb_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a #rgb or #rrggbb colour."""
    digits = colour.removeprefix("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", digits):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((_srgb_luminance(first), _srgb_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_ratio_matches_wcag() -> None:
    assert contrast_ratio("#000", "#fff") == pytest.approx(21.0)
    assert contrast_ratio("#777", "#fff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#fff", "#fff") == pytest.approx(1.0)


def _css_rules(html: str) -> list[tuple[str, dict[str, str]]]:
    """(selector, declarations) of the page's <style>, comments left out; an @media block's
    rules count like the others."""
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert style, "the report has its CSS inline"
    css = re.sub(r"/\*.*?\*/", "", style.group(1), flags=re.S)
    rules = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = {}
        for declaration in body.split(";"):
            name, colon, value = declaration.partition(":")
            if colon:
                declarations[name.strip()] = value.strip()
        rules.append((" ".join(selector.split()), declarations))
    return rules


class _Colours:
    """The CSS colours of the report, with var(--x) resolved from :root."""

    def __init__(self, rules: list[tuple[str, dict[str, str]]]) -> None:
        roots = [declarations for selector, declarations in rules if selector == ":root"]
        assert len(roots) == 1, "the colours have one home, :root"
        self.variables = {k: v for k, v in roots[0].items() if k.startswith("--")}

    def resolve(self, value: str) -> str:
        seen = 0
        while (var := re.fullmatch(r"var\((--[\w-]+)\)", value)) is not None:
            value = self.variables[var.group(1)]
            seen += 1
            assert seen < 10, value
        if value in ("#fff", "white"):
            return WHITE
        return value


def test_status_badges_and_text_have_enough_contrast(reports: dict[str, str]) -> None:
    html = reports["outcome"]
    rules = _css_rules(html)
    colours = _Colours(rules)
    by_selector = {selector: declarations for selector, declarations in rules}
    failures = []

    def check(what: str, foreground: str, background: str, least: float) -> None:
        ratio = contrast_ratio(colours.resolve(foreground), colours.resolve(background))
        if ratio < least:
            failures.append(f"{what}: {foreground} on {background} is {ratio:.2f}:1 < {least}:1")

    # Each status: the word on the badge, and the badge's edge and the goal's edge on white.
    for status in STATUS_ORDER:
        badge = by_selector[f".badge-{status}"]
        check(f"badge {status}", badge["color"], badge["background"], TEXT_CONTRAST)
        check(f"badge {status} edge", badge["border-color"], WHITE, GRAPHICS_CONTRAST)
        goal = by_selector[f".goal-{status}"]
        check(f"goal {status} edge", goal["border-left-color"], WHITE, GRAPHICS_CONTRAST)

    # Text without a background of its own sits on one of the page's backgrounds.
    backgrounds = {
        declarations["background"]
        for _, declarations in rules
        if "background" in declarations and "color" not in declarations
    }
    assert {colours.resolve(b) for b in backgrounds} >= {WHITE, colours.resolve("var(--panel)")}
    for selector, declarations in rules:
        text_colour = declarations.get("color") or (
            declarations.get("fill") if selector.startswith("svg") else None
        )
        if text_colour is None:
            continue
        own = declarations.get("background")
        for background in [own] if own else sorted(backgrounds):
            check(f"text of {selector}", text_colour, background, TEXT_CONTRAST)
    for selector, declarations in rules:
        stroke = declarations.get("stroke")
        if selector.startswith("svg") and stroke and stroke not in DECORATIVE_COLOURS:
            check(f"line of {selector}", stroke, WHITE, GRAPHICS_CONTRAST)

    # The charts' series (their colours come with the chart) and their legend, on white.
    strokes = set(re.findall(r'<(?:polyline|line)[^>]* stroke="(#[0-9a-fA-F]{3,6})"', html))
    assert len(strokes) >= 3, "the kommun, the county and Riket each have a colour"
    for stroke in sorted(strokes):
        check("chart line", stroke, WHITE, GRAPHICS_CONTRAST)
    # Chart text takes its colour from the CSS, where it is checked above.
    assert not re.search(r"<text[^>]* fill=", html)

    assert not failures, "\n".join(failures)
