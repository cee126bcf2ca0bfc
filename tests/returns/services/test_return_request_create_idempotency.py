"""``return_request_create(idempotency_key=…)``: a repeated submit opens nothing new."""

from __future__ import annotations

from typing import Any

import pytest

from banpum.core.errors import Conflict, ValidationFailed
from banpum.returns.models import ReturnRequest
from tests.factories import make_order, make_policy
from tests.returns.helpers import number_of, open_return

pytestmark = pytest.mark.django_db


def test_the_same_key_answers_the_first_return(order: Any) -> None:
    first = open_return(order, create_kwargs={"idempotency_key": "form-1"})
    again = open_return(order, create_kwargs={"idempotency_key": "form-1"})
    assert again.pk == first.pk
    assert ReturnRequest.objects.filter(order=order).count() == 1
    assert first.idempotency_key == "form-1"


def test_other_keys_and_no_key_open_returns_of_their_own(order: Any) -> None:
    open_return(order, create_kwargs={"idempotency_key": "form-1"})
    open_return(order, create_kwargs={"idempotency_key": "form-2"})
    assert ReturnRequest.objects.filter(order=order).count() == 2
    # Both units are claimed now; without a key nothing answers for a repeat.
    with pytest.raises(ValidationFailed):
        open_return(order)


def test_a_key_used_for_another_order_is_a_conflict(order: Any, store: Any) -> None:
    first = open_return(order, create_kwargs={"idempotency_key": "form-1"})
    other = make_order(store=store)
    with pytest.raises(Conflict) as raised:
        open_return(other, create_kwargs={"idempotency_key": "form-1"})
    assert raised.value.code == "idempotency_key_reused"
    assert number_of(first) in raised.value.message
    assert not ReturnRequest.objects.filter(order=other).exists()


def test_keys_are_per_store(order: Any) -> None:
    elsewhere = make_order()  # another store
    make_policy(elsewhere.store)
    open_return(order, create_kwargs={"idempotency_key": "form-1"})
    open_return(elsewhere, create_kwargs={"idempotency_key": "form-1"})
    assert ReturnRequest.objects.filter(idempotency_key="form-1").count() == 2


def test_an_overlong_key_is_refused(order: Any) -> None:
    with pytest.raises(ValidationFailed) as raised:
        open_return(order, create_kwargs={"idempotency_key": "k" * 65})
    assert "idempotency_key" in raised.value.extra["fields"]
