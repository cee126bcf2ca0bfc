"""Signed links: they open an order or a return; tampered, expired or foreign ones do not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from banpum.commerce.models import Order
from banpum.portal import session
from banpum.returns.links import link_read, link_token
from tests.portal.conftest import NUMBER, find, page
from tests.returns.helpers import number_of, open_return

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def test_a_token_reads_back_what_it_opens_until_it_expires() -> None:
    token = link_token(store_id=7, order_id=42, now=NOW, days=3)
    grant = link_read(token, store_id=7, now=NOW + dt.timedelta(days=3) - dt.timedelta(seconds=1))
    assert grant is not None
    assert (grant.order_id, grant.return_number) == (42, None)
    assert link_read(token, store_id=7, now=NOW + dt.timedelta(days=3)) is None


def test_a_token_for_another_store_opens_nothing() -> None:
    token = link_token(store_id=7, return_number="T1-2603-ABCDEF", now=NOW)
    assert link_read(token, store_id=8, now=NOW) is None
    grant = link_read(token, store_id=7, now=NOW)
    assert grant is not None
    assert grant.return_number == "T1-2603-ABCDEF"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: "x" + t,
        lambda t: t.split(":")[0],
        lambda t: "",
    ],
)
def test_a_tampered_token_opens_nothing(tamper: Any) -> None:
    token = link_token(store_id=7, order_id=42, now=NOW)
    assert link_read(tamper(token), store_id=7, now=NOW) is None


def test_a_token_opens_an_order_or_a_return_not_both() -> None:
    with pytest.raises(ValueError, match="an order or a return"):
        link_token(store_id=7, now=NOW)
    with pytest.raises(ValueError, match="an order or a return"):
        link_token(store_id=7, order_id=1, return_number="X", now=NOW)


def test_an_order_link_opens_the_order(shopper: Client, store: Any, order: Order) -> None:
    token = link_token(store_id=store.pk, order_id=order.pk, now=timezone.now())
    response = shopper.get(f"/portal/{store.slug}/open/{token}/")
    assert response["Location"] == f"/portal/{store.slug}/order/"
    assert NUMBER in page(shopper.get(response["Location"]))


def test_a_return_link_opens_that_return_only(shopper: Client, store: Any, order: Order) -> None:
    first, second = open_return(order), open_return(order, ((2, 1),))
    token = link_token(store_id=store.pk, return_number=number_of(first), now=timezone.now())
    response = shopper.get(f"/portal/{store.slug}/open/{token}/")
    assert response["Location"] == f"/portal/{store.slug}/returns/{number_of(first)}/"
    assert number_of(first) in page(shopper.get(response["Location"]))
    assert shopper.get(f"/portal/{store.slug}/returns/{number_of(second)}/").status_code == 404
    assert shopper.get(f"/portal/{store.slug}/order/").status_code == 302  # not the order


def test_an_expired_link_says_so(shopper_en: Client, store: Any, order: Order) -> None:
    token = link_token(
        store_id=store.pk, order_id=order.pk, now=timezone.now() - dt.timedelta(days=31)
    )
    text = page(shopper_en.get(f"/portal/{store.slug}/open/{token}/"), 404)
    assert "This link does not work" in text
    assert shopper_en.get(f"/portal/{store.slug}/order/").status_code == 302


def test_a_tampered_link_says_so(shopper_en: Client, store: Any, order: Order) -> None:
    token = link_token(store_id=store.pk, order_id=order.pk, now=timezone.now())
    forged = token.replace(token[2], "Z" if token[2] != "Z" else "Y", 1)
    assert "This link does not work" in page(
        shopper_en.get(f"/portal/{store.slug}/open/{forged}/"), 404
    )


def test_a_link_of_another_store_is_refused(
    shopper: Client, store: Any, store2: Any, order2: Order
) -> None:
    token = link_token(store_id=store2.pk, order_id=order2.pk, now=timezone.now())
    assert shopper.get(f"/portal/{store.slug}/open/{token}/").status_code == 404


def test_the_session_keeps_the_order_for_a_limited_time(store: Any, order: Order) -> None:
    request = RequestFactory().get("/")
    request.session = SessionStore()
    with override_settings(BANPUM_PORTAL_SESSION_MINUTES=60):
        session.order_open(request, store, order.pk, now=NOW)
    assert session.order_found(request, store, now=NOW + dt.timedelta(minutes=59)) == order.pk
    assert session.order_found(request, store, now=NOW + dt.timedelta(minutes=60)) is None


@override_settings(BANPUM_PORTAL_SESSION_MINUTES=0)
def test_an_expired_visit_finds_the_order_again(shopper: Client, store: Any, order: Order) -> None:
    assert find(shopper, store).status_code == 302
    assert shopper.get(f"/portal/{store.slug}/order/")["Location"] == f"/portal/{store.slug}/"


def test_the_command_prints_a_link_that_opens_the_order(
    shopper: Client, store: Any, order: Order
) -> None:
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("portal_link", store.slug, NUMBER, "--base-url", "http://shop.test", stdout=out)
    link = out.getvalue().strip()
    assert link.startswith(f"http://shop.test/portal/{store.slug}/open/")
    response = shopper.get(link.removeprefix("http://shop.test"))
    assert response["Location"] == f"/portal/{store.slug}/order/"
    with pytest.raises(CommandError, match="no order"):
        call_command("portal_link", store.slug, "NOPE", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no store"):
        call_command("portal_link", "nope", NUMBER, stdout=io.StringIO())
