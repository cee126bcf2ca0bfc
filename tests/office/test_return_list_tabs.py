"""The return list's status tabs with counts, and its bulk bar: approve many (each through the
service, each reported), print many labels as one PDF."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from banpum.logistics.models import CarrierAccount
from banpum.office.status_tabs import TAB_OF, TAB_STATUSES, Tab
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from tests.logistics.helpers import (
    address_order,
    linked_account,
    reload,
    store_with_return_address,
)
from tests.office.conftest import member, return_for
from tests.returns.helpers import number_of, open_return, walk_to

pytestmark = pytest.mark.django_db

LIST = "/office/returns/"


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def cs(cs_user: Any) -> Client:
    return client_for(cs_user)


def make(store: Any, status: S, n: int) -> ReturnRequest:
    rr = return_for(store, name=f"고객{n}", phone=f"010-5555-{n:04d}", order_number=f"T-{n}")
    return walk_to(rr, status)


def tab_counts(html: str) -> dict[str, int]:
    found = re.findall(r'data-tab="(\w+)">[^<]*<span class="count">(\d+)</span>', html)
    return {tab: int(count) for tab, count in found}


def test_every_status_is_in_exactly_one_tab() -> None:
    seen = [status for statuses in TAB_STATUSES.values() for status in statuses]
    assert sorted(seen) == sorted(S)
    assert set(TAB_OF) == set(S.values)


def test_tabs_count_each_group_in_one_query(
    cs: Client, store: Any, django_assert_max_num_queries: Any
) -> None:
    wanted = [S.REQUESTED, S.REQUESTED, S.ON_HOLD, S.PICKUP_REQUESTED, S.ARRIVED, S.REFUNDED]
    for n, status in enumerate(wanted):
        make(store, status, n)
    response = cs.get(LIST)
    counts = tab_counts(response.content.decode())
    assert counts == {
        "all": 6,
        "requested": 2,
        "on_hold": 1,
        "collecting": 1,
        "arriving": 1,
        "inspecting": 0,
        "refunding": 0,
        "done": 1,
        "closed": 0,
    }
    # However many returns: a fixed number of queries (the tabs are one grouped count).
    for n in range(6, 16):
        make(store, S.ON_HOLD, n)
    with django_assert_max_num_queries(14):
        cs.get(LIST)


def test_a_tab_filters_the_list_and_keeps_the_search(cs: Client, store: Any) -> None:
    held = make(store, S.ON_HOLD, 1)
    fresh = make(store, S.REQUESTED, 2)
    html = cs.get(f"{LIST}?tab=on_hold").content.decode()
    assert number_of(held) in html
    assert number_of(fresh) not in html
    assert 'aria-current="page" class="current" data-tab="on_hold"' in html
    # The tabs count what a search leaves, and their links keep the search.
    html = cs.get(f"{LIST}?q=T-2").content.decode()
    assert tab_counts(html)["all"] == 1
    assert tab_counts(html)["on_hold"] == 0
    assert 'href="?q=T-2&amp;tab=on_hold"' in html


def test_a_bad_tab_is_not_a_500(cs: Client, store: Any) -> None:
    make(store, S.REQUESTED, 1)
    assert cs.get(f"{LIST}?tab=nope").status_code == 200


def test_the_export_has_no_checkbox_column(cs: Client, store: Any) -> None:
    make(store, S.REQUESTED, 1)
    body = cs.get(f"{LIST}?tab=requested&_export=csv").content.decode("utf-8")
    header = body.removeprefix("\ufeff").splitlines()[0]
    assert len(header.split(",")) == 7
    assert "selected" not in header


def test_rows_carry_number_and_version_for_the_bulk_form(cs: Client, store: Any) -> None:
    rr = make(store, S.REQUESTED, 1)
    html = cs.get(LIST).content.decode()
    assert f'value="{rr.number}:{rr.version}"' in html
    assert 'form="bulk"' in html


# --- bulk approve --------------------------------------------------------------------------


def test_bulk_approve_reports_each_return(cs: Client, store: Any, store2: Any) -> None:
    first = make(store, S.REQUESTED, 1)
    second = make(store, S.ON_HOLD, 2)
    rejected = make(store, S.REJECTED, 3)
    stale = make(store, S.REQUESTED, 4)
    theirs = walk_to(
        return_for(store2, name="남", phone="010-9000-0000", order_number="O-1"), S.REQUESTED
    )
    selected = [
        f"{first.number}:{first.version}",
        f"{second.number}:{second.version}",
        f"{rejected.number}:{rejected.version}",
        f"{stale.number}:{stale.version - 1 or 99}",
        f"{theirs.number}:{theirs.version}",
    ]
    response = cs.post(
        "/office/returns/bulk/approve/", {"selected": selected, "next": "?tab=requested"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?tab=requested"
    assert reload(first).status == S.APPROVED
    assert reload(second).status == S.APPROVED
    assert reload(rejected).status == S.REJECTED
    assert reload(stale).status == S.REQUESTED
    assert reload(theirs).status == S.REQUESTED
    html = cs.get(response["Location"]).content.decode()
    assert "2 approved, 3 skipped." in html
    report = html[html.index('id="bulk-report"') :]
    assert report.count("approved</strong>") == 2
    assert report.count("skipped</strong>") == 3
    assert "Cannot approve return" in report
    assert "changed meanwhile" in report
    assert "Not found in this store." in report
    # The report is shown once.
    assert 'id="bulk-report"' not in cs.get(LIST).content.decode()


def test_bulk_approve_with_nothing_ticked(cs: Client, store: Any) -> None:
    response = cs.post("/office/returns/bulk/approve/", {"next": "?tab=requested"}, follow=True)
    assert response.status_code == 200
    assert "Tick at least one return." in response.content.decode()


def test_bulk_approve_never_redirects_elsewhere(cs: Client, store: Any) -> None:
    rr = make(store, S.REQUESTED, 1)
    for bad in ("//evil.example/", "https://evil.example/", "?x\r\nSet-Cookie: a=b"):
        response = cs.post(
            "/office/returns/bulk/approve/", {"selected": [f"{rr.number}:"], "next": bad}
        )
        assert response["Location"] == LIST


def test_bulk_approve_needs_the_capability(django_user_model: Any, store: Any) -> None:
    rr = make(store, S.REQUESTED, 1)
    warehouse = client_for(member(django_user_model, "wh", store, role="warehouse"))
    response = warehouse.post(
        "/office/returns/bulk/approve/", {"selected": [f"{rr.number}:{rr.version}"]}
    )
    assert response.status_code == 403
    assert reload(rr).status == S.REQUESTED
    assert 'id="bulk-approve"' not in warehouse.get(LIST).content.decode()


def test_bulk_approve_of_too_many_is_refused(cs: Client, store: Any) -> None:
    selected = [f"R{n:05d}:1" for n in range(201)]
    response = cs.post("/office/returns/bulk/approve/", {"selected": selected}, follow=True)
    assert "at most 200" in response.content.decode()


# --- bulk labels ---------------------------------------------------------------------------


@pytest.fixture
def offline(store: Any) -> CarrierAccount:
    store_with_return_address(store)
    return linked_account(store, "http://127.0.0.1:9")


def booked(store: Any, cs: Client) -> ReturnRequest:
    rr = open_return(address_order(store))
    cs.post(f"/office/returns/{rr.number}/approve/", {"version": rr.version})
    rr = reload(rr)
    assert rr.status == S.PICKUP_REQUESTED
    return rr


def test_bulk_labels_are_one_pdf(cs: Client, store: Any, offline: CarrierAccount) -> None:
    one, two = booked(store, cs), booked(store, cs)
    response = cs.post(
        "/office/returns/bulk/labels/",
        {"selected": [f"{one.number}:{one.version}", f"{two.number}:1"], "layout": "A4"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_bulk_labels_refused_say_which(cs: Client, store: Any, offline: CarrierAccount) -> None:
    ok = booked(store, cs)
    waiting = make(store, S.REQUESTED, 9)
    response = cs.post(
        "/office/returns/bulk/labels/",
        {"selected": [f"{ok.number}:1", f"{waiting.number}:1"], "next": "?tab=collecting"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?tab=collecting"
    html = cs.get(response["Location"]).content.decode()
    assert number_of(waiting) in html
    assert "message-error" in html


def test_bulk_labels_of_another_store_are_not_found(
    cs2_user: Any, cs: Client, store: Any, offline: CarrierAccount
) -> None:
    ours = booked(store, cs)
    other = client_for(cs2_user)
    response = other.post(
        "/office/returns/bulk/labels/", {"selected": [f"{ours.number}:1"]}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "message-error" in html
    assert not html.startswith("%PDF")


def test_bulk_labels_bad_layout(cs: Client, store: Any, offline: CarrierAccount) -> None:
    ours = booked(store, cs)
    response = cs.post(
        "/office/returns/bulk/labels/",
        {"selected": [f"{ours.number}:1"], "layout": "A0"},
        follow=True,
    )
    assert "message-error" in response.content.decode()


def test_bulk_views_are_post_only(cs: Client) -> None:
    assert cs.get("/office/returns/bulk/approve/").status_code == 405
    assert cs.get("/office/returns/bulk/labels/").status_code == 405


def test_tab_labels_cover_the_ui_words() -> None:
    assert [tab.value for tab in Tab][:7] == [
        "requested",
        "on_hold",
        "collecting",
        "arriving",
        "inspecting",
        "refunding",
        "done",
    ]
