"""The report's charts as PNG images: the HTML chart's lines, told apart by style and marker as
well as colour, at the size the Word document gives them, saying nothing of how they were
drawn; and matplotlib stays out of the command line until a chart is drawn."""

from __future__ import annotations

import struct
import subprocess
import sys

import pytest

from kolada_goals.outputs.chart_images import DPI, HEIGHT_CM, LINE_STYLES, WIDTH_CM, chart_png
from kolada_goals.outputs.report import build_chart
from kolada_goals.outputs.word_report import contrast_ratio

SERIES = {
    "kommun": [(2015, 12.3), (2016, 13.1), (2017, 12.8), (2018, 14.0), (2019, 15.2)],
    "county": [(2014, 11.0), (2015, 11.5), (2016, 12.0), (2017, 12.6), (2019, 13.2)],
    "riket": [(2015, 13.0), (2016, 13.2), (2017, 13.5), (2018, 13.4), (2019, 13.9)],
}
GRAPHICS_CONTRAST = 3.0  # WCAG 2.x 1.4.11: lines that carry meaning, against white


def png_size(image: bytes) -> tuple[int, int]:
    assert image[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", image[16:24])  # the IHDR chunk comes first
    return width, height


def test_a_chart_is_a_png_of_the_documents_size() -> None:
    image = chart_png(build_chart("Andel", "Dorotea", SERIES))
    width, height = png_size(image)
    assert width == pytest.approx(WIDTH_CM / 2.54 * DPI, abs=2)
    assert height == pytest.approx(HEIGHT_CM / 2.54 * DPI, abs=2)
    assert len(image) > 10_000
    assert b"Software" not in image and b"atplotlib" not in image


def test_series_differ_in_line_style_and_marker_as_well_as_colour() -> None:
    chart = build_chart("Andel", "Dorotea", SERIES)
    assert {line.key for line in chart.lines} == set(LINE_STYLES)
    styles = [str(style) for style, _, _ in LINE_STYLES.values()]
    markers = [marker for _, marker, _ in LINE_STYLES.values()]
    assert len(set(styles)) == len(styles) and len(set(markers)) == len(markers)
    assert len({line.colour for line in chart.lines}) == len(chart.lines)
    for line in chart.lines:
        assert contrast_ratio(line.colour.lstrip("#"), "FFFFFF") >= GRAPHICS_CONTRAST, line.key
    # The county's 2014 value is outside the kommun's years, as in the HTML chart.
    county = next(line for line in chart.lines if line.key == "county")
    assert county.values[0] == (2015, 11.5)


def test_one_point_and_large_numbers_draw_and_nothing_does_not() -> None:
    single = build_chart("Kostnad", "Dorotea", {"kommun": [(2020, 174618.4)]})
    assert png_size(chart_png(single))[0] > 0
    with pytest.raises(ValueError, match="no values"):
        chart_png(build_chart("Kostnad", "Dorotea", {}))


def test_the_command_line_starts_without_matplotlib_or_python_docx() -> None:
    probe = (
        "import sys, kolada_goals.cli.main; "
        "print(sorted({'matplotlib', 'docx'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
