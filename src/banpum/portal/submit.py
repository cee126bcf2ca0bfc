"""Sending the shopper's answers: the return opened and, for a transfer, its refund account.

One transaction for both, so a shopper never ends with a return whose refund has nowhere to
go: the account was checked on its own screen, and a refusal here undoes the return too.
Everything else (the policy's decision, auto-approval, the pickup booked from the address and
day the shopper chose, the photos attached) happens inside ``return_request_create``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from banpum.core.actors import Actor
from banpum.policy.types import Method
from banpum.portal.draft import Draft, Needs, steps_for
from banpum.portal.orders import OrderView
from banpum.returns.models import Origin, ReturnRequest
from banpum.returns.services import return_request_create
from banpum.settlement.services.refund_accounts import refund_account_set


def customer_actor(view: OrderView) -> Actor:
    """The shopper as the return's events record them, acting only in this store."""
    customer = view.order.customer
    label = customer.name if customer is not None and customer.name else view.order.shipping_name
    return Actor.customer(label or "customer", store_id=view.order.store_id)


def portal_return_submit(
    *, view: OrderView, draft: Draft, needs: Needs, now: dt.datetime
) -> ReturnRequest:
    actor = customer_actor(view)
    steps = steps_for(draft, needs)
    with transaction.atomic():
        created = return_request_create(
            order=view.order,
            ask=draft.ask(),
            origin=Origin.CUSTOMER,
            actor=actor,
            reason_detail=draft.reason_detail,
            pickup=draft.wish if draft.method == Method.CARRIER_PICKUP.value else None,
            replacements=draft.replacements_asked(),
            photo_ids=draft.photo_ids if "photos" in steps else (),
            now=now,
        )
        if "account" in steps and draft.account:
            refund_account_set(
                return_request=created,
                bank_code=draft.account.get("bank_code", ""),
                account_number=draft.account.get("account_number", ""),
                holder_name=draft.account.get("holder_name", ""),
                actor=actor,
                now=now,
            )
    return created
