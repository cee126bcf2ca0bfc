"""Pick the adapter for a carrier account: the simulator, a real carrier API, or none."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from banpum.integrations.carriers.base import CarrierGateway

if TYPE_CHECKING:
    from banpum.logistics.models import CarrierAccount


def gateway_for(account: CarrierAccount) -> CarrierGateway | None:
    """The account's gateway, or None for an unlinked (manual) account."""
    from banpum.logistics.models import Gateway

    credentials = account.credentials or {}
    if account.gateway == Gateway.SIMULATOR:
        from banpum.integrations.carriers.simulator import SimulatorGateway

        return SimulatorGateway(
            account.api_base_url, str(credentials.get("api_key", "")), timeout=5.0
        )
    if account.gateway == Gateway.CJ:
        from banpum.integrations.carriers.cj import CjGateway

        return CjGateway(
            _cj_api(account.api_base_url),
            customer_id=str(credentials.get("customer_id", account.customer_code)),
            biz_reg_num=str(credentials.get("biz_reg_num", "")),
        )
    return None


@lru_cache(maxsize=32)
def _cj_api(base_url: str) -> Any:
    """One client per CJ endpoint, so its day-long token is shared by every job."""
    from banpum.integrations.carriers.cj_api import CjApi

    return CjApi(base_url) if base_url else CjApi()
