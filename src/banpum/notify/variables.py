"""The values a message's placeholders take, read from the return (and its event) once, in the
reader's language, when the message is created: a message says what was true then.

Words that belong to the return's story (an inspection's outcome, a carrier's exception) are
``returns.timeline``'s, so a shopper reads what the office's timeline says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from banpum.logistics.models import Pickup
from banpum.notify.catalogue import VARIABLES, NotifyEvent
from banpum.policy.deadlines import local_date
from banpum.policy.selectors import policy_rules
from banpum.policy.texts import money, reason_label
from banpum.returns import timeline
from banpum.returns.links import link_token
from banpum.returns.models import ReturnEvent, ReturnRequest
from banpum.settlement.models import DONE_STATUSES, Refund

UNASKED_PICKUP_DAY = gettext_lazy("the carrier's next round (usually the next business day)")


def absolute(path: str) -> str:
    return f"{settings.BANPUM_PUBLIC_URL.rstrip('/')}{path}"


def return_link(return_request: ReturnRequest, *, now: dt.datetime, next: str = "") -> str:
    """A signed, expiring link that opens the return in the portal (``?next=survey`` etc.)."""
    token = link_token(
        store_id=return_request.store_id, now=now, return_number=return_request.number
    )
    path = reverse("portal:open", kwargs={"slug": return_request.store.slug, "token": token})
    return absolute(path + (f"?next={next}" if next else ""))


def office_link(return_request: ReturnRequest | None = None) -> str:
    if return_request is None:
        return absolute(reverse("office:return-list"))
    return absolute(reverse("office:return-detail", kwargs={"number": return_request.number}))


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _pickup(return_request: ReturnRequest, data: Mapping[str, Any]) -> Pickup | None:
    pickups = Pickup.objects.filter(return_request=return_request)
    pickup_id = data.get("pickup_id")
    if isinstance(pickup_id, int):
        return pickups.filter(pk=pickup_id).first()
    return pickups.order_by("-id").first()


def _refunds_paid(return_request: ReturnRequest, at: dt.datetime) -> list[Refund]:
    return list(
        Refund.objects.filter(
            return_request=return_request, status__in=DONE_STATUSES, paid_at__lte=at
        ).order_by("id")
    )


def return_values(
    event: NotifyEvent,
    return_request: ReturnRequest,
    *,
    language: str,
    now: dt.datetime,
    source: ReturnEvent | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Every variable ``event`` declares, from the return and the event that made it."""
    wanted = VARIABLES[event]
    data: Mapping[str, Any] = source.data if source is not None and source.data else {}
    customer = return_request.customer
    values: dict[str, str] = {
        "return_number": return_request.number or "",
        "store_name": return_request.store.name,
        "customer_name": (customer.name if customer else "") or return_request.order.shipping_name,
    }
    with translation.override(language):
        if "status_link" in wanted:
            values["status_link"] = return_link(return_request, now=now)
        if "label_link" in wanted:
            values["label_link"] = return_link(return_request, now=now, next="label")
        if "survey_link" in wanted:
            values["survey_link"] = return_link(return_request, now=now, next="survey")
        if "office_link" in wanted:
            values["office_link"] = office_link(return_request)
        if {"pickup_date", "waybill", "carrier"} & wanted:
            pickup = _pickup(return_request, data)
            day = pickup.preferred_date if pickup else None
            # No day asked for: the carrier comes on its next round, which it does not tell.
            values["pickup_date"] = _date(day) if day else str(UNASKED_PICKUP_DAY)
            values["waybill"] = str(
                data.get("waybill_number") or (pickup.waybill_number if pickup else "") or ""
            )
            carrier = pickup.carrier if pickup else None
            fallback = ""
            if carrier is not None:
                fallback = carrier.name_ko if language == "ko" else carrier.name_en
            values["carrier"] = timeline.carrier_name(data) or fallback
        if "reason" in wanted:
            if event == NotifyEvent.RETURN_REJECTED and source is not None:
                values["reason"] = source.note
            elif source is not None:
                values["reason"] = timeline.event_text(source)
            else:
                values["reason"] = reason_label(
                    policy_rules(return_request.policy).reason(return_request.reason_code),
                    return_request.reason_code,
                )
        if "outcome" in wanted and source is not None:
            values["outcome"] = timeline.event_text(source)
        if {"amount", "method"} & wanted:
            refunds = _refunds_paid(return_request, source.at if source else now)
            if refunds:
                values["amount"] = money(sum(refund.amount for refund in refunds))
                values["method"] = ", ".join(
                    dict.fromkeys(str(refund.get_method_display()) for refund in refunds)
                )
            else:
                values["amount"] = money(return_request.refund_estimate)
        if "expected_date" in wanted:
            values["expected_date"] = _date(local_date(now, return_request.store.timezone))
        values.update(extra or {})
    return {name: value for name, value in values.items() if name in wanted}


def sample_values(event: NotifyEvent) -> dict[str, str]:
    """Stand-in values, for checking a template renders without a return at hand."""
    return {name: f"<{name}>" for name in VARIABLES[event]}
