"""Store memberships, and API key issue and check."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from banpum.accounts import errors
from banpum.accounts.capabilities import Role
from banpum.accounts.models import ApiKey, StoreMembership
from banpum.commerce.models import Store

KEY_PREFIX = "bp"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def store_membership_set(*, user: Any, store: Store, role: Role | str) -> StoreMembership:
    """Give ``user`` ``role`` in ``store`` (one membership per user and store).

    Called by the CLI, the demo and the superusers' admin; the staff screens will check
    ``Capability.USERS_MANAGE`` of their actor before calling it.
    """
    try:
        role = Role(role)
    except ValueError:
        raise errors.ROLE_UNKNOWN.field("role", roles=", ".join(Role)) from None
    membership, _ = StoreMembership.objects.select_for_update().update_or_create(
        user=user, store=store, defaults={"role": role.value}
    )
    return membership


def api_key_create(
    *,
    store: Store,
    name: str = "",
    raw: str | None = None,
    acts_for: StoreMembership | None = None,
) -> tuple[ApiKey, str]:
    """A new key for ``store``; the raw key is returned once and never stored.

    ``acts_for`` makes the key act for a staff member of the same store. ``raw`` lets the demo
    install a documented key; anything else should let it be generated.
    """
    if acts_for is not None and acts_for.store_id != store.pk:
        raise errors.KEY_ACTS_FOR_OTHER_STORE.field("acts_for")
    if raw is None:
        raw = f"{KEY_PREFIX}_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or len(parts[2]) < 16:
        raise ValueError("API keys look like bp_<prefix>_<secret of 16+ characters>")
    key = ApiKey.objects.create(
        store=store, name=name, prefix=parts[1], digest=_digest(raw), acts_for=acts_for
    )
    return key, raw


def api_key_authenticate(raw: str) -> ApiKey | None:
    """The live key matching ``raw``, or None. One indexed lookup, constant-time compare.

    A key acting for a person stops working when that person is deactivated.
    """
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    key = (
        ApiKey.objects.select_related("store", "acts_for__user")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.digest, _digest(raw.strip())):
        return None
    if key.acts_for is not None and not key.acts_for.user.is_active:
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        # Touch at most once a minute so busy clients do not turn every read into a write.
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key
