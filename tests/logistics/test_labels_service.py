"""Labels of real returns: what a courier reads on them, who may have one, and the batch's cost.

The carrier is the simulator over real HTTP; the PDF is read back with ``pdftotext``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from banpum.core.errors import Conflict, NotFound
from banpum.logistics.labels_service import labels_pdf, return_labels_pdf
from banpum.logistics.models import CarrierAccount, Pickup, PickupStatus
from banpum.logistics.services.label_codes import (
    MAX_ATTEMPTS,
    pickup_label_codes_fetch,
    pickup_label_codes_sweep,
)
from banpum.logistics.services.pickups import pickup_register_manual
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import return_request_cancel, return_request_reject
from tests.logistics.helpers import (
    CS,
    address_order,
    approve,
    book,
    pickup_of,
    reload,
    unlinked_account,
)
from tests.returns.helpers import number_of, open_return

pytestmark = pytest.mark.django_db

# The simulator's codes for the store's return address (postcode 17383, 경기).
SORTING_CODE, TERMINAL = "1H38-4", "경기터미널"


def text_of(pdf: bytes, tmp_path: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    source = tmp_path / "label.pdf"
    source.write_bytes(pdf)
    return subprocess.run(
        [pdftotext, "-enc", "UTF-8", str(source), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


def label_text(return_request: ReturnRequest, tmp_path: Path) -> str:
    return text_of(labels_pdf([return_request]), tmp_path)


@pytest.fixture
def booked(order: Any, account: CarrierAccount, committed: Any) -> ReturnRequest:
    """Approved, and booked with the simulator by the job, as after commit in production."""
    with committed():
        return approve(order)


# --- the carrier's codes --------------------------------------------------------------------


def test_the_carriers_codes_are_fetched_once_after_booking_and_printed(
    booked: ReturnRequest, tmp_path: Path
) -> None:
    pickup = pickup_of(booked)

    assert pickup.status == PickupStatus.ACCEPTED
    assert (pickup.sorting_code, pickup.terminal) == (SORTING_CODE, TERMINAL)
    assert (pickup.label_codes_attempts, pickup.label_codes_due_at) == (1, None)
    text = label_text(booked, tmp_path)
    assert SORTING_CODE in text
    assert TERMINAL in text


def test_fetching_again_does_not_call_the_carrier(booked: ReturnRequest) -> None:
    pickup = pickup_of(booked)

    pickup_label_codes_fetch(pickup_id=pickup.pk, now=timezone.now())

    assert reload(pickup).label_codes_attempts == 1


def test_a_booked_pickup_without_codes_is_swept_and_gets_them(
    order: Any, account: CarrierAccount, committed: Any
) -> None:
    with committed():
        returned = approve(order)
    pickup = pickup_of(returned)
    Pickup.objects.filter(pk=pickup.pk).update(sorting_code="", terminal="", label_codes_attempts=0)
    assert pickup.accepted_at is not None
    later = pickup.accepted_at + dt.timedelta(minutes=5)

    assert pickup_label_codes_sweep(now=pickup.accepted_at) == {"enqueued": 0}
    assert pickup_label_codes_sweep(now=later) == {"enqueued": 1}

    swept = reload(pickup)
    assert (swept.sorting_code, swept.terminal) == (SORTING_CODE, TERMINAL)
    assert pickup_label_codes_sweep(now=later + dt.timedelta(hours=1)) == {"enqueued": 0}


def test_an_unreachable_carrier_is_asked_again_later_then_given_up(
    order: Any, offline_account: CarrierAccount
) -> None:
    pickup = book(approve(order))
    assert pickup.accepted_at is not None
    now = pickup.accepted_at + dt.timedelta(minutes=5)

    pickup_label_codes_fetch(pickup_id=pickup.pk, now=now)

    failed = reload(pickup)
    assert failed.label_codes_error.startswith("connection:")
    assert failed.label_codes_attempts == 1
    assert failed.label_codes_due_at is not None
    assert failed.label_codes_due_at > now
    assert pickup_label_codes_sweep(now=now) == {"enqueued": 0}  # not due yet
    for _ in range(MAX_ATTEMPTS):
        pickup_label_codes_fetch(pickup_id=pickup.pk, now=now)
    given_up = reload(pickup)
    assert given_up.label_codes_attempts == MAX_ATTEMPTS
    assert given_up.label_codes_due_at is None
    assert pickup_label_codes_sweep(now=now + dt.timedelta(days=2)) == {"enqueued": 0}


def test_a_hand_entered_waybill_is_not_sent_to_the_carrier(store: Any, order: Any) -> None:
    unlinked_account(store)
    returned = approve(order)
    manual = pickup_register_manual(
        return_request=returned, actor=CS, waybill_number="512345678901", now=timezone.now()
    )

    assert manual.accepted_at is not None
    assert pickup_label_codes_sweep(now=manual.accepted_at + dt.timedelta(hours=1)) == {
        "enqueued": 0
    }


# --- what the label says --------------------------------------------------------------------


@pytest.mark.parametrize(("code", "shown"), [("xs", "극소"), ("large", "대"), ("xl", "특대")])
def test_the_box_size_is_printed_in_korean(
    order: Any, offline_account: CarrierAccount, code: str, shown: str, tmp_path: Path
) -> None:
    returned = approve(order)
    Pickup.objects.filter(pk=pickup_of(returned).pk).update(box_size=code)

    text = label_text(returned, tmp_path)

    assert f"1개 · {shown}" in text
    assert f"· {code}" not in text


def test_the_accounts_own_box_label_wins(
    order: Any, offline_account: CarrierAccount, tmp_path: Path
) -> None:
    returned = approve(order)  # the account's first box: {"code": "small", "label": "소형"}

    assert "1개 · 소형" in label_text(returned, tmp_path)


def test_the_date_is_the_booking_date_in_the_stores_time_zone(
    order: Any, offline_account: CarrierAccount, tmp_path: Path
) -> None:
    returned = approve(order)
    pickup = book(returned)
    # 2025-07-01 16:30 UTC is 2025-07-02 01:30 in Seoul.
    Pickup.objects.filter(pk=pickup.pk).update(
        accepted_at=dt.datetime(2025, 7, 1, 16, 30, tzinfo=dt.UTC)
    )

    text = label_text(returned, tmp_path)

    assert "2025-07-02" in text
    assert timezone.localdate().isoformat() not in text


# --- who may have a label -------------------------------------------------------------------


def test_a_rejected_return_gets_no_label(order: Any, offline_account: CarrierAccount) -> None:
    rejected = return_request_reject(
        return_request=open_return(order), actor=CS, note="기간 경과", now=timezone.now()
    )

    with pytest.raises(Conflict) as refused:
        labels_pdf([rejected])

    assert refused.value.code == "label_not_available"
    assert refused.value.status_code == 409


def test_a_cancelled_return_gets_no_label(
    booked: ReturnRequest, committed: Any, tmp_path: Path
) -> None:
    with committed():
        cancelled = return_request_cancel(
            return_request=booked, actor=CS, note="고객 변심 철회", now=timezone.now()
        )
    assert cancelled.status == S.CANCELLED

    with pytest.raises(Conflict) as refused:
        labels_pdf([cancelled])

    assert refused.value.code == "label_not_available"


def test_a_self_ship_return_without_a_waybill_gets_no_label(store: Any, order: Any) -> None:
    unlinked_account(store)
    waiting = approve(order)
    assert waiting.status == S.AWAITING_SHIPMENT

    with pytest.raises(Conflict) as refused:
        labels_pdf([waiting])
    assert refused.value.code == "label_no_pickup"

    pickup_register_manual(
        return_request=waiting, actor=CS, waybill_number="512345678901", now=timezone.now()
    )
    assert labels_pdf([waiting]).startswith(b"%PDF")


def test_a_batch_names_every_return_refused(order: Any, offline_account: CarrierAccount) -> None:
    good = approve(order)
    bad = [
        return_request_reject(
            return_request=open_return(address_order(order.store)),
            actor=CS,
            note="x",
            now=timezone.now(),
        )
        for _ in range(2)
    ]

    with pytest.raises(Conflict) as refused:
        return_labels_pdf(store=order.store, numbers=[number_of(good), *map(number_of, bad)])

    assert refused.value.code == "label_not_available"
    assert [item["number"] for item in refused.value.extra["refused"]] == [rr.number for rr in bad]


def test_an_unknown_number_in_a_batch_is_not_found(
    order: Any, offline_account: CarrierAccount
) -> None:
    good = approve(order)

    with pytest.raises(NotFound) as missing:
        return_labels_pdf(store=order.store, numbers=[number_of(good), "R-NOPE"])

    assert missing.value.extra == {"numbers": ["R-NOPE"]}


def test_the_label_endpoint_answers_409_for_a_rejected_return(
    order: Any, offline_account: CarrierAccount, api: Any
) -> None:
    rejected = return_request_reject(
        return_request=open_return(order), actor=CS, note="기간 경과", now=timezone.now()
    )

    response = api.get(f"/api/v1/returns/{rejected.number}/label.pdf")

    assert response.status_code == 409
    assert response.json()["code"] == "label_not_available"


# --- the batch's cost -----------------------------------------------------------------------


def test_a_batch_costs_the_same_queries_for_2_or_12_labels(
    store: Any, offline_account: CarrierAccount
) -> None:
    numbers: list[str] = []
    for _ in range(12):
        order = address_order(store, lines=[{"quantity": 2}, {"quantity": 1}])
        returned = approve(order, lines=[(1, 1), (2, 1)])
        book(returned, waybill=f"6{returned.pk:011d}")
        numbers.append(number_of(returned))

    with CaptureQueriesContext(connection) as two:
        return_labels_pdf(store=store, numbers=numbers[:2], layout="A4")
    with CaptureQueriesContext(connection) as twelve:
        return_labels_pdf(store=store, numbers=numbers, layout="A4")

    assert len(twelve) == len(two) <= 3


def test_the_batch_endpoint_costs_the_same_queries_for_2_or_12_labels(
    store: Any, offline_account: CarrierAccount, api: Any
) -> None:
    numbers: list[str] = []
    for _ in range(12):
        returned = approve(address_order(store))
        book(returned, waybill=f"6{returned.pk:011d}")
        numbers.append(number_of(returned))

    def post(chosen: list[str]) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = api.post(
                "/api/v1/labels", {"numbers": chosen}, content_type="application/json"
            )
        assert response.status_code == 200
        return len(queries)

    post(numbers[:1])  # warm-up: the API key's first use of the day is recorded once
    assert post(numbers) == post(numbers[:2]) <= 6
