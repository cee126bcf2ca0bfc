"""Personal data on need: masked on the return page, shown in full by a logged reveal with a
reason; the log is append-only, kept at least a year, and read by the store's admins."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from banpum.core.actors import Actor
from banpum.core.errors import ValidationFailed
from banpum.office.models import PersonalDataAccess
from banpum.office.services import personal_data_log_purge
from banpum.returns.models import ReturnRequest
from banpum.settlement.services.refund_accounts import refund_account_set
from tests.office.conftest import member, return_for
from tests.returns.helpers import number_of

pytestmark = pytest.mark.django_db

PHONE = "010-1234-5678"
EMAIL = "kim.buyer@example.com"
ADDRESS = "서울특별시 강남구 테헤란로 152"


def client_for(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def rr(store: Any) -> ReturnRequest:
    rr = return_for(store, name="김철수", phone=PHONE, order_number="ORD-1001")
    customer = rr.customer
    assert customer is not None
    customer.email = EMAIL
    customer.save()
    order = rr.order
    order.shipping_name = "김철수"
    order.shipping_phone = PHONE
    order.shipping_postcode = "06236"
    order.shipping_address1 = ADDRESS
    order.shipping_address2 = "12층"
    order.save()
    return rr


@pytest.fixture
def cs(cs_user: Any) -> Client:
    return client_for(cs_user)


@pytest.fixture
def admin_user(django_user_model: Any, store: Any) -> Any:
    return member(django_user_model, "boss", store, role="admin")


def reveal_url(return_request: ReturnRequest) -> str:
    return f"/office/returns/{number_of(return_request)}/reveal/"


def test_the_page_shows_contact_details_masked(cs: Client, rr: ReturnRequest) -> None:
    html = cs.get(f"/office/returns/{rr.number}/").content.decode()
    assert "010-****-5678" in html
    assert "k********@example.com" in html
    assert "서울특별시 강남구 ***" in html
    for secret in (PHONE, EMAIL, "테헤란로", "06236", "12층"):
        assert secret not in html, secret
    assert 'id="reveal-form"' in html


def test_reveal_shows_the_phone_and_logs_who_when_what_why(
    cs: Client, cs_user: Any, rr: ReturnRequest
) -> None:
    response = cs.post(
        reveal_url(rr),
        {"kinds": ["phone"], "reason": "customer_call", "reason_detail": "  통화 중  "},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert PHONE in html
    assert EMAIL not in html  # only what was asked for
    assert "테헤란로" not in html
    entry = PersonalDataAccess.objects.get()
    assert entry.user == cs_user
    assert (entry.username, entry.role) == ("cs", "cs_agent")
    assert entry.return_request_id == rr.pk
    assert entry.store_id == rr.store_id
    assert entry.kinds == ["phone"]
    assert (entry.reason, entry.reason_detail) == ("customer_call", "통화 중")
    assert entry.ip_address == "10.1.2.3"
    assert abs(entry.at - timezone.now()) < dt.timedelta(minutes=1)
    # Afterwards the page is masked again: the reveal was for that answer only.
    assert PHONE not in cs.get(f"/office/returns/{rr.number}/").content.decode()


def test_reveal_all_contact_details(cs: Client, rr: ReturnRequest) -> None:
    response = cs.post(
        reveal_url(rr), {"kinds": ["phone", "email", "address"], "reason": "pickup_problem"}
    )
    html = response.content.decode()
    for shown in (PHONE, EMAIL, "(06236) 서울특별시 강남구 테헤란로 152 12층"):
        assert shown in html, shown
    assert PersonalDataAccess.objects.get().kinds == ["phone", "email", "address"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": "customer_call"}, "kinds"),
        ({"kinds": ["phone"]}, "reason"),
        ({"kinds": ["phone"], "reason": "curious"}, "reason"),
        ({"kinds": ["phone"], "reason": "other"}, "reason_detail"),
        ({"kinds": ["phone"], "reason": "other", "reason_detail": "x" * 201}, "reason_detail"),
        ({"kinds": ["password"], "reason": "customer_call"}, "kinds"),
        ({"kinds": ["refund_account"], "reason": "refund"}, "kinds"),  # none on this return
    ],
)
def test_bad_reveals_are_refused_and_not_logged(
    cs: Client, rr: ReturnRequest, data: dict[str, Any], field: str
) -> None:
    response = cs.post(reveal_url(rr), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="id_reveal_{field}_error"' in html
    assert PHONE not in html
    assert not PersonalDataAccess.objects.exists()


def test_other_with_a_reason_is_fine(cs: Client, rr: ReturnRequest) -> None:
    response = cs.post(
        reveal_url(rr), {"kinds": ["email"], "reason": "other", "reason_detail": "세금계산서"}
    )
    assert response.status_code == 200
    assert EMAIL in response.content.decode()


def test_htmx_swaps_only_the_personal_card(cs: Client, rr: ReturnRequest) -> None:
    response = cs.post(
        reveal_url(rr), {"kinds": ["phone"], "reason": "customer_call"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="personal"')
    assert PHONE in html
    assert response["Cache-Control"] == "no-store"
    refused = cs.post(reveal_url(rr), {"kinds": ["phone"]}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200
    assert PHONE not in refused.content.decode()
    assert PersonalDataAccess.objects.count() == 1


def test_a_role_without_the_capability_gets_403_and_no_data(
    django_user_model: Any, store: Any, rr: ReturnRequest
) -> None:
    warehouse = client_for(member(django_user_model, "wh", store, role="warehouse"))
    response = warehouse.post(reveal_url(rr), {"kinds": ["phone"], "reason": "customer_call"})
    assert response.status_code == 403
    assert PHONE not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()
    assert 'id="reveal-form"' not in warehouse.get(f"/office/returns/{rr.number}/").content.decode()


def test_another_stores_return_is_a_404_and_not_logged(cs2_user: Any, rr: ReturnRequest) -> None:
    response = client_for(cs2_user).post(
        reveal_url(rr), {"kinds": ["phone"], "reason": "customer_call"}
    )
    assert response.status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_reveal_is_post_only(cs: Client, rr: ReturnRequest) -> None:
    assert cs.get(reveal_url(rr)).status_code == 405


def test_the_refund_account_is_masked_and_revealed_the_same_way(
    cs: Client, cs_user: Any, rr: ReturnRequest
) -> None:
    refund_account_set(
        return_request=rr,
        bank_code="088",
        account_number="110-123-456789",
        holder_name="김철수",
        actor=Actor.system("test"),
        now=timezone.now(),
    )
    html = cs.get(f"/office/returns/{rr.number}/").content.decode()
    assert "110123456789" not in html
    assert "6789" in html  # the last four digits
    response = cs.post(reveal_url(rr), {"kinds": ["refund_account"], "reason": "refund"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "110123456789" in html
    assert PersonalDataAccess.objects.get().kinds == ["refund_account"]


# --- the log -------------------------------------------------------------------------------


def log_row(rr: ReturnRequest, *, username: str = "cs", days_ago: float = 0) -> PersonalDataAccess:
    return PersonalDataAccess.objects.create(
        store=rr.store,
        return_request=rr,
        username=username,
        role="cs_agent",
        kinds=["phone"],
        reason="customer_call",
        at=timezone.now() - dt.timedelta(days=days_ago),
    )


def test_log_rows_are_append_only(rr: ReturnRequest) -> None:
    entry = log_row(rr)
    entry.reason_detail = "고침"
    with pytest.raises(RuntimeError, match="append-only"):
        entry.save()


def test_the_admin_reads_the_log_of_their_store_only(
    admin_user: Any, rr: ReturnRequest, store2: Any
) -> None:
    log_row(rr, username="cs")
    theirs = return_for(store2, name="박영희", phone="010-9999-8888", order_number="ORD-2002")
    log_row(theirs, username="cs2")
    response = client_for(admin_user).get("/office/access-log/")
    assert response.status_code == 200
    html = response.content.decode()
    assert number_of(rr) in html
    assert number_of(theirs) not in html
    assert "Customer consultation" in html
    assert "CS agent" in html
    assert 'href="/office/access-log/"' in html  # in the admin's nav


def test_the_log_filters_by_person_and_date(admin_user: Any, rr: ReturnRequest) -> None:
    log_row(rr, username="cs", days_ago=10)
    log_row(rr, username="manager", days_ago=0)
    client = client_for(admin_user)
    html = client.get("/office/access-log/?username=manager").content.decode()
    assert html.count("<td >manager</td>") + html.count(">manager</td>") >= 1
    assert ">cs</td>" not in html
    today = timezone.localdate().isoformat()
    html = client.get(f"/office/access-log/?at_from={today}").content.decode()
    assert ">manager</td>" in html
    assert ">cs</td>" not in html
    for bad in ("username=nobody", "at_from=yesterday", "page=99", "sort=nope"):
        assert client.get(f"/office/access-log/?{bad}").status_code in (200, 404), bad


def test_the_log_exports_to_csv_and_excel(admin_user: Any, rr: ReturnRequest) -> None:
    entry = log_row(rr, username="=cmd")
    client = client_for(admin_user)
    response = client.get("/office/access-log/?_export=csv")
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert len(rows) == 2
    assert "'=cmd" in rows[1]  # no formula
    assert number_of(rr) in rows[1]
    assert entry.pk
    assert client.get("/office/access-log/?_export=xlsx").content.startswith(b"PK")


def test_the_log_is_paginated(admin_user: Any, rr: ReturnRequest) -> None:
    for n in range(55):
        log_row(rr, username=f"user{n:02d}", days_ago=n / 100)
    client = client_for(admin_user)
    first = client.get("/office/access-log/").content.decode()
    assert ">user00</td>" in first
    assert ">user54</td>" not in first
    assert ">user54</td>" in client.get("/office/access-log/?page=2").content.decode()


@pytest.mark.parametrize("role", ["cs_agent", "warehouse", "manager"])
def test_only_admins_read_the_log(
    django_user_model: Any, store: Any, rr: ReturnRequest, role: str
) -> None:
    log_row(rr)
    client = client_for(member(django_user_model, f"u-{role}", store, role=role))
    response = client.get("/office/access-log/")
    assert response.status_code == 403
    assert number_of(rr) not in response.content.decode()


def test_the_django_admin_shows_the_log_read_only(
    rr: ReturnRequest, django_user_model: Any
) -> None:
    entry = log_row(rr)
    model_admin = site._registry[PersonalDataAccess]
    superuser = django_user_model.objects.create_superuser("root", password="x" * 12)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    assert model_admin.has_view_permission(request, entry)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    assert not model_admin.has_add_permission(request)
    client = Client()
    client.force_login(superuser)
    assert client.get("/admin/office/personaldataaccess/").status_code == 200


def test_the_purge_keeps_at_least_a_year(rr: ReturnRequest) -> None:
    now = timezone.now()
    old = log_row(rr, days_ago=4 * 365)
    young = log_row(rr, days_ago=400)
    assert personal_data_log_purge(now=now) == 1  # the default: three years
    assert not PersonalDataAccess.objects.filter(pk=old.pk).exists()
    assert PersonalDataAccess.objects.filter(pk=young.pk).exists()
    with pytest.raises(ValidationFailed):
        personal_data_log_purge(now=now, days=364)
    with pytest.raises(CommandError):
        call_command("access_log_purge", "--days", "30")
    out = io.StringIO()
    call_command("access_log_purge", "--days", "365", stdout=out)
    assert "1 access-log rows deleted." in out.getvalue()
    assert not PersonalDataAccess.objects.exists()
