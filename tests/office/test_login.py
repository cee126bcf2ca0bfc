"""Signing in: the office's login, its rate limit (django-axes) and the store a person works in."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from banpum.accounts.models import StoreMembership
from tests.office.conftest import PASSWORD, member

pytestmark = pytest.mark.django_db


def test_root_redirects_to_the_office(client: Client) -> None:
    assert client.get("/").headers["Location"] == "/office/"


def test_the_office_asks_for_a_login(client: Client) -> None:
    response = client.get("/office/returns/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/office/login/?next=/office/returns/")


def test_login_with_the_right_password_goes_in(client: Client, cs_user: Any) -> None:
    response = client.post("/office/login/", {"username": "cs", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/office/"
    assert client.get("/office/").status_code == 200


def test_a_wrong_password_is_refused(client: Client, cs_user: Any) -> None:
    response = client.post(
        "/office/login/", {"username": "cs", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "The username or password is wrong." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logins_are_locked_after_too_many_failures(client: Client, cs_user: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/office/login/", {"username": "cs", "password": "wrong"})
    # Now even the right password is refused: the pair is locked out.
    response = client.post(
        "/office/login/", {"username": "cs", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_one_failure_short_of_the_limit_still_signs_in(client: Client, cs_user: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/office/login/", {"username": "cs", "password": "wrong"})
    response = client.post("/office/login/", {"username": "cs", "password": PASSWORD})
    assert response.status_code == 302


def test_logout_is_a_post(office: Client) -> None:
    assert office.get("/office/logout/").status_code == 405
    response = office.post("/office/logout/")
    assert response.headers["Location"] == "/office/login/"
    assert office.get("/office/").status_code == 302


def test_no_membership_gets_a_page_saying_so(client: Client, django_user_model: Any) -> None:
    client.force_login(member(django_user_model, "nobody", None))
    response = client.get("/office/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "You do not work in any store yet" in response.content.decode()


def test_several_stores_pick_one_then_work_in_it(
    client: Client, django_user_model: Any, store: Any, store2: Any
) -> None:
    user = member(django_user_model, "boss", store, role="manager")
    StoreMembership.objects.create(user=user, store=store2, role="admin")
    client.force_login(user)
    response = client.get("/office/")
    assert response.headers["Location"] == "/office/store/"
    page = client.get("/office/store/").content.decode()
    assert store.name in page
    assert store2.name in page
    response = client.post("/office/store/", {"store": store2.pk})
    assert response.headers["Location"] == "/office/"
    assert store2.name in client.get("/office/").content.decode()


def test_picking_a_store_one_is_not_in_does_nothing(
    office: Client, store2: Any, django_user_model: Any
) -> None:
    response = office.post("/office/store/", {"store": store2.pk})
    assert response.status_code == 200
    assert office.session.get("office_store_id") is None
    response = office.post("/office/store/", {"store": "x"})
    assert response.status_code == 200


def test_the_language_switch_keeps_english_for_the_session(client: Client) -> None:
    page = client.get("/office/login/").content.decode()
    assert '<html lang="ko">' in page
    assert 'value="en"' in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/office/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/office/login/"
    page = client.get("/office/login/").content.decode()
    assert '<html lang="en">' in page
    assert 'value="ko"' in page


def test_the_language_switch_never_redirects_off_site(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
