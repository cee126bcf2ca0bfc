"""Pick the payment adapter for a store's account: the simulator, Toss, or none.

It reads a ``PaymentAccount`` row, so it belongs to settlement; ``integrations.payments`` hold
the adapters and know no domain model. Both the simulator and Toss speak Toss's API, so one
adapter serves both, pointed at the account's base URL.
"""

from __future__ import annotations

from django.conf import settings

from banpum.core.crypto import Secret
from banpum.integrations.payments.base import PaymentGateway
from banpum.settlement.models import PaymentAccount, PaymentProvider

TOSS_BASE_URL = "https://api.tosspayments.com"


def payment_timeout_seconds() -> float:
    """Seconds a payment call may take before it counts as a timeout (maybe applied)."""
    return float(settings.BANPUM_PAYMENTS_TIMEOUT_SECONDS)


def gateway_for(account: PaymentAccount | None) -> PaymentGateway | None:
    """The account's gateway, or None when the store has no active payment account."""
    if account is None or not account.is_active:
        return None
    from banpum.integrations.payments import toss  # type: ignore[attr-defined,unused-ignore]

    if account.provider == PaymentProvider.TOSS:
        base_url = TOSS_BASE_URL  # never elsewhere: the secret travels in the header
    else:
        # Blank: the simulator `banpum serve` runs, read at call time (the demo's seeding
        # starts one of its own).
        base_url = account.base_url or str(settings.BANPUM_PAYMENTS_SIMULATOR_URL)
    secret = account.secret_key
    # A row just saved still holds the text it was given; a loaded one holds a Secret.
    secret_key = secret.reveal() if isinstance(secret, Secret) else str(secret or "")
    gateway: PaymentGateway = toss.TossPayments(
        secret_key=secret_key, base_url=base_url, timeout=payment_timeout_seconds()
    )
    return gateway
