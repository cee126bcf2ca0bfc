"""Fixtures for the commerce tests: the test store's sales channels."""

from __future__ import annotations

import pytest

from banpum.commerce.models import SalesChannel, Store
from tests.factories import ChannelFactory


@pytest.fixture
def channel(store: Store) -> SalesChannel:
    return ChannelFactory(store=store, code="mall", name="자사몰")


@pytest.fixture
def coupang(store: Store) -> SalesChannel:
    return ChannelFactory(store=store, code="coupang", kind=SalesChannel.Kind.COUPANG)
