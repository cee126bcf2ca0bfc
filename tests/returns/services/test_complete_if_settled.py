"""The one way the money side ends a return: COMPLETE when allowed and no fee is owed."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from banpum.core.actors import Actor
from banpum.returns.models import FeeSettlement, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import return_complete_if_settled
from tests.factories import make_order
from tests.returns.helpers import open_return, walk_to

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("settlement")


def _at(store: Any, status: S, fee: FeeSettlement) -> ReturnRequest:
    return_request = walk_to(open_return(make_order(store=store)), status)
    ReturnRequest.objects.filter(pk=return_request.pk).update(fee_settlement=fee)
    return_request.refresh_from_db()
    return return_request


@pytest.mark.parametrize("status", [S.REFUNDED, S.SENT_BACK, S.EXCHANGE_SHIPPED])
def test_completes_a_settled_return(store: Any, status: S) -> None:
    done = return_complete_if_settled(
        return_request=_at(store, status, FeeSettlement.DEDUCTED), actor=ACTOR, now=timezone.now()
    )
    assert done.status == S.COMPLETED
    assert done.events.filter(to_status=S.COMPLETED).count() == 1


def test_a_fee_owed_keeps_it_where_it_is(store: Any) -> None:
    waiting = _at(store, S.REFUNDED, FeeSettlement.OUTSTANDING)
    kept = return_complete_if_settled(return_request=waiting, actor=ACTOR, now=timezone.now())
    assert kept.status == S.REFUNDED
    assert kept.version == waiting.version


@pytest.mark.parametrize("status", [S.REQUESTED, S.REFUND_PENDING, S.COMPLETED])
def test_not_from_a_status_the_table_does_not_complete(store: Any, status: S) -> None:
    return_request = _at(store, status, FeeSettlement.DEDUCTED)
    kept = return_complete_if_settled(
        return_request=return_request, actor=ACTOR, now=timezone.now()
    )
    assert kept.status == status
    assert kept.version == return_request.version
