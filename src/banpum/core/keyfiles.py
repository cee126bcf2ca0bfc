"""Secrets generated on first use into a private file under the var directory.

Shared by the Django secret key (``settings``) and the field-encryption key (``core.crypto``),
so both are created the same careful way. Plain plumbing: no Django settings are read here.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path


def private_file_read_or_create(path: Path, generate: Callable[[], str]) -> str:
    """The text kept in ``path`` (stripped), generated into it on first use, owner-only (0600).

    Several processes may start at once on a fresh install (the server, workers, a migrate): the
    text is written whole into a private temporary file, then hard-linked into place, which fails
    if another process got there first; the loser reads the winner's text. A reader never sees a
    half-written file, and the file is never readable by others, even for a moment.
    Returns "" for an existing empty file: the caller decides whether that is an error.
    """
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(generate())
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: use theirs
            os.link(temporary, path)
    finally:
        temporary.unlink()
    return path.read_text(encoding="ascii").strip()
