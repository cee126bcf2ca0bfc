"""Running a command as a person does at a terminal, until they press Ctrl-C.

A shell that starts a job in the background without job control (a CI script's ``cmd &``)
ignores SIGINT for it, and every process it starts inherits that: Python then never raises
KeyboardInterrupt. The command here gets a terminal's default back.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest


def ctrl_c_stops_it() -> None:
    """``preexec_fn`` for ``subprocess.Popen``: SIGINT as at a terminal (KeyboardInterrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass
class Finished:
    """What the command printed and how it ended, once the ``with`` block is over."""

    output: str = ""
    returncode: int | None = None


@contextmanager
def served_until_ctrl_c(
    command: Sequence[str], *, env: Mapping[str, str], ready_url: str
) -> Iterator[Finished]:
    """Start ``command``, wait (30 s at most) until ``ready_url`` answers 200, run the block,
    then press Ctrl-C and collect its output (15 s at most)."""
    process = subprocess.Popen(
        list(command),
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=ctrl_c_stops_it,
    )
    finished = Finished()
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"{command[1]} did not come up:\n{output[-3000:]}")
            try:
                if httpx.get(ready_url, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield finished
    finally:
        process.send_signal(signal.SIGINT)
        try:
            finished.output = process.communicate(timeout=15)[0].decode()
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        finished.returncode = process.returncode
