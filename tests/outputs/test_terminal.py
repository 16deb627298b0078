"""Consoles of the command line print whole lines when piped and data as written."""

import io

from rich.console import Console

from kolada_goals.outputs.terminal import PIPED_WIDTH, literal_text, print_error


def piped_console() -> tuple[Console, io.StringIO]:
    sink = io.StringIO()
    return Console(file=sink, soft_wrap=True, highlight=False, width=PIPED_WIDTH), sink


def test_an_error_prints_markup_and_escapes_literally_and_keeps_its_lines() -> None:
    console, sink = piped_console()
    print_error(console, "title [/] [link=http://x]y[/link] \x1b[31mred\nsecond line")
    assert sink.getvalue() == (
        "error: title [/] [link=http://x]y[/link] \\x1b[31mred\nsecond line\n"
    )


def test_a_long_error_line_is_not_folded_when_piped() -> None:
    console, sink = piped_console()
    path = "/srv/" + "a-long-folder/" * 20 + "2425-dorotea.yaml"
    print_error(console, f"{path}:12: [schema] vision: Field required")
    assert sink.getvalue().splitlines() == [f"error: {path}:12: [schema] vision: Field required"]


def test_literal_text_shows_control_characters() -> None:
    assert literal_text("a\tb\rc\x07").plain == "a\\x09b\\x0dc\\x07"
