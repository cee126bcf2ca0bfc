"""The transfer batch's table, walked: each move once from exported, none from a final status."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from banpum.core.errors import Conflict
from banpum.settlement.models import TransferBatch, TransferBatchStatus
from banpum.settlement.transfer_transitions import TABLE, BatchAction, transfer_batch_transition
from tests.settlement.helpers import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", list(BatchAction))
def test_every_move_goes_from_exported_once(store: Any, action: BatchAction) -> None:
    now = timezone.now()
    batch = TransferBatch.objects.create(
        store=store, count=1, total=1, file_name="t", created_at=now
    )
    moved = transfer_batch_transition(batch=batch, action=action, actor=SYSTEM, now=now)
    assert moved.status == TABLE[(TransferBatchStatus.EXPORTED, action)]
    assert moved.confirmed_at == now
    for again in BatchAction:
        with pytest.raises(Conflict) as refused:
            transfer_batch_transition(batch=moved, action=again, actor=SYSTEM, now=now)
        assert refused.value.code == "transfer_batch_confirmed"
