"""Console logging that survives its stream being swapped (test runners, daemonised servers)."""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO


class StderrHandler(logging.StreamHandler[TextIO]):
    """Write to whatever ``sys.stderr`` is now, not the object it was at start-up.

    Background threads (the job worker, the carrier simulator) may log after a test runner
    has closed the stream it had put in place of stderr; a plain StreamHandler then fails.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        return None
