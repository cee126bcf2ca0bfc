"""Pick the adapter for a carrier account: the simulator, a real carrier API, or none.

It reads a ``CarrierAccount`` row, so it belongs to logistics: ``integrations`` hold the
adapters and know no domain model.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from django.conf import settings

from banpum.integrations.carriers.base import CarrierGateway
from banpum.logistics.models import CarrierAccount, Gateway

logger = logging.getLogger(__name__)

#: Seconds a carrier call may take before it counts as a (retryable) timeout. A job holds a
#: worker thread for that long, so keep it short; ``BANPUM_CARRIER_TIMEOUT_SECONDS`` overrides.
DEFAULT_TIMEOUT_SECONDS = 5.0


def carrier_timeout_seconds() -> float:
    return float(getattr(settings, "BANPUM_CARRIER_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))


def gateway_for(account: CarrierAccount | None) -> CarrierGateway | None:
    """The account's gateway, or None for an unlinked (manual) account or none at all.

    A simulator gateway owns an HTTP client: close it after use (``gateway_open`` does).
    """
    if account is None:
        return None
    credentials = account.credentials or {}
    if account.gateway == Gateway.SIMULATOR:
        from banpum.integrations.carriers.simulator import SimulatorGateway

        return SimulatorGateway(
            account.api_base_url,
            str(credentials.get("api_key", "")),
            timeout=carrier_timeout_seconds(),
        )
    if account.gateway == Gateway.CJ:
        from banpum.integrations.carriers.cj import CjGateway

        return CjGateway(
            _cj_api(account.api_base_url),
            customer_id=str(credentials.get("customer_id", account.customer_code)),
            biz_reg_num=str(credentials.get("biz_reg_num", "")),
        )
    return None


@contextmanager
def gateway_open(account: CarrierAccount | None) -> Iterator[CarrierGateway | None]:
    """``gateway_for`` for one job, with the gateway's own connections closed afterwards.

    The CJ client is shared (its day-long token is) and has no ``close``; it stays open.
    """
    gateway = gateway_for(account)
    try:
        yield gateway
    finally:
        close = getattr(gateway, "close", None)
        if callable(close):
            close()


@lru_cache(maxsize=32)
def _cj_api(base_url: str) -> Any:
    """One client per CJ endpoint, so its day-long token is shared by every job."""
    from banpum.integrations.carriers.cj_api import CjApi

    return CjApi(base_url) if base_url else CjApi()


def simulator_accounts_connect(*, public_url: str) -> int:
    """Point every simulator-linked account's tracking webhook at this server.

    ``banpum serve`` calls it on start, and ``banpum demo`` when a simulator already runs.
    """
    from banpum.integrations.carriers.simulator import SimulatorGateway

    connected = 0
    for account in CarrierAccount.objects.filter(gateway=Gateway.SIMULATOR, is_active=True):
        if not account.webhook_secret or not account.api_base_url:
            continue
        url = f"{public_url.rstrip('/')}/hooks/carriers/{account.pk}/tracking"
        with SimulatorGateway(
            account.api_base_url, str((account.credentials or {}).get("api_key", ""))
        ) as gateway:
            error = gateway.register_webhook(url, account.webhook_secret)
        if error is None:
            connected += 1
        else:
            logger.warning("could not register the webhook of %s: %s", account, error.message)
    return connected
