"""SQLite writers of one process take turns in arrival order, and every way out gives the turn back.

Threads are lined up with the queue's own count of waiters (``wait_for_waiting``) and events,
never with sleeps: each test knows who waits where before it lets the first writer go.
"""

from __future__ import annotations

import gc
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, cast

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.core.db.sqlite.base import DatabaseWrapper, takes_write_lock
from banpum.core.db.sqlite.write_queue import WriteQueue, write_queue_for
from banpum.returns.models import ReturnRequest, ReturnStatus
from banpum.returns.services import return_request_approve
from tests.factories import make_order
from tests.returns.helpers import open_return

WAIT = 30  # seconds: only a bound against a hung test, never reached when the code is right


# --- The queue alone ------------------------------------------------------------------------


def test_the_queue_serves_waiters_in_arrival_order() -> None:
    queue = WriteQueue()
    first = queue.acquire()
    assert first is not None
    served: list[int] = []

    def waiter(index: int) -> None:
        turn = queue.acquire(WAIT)
        assert turn is not None
        served.append(index)
        queue.release(turn)

    threads = []
    for index in range(8):
        thread = threading.Thread(target=waiter, args=(index,))
        thread.start()
        threads.append(thread)
        assert queue.wait_for_waiting(index + 1, WAIT)  # queued before the next one starts
    queue.release(first)
    for thread in threads:
        thread.join(WAIT)
    assert served == list(range(8))
    assert not queue.held


def test_a_waiter_that_gives_up_leaves_the_queue() -> None:
    queue = WriteQueue()
    first = queue.acquire()
    assert first is not None
    assert queue.acquire(timeout=0) is None
    assert queue.waiting == 0
    queue.release(first)
    assert not queue.held
    assert queue.acquire(timeout=0) is not None


class Interrupted(Exception):
    pass


@pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGUSR1"),
    reason="signals reach the main thread of a POSIX process only",
)
def test_a_waiter_interrupted_while_queued_leaves_the_queue() -> None:
    queue = WriteQueue()
    first = queue.acquire()
    assert first is not None

    def interrupt_once_queued() -> None:
        assert queue.wait_for_waiting(1, WAIT)
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGUSR1)

    def handler(signum: int, frame: Any) -> None:
        raise Interrupted

    previous = signal.signal(signal.SIGUSR1, handler)
    interrupter = threading.Thread(target=interrupt_once_queued)
    interrupter.start()
    try:
        with pytest.raises(Interrupted):
            queue.acquire(WAIT)
    finally:
        interrupter.join(WAIT)
        signal.signal(signal.SIGUSR1, previous)
    assert queue.waiting == 0
    queue.release(first)
    assert not queue.held


def test_releasing_a_turn_that_is_not_held_changes_nothing() -> None:
    queue = WriteQueue()
    first = queue.acquire()
    assert first is not None
    queue.release(first)
    second = queue.acquire()
    queue.release(first)  # late, second release of an old turn
    assert queue.held
    assert queue.acquire(timeout=0) is None
    assert second is not None
    queue.release(second)
    assert not queue.held


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('SELECT "x" FROM "t"', False),
        ("  select 1", False),
        ("BEGIN", False),
        ("BEGIN DEFERRED", False),
        ("BEGIN IMMEDIATE", True),
        ("begin exclusive transaction", True),
        ('INSERT INTO "t" VALUES (1)', True),
        ('UPDATE "t" SET "x" = 1', True),
        ('DELETE FROM "t"', True),
        ("PRAGMA foreign_keys = OFF", True),
    ],
)
def test_which_statements_queue_outside_a_transaction(sql: str, writes: bool) -> None:
    assert takes_write_lock(sql) is writes


# --- Through Django's connections ----------------------------------------------------------

# The write queue is the SQLite backend's: the skip policy's marker skips these elsewhere.
sqlite_only = pytest.mark.sqlite


def this_connection() -> DatabaseWrapper:
    return cast(DatabaseWrapper, connections["default"])


def write_queue() -> WriteQueue:
    return write_queue_for(str(connection.settings_dict["NAME"]))


class Worker:
    """A thread with its own database connection, closed when its job ends."""

    def __init__(self, job: Callable[[], Any]) -> None:
        self.error: BaseException | None = None
        self.value: Any = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(job,))
        self.thread.start()

    def _run(self, job: Callable[[], Any]) -> None:
        try:
            self.value = job()
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            self.error = error
        finally:
            connection.close()
            self.done.set()

    def join(self) -> Any:
        self.thread.join(WAIT)
        assert not self.thread.is_alive(), "a worker is stuck"
        if self.error is not None:
            raise self.error
        return self.value


class Holder:
    """A thread inside a write transaction (it holds the turn) until ``commit()``."""

    def __init__(self, store: Store) -> None:
        self._entered = threading.Event()
        self._release = threading.Event()
        self.worker = Worker(lambda: self._hold(store))
        assert self._entered.wait(WAIT)

    def _hold(self, store: Store) -> None:
        with transaction.atomic():
            Store.objects.filter(pk=store.pk).update(name="holder")
            locked = ReturnRequest.objects.select_for_update().filter(store=store)
            list(locked)
            self._entered.set()
            assert self._release.wait(WAIT)

    def commit(self) -> None:
        self._release.set()
        self.worker.join()


