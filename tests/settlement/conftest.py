from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from banpum.settlement import gateways
from banpum.settlement.models import PaymentAccount
from tests.settlement.fakes import FakeGateway


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, store: Any) -> FakeGateway:
    """The store's payment account, answered by an in-memory fake gateway."""
    fake = FakeGateway()
    PaymentAccount.objects.create(
        store=store,
        provider="simulator",
        base_url="http://127.0.0.1:1",
        secret_key="test_sk_secret",
        updated_at=timezone.now(),
    )
    monkeypatch.setattr(gateways, "gateway_for", lambda account: fake if account else None)
    return fake
