"""Django's SQLite backend, with the writers of this process served in arrival order.

``ENGINE = "banpum.core.db.sqlite"``. A connection takes its turn in the process's write queue
(``write_queue.py`` says why) before SQLite's write lock, and gives it back when SQLite's
transaction is over:

- ``BEGIN IMMEDIATE`` / ``BEGIN EXCLUSIVE`` (every ``atomic`` block with ``transaction_mode``
  IMMEDIATE) queues first and keeps the turn until commit, rollback or close. Savepoints
  (nested ``atomic``) run inside the transaction that holds it.
- A write outside any transaction (an autocommit ``save()`` or ``update()``) queues for that
  one statement, so it can neither overtake the queue nor starve behind it.
- Reads outside a transaction (``SELECT``), and a ``DEFERRED`` transaction until it ends,
  never queue: under WAL they run beside the writer, and a deferred transaction upgrading to a
  writer behaves exactly as in Django's backend.

The turn is checked against SQLite's own state (``in_transaction``) after every statement,
commit, rollback and close, so however a transaction ends (an error inside ``atomic``, a
connection closed mid-transaction, a raw ``COMMIT``) the turn goes with it; a connection
dropped while holding it gives it back when it is collected. Waiting for the turn is bounded by
the ``timeout`` option, like SQLite's busy timeout, and ends in the same "database is locked".
Other processes (``banpum worker``) are ordered against this one by SQLite's lock as before.
"""

from __future__ import annotations

import sqlite3 as Database
import weakref
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, TypeVar

from django.db.backends.sqlite3 import base as sqlite3_base

from banpum.core.db.sqlite.write_queue import write_queue_for

T = TypeVar("T")


def takes_write_lock(sql: str) -> bool:
    """Whether a statement run outside a transaction needs SQLite's write lock (at once, or,
    for a transaction started with it, until its end). Anything but a ``SELECT`` or a deferred
    ``BEGIN`` counts as a write: queueing a rare ``PRAGMA`` costs nothing, missing a write
    would let it overtake the queue."""
    head = sql.lstrip()[:24].upper()
    if head.startswith("SELECT"):
        return False
    if head.startswith("BEGIN"):
        return "IMMEDIATE" in head or "EXCLUSIVE" in head
    return True


class DatabaseWrapper(sqlite3_base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Held turn, as a finalizer: calling it gives the turn back, and so does collecting a
        # connection that was never closed (its SQLite lock goes with it too).
        self._write_turn: weakref.finalize[Any, Any] | None = None

    @property
    def holds_write_turn(self) -> bool:
        return self._write_turn is not None

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=QueuedCursorWrapper)
        cursor.database = self
        return cursor

    def _take_write_turn(self) -> None:
        if self._write_turn is not None:
            return
        queue = write_queue_for(str(self.settings_dict["NAME"]))
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5.0))
        turn = queue.acquire(timeout)
        if turn is None:
            raise Database.OperationalError(
                f"database is locked (no write turn within {timeout:g} s)"
            )
        self._write_turn = weakref.finalize(self, queue.release, turn)

    def _give_back_write_turn(self) -> None:
        turn, self._write_turn = self._write_turn, None
        if turn is not None:
            turn()

    def _in_sqlite_transaction(self) -> bool:
        try:
            return self.connection is not None and bool(self.connection.in_transaction)
        except Database.ProgrammingError:  # closed
            return False

    def _give_back_write_turn_if_idle(self) -> None:
        if self._write_turn is not None and not self._in_sqlite_transaction():
            self._give_back_write_turn()

    def run_in_write_turn(self, sql: str, run: Callable[[], T]) -> T:
        """Run one statement, queueing first if it is a write outside a transaction."""
        if self._write_turn is None and takes_write_lock(sql) and not self._in_sqlite_transaction():
            self._take_write_turn()
        if self._write_turn is None:
            return run()
        try:
            return run()
        finally:
            self._give_back_write_turn_if_idle()

    # django-stubs do not declare the private methods these override.
    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._give_back_write_turn_if_idle()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._give_back_write_turn_if_idle()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            # Closing ends SQLite's transaction whatever happened; so does it end the turn.
            self._give_back_write_turn()


class QueuedCursorWrapper(sqlite3_base.SQLiteCursorWrapper):
    """Django's SQLite cursor, each statement run in its connection's write turn."""

    database: DatabaseWrapper

    def execute(self, query: str, params: Any = None) -> Any:
        return self.database.run_in_write_turn(query, partial(super().execute, query, params))

    def executemany(self, query: str, param_list: Iterable[Any]) -> Any:
        return self.database.run_in_write_turn(
            query, partial(super().executemany, query, param_list)
        )
