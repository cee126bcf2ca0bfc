"""Real threads, each with its own database connection, racing for the same rows.

The order row lock (PostgreSQL ``SELECT … FOR UPDATE``; SQLite ``BEGIN IMMEDIATE``) makes the
claim check and the insert one step; the return row lock does the same for status changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from banpum.core.actors import Actor
from banpum.core.errors import Conflict
from banpum.returns.errors import NotEligible
from banpum.returns.models import EventType, ReturnLine, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import (
    return_request_approve,
    return_request_cancel,
    return_request_reject,
)
from tests.factories import make_order
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6


@dataclass
class Result:
    value: Any = None
    error: BaseException | None = None


def race(*jobs: Callable[[], Any]) -> list[Result]:
    """Run ``jobs`` at once (lined up on a barrier); what each returned or raised, in order."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [Result() for _ in jobs]

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[index].value = job()
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            outcomes[index].error = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return outcomes


def _split(outcomes: list[Result]) -> tuple[list[Any], list[BaseException]]:
    return (
        [o.value for o in outcomes if o.error is None],
        [o.error for o in outcomes if o.error is not None],
    )


def test_only_one_of_many_requests_gets_the_same_units(store: Any) -> None:
    order = make_order(store=store, lines=[{"quantity": 3, "unit_price": 10000}])
    outcomes = race(*[lambda: open_return(order, [(1, 3)])] * THREADS)
    created, errors = _split(outcomes)

    assert len(created) == 1, errors
    assert len(errors) == THREADS - 1
    for error in errors:
        assert isinstance(error, NotEligible), repr(error)
        assert [p["code"] for p in error.extra["problems"]] == ["quantity_exceeds_available"]
    assert ReturnRequest.objects.count() == 1
    assert ReturnLine.objects.get().quantity == 3
    assert ReturnRequest.objects.get().number == created[0].number


def test_partial_claims_never_exceed_the_line(store: Any) -> None:
    """Six requests for 2 of 5 units each: two fit, the rest are refused, 4 units claimed."""
    order = make_order(store=store, lines=[{"quantity": 5, "unit_price": 10000}])
    outcomes = race(*[lambda: open_return(order, [(1, 2)])] * THREADS)
    created, errors = _split(outcomes)

    assert len(created) == 2, errors
    assert all(isinstance(e, NotEligible) for e in errors), errors
    assert sum(ReturnLine.objects.values_list("quantity", flat=True)) == 4
    # Refund shares add up, whoever came first.
    assert sorted(r.refund_estimate for r in ReturnRequest.objects.all()) == [17000, 17000]


AGENT_KIM = Actor.api("api:kim")
AGENT_LEE = Actor.api("api:lee")


def _approve(actor: Actor, version: int | None = None) -> Callable[[ReturnRequest], Any]:
    return lambda r: return_request_approve(
        now=timezone.now(), return_request=r, actor=actor, note="승인", expected_version=version
    )


def _reject(actor: Actor, version: int | None = None) -> Callable[[ReturnRequest], Any]:
    return lambda r: return_request_reject(
        now=timezone.now(), return_request=r, actor=actor, note="반려", expected_version=version
    )


def _cancel(actor: Actor, version: int | None = None) -> Callable[[ReturnRequest], Any]:
    return lambda r: return_request_cancel(
        now=timezone.now(), return_request=r, actor=actor, note="철회", expected_version=version
    )


@pytest.mark.parametrize(
    ("first", "second", "code"),
    [
        (_approve(AGENT_KIM), _reject(AGENT_LEE), "illegal_transition"),
        (_approve(AGENT_KIM), _approve(AGENT_LEE), "illegal_transition"),
        (_approve(AGENT_KIM, 1), _reject(AGENT_LEE, 1), "stale_version"),
        (_approve(AGENT_KIM, 1), _approve(AGENT_LEE, 1), "stale_version"),
    ],
    ids=[
        "approve-vs-reject",
        "approve-vs-approve",
        "approve-vs-reject-versioned",
        "approve-vs-approve-versioned",
    ],
)
def test_two_agents_act_on_one_return(store: Any, first: Any, second: Any, code: str) -> None:
    order = make_order(store=store, lines=[{"quantity": 1}])
    return_request = open_return(order)
    # Each agent works from their own copy, loaded before either acts.
    copies = [ReturnRequest.objects.get(pk=return_request.pk) for _ in range(2)]
    moved, errors = _split(race(lambda: first(copies[0]), lambda: second(copies[1])))

    assert len(moved) == 1, errors
    (error,) = errors
    assert isinstance(error, Conflict), repr(error)
    assert error.code == code
    stored = ReturnRequest.objects.get(pk=return_request.pk)
    (change,) = stored.events.filter(type=EventType.STATUS_CHANGED)
    assert stored.status == change.to_status == moved[0].status
    assert stored.status in {S.APPROVED, S.REJECTED}
    assert stored.version == 2
    assert change.actor_label in {"api:kim", "api:lee"}


def test_approve_and_cancel_at_once_end_cancelled(store: Any) -> None:
    """Cancel is legal before and after approval: either both apply, or cancel wins alone."""
    order = make_order(store=store, lines=[{"quantity": 1}])
    return_request = open_return(order)
    copies = [ReturnRequest.objects.get(pk=return_request.pk) for _ in range(2)]
    moved, errors = _split(
        race(lambda: _approve(AGENT_KIM)(copies[0]), lambda: _cancel(AGENT_LEE)(copies[1]))
    )
    stored = ReturnRequest.objects.get(pk=return_request.pk)
    changes = list(stored.events.filter(type=EventType.STATUS_CHANGED).order_by("id"))
    assert stored.status == S.CANCELLED
    assert changes[-1].to_status == "cancelled"
    assert stored.version == 1 + len(changes) == 1 + len(moved)
    for error in errors:  # cancel came first: the approval found a cancelled return
        assert isinstance(error, Conflict)
        assert error.code == "illegal_transition"


def test_many_agents_race_to_decide(store: Any) -> None:
    order = make_order(store=store, lines=[{"quantity": 1}])
    return_request = open_return(order)
    jobs = [
        (_approve if index % 2 else _reject)(Actor.api(f"api:agent-{index}"))
        for index in range(THREADS)
    ]
    outcomes = race(*[lambda job=job: job(return_request) for job in jobs])
    moved, errors = _split(outcomes)
    assert len(moved) == 1
    assert all(isinstance(e, Conflict) for e in errors), errors
    stored = ReturnRequest.objects.get(pk=return_request.pk)
    assert stored.status in {S.APPROVED, S.REJECTED}
    assert stored.events.filter(type=EventType.STATUS_CHANGED).count() == 1
