"""The return page's actions: only what the status and role allow, each a POST form through the
services with the return's version, PRG with a message, refused input next to its field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from banpum.logistics.models import CarrierAccount, Pickup, PickupStatus
from banpum.returns.models import EventType, ReturnEvent, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from tests.logistics.helpers import (
    address_order,
    linked_account,
    pickup_of,
    reload,
    store_with_return_address,
    unlinked_account,
)
from tests.office.conftest import member, return_for
from tests.returns.helpers import number_of, open_return, walk_to

pytestmark = pytest.mark.django_db


def url(return_request: ReturnRequest, action: str = "") -> str:
    base = f"/office/returns/{number_of(return_request)}/"
    return f"{base}{action}" if action else base


def page(client: Client, return_request: ReturnRequest) -> str:
    response = client.get(url(return_request))
    assert response.status_code == 200
    return str(response.content.decode())


def client_for(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def cs(cs_user: Any) -> Client:
    return client_for(cs_user)


@pytest.fixture
def warehouse(django_user_model: Any, store: Any) -> Client:
    return client_for(member(django_user_model, "wh", store, role="warehouse"))


@pytest.fixture
def requested(return1: ReturnRequest) -> ReturnRequest:
    return return1


@pytest.fixture
def held(store: Any) -> ReturnRequest:
    rr = return_for(store, name="이민수", phone="010-2222-3333", order_number="H-1")
    return walk_to(rr, S.ON_HOLD)


@pytest.fixture
def offline(store: Any) -> CarrierAccount:
    """A linked carrier nobody answers for: approvals book a pickup the test never sends."""
    store_with_return_address(store)
    return linked_account(store, "http://127.0.0.1:9")


@pytest.fixture
def booked(store: Any, offline: CarrierAccount, cs: Client) -> ReturnRequest:
    rr = open_return(address_order(store))
    response = cs.post(url(rr, "approve/"), {"version": rr.version})
    assert response.status_code == 302
    rr = reload(rr)
    assert rr.status == S.PICKUP_REQUESTED
    return rr


def excepted(return_request: ReturnRequest) -> Pickup:
    pickup = pickup_of(return_request)
    Pickup.objects.filter(pk=pickup.pk).update(
        status=PickupStatus.EXCEPTION,
        exception_code="customer_absent",
        exception_message="고객부재",
        exception_at=timezone.now() - dt.timedelta(hours=3),
    )
    return reload(pickup)


# --- what the page offers ------------------------------------------------------------------


def test_a_requested_return_offers_the_decisions_to_cs(
    cs: Client, requested: ReturnRequest
) -> None:
    html = page(cs, requested)
    for form in ("approve-form", "hold-form", "reject-form", "cancel-form", "note-form"):
        assert f'id="{form}"' in html, form
    assert f'name="version" value="{requested.version}"' in html
    assert 'id="self-ship-form"' not in html  # no pickup to give up
    assert 'id="waybill-form"' not in html
    # The decision in words at the top.
    assert "Refund estimate" in html
    assert "Eligible" in html or "Not eligible" in html


def test_warehouse_sees_no_decisions_only_notes(
    warehouse: Client, requested: ReturnRequest
) -> None:
    html = page(warehouse, requested)
    for form in ("approve-form", "hold-form", "reject-form", "cancel-form", "reveal-form"):
        assert f'id="{form}"' not in html, form
    assert 'id="note-form"' in html


def test_a_closed_return_offers_no_moves(cs: Client, requested: ReturnRequest) -> None:
    rejected = walk_to(
        return_for(requested.store, name="가", phone="010-1000-2000", order_number="X-1"),
        S.REJECTED,
    )
    html = page(cs, rejected)
    assert 'id="approve-form"' not in html
    assert 'id="cancel-form"' not in html
    assert "Nothing to decide here now." in html


# --- approve, hold, reject, cancel ----------------------------------------------------------


def test_approve_redirects_with_a_message(cs: Client, held: ReturnRequest) -> None:
    response = cs.post(url(held, "approve/"), {"version": held.version, "note": "확인함"})
    assert response.status_code == 302
    assert response["Location"] == url(held)
    assert reload(held).status == S.APPROVED  # no carrier set up: waits for one
    html = page(cs, held)
    assert "Approved." in html
    assert "확인함" in html


def test_a_stale_version_says_changed_meanwhile_and_keeps_the_note(
    cs: Client, requested: ReturnRequest
) -> None:
    old = requested.version
    walk_to_hold = cs.post(
        url(requested, "hold/"), {"version": old, "hold_reason": "photos_missing"}
    )
    assert walk_to_hold.status_code == 302
    response = cs.post(url(requested, "reject/"), {"version": old, "note": "사진 없음, 반려"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed meanwhile" in html
    assert "사진 없음, 반려" in html  # what was typed is kept
    current = reload(requested).version
    assert f'name="version" value="{current}"' in html  # sending again is a conscious choice
    assert reload(requested).status == S.ON_HOLD


def test_hold_needs_a_typed_reason(cs: Client, requested: ReturnRequest) -> None:
    for bad in ({}, {"hold_reason": "because"}):
        response = cs.post(url(requested, "hold/"), {"version": requested.version, **bad})
        assert response.status_code == 422
        assert 'id="id_hold_hold_reason_error"' in response.content.decode()
    assert reload(requested).status == S.REQUESTED
    response = cs.post(
        url(requested, "hold/"), {"version": requested.version, "hold_reason": "return_fee_unpaid"}
    )
    assert response.status_code == 302
    assert reload(requested).hold_reason == "return_fee_unpaid"


def test_reject_needs_a_note(cs: Client, requested: ReturnRequest) -> None:
    response = cs.post(url(requested, "reject/"), {"version": requested.version, "note": "  "})
    assert response.status_code == 422
    assert 'id="id_reject_note_error"' in response.content.decode()
    response = cs.post(
        url(requested, "reject/"), {"version": requested.version, "note": "기간 경과"}
    )
    assert response.status_code == 302
    assert reload(requested).status == S.REJECTED


def test_cancel(cs: Client, requested: ReturnRequest) -> None:
    response = cs.post(url(requested, "cancel/"), {"version": requested.version})
    assert response.status_code == 302
    assert reload(requested).status == S.CANCELLED


def test_a_move_the_status_no_longer_allows_is_a_409_message(
    cs: Client, requested: ReturnRequest
) -> None:
    rejected = walk_to(
        return_for(requested.store, name="나", phone="010-3000-4000", order_number="X-2"),
        S.REJECTED,
    )
    response = cs.post(url(rejected, "approve/"), {"version": rejected.version})
    assert response.status_code == 409
    assert "Cannot approve return" in response.content.decode()


@pytest.mark.parametrize("version", ["", "abc", "0", "-1"])
def test_a_missing_or_bad_version_is_a_422(
    cs: Client, requested: ReturnRequest, version: str
) -> None:
    response = cs.post(url(requested, "approve/"), {"version": version})
    assert response.status_code == 422
    assert reload(requested).status == S.REQUESTED


def test_actions_are_post_only(cs: Client, requested: ReturnRequest) -> None:
    for action in ("approve/", "hold/", "reject/", "cancel/", "notes/", "self-ship/", "waybill/"):
        assert cs.get(url(requested, action)).status_code == 405, action


# --- notes ---------------------------------------------------------------------------------


def test_a_note_is_added_and_shown(cs: Client, requested: ReturnRequest) -> None:
    response = cs.post(url(requested, "notes/"), {"note": "고객 통화: 내일 수거 희망"})
    assert response.status_code == 302
    assert ReturnEvent.objects.filter(
        return_request=requested, type=EventType.NOTE_ADDED, note="고객 통화: 내일 수거 희망"
    ).exists()
    assert "고객 통화: 내일 수거 희망" in page(cs, requested)


def test_an_empty_or_long_note_is_refused_next_to_its_field(
    cs: Client, requested: ReturnRequest
) -> None:
    for bad in ("", "x" * 5001):
        response = cs.post(url(requested, "notes/"), {"note": bad})
        assert response.status_code == 422
        assert 'id="id_note_note_error"' in response.content.decode()
    assert not ReturnEvent.objects.filter(type=EventType.NOTE_ADDED).exists()


def test_htmx_swaps_only_the_notes(cs: Client, requested: ReturnRequest) -> None:
    response = cs.post(url(requested, "notes/"), {"note": "메모 하나"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<section class="card" id="notes">')
    assert "메모 하나" in html
    assert "<html" not in html
    refused = cs.post(url(requested, "notes/"), {"note": " "}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200  # htmx swaps only 2xx: the form comes back with its error
    assert "id_note_note_error" in refused.content.decode()


def test_warehouse_may_add_a_note(warehouse: Client, requested: ReturnRequest) -> None:
    assert warehouse.post(url(requested, "notes/"), {"note": "박스 파손"}).status_code == 302


# --- pickups -------------------------------------------------------------------------------


def test_a_pickup_exception_offers_a_rerequest_and_self_ship(
    cs: Client, booked: ReturnRequest
) -> None:
    html = page(cs, booked)
    assert 'id="self-ship-form"' in html
    assert 'id="label-link"' in html
    pickup = excepted(booked)
    html = page(cs, booked)
    assert f'id="rerequest-form-{pickup.pk}"' in html
    assert "고객부재" in html


def test_rerequest_books_again_with_a_new_date(cs: Client, booked: ReturnRequest) -> None:
    old = excepted(booked)
    next_week = timezone.localdate() + dt.timedelta(days=7)
    response = cs.post(
        url(booked, "pickup/rerequest/"),
        {
            "version": booked.version,
            "pickup": old.pk,
            "preferred_date": next_week.isoformat(),
            "memo": "경비실",
            "note": "고객 통화",
        },
    )
    assert response.status_code == 302
    new = pickup_of(booked)
    assert new.pk != old.pk
    assert (new.preferred_date, new.memo) == (next_week, "경비실")
    assert reload(old).status == PickupStatus.CANCELLED


def test_rerequest_refuses_a_past_date_and_bad_boxes(cs: Client, booked: ReturnRequest) -> None:
    old = excepted(booked)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = cs.post(
        url(booked, "pickup/rerequest/"),
        {"version": booked.version, "pickup": old.pk, "preferred_date": yesterday.isoformat()},
    )
    assert response.status_code == 422
    assert f'id="id_rerequest{old.pk}_preferred_date_error"' in response.content.decode()
    response = cs.post(
        url(booked, "pickup/rerequest/"),
        {"version": booked.version, "pickup": old.pk, "box_count": "0"},
    )
    assert response.status_code == 422
    assert pickup_of(booked).pk == old.pk


def test_rerequest_of_a_pickup_that_did_not_fail_is_a_409(
    cs: Client, booked: ReturnRequest
) -> None:
    pickup = pickup_of(booked)
    response = cs.post(
        url(booked, "pickup/rerequest/"), {"version": booked.version, "pickup": pickup.pk}
    )
    assert response.status_code == 409
    assert pickup_of(booked).pk == pickup.pk


@pytest.mark.parametrize("pickup", ["", "abc", "999999"])
def test_rerequest_of_an_unknown_pickup_is_a_404(
    cs: Client, booked: ReturnRequest, pickup: str
) -> None:
    response = cs.post(
        url(booked, "pickup/rerequest/"), {"version": booked.version, "pickup": pickup}
    )
    assert response.status_code == 404


def test_switch_to_self_ship(cs: Client, booked: ReturnRequest) -> None:
    excepted(booked)
    response = cs.post(url(booked, "self-ship/"), {"version": booked.version, "note": "직접 발송"})
    assert response.status_code == 302
    assert reload(booked).status == S.AWAITING_SHIPMENT
    assert 'id="waybill-form"' in page(cs, booked)


def test_a_waybill_by_hand_puts_the_return_in_transit(cs: Client, store: Any) -> None:
    unlinked_account(store)
    rr = open_return(address_order(store))
    cs.post(url(rr, "approve/"), {"version": rr.version})
    rr = reload(rr)
    assert rr.status == S.AWAITING_SHIPMENT
    response = cs.post(
        url(rr, "waybill/"), {"version": rr.version, "waybill_number": "x", "carrier_code": ""}
    )
    assert response.status_code == 422
    assert 'id="id_waybill_waybill_number_error"' in response.content.decode()
    response = cs.post(
        url(rr, "waybill/"),
        {"version": rr.version, "waybill_number": "5123-4567-8901", "carrier_code": "nope"},
    )
    assert response.status_code == 422  # not a carrier of the list
    response = cs.post(
        url(rr, "waybill/"),
        {"version": rr.version, "waybill_number": "5123-4567-8901", "carrier_code": "kr.hanjin"},
    )
    assert response.status_code == 302
    assert reload(rr).status == S.IN_TRANSIT
    assert pickup_of(rr).waybill_number == "512345678901"


def test_the_label_pdf_of_a_booked_return(cs: Client, booked: ReturnRequest) -> None:
    response = cs.get(url(booked, "label.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_no_label_before_a_pickup_is_a_message(cs: Client, requested: ReturnRequest) -> None:
    response = cs.get(url(requested, "label.pdf"), follow=True)
    assert response.redirect_chain == [(url(requested), 302)]
    assert "label" in response.content.decode().lower()


def test_a_bad_label_layout_is_a_message(cs: Client, booked: ReturnRequest) -> None:
    response = cs.get(url(booked, "label.pdf") + "?layout=A0", follow=True)
    assert response.redirect_chain == [(url(booked), 302)]


# --- roles and stores ----------------------------------------------------------------------

CS_ONLY = ["approve/", "hold/", "reject/", "cancel/", "pickup/rerequest/", "self-ship/", "waybill/"]


@pytest.mark.parametrize("action", CS_ONLY)
def test_a_role_without_the_capability_gets_the_403_page(
    warehouse: Client, requested: ReturnRequest, action: str
) -> None:
    response = warehouse.post(
        url(requested, action), {"version": requested.version, "note": "x", "hold_reason": "other"}
    )
    assert response.status_code == 403
    assert "Your role cannot use this page" in response.content.decode()
    assert reload(requested).status == S.REQUESTED


@pytest.mark.parametrize("action", [*CS_ONLY, "notes/", "reveal/"])
def test_another_stores_return_is_a_404_for_every_action(
    cs2_user: Any, requested: ReturnRequest, action: str
) -> None:
    client = client_for(cs2_user)
    response = client.post(
        url(requested, action),
        {"version": requested.version, "note": "x", "hold_reason": "other", "pickup": "1"},
    )
    assert response.status_code == 404
    assert reload(requested).status == S.REQUESTED
    assert not ReturnEvent.objects.filter(type=EventType.NOTE_ADDED).exists()


def test_another_stores_label_and_page_are_404s(cs2_user: Any, booked: ReturnRequest) -> None:
    client = client_for(cs2_user)
    assert client.get(url(booked)).status_code == 404
    assert client.get(url(booked, "label.pdf")).status_code == 404


def test_the_page_in_korean_by_default(cs_user: Any, requested: ReturnRequest) -> None:
    html = page(client_for(cs_user, "ko"), requested)
    assert '<html lang="ko">' in html
    assert "반품 배송비" in html
    assert "처리 기록" in html


def test_the_page_reads_a_fixed_number_of_queries(
    cs: Client, booked: ReturnRequest, django_assert_max_num_queries: Any
) -> None:
    """More pickups (each with its tracking) and notes do not add queries."""
    with django_assert_max_num_queries(40) as one:
        cs.get(url(booked))
    first = len(one.captured_queries)
    for n in range(3):
        excepted(booked)
        cs.post(
            url(booked, "pickup/rerequest/"),
            {"version": reload(booked).version, "pickup": pickup_of(booked).pk},
        )
        cs.post(url(booked, "notes/"), {"note": f"메모 {n}"})
    assert Pickup.objects.filter(return_request=booked).count() == 4
    with django_assert_max_num_queries(first):
        cs.get(url(booked))


def test_the_page_links_inspection_and_money_by_role_and_status(
    store: Any, django_user_model: Any
) -> None:
    received = walk_to(
        return_for(store, name="이영수", phone="010-2222-3333", order_number="ORD-LINK"), S.RECEIVED
    )
    warehouse = Client()
    warehouse.force_login(member(django_user_model, "wh-links", store, role="warehouse"))
    page = warehouse.get(f"/office/returns/{received.number}/").content.decode()
    assert f"/office/returns/{received.number}/inspect/" in page
    assert f"/office/returns/{received.number}/money/" not in page
    cs = Client()
    cs.force_login(member(django_user_model, "cs-links", store))
    page = cs.get(f"/office/returns/{received.number}/").content.decode()
    assert f"/office/returns/{received.number}/inspect/" not in page
    assert f"/office/returns/{received.number}/money/" in page
