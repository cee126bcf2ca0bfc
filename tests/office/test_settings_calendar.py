"""Holidays (임시공휴일) and the blocklist: list, add, remove, each in its own store."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from banpum.core.actors import Actor
from banpum.policy.models import BlocklistEntry, ExtraHoliday
from banpum.policy.services import blocklist_entry_add, extra_holiday_add
from banpum.policy.types import BlocklistKind
from tests.office.settings_helpers import client_for, page_text

pytestmark = pytest.mark.django_db

HOLIDAYS = "/office/settings/holidays/"
BLOCKLIST = "/office/settings/blocklist/"
# A Wednesday that is no public holiday in Korea.
WORKDAY = dt.date(2031, 6, 11)


@pytest.fixture
def manager(django_user_model: Any, store: Any) -> Client:
    client = client_for(django_user_model, "manager", store, "manager")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_a_manager_adds_and_removes_a_holiday(manager: Client, store: Any) -> None:
    response = manager.post(HOLIDAYS, {"date": WORKDAY.isoformat(), "name": "임시공휴일 (선거일)"})
    assert response.status_code == 302
    holiday = ExtraHoliday.objects.get(store=store)
    assert holiday.date == WORKDAY
    assert holiday.created_by is not None
    assert holiday.created_by.username == "manager"
    page = page_text(manager.get(HOLIDAYS))
    assert "임시공휴일 (선거일)" in page
    assert "refund due dates moved" in page
    remove = f"{HOLIDAYS}{WORKDAY.isoformat()}/remove/"
    assert remove in page
    assert manager.post(remove).status_code == 302
    assert not ExtraHoliday.objects.filter(store=store).exists()


def test_a_public_holiday_or_a_duplicate_is_refused_on_the_form(
    manager: Client, store: Any
) -> None:
    page = page_text(manager.post(HOLIDAYS, {"date": "2031-01-01", "name": "새해"}), 422)
    assert "already a public holiday" in page
    manager.post(HOLIDAYS, {"date": WORKDAY.isoformat(), "name": "하루"})
    page = page_text(manager.post(HOLIDAYS, {"date": WORKDAY.isoformat(), "name": "또"}), 422)
    assert "is already one of the store" in page
    page = page_text(manager.post(HOLIDAYS, {"date": "2031-02-30", "name": ""}), 422)
    field = page.split('id="field-date"', 1)[1].split("</div>", 1)[0]
    assert "Enter a valid date." in field
    assert 'id="name-error"' in page
    assert ExtraHoliday.objects.filter(store=store).count() == 1


def test_another_stores_holiday_is_404(manager: Client, store2: Any) -> None:
    extra_holiday_add(store=store2, day=WORKDAY, name="둘째", now=timezone.now())
    assert manager.post(f"{HOLIDAYS}{WORKDAY.isoformat()}/remove/").status_code == 404
    assert manager.post(f"{HOLIDAYS}2031-13-45/remove/").status_code == 404
    assert ExtraHoliday.objects.filter(store=store2).exists()
    assert "둘째" not in page_text(manager.get(HOLIDAYS))


def test_a_manager_blocklists_a_phone_shown_masked(manager: Client, store: Any) -> None:
    response = manager.post(
        BLOCKLIST, {"kind": "phone", "value": "010-1234-5678", "reason": "반복 반품"}
    )
    assert response.status_code == 302
    entry = BlocklistEntry.objects.get(store=store)
    assert entry.value == "01012345678"
    page = page_text(manager.get(BLOCKLIST))
    assert "010-****-5678" in page
    assert "01012345678" not in page
    assert "반복 반품" in page
    assert manager.post(f"{BLOCKLIST}{entry.pk}/remove/").status_code == 302
    assert not BlocklistEntry.objects.exists()


def test_a_bad_or_duplicate_entry_is_refused_on_the_form(manager: Client, store: Any) -> None:
    page = page_text(manager.post(BLOCKLIST, {"kind": "email", "value": "not-an-email"}), 422)
    field = page.split('id="field-value"', 1)[1].split("</div>", 1)[0]
    assert "Enter a valid email address." in field
    assert 'value="not-an-email"' in field
    manager.post(BLOCKLIST, {"kind": "email", "value": "a@example.com"})
    page = page_text(manager.post(BLOCKLIST, {"kind": "email", "value": "A@example.com"}), 422)
    assert "already on the store" in page
    page = page_text(manager.post(BLOCKLIST, {"kind": "fax", "value": "1"}), 422)
    assert "Select a valid choice." in page
    assert BlocklistEntry.objects.count() == 1


def test_another_stores_entry_is_404(manager: Client, store2: Any) -> None:
    entry = blocklist_entry_add(
        store=store2, kind=BlocklistKind.EMAIL, value="x@example.com", now=timezone.now()
    )
    assert manager.post(f"{BLOCKLIST}{entry.pk}/remove/").status_code == 404
    assert BlocklistEntry.objects.filter(pk=entry.pk).exists()
    assert "x@example.com" not in page_text(manager.get(BLOCKLIST))


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", HOLIDAYS),
        ("post", HOLIDAYS),
        ("post", f"{HOLIDAYS}{WORKDAY.isoformat()}/remove/"),
        ("get", BLOCKLIST),
        ("post", BLOCKLIST),
        ("post", f"{BLOCKLIST}1/remove/"),
    ],
)
def test_a_cs_agent_may_not(django_user_model: Any, store: Any, method: str, url: str) -> None:
    extra_holiday_add(store=store, day=WORKDAY, name="휴일", now=timezone.now())
    cs = client_for(django_user_model, "cs", store, "cs_agent")
    data = {"date": "2031-06-12", "name": "x", "kind": "email", "value": "b@example.com"}
    assert getattr(cs, method)(url, data if method == "post" else None).status_code == 403
    assert ExtraHoliday.objects.count() == 1
    assert not BlocklistEntry.objects.exists()


def test_the_service_checks_the_capability_again(store: Any, django_user_model: Any) -> None:
    """A page's check is not the only one: the command refuses a role without the right."""
    from banpum.accounts.models import StoreMembership
    from banpum.core.errors import PermissionDenied
    from banpum.returns.store_settings import store_blocklist_add

    user = django_user_model.objects.create_user(username="wh", password="x")
    membership = StoreMembership.objects.create(user=user, store=store, role="warehouse")
    with pytest.raises(PermissionDenied):
        store_blocklist_add(
            store=store,
            actor=Actor.staff(user, membership),
            kind=BlocklistKind.EMAIL,
            value="c@example.com",
            now=timezone.now(),
        )
