from __future__ import annotations

from typing import Any

import pytest

from banpum.accounts.models import StoreMembership
from banpum.core.actors import Actor
from tests.factories import make_order


@pytest.fixture
def cs_agent(django_user_model: Any, store: Any) -> Actor:
    user = django_user_model.objects.create_user(username="cs-kim", password=None)
    return Actor.staff(
        user, StoreMembership.objects.create(user=user, store=store, role="cs_agent")
    )


@pytest.fixture
def order(store: Any) -> Any:
    """Two units at 10,000 each, 3,000 shipping paid, delivered two days ago."""
    return make_order(store=store, lines=[{"quantity": 2, "unit_price": 10000}])
