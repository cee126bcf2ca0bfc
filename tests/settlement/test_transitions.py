"""The refund table, every (status, action) pair: allowed moves land where the table says and
write one status-change row; every other pair is refused and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from banpum.core.errors import Conflict
from banpum.settlement.models import Refund, RefundStatus, RefundStatusChange
from banpum.settlement.transitions import TABLE, RefundAction, refund_transition
from tests.settlement.helpers import SYSTEM, paid_order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", list(RefundStatus))
@pytest.mark.parametrize("action", list(RefundAction))
def test_every_pair(store: Any, status: RefundStatus, action: RefundAction) -> None:
    order = paid_order(store)
    now = timezone.now()
    refund = Refund.objects.create(
        store=store,
        order=order,
        kind="goodwill",
        method="original_payment",
        amount=1000,
        idempotency_key=f"k-{status}-{action}",
        created_at=now,
        updated_at=now,
    )
    Refund.objects.filter(pk=refund.pk).update(status=status)
    target = TABLE.get((status, action))
    if target is None:
        with pytest.raises(Conflict):
            refund_transition(refund=refund, action=action, actor=SYSTEM, now=now)
        refund.refresh_from_db()
        assert refund.status == status
        assert not RefundStatusChange.objects.filter(refund=refund).exists()
    else:
        moved = refund_transition(refund=refund, action=action, actor=SYSTEM, now=now)
        assert moved.status == target
        change = RefundStatusChange.objects.get(refund=refund)
        assert (change.from_status, change.to_status) == (status, target)
