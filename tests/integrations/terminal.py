"""Running a command as a person does at a terminal, where Ctrl-C stops it.

A shell that starts a job in the background without job control (a CI script's ``cmd &``)
ignores SIGINT for it, and every process it starts inherits that: Python then never raises
KeyboardInterrupt. The tests that press Ctrl-C give the command a terminal's default back.
"""

from __future__ import annotations

import signal


def ctrl_c_stops_it() -> None:
    """``preexec_fn`` for ``subprocess.Popen``: SIGINT as at a terminal (KeyboardInterrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
