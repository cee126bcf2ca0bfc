"""Policy writes. A policy is never edited in place: every change is a new version."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from pydantic import ValidationError

from banpum.commerce.models import Store
from banpum.core.errors import ValidationFailed
from banpum.core.validation import validation_message
from banpum.policy import errors
from banpum.policy.calendar import public_holiday_name
from banpum.policy.contacts import normalise
from banpum.policy.models import BlocklistEntry, ExtraHoliday, ReturnPolicy
from banpum.policy.schemas import PolicyRulesSchema, default_rules_document
from banpum.policy.texts import BLOCKLIST_KIND_LABELS, label
from banpum.policy.types import BlocklistKind

logger = logging.getLogger(__name__)


def pydantic_field_errors(error: ValidationError, prefix: str = "") -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for item in error.errors():
        path = ".".join(str(part) for part in (prefix, *item["loc"]) if part != "")
        fields.setdefault(path or "__all__", []).append(validation_message(item))
    return fields


def policy_rules_validate(rules: dict[str, Any]) -> dict[str, Any]:
    """Validated, normalised rules document, or ``ValidationFailed`` naming each bad field."""
    try:
        return PolicyRulesSchema.model_validate(rules).model_dump(mode="json")
    except ValidationError as error:
        raise ValidationFailed.for_fields(pydantic_field_errors(error, "rules")) from error


@transaction.atomic
def policy_version_create(
    *,
    store: Store,
    rules: dict[str, Any],
    note: str = "",
    actor: User | None = None,
) -> ReturnPolicy:
    document = policy_rules_validate(rules)
    # Lock the store row so two managers saving at once get versions n+1 and n+2.
    Store.objects.select_for_update().get(pk=store.pk)
    latest = ReturnPolicy.objects.filter(store=store).order_by("-version").first()
    policy = ReturnPolicy.objects.create(
        store=store,
        version=(latest.version + 1) if latest else 1,
        rules=document,
        note=note,
        created_by=actor if actor is not None and actor.pk else None,
    )
    logger.info("policy version created store=%s version=%s", store.slug, policy.version)
    return policy


def policy_ensure_default(*, store: Store) -> ReturnPolicy:
    existing = ReturnPolicy.objects.filter(store=store).order_by("-version").first()
    if existing is not None:
        return existing
    return policy_version_create(
        store=store, rules=default_rules_document(), note="Default Korean policy"
    )


# --- The blocklist and the extra holidays -----------------------------------------------------
# Settings of the store, like its policy: the caller checks the actor's capability (the API
# does it in ``returns.store_settings``, which also sees the returns a holiday moves).


def _person(user: Any) -> User | None:
    return user if isinstance(user, User) and user.pk else None


def blocklist_value_clean(kind: BlocklistKind, value: str) -> str:
    """The normalised value, or ``ValidationFailed`` on ``value`` saying what is wrong."""
    cleaned = normalise(kind, value)
    if kind is BlocklistKind.PHONE and not cleaned:
        raise errors.PHONE_EMPTY.field("value")
    if kind is BlocklistKind.ADDRESS and not cleaned:
        raise errors.ADDRESS_EMPTY.field("value")
    if kind is BlocklistKind.EMAIL:
        try:
            validate_email(cleaned)
        except DjangoValidationError:
            raise errors.EMAIL_INVALID.field("value") from None
    return cleaned


def blocklist_entry_add(
    *,
    store: Store,
    kind: BlocklistKind,
    value: str,
    reason: str = "",
    created_by: Any = None,
    now: dt.datetime,
) -> BlocklistEntry:
    """Put a phone, email or address on the store's blocklist; 409 when it is there already."""
    kind = BlocklistKind(kind)
    cleaned = blocklist_value_clean(kind, value)
    duplicate = errors.BLOCKLIST_DUPLICATE(
        kind=label(BLOCKLIST_KIND_LABELS, kind.value), extra={"kind": kind.value}
    )
    if BlocklistEntry.objects.filter(store=store, kind=kind, value=cleaned).exists():
        raise duplicate
    try:
        with transaction.atomic():
            entry = BlocklistEntry.objects.create(
                store=store,
                kind=kind.value,
                value=cleaned,
                reason=reason.strip(),
                created_by=_person(created_by),
                created_at=now,
            )
    except IntegrityError:
        raise duplicate from None  # added by someone else in the meantime
    logger.info("blocklist entry added store=%s kind=%s id=%s", store.slug, kind, entry.pk)
    return entry


def blocklist_entry_remove(*, entry: BlocklistEntry) -> None:
    logger.info("blocklist entry removed store=%s id=%s", entry.store_id, entry.pk)
    entry.delete()


def extra_holiday_add(
    *, store: Store, day: dt.date, name: str, created_by: Any = None, now: dt.datetime
) -> ExtraHoliday:
    """Declare ``day`` a holiday of the store; 409 when it is one already (public or extra).

    Returns whose refund is due already are the caller's to move (``returns``).
    """
    name = name.strip()
    if not name:
        raise errors.HOLIDAY_NAME_EMPTY.field("name")
    public = public_holiday_name(day, store.country)
    if public is not None:
        raise errors.HOLIDAY_IS_PUBLIC(
            date=day.isoformat(), name=public, extra={"date": day.isoformat(), "name": public}
        )
    duplicate = errors.HOLIDAY_DUPLICATE(date=day.isoformat(), extra={"date": day.isoformat()})
    if ExtraHoliday.objects.filter(store=store, date=day).exists():
        raise duplicate
    try:
        with transaction.atomic():
            holiday = ExtraHoliday.objects.create(
                store=store, date=day, name=name, created_by=_person(created_by), created_at=now
            )
    except IntegrityError:
        raise duplicate from None
    logger.info("extra holiday added store=%s date=%s", store.slug, day)
    return holiday


def extra_holiday_remove(*, holiday: ExtraHoliday) -> None:
    logger.info("extra holiday removed store=%s date=%s", holiday.store_id, holiday.date)
    holiday.delete()
