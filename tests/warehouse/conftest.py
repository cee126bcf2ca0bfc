from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from banpum.commerce.models import Order
from tests.factories import make_order
from tests.logistics.helpers import store_with_return_address


@pytest.fixture
def store(store: Any) -> Any:
    return store_with_return_address(store)


@pytest.fixture
def order(store: Any) -> Order:
    """Two units at 10,000 each with barcodes, delivered two days ago."""
    order = make_order(store=store, lines=[{"quantity": 2, "unit_price": 10000}])
    line = order.lines.get()
    assert line.product is not None
    line.product.barcode = "8801234567890"
    line.product.save(update_fields=["barcode"])
    return order


@pytest.fixture(autouse=True)
def photo_dir(settings: Any, tmp_path: Path) -> Path:
    """Inspection photos go to a fresh directory per test, never a developer's var/."""
    storages = dict(settings.STORAGES)
    storages["inspection_photos"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "photos")},
    }
    settings.STORAGES = storages
    return tmp_path / "photos"
