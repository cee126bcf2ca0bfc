"""Policy writes. A policy is never edited in place: every change is a new version."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from pydantic import ValidationError

from banpum.commerce.models import Store
from banpum.core.errors import ValidationFailed
from banpum.core.validation import validation_message
from banpum.policy.models import ReturnPolicy
from banpum.policy.schemas import PolicyRulesSchema, default_rules_document

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
