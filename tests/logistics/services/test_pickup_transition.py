"""The pickup lifecycle table, walked pair by pair: every (status, action) either moves the
pickup where the table says, recording the move, or is refused and changes nothing."""

from __future__ import annotations

import ast
import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import pytest

from banpum.core.errors import Conflict
from banpum.logistics.models import CancelState, CarrierAccount, Pickup, PickupStatus
from banpum.logistics.models import PickupStatusChange as Change
from banpum.logistics.transitions import (
    TABLE,
    TRANSITIONS,
    PickupAction,
    PickupMove,
    pickup_transition,
)
from tests.logistics.helpers import CS, approve, pickup_of, reload

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)
PAIRS = list(itertools.product(PickupStatus, PickupAction))
LOGISTICS = Path(__file__).parents[3] / "src" / "banpum" / "logistics"


@pytest.fixture
def pickup(order: Any, offline_account: CarrierAccount) -> Pickup:
    """A requested pickup whose booking job never runs (nothing commits)."""
    return pickup_of(approve(order))


def put(pickup: Pickup, status: str, cancel_state: str = "") -> Pickup:
    """Set-up only: place the pickup anywhere in the table without walking there."""
    Pickup.objects.filter(pk=pickup.pk).update(status=status, cancel_state=cancel_state)
    return reload(pickup)


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_every_status_and_action(
    pickup: Pickup, status: PickupStatus, action: PickupAction
) -> None:
    placed = put(pickup, status, CancelState.REQUESTED if status == PickupStatus.CANCELLED else "")
    transition = TABLE.get((status, action))
    if transition is None:
        with pytest.raises(Conflict) as refused:
            pickup_transition(pickup=placed, action=action, actor=CS, now=NOW)
        assert refused.value.code == "illegal_transition"
        assert refused.value.extra["status"] == status
        assert reload(placed).status == status
        assert not Change.objects.filter(pickup=placed).exists()
        return
    moved = pickup_transition(pickup=placed, action=action, actor=CS, now=NOW)
    assert moved.status == reload(placed).status == transition.target
    [change] = Change.objects.filter(pickup=placed)
    assert (change.action, change.from_status, change.to_status, change.at) == (
        action.value,
        status,
        transition.target,
        NOW,
    )


def test_the_table_has_no_dead_ends_but_the_ends() -> None:
    sources = {t.source for t in TRANSITIONS}
    assert set(PickupStatus) - sources == {PickupStatus.DELIVERED, PickupStatus.FAILED}


@pytest.mark.parametrize("answered", [CancelState.CONFIRMED, CancelState.FAILED])
@pytest.mark.parametrize(
    "action",
    [
        PickupAction.CANCEL_CONFIRMED,
        PickupAction.CANCEL_REFUSED,
        PickupAction.CANCEL_NOT_NEEDED,
    ],
)
def test_a_carrier_answers_a_cancel_once(
    pickup: Pickup, answered: CancelState, action: PickupAction
) -> None:
    placed = put(pickup, PickupStatus.CANCELLED, answered)
    with pytest.raises(Conflict) as refused:
        pickup_transition(pickup=placed, action=action, actor=CS, now=NOW)
    assert refused.value.code == "illegal_transition"
    assert reload(placed).cancel_state == answered


@pytest.mark.parametrize(("owed", "state"), [(True, "requested"), (False, "not_needed")])
def test_a_cancel_records_whether_the_carrier_must_hear_of_it(
    pickup: Pickup, owed: bool, state: str
) -> None:
    moved = pickup_transition(
        pickup=pickup,
        action=PickupAction.CANCEL,
        actor=CS,
        now=NOW,
        move=PickupMove(carrier_owed=owed),
    )
    assert (moved.status, moved.cancel_state, moved.cancelled_at) == ("cancelled", state, NOW)


def _status_writes(path: Path) -> list[str]:
    """``x.status = …`` / ``x.cancel_state = …`` and ``status=``/``cancel_state=`` in calls."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in ("status", "cancel_state"):
                    found.append(f"{path.name}:{node.lineno}")
        writer = ("update", "create", "get_or_create", "update_or_create")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in writer
        ):
            found += [
                f"{path.name}:{node.lineno}"
                for keyword in node.keywords
                if keyword.arg in ("status", "cancel_state")
            ]
    return found


def test_only_the_transition_table_writes_a_pickups_status() -> None:
    writes = [
        hit
        for path in sorted(LOGISTICS.rglob("*.py"))
        if "migrations" not in path.parts and path.name != "transitions.py"
        for hit in _status_writes(path)
    ]
    assert writes == []
