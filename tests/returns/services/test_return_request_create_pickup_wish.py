"""``return_request_create(pickup=…)``: where and when to collect, kept for the booking."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from banpum.core.errors import ValidationFailed
from banpum.policy.types import Method
from banpum.returns.pickup_wish import PickupWish
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + dt.timedelta(days=1)


def test_the_wish_is_kept_with_the_return(order: Any) -> None:
    wish = PickupWish(address2=" 12층 1201호 ", preferred_date=TOMORROW, memo="경비실")
    created = open_return(order, create_kwargs={"pickup": wish})
    assert created.pickup_wish == {
        "address2": "12층 1201호",
        "preferred_date": TOMORROW.isoformat(),
        "memo": "경비실",
    }
    assert PickupWish.from_json(created.pickup_wish) == PickupWish(
        address2="12층 1201호", preferred_date=TOMORROW, memo="경비실"
    )


def test_nothing_is_kept_for_a_return_the_customer_sends(order: Any) -> None:
    wish = PickupWish(memo="경비실")
    created = open_return(order, method=Method.SELF_SHIP, create_kwargs={"pickup": wish})
    assert created.pickup_wish == {}


def test_a_past_day_is_refused(order: Any) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as raised:
        open_return(order, create_kwargs={"pickup": PickupWish(preferred_date=yesterday)})
    assert "pickup.preferred_date" in raised.value.extra["fields"]


@pytest.mark.parametrize(("field", "limit"), [("memo", 300), ("postcode", 10), ("address1", 200)])
def test_overlong_fields_are_refused(order: Any, field: str, limit: int) -> None:
    too_long: dict[str, Any] = {field: "가" * (limit + 1)}
    wish = PickupWish(**too_long)
    with pytest.raises(ValidationFailed) as raised:
        open_return(order, create_kwargs={"pickup": wish})
    assert f"pickup.{field}" in raised.value.extra["fields"]


@pytest.mark.parametrize(
    "stored",
    [None, [], "x", {"preferred_date": "not a day", "memo": "m"}, {"unknown": "y"}],
)
def test_odd_stored_data_reads_as_what_it_can(stored: Any) -> None:
    wish = PickupWish.from_json(stored)
    assert wish.preferred_date is None
    assert wish.memo in ("", "m")
