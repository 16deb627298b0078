"""Consoles of the command line: whole lines when piped, data printed literally.

Rich hard-wraps at 80 columns whenever its output is not a terminal, which splits
`path:line: message` lines in files, grep and CI logs. These consoles never wrap or cut
when piped; in a terminal long lines fold softly, as the terminal itself would fold them.
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

from rich.console import Console
from rich.text import Text

# Wide enough that no line of ours is ever folded when the output is a file or a pipe.
PIPED_WIDTH = 100_000


def make_console(stderr: bool = False) -> Console:
    stream: TextIO = sys.stderr if stderr else sys.stdout
    piped = not stream.isatty()
    return Console(
        stderr=stderr,
        soft_wrap=True,
        highlight=False,
        width=PIPED_WIDTH if piped else None,
    )


def print_error(console: Console, message: str) -> None:
    """`error: message`, the message printed literally (it may carry titles and paths from
    Kolada or a goal file); its own line breaks are kept."""
    console.print(Text.assemble(("error:", "red"), " ", literal_text(message, keep_newlines=True)))


# C0 and C1 control characters: ESC starts terminal escape sequences, CR and BS overwrite.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_CHARACTER_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def literal_text(value: object, style: str = "", keep_newlines: bool = False) -> Text:
    """`value` as text that prints exactly as written: brackets are no markup, `:name:` is no
    emoji, and control characters show as `\\xNN` instead of steering the terminal."""
    pattern = _CONTROL_CHARACTER_BUT_NEWLINE if keep_newlines else _CONTROL_CHARACTER
    shown = pattern.sub(lambda match: f"\\x{ord(match.group()):02x}", str(value))
    return Text(shown, style=style)
