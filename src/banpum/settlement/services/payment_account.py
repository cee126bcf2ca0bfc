"""A store's payment gateway credentials: replaced whole, the secret never read back."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.db import transaction

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.settlement import errors
from banpum.settlement.models import PaymentAccount, PaymentProvider


def _on_loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.hostname in ("127.0.0.1", "localhost", "::1")


@transaction.atomic
def payment_account_set(
    *,
    store: Store,
    provider: PaymentProvider,
    base_url: str,
    secret_key: str,
    actor: Actor,
    now: dt.datetime,
) -> PaymentAccount:
    actor_require(actor, store.pk, Capability.PAYMENTS_MANAGE)
    if not secret_key.strip():
        raise errors.SECRET_KEY_NEEDED.field("secret_key")
    if provider == PaymentProvider.SIMULATOR:
        # Blank: the simulator `banpum serve` starts (BANPUM_PAYMENTS_SIMULATOR_URL).
        if base_url and not _on_loopback(base_url):
            raise errors.BASE_URL_NOT_LOOPBACK.field("base_url")
    else:
        # Toss is reached at its one published address: a manager cannot send the secret
        # (in the Authorization header) anywhere else.
        base_url = ""
    account, _ = PaymentAccount.objects.update_or_create(
        store=store,
        defaults={
            "provider": provider,
            "base_url": base_url,
            "secret_key": secret_key.strip(),
            "is_active": True,
            "updated_at": now,
        },
    )
    return account


def payment_account_get(*, store: Store) -> PaymentAccount | None:
    """The store's account, if it has one (for its settings page: the secret stays sealed)."""
    return PaymentAccount.objects.filter(store=store).first()
