"""Store memberships, and API key issue and check."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from banpum.accounts import errors
from banpum.accounts.capabilities import (
    ROLE_CAPABILITIES,
    Capability,
    Role,
    actor_capabilities,
    actor_require,
)
from banpum.accounts.models import ApiKey, StoreMembership
from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.core.errors import ValidationFailed

logger = logging.getLogger(__name__)

KEY_PREFIX = "bp"
USERNAME_MAX = 150  # django.contrib.auth's User.username


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


def api_key_revoke(*, key: ApiKey, now: dt.datetime | None = None) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = now or timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


# --- The office's people and API key pages ------------------------------------------------------
# Each command checks its actor's capability in the store, whatever the page already checked,
# and looks its objects up within the store: another store's member or key is "not found".


def _role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise errors.ROLE_UNKNOWN.field("role", roles=", ".join(Role)) from None


def _may_handle(actor: Actor, store: Store, *roles: Role) -> None:
    """A role is handed out (or taken away) only by someone who holds all it allows.

    A manager manages cs agents, warehouse staff and managers; only an admin makes, changes
    or removes an admin, so no one can raise anyone (themselves included) above their own role.
    """
    own = actor_capabilities(actor, store.pk)
    if any(not ROLE_CAPABILITIES[role] <= own for role in roles):
        raise errors.ROLE_ABOVE_OWN()
    # The admin role is the top of the store whatever the table gives a manager today.
    if Role.ADMIN in roles and actor.role and actor.role != Role.ADMIN:
        raise errors.ROLE_ABOVE_OWN()


def _store_memberships_lock(store: Store) -> list[StoreMembership]:
    """The store's memberships, locked in one order, so two changes of people serialise and the
    last-admin check sees what the other one did."""
    return list(StoreMembership.objects.select_for_update().filter(store=store).order_by("pk"))


def _membership_of(memberships: list[StoreMembership], membership_id: int) -> StoreMembership:
    found = next((m for m in memberships if m.pk == membership_id), None)
    if found is None:
        raise errors.MEMBER_NOT_FOUND()
    return found


def _keeps_an_admin(memberships: list[StoreMembership], changed: StoreMembership) -> bool:
    return any(m.role == Role.ADMIN for m in memberships if m.pk != changed.pk)


@transaction.atomic
def store_member_add(
    *,
    store: Store,
    actor: Actor,
    username: str,
    role: Role | str,
    password: str | None = None,
) -> StoreMembership:
    """Give a person a role in the store: a new user when ``password`` is given, else the
    existing user called ``username``. The password must pass Django's password validators."""
    actor_require(actor, store.pk, Capability.USERS_MANAGE)
    role = _role(role)
    _may_handle(actor, store, role)
    username = username.strip()
    try:
        User.username_validator(username)
        if not username or len(username) > USERNAME_MAX:
            raise DjangoValidationError("length")
    except DjangoValidationError:
        raise errors.USERNAME_INVALID.field("username") from None
    _store_memberships_lock(store)
    if password:
        if User.objects.filter(username__iexact=username).exists():
            raise errors.USERNAME_TAKEN.field("username")
        candidate = User(username=username)
        try:
            validate_password(password, user=candidate)
        except DjangoValidationError as error:
            raise ValidationFailed.for_fields({"password": list(error.messages)}) from None
        user = User.objects.create_user(username=username, password=password)
    else:
        found = User.objects.filter(username=username, is_active=True).first()
        if found is None:
            raise errors.USER_NOT_FOUND.field("username")
        if StoreMembership.objects.filter(store=store, user=found).exists():
            raise errors.ALREADY_MEMBER.field("username", username=username)
        user = found
    membership = store_membership_set(user=user, store=store, role=role)
    logger.info("member added store=%s user=%s role=%s", store.slug, user.pk, role)
    return membership


@transaction.atomic
def store_member_role_change(
    *, store: Store, actor: Actor, membership_id: int, role: Role | str
) -> StoreMembership:
    """Change a member's role; never the store's last admin, never one's own right to manage
    people."""
    actor_require(actor, store.pk, Capability.USERS_MANAGE)
    role = _role(role)
    memberships = _store_memberships_lock(store)
    membership = _membership_of(memberships, membership_id)
    _may_handle(actor, store, role, Role(membership.role))
    if membership.role == role:
        return membership
    if _is_self(actor, membership) and Capability.USERS_MANAGE not in ROLE_CAPABILITIES[role]:
        raise errors.SELF_DEMOTION()
    if membership.role == Role.ADMIN and not _keeps_an_admin(memberships, membership):
        raise errors.LAST_ADMIN()
    changed = store_membership_set(user=membership.user, store=store, role=role)
    logger.info("member role changed store=%s membership=%s role=%s", store.slug, changed.pk, role)
    return changed


@transaction.atomic
def store_member_remove(*, store: Store, actor: Actor, membership_id: int) -> None:
    """Take a person out of the store (their API keys go with them); the user stays, for the
    events they signed and their other stores."""
    actor_require(actor, store.pk, Capability.USERS_MANAGE)
    memberships = _store_memberships_lock(store)
    membership = _membership_of(memberships, membership_id)
    _may_handle(actor, store, Role(membership.role))
    if _is_self(actor, membership):
        raise errors.SELF_DEMOTION()
    if membership.role == Role.ADMIN and not _keeps_an_admin(memberships, membership):
        raise errors.LAST_ADMIN()
    logger.info("member removed store=%s membership=%s", store.slug, membership.pk)
    membership.delete()


def _is_self(actor: Actor, membership: StoreMembership) -> bool:
    return actor.user is not None and membership.user_id == getattr(actor.user, "pk", None)


@transaction.atomic
def store_api_key_create(
    *, store: Store, actor: Actor, name: str, acts_for_id: int | None = None
) -> tuple[ApiKey, str]:
    """A new key of the store; the raw key is returned once (show it, never store it).

    A key acting for a member has that member's rights, so it is made only by someone who
    could give that role.
    """
    actor_require(actor, store.pk, Capability.API_KEYS_MANAGE)
    name = name.strip()
    if not name:
        raise errors.API_KEY_NAME_EMPTY.field("name")
    acts_for = None
    if acts_for_id is not None:
        acts_for = StoreMembership.objects.filter(store=store, pk=acts_for_id).first()
        if acts_for is None:
            raise errors.MEMBER_NOT_FOUND()
        _may_handle(actor, store, Role(acts_for.role))
    key, raw = api_key_create(store=store, name=name[:100], acts_for=acts_for)
    logger.info("api key created store=%s prefix=%s", store.slug, key.prefix)
    return key, raw


def store_api_key_revoke(*, store: Store, actor: Actor, key_id: int, now: dt.datetime) -> ApiKey:
    actor_require(actor, store.pk, Capability.API_KEYS_MANAGE)
    key = ApiKey.objects.filter(store=store, pk=key_id).first()
    if key is None:
        raise errors.API_KEY_NOT_FOUND()
    logger.info("api key revoked store=%s prefix=%s", store.slug, key.prefix)
    return api_key_revoke(key=key, now=now)
