"""The office's pages: scoped to the current store, in Korean and English, with a strict CSP."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from tests.office.conftest import member, return_for
from tests.returns.helpers import number_of, walk_to

pytestmark = pytest.mark.django_db


# Korean is the default: pages say lang="ko" and use the catalogue's Korean (status labels, money
# as 원). The office's own new sentences are English msgids until the lead's translation pass.
KOREAN_PAGE = '<html lang="ko">'


def text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def test_home_counts_the_queues_in_korean(office: Client, return1: ReturnRequest) -> None:
    page = text(office.get("/office/"))
    assert KOREAN_PAGE in page
    assert "요청" in page
    assert "?status=requested" in page
    assert "?queue=pickup_exceptions" in page


def test_home_in_english(office_en: Client, return1: ReturnRequest) -> None:
    page = text(office_en.get("/office/"))
    assert '<html lang="en">' in page
    assert "Needs review" in page
    assert "Requested" in page
    assert "Refunds late" in page


def test_list_shows_only_the_current_stores_returns(
    office: Client, return1: ReturnRequest, return2: ReturnRequest
) -> None:
    page = text(office.get("/office/returns/"))
    assert number_of(return1) in page
    assert number_of(return2) not in page
    assert "박영희" not in page


def test_list_masks_phones_and_writes_money(office: Client, return1: ReturnRequest) -> None:
    page = text(office.get("/office/returns/"))
    assert "010-****-5678" in page
    assert "010-1234-5678" not in page
    assert f"{return1.refund_estimate:,}원" in page


def test_list_in_english(office_en: Client, return1: ReturnRequest) -> None:
    page = text(office_en.get("/office/returns/"))
    assert "Return number" in page
    assert f"₩{return1.refund_estimate:,}" in page


def test_list_filters_by_status_and_search(office: Client, store: Any) -> None:
    held = walk_to(
        return_for(store, name="이민수", phone="010-2222-3333", order_number="A-1"), S.ON_HOLD
    )
    fresh = return_for(store, name="최지은", phone="010-4444-5555", order_number="B-2")
    page = text(office.get("/office/returns/?status=on_hold"))
    assert number_of(held) in page
    assert number_of(fresh) not in page
    page = text(office.get("/office/returns/?q=01044445555"))
    assert number_of(fresh) in page
    assert number_of(held) not in page
    page = text(office.get("/office/returns/?q=B-2"))
    assert number_of(fresh) in page
    assert number_of(held) not in page


def test_list_bad_filter_values_are_not_a_500(office: Client, return1: ReturnRequest) -> None:
    for query in ("status=nope", "created_from=yesterday", "queue=x", "sort=nope", "page=99"):
        assert office.get(f"/office/returns/?{query}").status_code in (200, 404), query


def test_list_sorts(office: Client, store: Any) -> None:
    first = return_for(store, name="가나다", phone="010-1111-1111", order_number="S-1")
    second = return_for(store, name="라마바", phone="010-1111-2222", order_number="S-2")
    ascending = text(office.get("/office/returns/?sort=number"))
    assert ascending.index(number_of(first)) < ascending.index(number_of(second))
    descending = text(office.get("/office/returns/?sort=-number"))
    assert descending.index(number_of(second)) < descending.index(number_of(first))


def test_csv_export_has_bom_masked_phones_and_no_formulas(office: Client, store: Any) -> None:
    return_for(store, name='=HYPERLINK("http://x")', phone="010-7777-8888", order_number="+SUM")
    response = office.get("/office/returns/?_export=csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert len(rows[0]) == 7
    cells = [cell for row in rows[1:] for cell in row]
    assert "'+SUM" in cells
    assert any(cell.startswith("'=HYPERLINK") and "010-****-8888" in cell for cell in cells)
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "7777" not in body


def test_excel_export(office: Client, return1: ReturnRequest) -> None:
    response = office.get("/office/returns/?_export=xlsx")
    assert response.status_code == 200
    assert response.content.startswith(b"PK")


def test_return_page_in_korean_and_english(
    office: Client, office_en: Client, return1: ReturnRequest
) -> None:
    url = f"/office/returns/{number_of(return1)}/"
    page = text(office.get(url))
    assert KOREAN_PAGE in page
    assert number_of(return1) in page
    assert "요청" in page
    assert "반품 배송비" in page
    assert "원" in page
    assert "010-****-5678" in page
    assert "010-1234-5678" not in page
    page = text(office_en.get(url))
    assert "Timeline" in page
    assert "Requested" in page
    assert "Return fee" in page


def test_return_of_another_store_is_a_friendly_404(office: Client, return2: ReturnRequest) -> None:
    response = office.get(f"/office/returns/{number_of(return2)}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    page = response.content.decode()
    assert "This page does not exist" in page
    assert "Traceback" not in page


def test_cs_of_store_2_sees_nothing_of_store_1(
    cs2_user: Any, return1: ReturnRequest, return2: ReturnRequest
) -> None:
    client = Client()
    client.force_login(cs2_user)
    assert client.get(f"/office/returns/{number_of(return1)}/").status_code == 404
    page = text(client.get("/office/returns/"))
    assert number_of(return2) in page
    assert number_of(return1) not in page
    body = client.get("/office/returns/?_export=csv").content.decode()
    assert number_of(return1) not in body
    assert "김철수" not in body


def test_office_pages_send_a_strict_csp(office: Client, return1: ReturnRequest) -> None:
    for url in ("/office/", "/office/returns/", "/office/login/"):
        policy = office.get(url).headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy


def test_api_still_answers_json_with_the_new_middleware(api: Client) -> None:
    response = api.get("/api/v1/returns")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    missing = api.get("/api/v1/nowhere")
    assert missing.status_code == 404
    assert missing.json()["code"]


@pytest.mark.parametrize(
    ("role", "shown", "absent"),
    [
        ("cs_agent", ["/office/refunds/"], ["/office/warehouse/scan/", "/office/access-log/"]),
        ("warehouse", ["/office/warehouse/scan/"], ["/office/refunds/", "/office/transfers/"]),
        ("manager", ["/office/refunds/", "/office/transfers/"], ["/office/access-log/"]),
        ("admin", ["/office/access-log/", "/office/settings/"], []),
    ],
)
def test_the_nav_leaves_out_what_the_role_cannot_open(
    store: Any, django_user_model: Any, role: str, shown: list[str], absent: list[str]
) -> None:
    client = Client()
    client.force_login(member(django_user_model, f"nav-{role}", store, role=role))
    nav = text(client.get("/office/")).split("<nav>")[1].split("</nav>")[0]
    for href in shown:
        assert f'href="{href}"' in nav, (role, href)
    for href in absent:
        assert f'href="{href}"' not in nav, (role, href)