@pytest.fixture
def hold(store: Store) -> Iterator[Callable[[], Holder]]:
    """Start holders; whatever a test leaves holding is committed at its end."""
    holders: list[Holder] = []

    def start() -> Holder:
        holders.append(Holder(store))
        return holders[-1]

    yield start
    for holder in holders:
        holder.commit()


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_transactions_take_turns_in_arrival_order(store: Store, hold: Callable[[], Holder]) -> None:
    holder = hold()
    served: list[int] = []

    def write(index: int) -> None:
        with transaction.atomic():
            served.append(index)
            Store.objects.filter(pk=store.pk).update(name=f"writer {index}")

    workers = []
    for index in range(6):
        workers.append(Worker(partial(write, index)))
        assert write_queue().wait_for_waiting(index + 1, WAIT)
    assert served == []  # all queued behind the holder, none in SQLite's busy loop

    holder.commit()
    for worker in workers:
        worker.join()
    assert served == list(range(6))
    assert Store.objects.get(pk=store.pk).name == "writer 5"
    assert not write_queue().held


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_a_write_outside_a_transaction_waits_its_turn(
    store: Store, hold: Callable[[], Holder]
) -> None:
    holder = hold()
    writer = Worker(lambda: Store.objects.filter(pk=store.pk).update(name="autocommit"))
    assert write_queue().wait_for_waiting(1, WAIT)
    assert not writer.done.is_set()
    holder.commit()
    assert writer.join() == 1
    assert Store.objects.get(pk=store.pk).name == "autocommit"
    assert not write_queue().held


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_reads_outside_a_transaction_do_not_queue(store: Store, hold: Callable[[], Holder]) -> None:
    hold()
    # The holder has not committed: WAL shows the store as it was, at once.
    assert Store.objects.get(pk=store.pk).name == store.name
    assert write_queue().waiting == 0
    assert not this_connection().holds_write_turn


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_a_write_outside_a_transaction_holds_the_turn_for_that_statement_only(
    store: Store,
) -> None:
    Store.objects.filter(pk=store.pk).update(name="autocommit")
    assert not this_connection().holds_write_turn
    assert not write_queue().held


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_an_error_inside_atomic_gives_the_turn_back(store: Store) -> None:
    def fail() -> None:
        with transaction.atomic():
            Store.objects.filter(pk=store.pk).update(name="lost")
            assert this_connection().holds_write_turn
            raise Boom

    with pytest.raises(Boom):
        fail()
    assert not this_connection().holds_write_turn
    assert not write_queue().held
    assert Store.objects.get(pk=store.pk).name == store.name


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_a_rollback_gives_the_turn_back(store: Store) -> None:
    with transaction.atomic():
        Store.objects.filter(pk=store.pk).update(name="lost")
        transaction.set_rollback(True)
    assert not write_queue().held
    assert Store.objects.get(pk=store.pk).name == store.name


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_nested_atomic_blocks_keep_the_turn_until_the_outermost_ends(store: Store) -> None:
    with transaction.atomic():

        def fail() -> None:
            with transaction.atomic():
                Store.objects.filter(pk=store.pk).update(name="inner, rolled back")
                raise Boom

        with pytest.raises(Boom):
            fail()
        assert write_queue().held
        with transaction.atomic():
            Store.objects.filter(pk=store.pk).update(name="inner, kept")
        assert write_queue().held
        assert this_connection().holds_write_turn
    assert not write_queue().held
    assert Store.objects.get(pk=store.pk).name == "inner, kept"


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_closing_the_connection_mid_transaction_gives_the_turn_back(store: Store) -> None:
    with transaction.atomic():
        Store.objects.filter(pk=store.pk).update(name="lost")
        connection.close()
        assert not write_queue().held
    assert Store.objects.get(pk=store.pk).name == store.name


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_a_locking_service_queues_behind_a_locking_transaction(
    store: Store, hold: Callable[[], Holder]
) -> None:
    """select_for_update paths (a no-op on SQLite) under the queue: no deadlock, both apply."""
    return_request = open_return(make_order(store=store, lines=[{"quantity": 1}]))
    holder = hold()
    approve = Worker(
        lambda: return_request_approve(
            return_request=return_request,
            actor=Actor.api("api:kim"),
            note="승인",
            now=timezone.now(),
        )
    )
    assert write_queue().wait_for_waiting(1, WAIT)
    holder.commit()
    approve.join()
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.APPROVED
    assert not write_queue().held


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_waiting_longer_than_the_timeout_is_database_is_locked(
    store: Store, hold: Callable[[], Holder]
) -> None:
    hold()
    impatient = DatabaseWrapper(
        {
            **connection.settings_dict,
            "OPTIONS": {**connection.settings_dict["OPTIONS"], "timeout": 0},
        },
        alias="impatient",
    )
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        impatient._take_write_turn()
    assert write_queue().waiting == 0


@pytest.mark.django_db(transaction=True)
@sqlite_only
def test_a_connection_dropped_while_holding_the_turn_gives_it_back(store: Store) -> None:
    dropped = DatabaseWrapper(dict(connection.settings_dict), alias="dropped")
    dropped._take_write_turn()
    assert write_queue().held
    del dropped
    gc.collect()
    assert not write_queue().held


def test_two_spellings_of_one_file_share_its_queue(tmp_path: Any) -> None:
    (tmp_path / "db").mkdir()
    direct = str(tmp_path / "db" / "x.sqlite3")
    roundabout = str(tmp_path / "db" / ".." / "db" / "x.sqlite3")
    assert write_queue_for(direct) is write_queue_for(roundabout)
    assert write_queue_for(direct) is not write_queue_for(str(tmp_path / "other.sqlite3"))
