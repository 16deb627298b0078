"""What a run started from the command line prints: Prefect's console, without tracebacks
of the errors the package raises on purpose.

Prefect's engine logs a failed task or flow with the exception's traceback. For an error
the package raised on purpose (KoladaGoalsError: a refused page, a failed data test, a
broken catalogue) the message says everything and the command prints it once more as its
own `error:` line; the traceback would only bury it. Unexpected errors keep theirs, and the
records sent to the Prefect API keep every traceback for the UI.
"""

from __future__ import annotations

import logging

from prefect.logging.handlers import PrefectConsoleHandler

from kolada_goals.errors import KoladaGoalsError


class ExpectedErrorWithoutTraceback(logging.Filter):
    """Drops the traceback of a record whose exception is a KoladaGoalsError."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], KoladaGoalsError):
            # The API handler of the run's logger has sent the record already: the logger's
            # own handlers come before the root's, where the console handler sits.
            record.exc_info = None
            record.exc_text = None
        return True


def quiet_expected_tracebacks() -> None:
    """Install the filter on Prefect's console handlers (of the root logger)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, PrefectConsoleHandler) and not any(
            isinstance(f, ExpectedErrorWithoutTraceback) for f in handler.filters
        ):
            handler.addFilter(ExpectedErrorWithoutTraceback())
