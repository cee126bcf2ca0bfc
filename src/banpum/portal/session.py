"""What a shopper's browser session may see: the order they found, the returns they opened.

No account: finding an order (number + phone or email) or opening a signed link puts it in the
session for ``BANPUM_PORTAL_SESSION_MINUTES``; every portal page of that store reads it from
here and answers 404 for anything else. One bucket per store, so a session that found an order
in one store sees nothing of another. The return being asked for (the wizard's answers) lives
beside the order it is for and is dropped with it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from banpum.commerce.models import Store

KEY = "banpum_portal"


def _lifetime() -> dt.timedelta:
    return dt.timedelta(minutes=settings.BANPUM_PORTAL_SESSION_MINUTES)


def _buckets(request: HttpRequest) -> dict[str, Any]:
    found = request.session.get(KEY)
    return found if isinstance(found, dict) else {}


def _bucket(request: HttpRequest, store: Store) -> dict[str, Any]:
    found = _buckets(request).get(str(store.pk))
    return found if isinstance(found, dict) else {}


def _save(request: HttpRequest, store: Store, bucket: dict[str, Any]) -> None:
    buckets = _buckets(request)
    buckets[str(store.pk)] = bucket
    request.session[KEY] = buckets
    request.session.modified = True


def _valid(until: object, now: dt.datetime) -> bool:
    if not isinstance(until, str):
        return False
    try:
        return now < dt.datetime.fromisoformat(until)
    except ValueError:
        return False


def order_open(request: HttpRequest, store: Store, order_id: int, *, now: dt.datetime) -> None:
    """The shopper proved the order is theirs: open it (a new order starts a new draft)."""
    bucket = _bucket(request, store)
    if bucket.get("order") != order_id:
        bucket = {"returns": bucket.get("returns", {})}
    bucket["order"] = order_id
    bucket["until"] = (now + _lifetime()).isoformat()
    # A new session key at the moment of proof, as at a sign-in (session fixation).
    request.session.cycle_key()
    _save(request, store, bucket)


def order_found(request: HttpRequest, store: Store, *, now: dt.datetime) -> int | None:
    """The order this session may see in ``store`` now, if any."""
    bucket = _bucket(request, store)
    order_id = bucket.get("order")
    if isinstance(order_id, int) and _valid(bucket.get("until"), now):
        return order_id
    return None


def return_grant(request: HttpRequest, store: Store, number: str, *, now: dt.datetime) -> None:
    """This session may see return ``number`` (it opened it, or came by its signed link)."""
    bucket = _bucket(request, store)
    returns = bucket.get("returns")
    returns = returns if isinstance(returns, dict) else {}
    returns[number] = (now + _lifetime()).isoformat()
    bucket["returns"] = returns
    _save(request, store, bucket)


def return_granted(request: HttpRequest, store: Store, number: str, *, now: dt.datetime) -> bool:
    returns = _bucket(request, store).get("returns")
    return isinstance(returns, dict) and _valid(returns.get(number), now)


def draft_get(request: HttpRequest, store: Store) -> dict[str, Any]:
    draft = _bucket(request, store).get("draft")
    return draft if isinstance(draft, dict) else {}


def draft_set(request: HttpRequest, store: Store, draft: dict[str, Any]) -> None:
    bucket = _bucket(request, store)
    bucket["draft"] = draft
    _save(request, store, bucket)


def draft_clear(request: HttpRequest, store: Store) -> None:
    bucket = _bucket(request, store)
    bucket.pop("draft", None)
    _save(request, store, bucket)


def forget(request: HttpRequest, store: Store) -> None:
    """Close the order (the shopper is done, or it expired); the returns seen stay open."""
    bucket = _bucket(request, store)
    for key in ("order", "until", "draft"):
        bucket.pop(key, None)
    _save(request, store, bucket)
