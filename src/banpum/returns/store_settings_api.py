"""/api/v1/policy/blocklist and /api/v1/policy/holidays: the store's settings a manager keeps.

Mounted under the policy router's path by the composition (``banpum.server.api``): the data is
policy's, but the commands check capabilities (``accounts``) and move returns' refund due dates,
which only an app above policy may do (``returns.store_settings``).

No ``from __future__ import annotations``: ninja resolves parameter annotations at runtime.
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.api_context import request_store
from banpum.core.api_context import request_actor
from banpum.core.pagination import Pages
from banpum.core.schemas import InDate, errors
from banpum.policy import selectors
from banpum.policy.models import BlocklistEntry, ExtraHoliday
from banpum.policy.schemas import (
    BlocklistEntryIn,
    BlocklistEntryOut,
    ExtraHolidayIn,
    ExtraHolidayOut,
)
from banpum.returns import store_settings

router = Router(tags=["policy"])


@router.get(
    "/blocklist",
    response={200: list[BlocklistEntryOut], **errors(403)},
    summary="The store's blocklist, newest first",
)
@paginate(Pages, ordering=("-id",))
def list_blocklist(request: HttpRequest) -> Any:
    """Returns of a customer whose phone, email or shipping address is listed are held
    (hold reason ``blocklisted``). Personal data: managers only."""
    store = request_store(request)
    actor_require(request_actor(request), store.pk, Capability.BLOCKLIST_MANAGE)
    return selectors.blocklist_entry_list(store=store).select_related("created_by")


@router.post(
    "/blocklist",
    response={201: BlocklistEntryOut, **errors(403, 409)},
    summary="Put a phone, email or address on the blocklist",
)
def add_blocklist_entry(request: HttpRequest, payload: BlocklistEntryIn) -> Status[BlocklistEntry]:
    """422 for an email that is not one or a phone without digits; 409 when already listed."""
    entry = store_settings.store_blocklist_add(
        store=request_store(request),
        actor=request_actor(request),
        kind=payload.kind,
        value=payload.value,
        reason=payload.reason,
        now=timezone.now(),
    )
    return Status(201, entry)


@router.delete(
    "/blocklist/{entry_id}",
    response={204: None, **errors(403, 404)},
    summary="Take an entry off the blocklist",
)
def remove_blocklist_entry(request: HttpRequest, entry_id: int) -> Status[None]:
    store_settings.store_blocklist_remove(
        store=request_store(request), actor=request_actor(request), entry_id=entry_id
    )
    return Status(204, None)


@router.get(
    "/holidays",
    response=list[ExtraHolidayOut],
    summary="The store's extra holidays (임시공휴일), earliest first",
)
@paginate(Pages, ordering=("date",))
def list_holidays(request: HttpRequest) -> Any:
    """Days off the public calendar does not know yet; business-day deadlines skip them."""
    return selectors.extra_holiday_list(store=request_store(request)).select_related("created_by")


@router.post(
    "/holidays",
    response={201: ExtraHolidayOut, **errors(403, 409)},
    summary="Add a holiday; received returns' refund due dates move",
)
def add_holiday(request: HttpRequest, payload: ExtraHolidayIn) -> Status[ExtraHoliday]:
    """409 ``holiday_is_public`` for a day that is a public holiday already, ``holiday_duplicate``
    for one added before."""
    holiday = store_settings.store_holiday_add(
        store=request_store(request),
        actor=request_actor(request),
        day=payload.date,
        name=payload.name,
        now=timezone.now(),
    )
    return Status(201, holiday)


@router.delete(
    "/holidays/{day}",
    response={204: None, **errors(403, 404, 422)},
    summary="Remove a holiday; the due dates it moved move back",
)
def remove_holiday(request: HttpRequest, day: InDate) -> Status[None]:
    store_settings.store_holiday_remove(
        store=request_store(request), actor=request_actor(request), day=day, now=timezone.now()
    )
    return Status(204, None)
