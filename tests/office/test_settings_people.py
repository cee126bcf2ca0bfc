"""People and roles, and API keys: the last-admin and self-demotion guards, keys shown once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from banpum.accounts.models import ApiKey, StoreMembership
from banpum.accounts.services import api_key_authenticate, api_key_create
from tests.office.conftest import PASSWORD, member
from tests.office.settings_helpers import page_text

pytestmark = pytest.mark.django_db

PEOPLE = "/office/settings/people/"
KEYS = "/office/settings/api-keys/"
NEW_PASSWORD = "Gyeongbok-gung-1395"


def signed_in(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def admin_user(django_user_model: Any, store: Any) -> Any:
    return member(django_user_model, "admin", store, "admin")


@pytest.fixture
def admin(admin_user: Any) -> Client:
    return signed_in(admin_user)


@pytest.fixture
def manager_user(django_user_model: Any, store: Any) -> Any:
    return member(django_user_model, "manager", store, "manager")


@pytest.fixture
def manager(manager_user: Any) -> Client:
    return signed_in(manager_user)


def membership_of(user: Any, store: Any) -> StoreMembership:
    return StoreMembership.objects.get(user=user, store=store)


def test_the_list_shows_the_stores_people_only(
    admin: Client, store: Any, store2: Any, django_user_model: Any
) -> None:
    member(django_user_model, "cs", store, "cs_agent")
    member(django_user_model, "stranger", store2, "admin")
    page = page_text(admin.get(PEOPLE))
    assert ">cs<" in page.replace("<td>cs", ">cs<")
    assert "stranger" not in page


def test_add_a_new_person_with_a_valid_password(
    admin: Client, store: Any, django_user_model: Any
) -> None:
    response = admin.post(
        PEOPLE, {"username": "newcs", "role": "cs_agent", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    user = django_user_model.objects.get(username="newcs")
    assert user.check_password(NEW_PASSWORD)
    assert membership_of(user, store).role == "cs_agent"
    assert NEW_PASSWORD not in page_text(admin.get(PEOPLE))


def test_a_weak_password_or_a_taken_name_is_refused_next_to_the_field(
    admin: Client, store: Any, django_user_model: Any
) -> None:
    page = page_text(
        admin.post(PEOPLE, {"username": "weak", "role": "cs_agent", "password": "12345678"}), 422
    )
    field = page.split('id="field-password"', 1)[1].split("</div>", 1)[0]
    assert "too common" in field
    assert "entirely numeric" in field
    assert 'value="weak"' in page  # the username is kept, the password is not
    assert "12345678" not in page
    member(django_user_model, "taken", None)
    page = page_text(
        admin.post(PEOPLE, {"username": "taken", "role": "cs_agent", "password": NEW_PASSWORD}), 422
    )
    assert "This username is taken" in page.split('id="field-username"', 1)[1]
    page = page_text(
        admin.post(PEOPLE, {"username": "bad name!", "role": "cs_agent", "password": NEW_PASSWORD}),
        422,
    )
    assert "Use up to 150 letters" in page
    page = page_text(admin.post(PEOPLE, {"username": "x", "role": "owner"}), 422)
    assert "Select a valid choice." in page
    assert not django_user_model.objects.filter(username__in=["weak", "bad name!"]).exists()


def test_add_an_existing_person_by_username(
    admin: Client, store: Any, store2: Any, django_user_model: Any
) -> None:
    other = member(django_user_model, "wh2", store2, "warehouse")
    assert admin.post(PEOPLE, {"username": "wh2", "role": "warehouse"}).status_code == 302
    assert membership_of(other, store).role == "warehouse"
    assert other.check_password(PASSWORD)  # untouched
    page = page_text(admin.post(PEOPLE, {"username": "wh2", "role": "warehouse"}), 422)
    assert "wh2 already works in this store." in page
    page = page_text(admin.post(PEOPLE, {"username": "nobody", "role": "warehouse"}), 422)
    assert "No active person has this username." in page


def test_change_a_role(admin: Client, store: Any, django_user_model: Any) -> None:
    cs = member(django_user_model, "cs", store, "cs_agent")
    target = membership_of(cs, store)
    response = admin.post(f"{PEOPLE}{target.pk}/role/", {f"m{target.pk}-role": "manager"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == "manager"
    assert "cs is Manager now." in page_text(admin.get(PEOPLE))


def test_the_last_admin_stays(
    manager: Client, admin: Client, admin_user: Any, store: Any, django_user_model: Any
) -> None:
    other_admin = member(django_user_model, "admin2", store, "admin")
    # With two admins, one may step down; then the other is the last and cannot.
    mine = membership_of(admin_user, store)
    theirs = membership_of(other_admin, store)
    assert (
        admin.post(f"{PEOPLE}{theirs.pk}/role/", {f"m{theirs.pk}-role": "manager"}).status_code
        == 302
    )
    theirs.refresh_from_db()
    assert theirs.role == "manager"
    # admin is the last admin now: admin2 (now a manager) may not demote or remove them.
    admin2 = signed_in(other_admin)
    admin2.post(f"{PEOPLE}{mine.pk}/remove/")
    mine.refresh_from_db()
    assert mine.role == "admin"
    page = page_text(admin2.get(PEOPLE))
    assert "Only an admin can give, change or remove the admin role." in page
    # And the last admin cannot step down to manager, nor remove themselves.
    admin.post(f"{PEOPLE}{mine.pk}/role/", {f"m{mine.pk}-role": "manager"})
    mine.refresh_from_db()
    assert mine.role == "admin"
    assert "The store needs at least one admin" in page_text(admin.get(PEOPLE))
    admin.post(f"{PEOPLE}{mine.pk}/remove/")
    assert StoreMembership.objects.filter(pk=mine.pk).exists()


def test_the_last_admin_guard_in_the_service(store: Any, django_user_model: Any) -> None:
    """Even a superuser acting without a membership cannot leave the store without an admin."""
    from banpum.accounts.services import store_member_remove
    from banpum.core.actors import Actor
    from banpum.core.errors import Conflict

    only = member(django_user_model, "only", store, "admin")
    root = django_user_model.objects.create_superuser(username="root", password=PASSWORD)
    with pytest.raises(Conflict) as raised:
        store_member_remove(
            store=store, actor=Actor.staff(root), membership_id=membership_of(only, store).pk
        )
    assert raised.value.code == "last_admin"


def test_nobody_demotes_themselves_out_of_managing_people(
    manager: Client, manager_user: Any, store: Any
) -> None:
    mine = membership_of(manager_user, store)
    manager.post(f"{PEOPLE}{mine.pk}/role/", {f"m{mine.pk}-role": "cs_agent"})
    manager.post(f"{PEOPLE}{mine.pk}/remove/")
    mine.refresh_from_db()
    assert mine.role == "manager"
    assert "cannot take away your own right" in page_text(manager.get(PEOPLE))


def test_a_manager_cannot_make_an_admin(
    manager: Client, store: Any, django_user_model: Any
) -> None:
    cs = membership_of(member(django_user_model, "cs", store, "cs_agent"), store)
    manager.post(f"{PEOPLE}{cs.pk}/role/", {f"m{cs.pk}-role": "admin"})
    cs.refresh_from_db()
    assert cs.role == "cs_agent"
    page = page_text(
        manager.post(PEOPLE, {"username": "boss", "role": "admin", "password": NEW_PASSWORD}), 422
    )
    assert "Only an admin can give" in page


def test_remove_a_member(admin: Client, store: Any, django_user_model: Any) -> None:
    user = member(django_user_model, "leaving", store, "warehouse")
    target = membership_of(user, store)
    assert admin.post(f"{PEOPLE}{target.pk}/remove/").status_code == 302
    assert not StoreMembership.objects.filter(pk=target.pk).exists()
    assert django_user_model.objects.filter(pk=user.pk).exists()


def test_another_stores_members_are_404(admin: Client, store2: Any, django_user_model: Any) -> None:
    theirs = membership_of(member(django_user_model, "theirs", store2, "cs_agent"), store2)
    assert (
        admin.post(f"{PEOPLE}{theirs.pk}/role/", {f"m{theirs.pk}-role": "admin"}).status_code == 404
    )
    assert admin.post(f"{PEOPLE}{theirs.pk}/remove/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.role == "cs_agent"


def test_an_api_key_is_shown_once_and_listed_by_prefix(admin: Client, store: Any) -> None:
    response = admin.post(KEYS, {"name": "자사몰 연동", "acts_for": ""})
    page = page_text(response)
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    raw = page.split('id="raw-key">', 1)[1].split("<", 1)[0]
    key = api_key_authenticate(raw)
    assert key is not None
    assert key.store_id == store.pk
    assert key.acts_for is None
    listed = page_text(admin.get(KEYS))
    assert raw not in listed
    assert f"bp_{key.prefix}_…" in listed
    assert "자사몰 연동" in listed


def test_a_key_acting_for_a_member(admin: Client, store: Any, django_user_model: Any) -> None:
    cs = membership_of(member(django_user_model, "cs", store, "cs_agent"), store)
    page_text(admin.post(KEYS, {"name": "CS 봇", "acts_for": str(cs.pk)}))
    assert ApiKey.objects.get(store=store).acts_for_id == cs.pk
    page = page_text(admin.post(KEYS, {"name": "", "acts_for": ""}), 422)
    assert "This field is required." in page.split('id="field-name"', 1)[1]


def test_revoke_a_key(admin: Client, store: Any) -> None:
    key, raw = api_key_create(store=store, name="old")
    assert admin.post(f"{KEYS}{key.pk}/revoke/").status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert api_key_authenticate(raw) is None
    assert "revoked" in page_text(admin.get(KEYS))


def test_another_stores_keys_are_404_and_not_listed(
    admin: Client, store2: Any, django_user_model: Any
) -> None:
    key, _raw = api_key_create(store=store2, name="theirs")
    assert admin.post(f"{KEYS}{key.pk}/revoke/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None
    assert "theirs" not in page_text(admin.get(KEYS))
    other = membership_of(member(django_user_model, "other", store2, "cs_agent"), store2)
    page = page_text(admin.post(KEYS, {"name": "x", "acts_for": str(other.pk)}), 422)
    assert "Select a valid choice." in page


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", PEOPLE),
        ("post", PEOPLE),
        ("post", f"{PEOPLE}1/role/"),
        ("post", f"{PEOPLE}1/remove/"),
        ("get", KEYS),
        ("post", KEYS),
        ("post", f"{KEYS}1/revoke/"),
    ],
)
def test_a_cs_agent_may_not(django_user_model: Any, store: Any, method: str, url: str) -> None:
    cs = signed_in(member(django_user_model, "cs", store, "cs_agent"))
    data = {"username": "x", "role": "admin", "password": NEW_PASSWORD, "name": "k"}
    response = getattr(cs, method)(url, data if method == "post" else None)
    assert response.status_code == 403
    assert not ApiKey.objects.exists()
    assert StoreMembership.objects.count() == 1
