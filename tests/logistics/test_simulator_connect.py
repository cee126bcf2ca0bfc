"""``simulator_accounts_connect``: point simulator-linked accounts' webhooks at us."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from banpum.integrations.carriers.simulator_server import CarrierSimulator
from banpum.logistics.gateways import simulator_accounts_connect
from banpum.logistics.models import CarrierAccount
from tests.logistics.helpers import linked_account

pytestmark = pytest.mark.django_db


def registered(account: CarrierAccount) -> dict[str, Any]:
    response = httpx.get(
        f"{account.api_base_url}/v1/webhook",
        headers={"Authorization": f"Bearer {account.credentials['api_key']}"},
    )
    return dict(response.json())


def test_each_active_simulator_account_gets_its_own_webhook(
    store: Any, simulator: CarrierSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    first = linked_account(store, simulator)
    second = linked_account(store, simulator, name="둘째", is_default=False)
    no_secret = linked_account(store, simulator, name="비밀 없음", is_default=False)
    CarrierAccount.objects.filter(pk=no_secret.pk).update(webhook_secret="")
    inactive = linked_account(store, simulator, name="쉬는 계정", is_default=False)
    CarrierAccount.objects.filter(pk=inactive.pk).update(is_active=False)
    unreachable = linked_account(store, "http://127.0.0.1:9", name="꺼짐", is_default=False)

    with caplog.at_level(logging.WARNING, logger="banpum.logistics.gateways"):
        assert simulator_accounts_connect(public_url="http://shop.test/") == 2

    for account in (first, second):
        assert registered(account) == {
            "url": f"http://shop.test/hooks/carriers/{account.pk}/tracking",
            "registered": True,
        }
    for account in (no_secret, inactive):
        assert registered(account) == {"url": "", "registered": False}
    assert f"could not register the webhook of {unreachable}" in caplog.text
