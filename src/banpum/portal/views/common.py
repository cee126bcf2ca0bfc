"""What every portal page needs: its store, and the order the session found."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest

from banpum.commerce.models import Store
from banpum.portal import session
from banpum.portal.orders import OrderView, order_view


def store_of(slug: str) -> Store:
    store = Store.objects.filter(slug=slug).first()
    if store is None:
        raise Http404
    return store


def found_order(request: HttpRequest, store: Store, now: dt.datetime) -> OrderView | None:
    """The order the session found in ``store``, if it is still open."""
    order_id = session.order_found(request, store, now=now)
    if order_id is None:
        return None
    return order_view(store, order_id)
