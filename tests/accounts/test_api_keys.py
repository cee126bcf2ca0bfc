from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from banpum.accounts.capabilities import Role
from banpum.accounts.models import ApiKey, StoreMembership
from banpum.accounts.services import (
    api_key_authenticate,
    api_key_create,
    api_key_revoke,
    store_membership_set,
)
from banpum.core.errors import ValidationFailed
from banpum.policy.types import Method
from banpum.returns.models import ReturnEvent
from tests.factories import StoreFactory, make_order
from tests.returns.helpers import open_return

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


@pytest.mark.usefixtures("english")
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


# Keys acting for a staff member.


def _member(store: Any, username: str, role: Role) -> StoreMembership:
    user = User.objects.create_user(username, password=None)
    return store_membership_set(user=user, store=store, role=role)


@pytest.mark.usefixtures("english")
def test_create_api_key_as_a_staff_member(store: Any) -> None:
    member = _member(store, "cs-kim", Role.CS_AGENT)
    out = io.StringIO()
    call_command("create_api_key", store.slug, "--as", "cs-kim", stdout=out)
    key = api_key_authenticate(out.getvalue().strip())
    assert key is not None
    assert key.acts_for == member
    with pytest.raises(CommandError, match="'nobody' has no role in store 'test-store'"):
        call_command("create_api_key", store.slug, "--as", "nobody")
    _member(StoreFactory(slug="other"), "cs-lee", Role.CS_AGENT)
    with pytest.raises(CommandError, match="'cs-lee' has no role in store 'test-store'"):
        call_command("create_api_key", store.slug, "--as", "cs-lee")


@pytest.mark.usefixtures("english")
def test_a_key_acts_only_for_a_member_of_its_own_store(store: Any) -> None:
    stranger = _member(StoreFactory(slug="other"), "cs-lee", Role.CS_AGENT)
    with pytest.raises(ValidationFailed, match="own store"):
        api_key_create(store=store, acts_for=stranger)


def test_the_api_records_the_person_and_keeps_to_their_role(store: Any) -> None:
    order = make_order(store=store, lines=[{"quantity": 2}])
    requested = open_return(order, method=Method.SELF_SHIP)
    cs = _member(store, "cs-kim", Role.CS_AGENT)
    warehouse = _member(store, "wh-park", Role.WAREHOUSE)
    _, cs_raw = api_key_create(store=store, name="desk", acts_for=cs)
    _, wh_raw = api_key_create(store=store, name="scanner", acts_for=warehouse)
    as_cs = Client(HTTP_AUTHORIZATION=f"Bearer {cs_raw}")
    as_warehouse = Client(HTTP_AUTHORIZATION=f"Bearer {wh_raw}")
    url = f"/api/v1/returns/{requested.number}"

    refused = as_warehouse.post(f"{url}/approve", {}, content_type="application/json")
    assert refused.status_code == 403, refused.content
    assert refused.json()["code"] == "forbidden"
    assert refused.json()["extra"]["capability"] == "return_approve"
    body = {"note": "입고 대기"}
    noted = as_warehouse.post(f"{url}/notes", body, content_type="application/json")
    assert noted.status_code == 201, noted.content

    approved = as_cs.post(f"{url}/approve", {}, content_type="application/json")
    assert approved.status_code == 200, approved.content
    event = ReturnEvent.objects.filter(return_request=requested, to_status="approved").get()
    assert event.actor_user == cs.user
    assert event.actor_label.startswith("cs-kim (api:")
    note = ReturnEvent.objects.get(return_request=requested, type="note_added")
    assert note.actor_user == warehouse.user


def test_a_key_stops_when_its_person_is_deactivated(store: Any) -> None:
    member = _member(store, "cs-kim", Role.CS_AGENT)
    _, raw = api_key_create(store=store, acts_for=member)
    assert api_key_authenticate(raw) is not None
    member.user.is_active = False
    member.user.save()
    assert api_key_authenticate(raw) is None
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/returns")
    assert response.status_code == 401


def test_a_key_without_a_person_is_an_integration_of_its_store(store: Any) -> None:
    order = make_order(store=store, lines=[{"quantity": 2}])
    requested = open_return(order, method=Method.SELF_SHIP)
    _, raw = api_key_create(store=store, name="ERP")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.post(
        f"/api/v1/returns/{requested.number}/approve", {}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    event = ReturnEvent.objects.get(return_request=requested, to_status="approved")
    assert (event.actor_type, event.actor_user) == ("api", None)
    assert event.actor_label.endswith(" ERP")
