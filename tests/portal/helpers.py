"""Walking the return wizard with a test client, one screen at a time."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone

from banpum.commerce.models import Order, OrderLine
from banpum.portal.views.wizard import pickup_day_choices


def lines_of(order: Order) -> list[OrderLine]:
    return list(order.lines.order_by("line_number"))


def step_url(store: Any, step: str) -> str:
    return f"/portal/{store.slug}/return/{step}/"


def answer(client: Client, store: Any, step: str, data: dict[str, Any]) -> Any:
    return client.post(step_url(store, step), data)


def first_pickup_day(store: Any) -> str:
    return pickup_day_choices(store, timezone.now())[0].isoformat()


def pickup_answers(store: Any, **changes: Any) -> dict[str, Any]:
    return {
        "preferred_date": first_pickup_day(store),
        "contact_name": "김철수",
        "contact_phone": "010-1234-5678",
        "postcode": "04524",
        "address1": "서울특별시 중구 세종대로 110",
        "address2": "3층",
        "memo": "문 앞에 둘게요",
        **changes,
    }


def walk(
    client: Client,
    store: Any,
    order: Order,
    *,
    units: tuple[int, ...] = (1, 0),
    reason: str = "change_of_mind",
    condition: str = "unopened",
    resolution: str = "refund",
    method: str = "carrier_pickup",
    **extra: Any,
) -> Any:
    """Answer every screen up to the confirmation; returns the last answer's response.

    ``extra`` answers the optional screens: ``photos`` (files), ``option`` (a dict of the
    option form), ``pickup`` (changes to ``pickup_answers``), ``account`` (the account form).
    """
    lines = lines_of(order)
    response = answer(
        client,
        store,
        "items",
        {f"line_{line.pk}": count for line, count in zip(lines, units, strict=False)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = answer(
        client,
        store,
        "reason",
        {"reason_code": reason, "condition": condition, "reason_detail": ""},
    )
    assert response.status_code == 302
    if response["Location"].endswith("/photos/"):
        response = client.post(step_url(store, "photos"), {"photos": extra["photos"]})
        assert response.status_code == 302
    response = answer(client, store, "resolution", {"resolution": resolution})
    assert response.status_code == 302
    if response["Location"].endswith("/option/"):
        response = answer(client, store, "option", extra["option"])
        assert response.status_code == 302
    response = answer(client, store, "method", {"method": method})
    assert response.status_code == 302
    if response["Location"].endswith("/pickup/"):
        response = answer(client, store, "pickup", pickup_answers(store, **extra.get("pickup", {})))
        assert response.status_code == 302, response.content.decode()[:3000]
    if response["Location"].endswith("/account/"):
        response = answer(client, store, "account", extra["account"])
        assert response.status_code == 302
    assert response["Location"] == f"/portal/{store.slug}/return/confirm/"
    return response
