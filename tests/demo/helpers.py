"""Shared by the demo tests: the fixed clock, a free port, row counts."""

from __future__ import annotations

import datetime as dt
import socket
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model

from banpum.accounts.models import ApiKey
from banpum.commerce.models import (
    Customer,
    Order,
    OrderLine,
    Product,
    SalesChannel,
    Shipment,
    Store,
)
from banpum.demo.seed import DemoSummary
from banpum.logistics.models import CarrierAccount, CarrierRule, Pickup, TrackingEvent
from banpum.policy.models import ReturnPolicy
from banpum.returns.models import ReturnEvent, ReturnLine, ReturnRequest

# A fixed clock whose 120-day history spans 추석 2025 (5-8 October) and its substitute holiday.
NOW = dt.datetime(2025, 10, 20, 5, 0, tzinfo=dt.UTC)
ORDERS, RETURNS = 120, 40  # the size of the store the read-only tests share
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MODELS = (
    Store,
    SalesChannel,
    Product,
    Customer,
    Order,
    OrderLine,
    Shipment,
    ReturnPolicy,
    ReturnRequest,
    ReturnLine,
    ReturnEvent,
    ApiKey,
    CarrierAccount,
    CarrierRule,
    Pickup,
    TrackingEvent,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def row_counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts["User"] = get_user_model().objects.count()
    return counts


@dataclass(frozen=True)
class Seeded:
    """The shared demo store: its summary, and where its carrier simulator lived."""

    summary: DemoSummary
    var_dir: Path
    port: int
