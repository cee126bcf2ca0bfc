"""`banpum worker` as an operator runs it: a real process, its log read from stderr."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path


def test_the_worker_prints_each_log_line_once(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "BANPUM_VAR_DIR": str(tmp_path),
        "BANPUM_LOG_LEVEL": "INFO",
        "BANPUM_REDIS_URL": "",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "banpum.cli", "worker", "--workers", "1", "--no-periodic"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Bounded: a worker that never logs its start is killed, which ends the read below.
    watchdog = threading.Timer(60, process.kill)
    watchdog.start()
    log: list[str] = []
    try:
        assert process.stderr is not None
        for line in process.stderr:
            log.append(line)
            if "The following commands are available" in line:
                break
    finally:
        watchdog.cancel()
        process.kill()
        process.wait()
    text = "".join(log)

    # Every record before the last one read has been written by every handler it went to.
    assert "The following commands are available" in text, text
    assert text.count("Huey consumer started") == 1, text
    assert text.count("Scheduler runs every") == 1, text
    assert text.count("Periodic tasks are disabled") == 1, text
