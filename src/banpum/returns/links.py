"""Signed, expiring links that open a shopper's order or return without typing anything.

A link names the store, and the order or the return it opens, and when it stops working; it is
signed with the site's secret under this module's salt, so it cannot be forged, edited or used
for another store. Expiry is checked against the caller's clock (``now``), so tests and the
demo decide the time. Sent by the store (a message, the demo's README), never guessed.

It lives in ``returns`` rather than the portal that opens it so that the notifications, which
sit below the portal, can put a link in every message they send.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "banpum.portal.link"  # kept when the module moved: links already sent still open


@dataclass(frozen=True)
class LinkGrant:
    """What a valid link opens: an order (``order_id``), or one return (``return_number``)."""

    store_id: int
    order_id: int | None = None
    return_number: str | None = None


def link_token(
    *,
    store_id: int,
    now: dt.datetime,
    order_id: int | None = None,
    return_number: str | None = None,
    days: int | None = None,
) -> str:
    """A token for ``/portal/<store>/open/<token>/``, valid ``days`` (the setting by default)."""
    if (order_id is None) == (return_number is None):
        raise ValueError("a link opens an order or a return")
    lifetime = dt.timedelta(days=settings.BANPUM_PORTAL_LINK_DAYS if days is None else days)
    payload: dict[str, object] = {"s": store_id, "e": int((now + lifetime).timestamp())}
    if order_id is not None:
        payload["o"] = order_id
    else:
        payload["r"] = return_number
    return signing.dumps(payload, salt=SALT, compress=True)


def link_read(token: str, *, store_id: int, now: dt.datetime) -> LinkGrant | None:
    """What ``token`` opens in store ``store_id`` at ``now``; None if tampered, expired, for
    another store, or not one of ours."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("s") != store_id:
        return None
    expires = payload.get("e")
    if not isinstance(expires, int) or now.timestamp() >= expires:
        return None
    order_id, number = payload.get("o"), payload.get("r")
    if isinstance(order_id, int):
        return LinkGrant(store_id=store_id, order_id=order_id)
    if isinstance(number, str) and number:
        return LinkGrant(store_id=store_id, return_number=number)
    return None
