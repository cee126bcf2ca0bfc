from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from banpum.accounts.models import ApiKey
from banpum.accounts.services import api_key_authenticate, api_key_create, api_key_revoke
from tests.factories import StoreFactory

pytestmark = pytest.mark.django_db


def test_create_api_key_prints_the_key_alone(store: Any) -> None:
    out = io.StringIO()
    call_command("create_api_key", store.slug, "--name", "ERP", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("bp_")
    assert "\n" not in raw
    key = api_key_authenticate(raw)
    assert key is not None
    assert key.store == store
    assert key.name == "ERP"
    stored = ApiKey.objects.get()
    assert raw not in (stored.digest, stored.prefix)  # never stored in the clear
    assert len(stored.digest) == 64


def test_create_api_key_for_an_unknown_store_names_the_known_ones(store: Any) -> None:
    with pytest.raises(CommandError, match=r"No store with slug 'nope'.*test-store"):
        call_command("create_api_key", "nope")


def test_a_wrong_or_revoked_key_does_not_authenticate(store: Any) -> None:
    key, raw = api_key_create(store=store)
    assert api_key_authenticate(raw[:-1] + ("x" if raw[-1] != "x" else "y")) is None
    assert api_key_authenticate("not-a-key") is None
    api_key_revoke(key=key)
    assert api_key_authenticate(raw) is None


def test_a_key_only_sees_its_own_store(store: Any) -> None:
    other = StoreFactory(slug="other")
    _, raw = api_key_create(store=other)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/returns").json()["results"] == []


def test_documented_demo_key_shape_is_accepted(store: Any) -> None:
    _, raw = api_key_create(store=store, raw="bp_demo_banpumdemokey0000000000")
    assert api_key_authenticate(raw) is not None


def test_malformed_raw_key_is_refused(store: Any) -> None:
    with pytest.raises(ValueError, match="bp_<prefix>_<secret"):
        api_key_create(store=store, raw="bp_short_x")
