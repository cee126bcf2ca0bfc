"""The insights benchmark's generator: copies that hold together, at a tiny scale."""

from __future__ import annotations

import datetime as dt

import pytest
from benchmarks._insights_data import YEARS, Sizes, feedback_seed, scale_up
from django.db.models import Count, F, Max, Min
from django.utils import timezone

from banpum.commerce.models import Order, OrderLine, Store
from banpum.feedback.models import ReturnFeedback
from banpum.feedback.services import DONE_STATUSES
from banpum.feedback.tags import WENT_BADLY, WENT_WELL
from banpum.logistics.models import Carrier, CarrierAccount
from banpum.returns.models import ReturnEvent, ReturnLine, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from tests.factories import ChannelFactory, StoreFactory, make_order, make_policy
from tests.returns.helpers import open_return, walk_to

pytestmark = pytest.mark.django_db


def _templates(now: dt.datetime, finished: int = 0) -> Store:
    store = StoreFactory(code="TB")
    ChannelFactory(store=store, code="mall")
    make_policy(store)
    CarrierAccount.objects.create(
        store=store, carrier=Carrier.objects.get(code="kr.cjlogistics"), name="cj", is_default=True
    )
    for n in range(12):
        order = make_order(
            store=store,
            lines=[{} for _ in range(1 + n % 3)],
            ordered_at=now - dt.timedelta(days=10 + n),
        )
        if n % 2 == 0:
            reason = "defective" if n % 4 == 0 and n // 2 >= finished else "change_of_mind"
            return_request = open_return(order, [(1, 1)], reason_code=reason)
            if n // 2 < finished:
                walk_to(return_request, S.REFUNDED if n % 4 == 0 else S.COMPLETED)
    return store


def test_the_copies_reach_the_sizes_and_hold_together() -> None:
    store = _templates(timezone.now())
    now = timezone.now()  # after the templates' own clock
    events_per_template = ReturnEvent.objects.filter(return_request__store=store).count()
    templates = ReturnRequest.objects.filter(store=store).count()
    sizes = Sizes(return_lines=120, order_lines=400, stores=3, skus=40, categories=6)

    done = scale_up(base_store=store, sizes=sizes, now=now)

    assert done.skipped_rows == 0
    assert 120 <= ReturnLine.objects.count() < 120 + 3
    assert 400 <= OrderLine.objects.count() < 400 + 3
    stores = set(Store.objects.filter(slug__startswith="bench-").values_list("pk", flat=True))
    assert len(stores) == 2
    assert set(ReturnRequest.objects.values_list("store_id", flat=True)) <= stores | {store.pk}
    # Every return line's order line is a line of the return's own order, in the same store.
    assert not ReturnLine.objects.exclude(order_line__order=F("return_request__order")).exists()
    assert not ReturnRequest.objects.exclude(order__store=F("store")).exists()
    assert not OrderLine.objects.exclude(product__store=F("order__store")).exists()
    assert not Order.objects.exclude(channel__store=F("store")).exists()
    assert not ReturnRequest.objects.exclude(policy__store=F("store")).exists()
    # A copy keeps its template's story: as many events per return.
    per_return = ReturnEvent.objects.count() / ReturnRequest.objects.count()
    assert per_return == pytest.approx(events_per_template / templates, rel=0.5)
    # Dates inside the two years, never in the future; numbers unique.
    span = Order.objects.aggregate(first=Min("ordered_at"), last=Max("ordered_at"))
    assert span["last"] <= now
    assert span["first"] >= now - dt.timedelta(days=365 * YEARS + 30)
    assert span["first"] < now - dt.timedelta(days=60)  # spread back in time, not all recent
    numbers = ReturnRequest.objects.aggregate(n=Count("number", distinct=True), all=Count("id"))
    assert numbers["n"] == numbers["all"]
    assert not ReturnRequest.objects.filter(number__isnull=True).exists()
    assert ReturnEvent.objects.aggregate(last=Max("at"))["last"] <= now


def test_the_copies_carry_the_shoppers_feedback_of_their_returns() -> None:
    store = _templates(timezone.now(), finished=4)
    now = timezone.now()
    answered = feedback_seed(store, share=1.0, now=now)
    assert answered == 4  # every finished template, once
    assert feedback_seed(store, share=1.0, now=now) == 0  # never twice on a return
    sizes = Sizes(return_lines=200, order_lines=400, stores=3, skus=40, categories=6)

    done = scale_up(base_store=store, sizes=sizes, now=now)

    assert done.skipped_rows == 0
    copies = ReturnFeedback.objects.exclude(store=store)
    assert copies.count() >= 20
    assert ReturnFeedback.objects.count() == done.rows["feedback_returnfeedback"] + answered
    # Each on a finished return of its own store, one per return, after the return was made.
    assert not ReturnFeedback.objects.exclude(store=F("return_request__store")).exists()
    assert not ReturnFeedback.objects.exclude(
        return_request__status__in=list(DONE_STATUSES)
    ).exists()
    per_return = ReturnFeedback.objects.aggregate(
        n=Count("return_request", distinct=True), all=Count("id")
    )
    assert per_return["n"] == per_return["all"]
    assert not ReturnFeedback.objects.filter(
        submitted_at__lt=F("return_request__created_at")
    ).exists()
    assert ReturnFeedback.objects.aggregate(last=Max("submitted_at"))["last"] <= now
    assert copies.aggregate(first=Min("submitted_at"))["first"] < now - dt.timedelta(days=30)
    # The shoppers' words are the survey's: ratings 1..5, known tags.
    for rating, well, badly in ReturnFeedback.objects.values_list(
        "rating", "went_well", "went_badly"
    ):
        assert 1 <= rating <= 5
        assert set(well) <= set(WENT_WELL)
        assert set(badly) <= set(WENT_BADLY)
