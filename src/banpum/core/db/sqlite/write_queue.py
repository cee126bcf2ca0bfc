"""A lock that serves its callers in the order they asked: the SQLite writers' queue.

SQLite lets one writer in at a time. A connection that finds the write lock taken waits in
SQLite's busy handler, which sleeps and retries (1, 2, 5, 10 … then 100 ms steps): whoever
polls at the right moment wins, so a newcomer often overtakes a writer that has waited for a
second. The median stays low and the tail grows without bound. Queueing the writers of a
process here first, in arrival order, makes a write wait for the writes ahead of it and no
longer; SQLite's own lock (and busy timeout) still orders this process against others.

``threading.Lock`` is not fair (a releasing thread can take it again before a woken waiter
runs), so each waiter waits on its own lock and ``release`` hands the turn straight to the
first in line: nobody can take a turn while someone is queued.
"""

from __future__ import annotations

import os
import threading
from collections import deque


class Turn:
    """One caller's place: its own lock, released by whoever hands it the turn."""

    __slots__ = ("_granted",)

    def __init__(self) -> None:
        self._granted = threading.Lock()
        self._granted.acquire()


class WriteQueue:
    """A first-come, first-served lock. ``acquire`` returns the caller's turn, or None."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._queue_grew = threading.Condition(self._mutex)
        self._waiting: deque[Turn] = deque()
        # Invariant: while nobody holds the queue, nobody waits in it.
        self._owner: Turn | None = None

    def acquire(self, timeout: float | None = None) -> Turn | None:
        """Wait for this caller's turn: at most ``timeout`` seconds (None: for ever).

        Returns the turn to hand back to ``release``, or None when the time ran out (the
        caller then has left the queue, and those behind it move up).
        """
        turn = Turn()
        with self._mutex:
            if self._owner is None:
                self._owner = turn
                return turn
            self._waiting.append(turn)
            self._queue_grew.notify_all()
        try:
            granted = turn._granted.acquire(timeout=-1 if timeout is None else max(timeout, 0))
        except BaseException:
            # Interrupted while queued (KeyboardInterrupt, SystemExit from a signal handler):
            # leave the queue, or pass the turn on if it came meanwhile; never strand it.
            if not self._withdraw(turn):
                self.release(turn)
            raise
        if granted:
            return turn
        return None if self._withdraw(turn) else turn

    def _withdraw(self, turn: Turn) -> bool:
        """Leave the queue; False when the turn was handed over meanwhile and is kept."""
        with self._mutex:
            if self._owner is turn:
                return False
            self._waiting.remove(turn)
            return True

    def release(self, turn: Turn) -> None:
        """Hand the turn to the first in line. A turn that is not the current one is ignored,
        so a release that comes twice (commit, then close) is harmless."""
        with self._mutex:
            if self._owner is not turn:
                return
            if self._waiting:
                following = self._waiting.popleft()
                self._owner = following
                following._granted.release()
            else:
                self._owner = None

    @property
    def held(self) -> bool:
        return self._owner is not None

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def wait_for_waiting(self, count: int, timeout: float | None = None) -> bool:
        """Block until at least ``count`` callers are queued (for diagnostics and tests: it lets
        a test line threads up in a known order without sleeping). False on timeout."""
        with self._queue_grew:
            return self._queue_grew.wait_for(lambda: len(self._waiting) >= count, timeout)


_queues: dict[str, WriteQueue] = {}
_queues_mutex = threading.Lock()


def write_queue_for(database: str) -> WriteQueue:
    """The process's one queue for the database file ``database`` (a path or an SQLite URI)."""
    queue = _queues.get(database)
    if queue is not None:
        return queue
    memory_or_uri = database in ("", ":memory:") or database.startswith("file:")
    key = database if memory_or_uri else os.path.realpath(database)
    with _queues_mutex:
        # Two spellings of one file share its queue; both are remembered for the next call.
        queue = _queues.get(key)
        if queue is None:
            queue = _queues[key] = WriteQueue()
        _queues[database] = queue
        return queue
