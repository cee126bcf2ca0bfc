"""The office's writes: logging a reveal of personal data, and the log's retention purge.

A reveal is a read of a customer's details, but it is recorded first: ``personal_data_reveal``
checks the person may see the data, writes the log row and only then hands back the values,
so nothing is shown that the log does not hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from banpum.accounts.capabilities import Capability, actor_require
from banpum.core.actors import Actor
from banpum.office import errors
from banpum.office.models import DataKind, PersonalDataAccess, RevealReason
from banpum.returns.models import ReturnRequest
from banpum.settlement.selectors import refund_account_current

REASON_DETAIL_LIMIT = 200
# 개인정보의 안전성 확보조치 기준: access records are kept at least a year (two for large or
# sensitive sets); the purge never goes below this floor whatever the setting says.
RETENTION_FLOOR_DAYS = 365
RETENTION_DEFAULT_DAYS = 3 * 365


def personal_data_reveal(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    kinds: Iterable[str],
    reason: str,
    reason_detail: str = "",
    ip_address: str | None = None,
    now: dt.datetime,
) -> PersonalDataAccess:
    """Log that ``actor`` looks at ``kinds`` of the return's personal data; the caller then
    reads them (``selectors.personal_data_of``) with the row's ``kinds``."""
    actor_require(actor, return_request.store_id, Capability.PERSONAL_DATA_REVEAL)
    wanted = list(dict.fromkeys(kinds))
    if not wanted:
        raise errors.REVEAL_NOTHING_CHOSEN.field("kinds")
    for kind in wanted:
        if kind not in DataKind.values:
            raise errors.REVEAL_KIND_UNKNOWN.field("kinds", kind=kind)
    if DataKind.REFUND_ACCOUNT in wanted:
        actor_require(actor, return_request.store_id, Capability.REFUND_MANAGE)
    if reason not in RevealReason.values:
        raise errors.REVEAL_REASON_UNKNOWN.field("reason")
    detail = " ".join(reason_detail.split())
    if reason == RevealReason.OTHER and not detail:
        raise errors.REVEAL_DETAIL_MISSING.field("reason_detail")
    if len(detail) > REASON_DETAIL_LIMIT:
        raise errors.REVEAL_DETAIL_TOO_LONG.field("reason_detail", limit=REASON_DETAIL_LIMIT)
    if DataKind.REFUND_ACCOUNT in wanted and not refund_account_current(
        return_request=return_request
    ):
        raise errors.NO_REFUND_ACCOUNT(number=return_request.number)
    with transaction.atomic():
        return PersonalDataAccess.objects.create(
            store_id=return_request.store_id,
            return_request=return_request,
            user=actor.user if getattr(actor.user, "pk", None) else None,
            username=actor.label[:150],
            role=actor.role,
            kinds=wanted,
            reason=reason,
            reason_detail=detail,
            ip_address=ip_address or None,
            at=now,
        )


def retention_days() -> int:
    return int(getattr(settings, "BANPUM_ACCESS_LOG_RETENTION_DAYS", RETENTION_DEFAULT_DAYS))


def personal_data_log_purge(*, now: dt.datetime, days: int | None = None) -> int:
    """Delete log rows older than ``days`` (the setting by default); never younger than a year.

    The only deletion of the log; run by the ``access_log_purge`` command. Returns the count.
    """
    keep = retention_days() if days is None else days
    if keep < RETENTION_FLOOR_DAYS:
        raise errors.RETENTION_TOO_SHORT(days=RETENTION_FLOOR_DAYS)
    old = PersonalDataAccess.objects.filter(at__lt=now - dt.timedelta(days=keep))
    deleted, _ = old.delete()
    return deleted
