"""The money pages: a return's refunds and forms, the refund queues, bank-transfer batches.

Each form is tried with good and bad input, as a role that may not use it (403) and from
another store (404); account numbers are never shown or exported whole.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from banpum.commerce.models import Product, Store
from banpum.policy.types import Condition, FeeCollection, FeePayer, Resolution, ReturnType
from banpum.returns.models import FeeSettlement, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import FeeOverride
from banpum.settlement.exchanges.services import exchange_start
from banpum.settlement.models import (
    Exchange,
    Refund,
    RefundAccount,
    RefundKind,
    RefundStatus,
    TransferBatch,
)
from banpum.settlement.services import refund_accounts, transfers
from banpum.settlement.services.intents import refund_for_return
from banpum.warehouse.models import DispositionAction, Grade, InspectionOutcome
from banpum.warehouse.services import (
    DispositionIn,
    FeeConfirmation,
    LineInspectionIn,
    return_inspect,
)
from tests.factories import ProductFactory
from tests.logistics.helpers import address_order, store_with_return_address
from tests.office.conftest import member
from tests.returns.helpers import number_of, open_return, walk_to
from tests.settlement.helpers import SYSTEM, inspected_return, paid_order
from tests.settlement.transfer_helpers import GOOD_ACCOUNT, awaiting_transfer
from tests.warehouse.helpers import received_return

pytestmark = pytest.mark.django_db

FULL_NUMBER = "110123456789"  # GOOD_ACCOUNT's digits: never on a page or in an export


def client_for(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def cs(django_user_model: Any, store: Store) -> Client:
    return client_for(member(django_user_model, "cs", store, role="cs_agent"))


@pytest.fixture
def manager(django_user_model: Any, store: Store) -> Client:
    return client_for(member(django_user_model, "boss", store, role="manager"))


@pytest.fixture
def worker(django_user_model: Any, store: Store) -> Client:
    return client_for(member(django_user_model, "kim", store, role="warehouse"))


@pytest.fixture
def other_manager(django_user_model: Any, store2: Store) -> Client:
    return client_for(member(django_user_model, "boss2", store2, role="manager"))


def page(response: Any, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.content[:800])
    return str(response.content.decode())


@pytest.fixture
def refunded(store: Store) -> tuple[ReturnRequest, Refund]:
    """An inspected card-paid return with its refund pending (the job never runs here)."""
    return_request = inspected_return(paid_order(store))
    [refund] = refund_for_return(return_request=return_request, actor=SYSTEM, now=timezone.now())
    return ReturnRequest.objects.get(pk=return_request.pk), refund


def money_url(return_request: ReturnRequest, action: str = "") -> str:
    base = f"/office/returns/{number_of(return_request)}/money/"
    return f"{base}{action}/" if action else base


def account_on(return_request: ReturnRequest) -> RefundAccount:
    return refund_accounts.refund_account_set(
        return_request=return_request, **GOOD_ACCOUNT, actor=SYSTEM, now=timezone.now()
    )


# --- a return's money -------------------------------------------------------------------------


def test_the_money_page_shows_the_breakdown_and_the_refunds(
    cs: Client, refunded: tuple[ReturnRequest, Refund]
) -> None:
    return_request, refund = refunded
    html = page(cs.get(money_url(return_request)))
    assert "What the return refunds" in html
    assert "Items" in html
    assert f"₩{refund.amount:,}" in html
    assert "Pending" in html
    assert "Goodwill refund" not in html  # a CS agent has no goodwill right: no form shown


def test_the_money_page_is_korean_by_default(
    django_user_model: Any, store: Store, refunded: tuple[ReturnRequest, Refund]
) -> None:
    korean = client_for(member(django_user_model, "cs-ko", store), "ko")
    html = page(korean.get(money_url(refunded[0])))
    assert '<html lang="ko">' in html
    assert f"{refunded[1].amount:,}원" in html


def test_saving_a_refund_account_shows_it_masked(
    cs: Client, refunded: tuple[ReturnRequest, Refund]
) -> None:
    return_request, _refund = refunded
    answer = cs.post(money_url(return_request, "account"), GOOD_ACCOUNT)
    assert answer.status_code == 302
    html = page(cs.get(money_url(return_request)))
    assert "Refund account saved" in html
    assert "6789" in html
    assert FULL_NUMBER not in html
    assert "110-123-456789" not in html
    stored = RefundAccount.objects.get()
    assert stored.account_last4 == "6789"


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"account_number": "12ab-34"}, "may contain only digits, hyphens and spaces"),
        ({"account_number": "123"}, "account numbers have at least"),
        ({"holder_name": "=HYPERLINK()"}, "must not start with =, +, - or @"),
        ({"bank_code": "999"}, "Select a valid choice."),
        ({"account_number": ""}, "This field is required."),
    ],
)
def test_a_bad_account_is_refused_next_to_its_field_and_kept(
    cs: Client, refunded: tuple[ReturnRequest, Refund], changes: dict[str, str], field_error: str
) -> None:
    return_request, _refund = refunded
    html = page(cs.post(money_url(return_request, "account"), {**GOOD_ACCOUNT, **changes}), 422)
    assert field_error in html
    assert 'value="김반품"' in html or "holder_name" in changes
    assert not RefundAccount.objects.exists()


def test_a_goodwill_refund_within_what_was_paid(
    manager: Client, refunded: tuple[ReturnRequest, Refund]
) -> None:
    return_request, _refund = refunded
    answer = manager.post(
        money_url(return_request, "goodwill"),
        {"amount": "1000", "reason": "service_recovery", "note": "late reply"},
    )
    assert answer.status_code == 302, answer.content[:2000]
    goodwill = Refund.objects.get(kind=RefundKind.GOODWILL)
    assert goodwill.amount == 1000
    assert "Goodwill refund of ₩1,000 started." in page(manager.get(money_url(return_request)))


@pytest.mark.parametrize(
    ("amount", "status", "words"),
    [
        ("-5", 422, "Ensure this value is greater than or equal to 1."),
        ("0", 422, "Ensure this value is greater than or equal to 1."),
        ("1.5", 422, "Enter a whole number."),
        ("10000000", 409, "would exceed what is left to refund"),
        (str(10**13), 422, "Ensure this value is less than or equal to"),
    ],
)
def test_a_goodwill_refund_out_of_bounds_is_refused(
    manager: Client, refunded: tuple[ReturnRequest, Refund], amount: str, status: int, words: str
) -> None:
    return_request, _refund = refunded
    html = page(
        manager.post(money_url(return_request, "goodwill"), {"amount": amount, "reason": "delay"}),
        status,
    )
    assert words in html
    assert f'value="{amount}"' in html  # what was typed is kept
    assert not Refund.objects.filter(kind=RefundKind.GOODWILL).exists()


def test_goodwill_for_other_needs_a_note(
    manager: Client, refunded: tuple[ReturnRequest, Refund]
) -> None:
    html = page(
        manager.post(money_url(refunded[0], "goodwill"), {"amount": "100", "reason": "other"}),
        422,
    )
    assert "say why in a note" in html


def test_a_cs_agent_may_not_give_goodwill(
    cs: Client, refunded: tuple[ReturnRequest, Refund]
) -> None:
    answer = cs.post(money_url(refunded[0], "goodwill"), {"amount": "100", "reason": "delay"})
    assert answer.status_code == 403
    assert not Refund.objects.filter(kind=RefundKind.GOODWILL).exists()


@pytest.fixture
def fee_owed(store: Store) -> ReturnRequest:
    """Inspected with the fee that should have been in the box missing: outstanding."""
    store_with_return_address(store)
    from tests.factories import make_order

    order = make_order(store=store, lines=[{"quantity": 2, "unit_price": 10000}])
    received = received_return(
        order,
        create_kwargs={"fee": FeeOverride(FeePayer.BUYER, 3000, FeeCollection.ENCLOSE_IN_BOX)},
    )
    line = received.lines.get()
    return return_inspect(
        return_request=received,
        lines=[
            LineInspectionIn(
                return_line_id=line.pk,
                quantity_received=1,
                quantity_accepted=1,
                grade=Grade.B,
                condition=Condition.OPENED,
                outcome=InspectionOutcome.ACCEPT,
                dispositions=(DispositionIn(1, DispositionAction.REFURBISH),),
            )
        ],
        fee=FeeConfirmation(False),
        actor=SYSTEM,
        now=timezone.now(),
    )


def test_a_manager_waives_an_outstanding_fee(manager: Client, fee_owed: ReturnRequest) -> None:
    assert fee_owed.fee_settlement == FeeSettlement.OUTSTANDING
    html = page(manager.get(money_url(fee_owed)))
    assert "outstanding: the return cannot complete" in html
    html = page(manager.post(money_url(fee_owed, "fee-waive"), {"reason": " "}), 422)
    assert "This field is required." in html
    answer = manager.post(money_url(fee_owed, "fee-waive"), {"reason": "cash was short"})
    assert answer.status_code == 302
    assert ReturnRequest.objects.get(pk=fee_owed.pk).fee_settlement == FeeSettlement.WAIVED
    html = page(manager.post(money_url(fee_owed, "fee-waive"), {"reason": "again"}), 409)
    assert "has no outstanding return fee" in html


def test_a_fee_paid_later_is_recorded(manager: Client, fee_owed: ReturnRequest) -> None:
    page(manager.post(money_url(fee_owed, "fee-settle"), {"how": "cash"}), 422)
    answer = manager.post(money_url(fee_owed, "fee-settle"), {"how": "transferred"})
    assert answer.status_code == 302
    assert ReturnRequest.objects.get(pk=fee_owed.pk).fee_settlement == FeeSettlement.TRANSFERRED


def test_a_cs_agent_may_not_waive_a_fee(cs: Client, fee_owed: ReturnRequest) -> None:
    assert "Waive the fee" not in page(cs.get(money_url(fee_owed)))
    assert cs.post(money_url(fee_owed, "fee-waive"), {"reason": "x"}).status_code == 403
    assert ReturnRequest.objects.get(pk=fee_owed.pk).fee_settlement == FeeSettlement.OUTSTANDING


def test_an_unknown_money_action_is_a_404(
    manager: Client, refunded: tuple[ReturnRequest, Refund]
) -> None:
    assert manager.post(money_url(refunded[0], "steal")).status_code == 404
    assert manager.get(money_url(refunded[0], "goodwill")).status_code == 405


# --- exchanges ----------------------------------------------------------------------------------


@pytest.fixture
def variants(store: Store) -> dict[str, Product]:
    return {
        "m": ProductFactory(store=store, sku="TS-BLK-M", option_group="TS", options={"size": "M"}),
        "l": ProductFactory(store=store, sku="TS-BLK-L", option_group="TS", options={"size": "L"}),
        "cap": ProductFactory(store=store, sku="CAP-01", option_group="CAP"),
    }


def exchange_return(store: Store, product: Product) -> ReturnRequest:
    store_with_return_address(store)
    order = address_order(store, lines=[{"product": product, "quantity": 1, "unit_price": 10000}])
    return open_return(
        order,
        ((1, 1),),
        type=ReturnType.EXCHANGE,
        resolution=Resolution.EXCHANGE,
        reason_code="defective",
        photo_count=1,
        create_kwargs={"allow_ineligible": True},
    )


def test_choose_the_replacement_variant(
    cs: Client, store: Store, variants: dict[str, Product]
) -> None:
    return_request = exchange_return(store, variants["m"])
    line = return_request.lines.get()
    html = page(cs.get(money_url(return_request)))
    assert "TS-BLK-L" in html
    assert "CAP-01" not in html  # only the product's own variants are offered
    answer = cs.post(
        money_url(return_request, "exchange"),
        {f"sku_{line.pk}": "TS-BLK-L", f"quantity_{line.pk}": "1"},
    )
    assert answer.status_code == 302, answer.content[:2000]
    exchange = Exchange.objects.get(return_request=return_request)
    assert [ln.replacement.sku for ln in exchange.lines.all()] == ["TS-BLK-L"]


@pytest.mark.parametrize(("sku", "quantity"), [("CAP-01", "1"), ("TS-BLK-L", "2"), ("", "1")])
def test_a_bad_replacement_is_refused(
    cs: Client, store: Store, variants: dict[str, Product], sku: str, quantity: str
) -> None:
    return_request = exchange_return(store, variants["m"])
    line = return_request.lines.get()
    page(
        cs.post(
            money_url(return_request, "exchange"),
            {f"sku_{line.pk}": sku, f"quantity_{line.pk}": quantity},
        ),
        422,
    )
    assert not Exchange.objects.filter(return_request=return_request, lines__isnull=False).exists()


def test_an_exchange_without_stock_becomes_a_refund_with_consent(
    cs: Client, store: Store, variants: dict[str, Product]
) -> None:
    return_request = walk_to(exchange_return(store, variants["m"]), S.INSPECTED)
    exchange_start(return_request=return_request, actor=SYSTEM, now=timezone.now())
    assert ReturnRequest.objects.get(pk=return_request.pk).status == S.EXCHANGE_PENDING
    html = page(cs.post(money_url(return_request, "convert"), {"consent_note": ""}), 422)
    assert "This field is required." in html
    answer = cs.post(
        money_url(return_request, "convert"), {"consent_note": "phoned on 3 March, agreed"}
    )
    assert answer.status_code == 302, answer.content[:2000]
    assert ReturnRequest.objects.get(pk=return_request.pk).status == S.REFUND_PENDING
    assert Refund.objects.filter(return_request=return_request).exists()


# --- the refund queues ----------------------------------------------------------------------------


def test_the_refund_queues_with_counts_and_masked_accounts(
    cs: Client, store: Store, refunded: tuple[ReturnRequest, Refund]
) -> None:
    waiting, _transfer = awaiting_transfer(store)
    account_on(waiting)
    html = page(cs.get("/office/refunds/"))
    assert "Awaiting transfer" in html
    assert f"/office/returns/{number_of(waiting)}/money/" in html
    assert "*******6789" in html
    assert FULL_NUMBER not in html
    html = page(cs.get("/office/refunds/?queue=awaiting_transfer"))
    assert number_of(waiting) in html
    assert number_of(refunded[0]) not in html
    assert "No refund in this queue." in page(cs.get("/office/refunds/?queue=account_needed"))


def test_the_refund_list_exports_csv_and_excel_masked(cs: Client, store: Store) -> None:
    waiting, _transfer = awaiting_transfer(store)
    account_on(waiting)
    exported = cs.get("/office/refunds/?queue=all&_export=csv")
    assert exported.status_code == 200
    text = exported.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert "Refund account" in rows[0]
    assert "Retry" not in text
    assert any("6789" in cell for cell in rows[1])
    assert FULL_NUMBER not in text
    workbook = cs.get("/office/refunds/?_export=xlsx")
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    assert FULL_NUMBER not in str(list(sheet.values))


def test_an_unknown_queue_is_a_404(cs: Client) -> None:
    assert cs.get("/office/refunds/?queue=everything").status_code == 404


def failed_transfer(store: Store) -> tuple[ReturnRequest, Refund]:
    waiting, refund = awaiting_transfer(store)
    account_on(waiting)
    batch = transfers.transfer_batch_create(store=store, actor=SYSTEM, now=timezone.now())
    transfers.transfer_batch_confirm(
        batch=batch,
        paid=[],
        failed=[(refund.pk, "계좌 없음")],
        actor=SYSTEM,
        now=timezone.now(),
    )
    return waiting, Refund.objects.get(pk=refund.pk)


def test_a_failed_refund_is_retried_from_the_list(cs: Client, store: Store) -> None:
    _waiting, refund = failed_transfer(store)
    assert refund.status == RefundStatus.FAILED
    html = page(cs.get("/office/refunds/?queue=failed"))
    assert f"/office/refunds/{refund.pk}/retry/" in html
    assert "계좌 없음" in html  # the bank's reason
    answer = cs.post(f"/office/refunds/{refund.pk}/retry/")
    assert answer.status_code == 302
    assert answer["Location"] == "/office/refunds/?queue=failed"
    assert Refund.objects.get(pk=refund.pk).status == RefundStatus.AWAITING_TRANSFER
    again = cs.post(f"/office/refunds/{refund.pk}/retry/", {"next": "https://evil.example/"})
    assert again["Location"] == "/office/refunds/?queue=failed"  # never off this site
    assert "Only a failed refund can be retried." in page(cs.get("/office/refunds/"))


# --- bank-transfer batches ----------------------------------------------------------------------


def test_a_batch_from_creation_to_confirmation(manager: Client, store: Store) -> None:
    waiting, refund = awaiting_transfer(store)
    account_on(waiting)
    html = page(manager.get("/office/transfers/"))
    assert "1 refund awaits a bank transfer" in html
    answer = manager.post("/office/transfers/")
    assert answer.status_code == 302
    batch = TransferBatch.objects.get()
    assert answer["Location"] == f"/office/transfers/{batch.pk}/"
    html = page(manager.get(answer["Location"]))
    assert "6789" in html
    assert FULL_NUMBER not in html
    workbook = manager.get(f"/office/transfers/{batch.pk}/file.xlsx")
    assert workbook.status_code == 200
    assert workbook["Cache-Control"] == "no-store"
    assert "attachment" in workbook["Content-Disposition"]
    assert manager.get(f"/office/transfers/{batch.pk}/file.csv").status_code == 200
    assert manager.get(f"/office/transfers/{batch.pk}/file.pdf").status_code == 404
    answer = manager.post(
        f"/office/transfers/{batch.pk}/confirm/", {f"outcome_{refund.pk}": "paid"}
    )
    assert answer.status_code == 302
    assert Refund.objects.get(pk=refund.pk).status == RefundStatus.PAID
    assert "1 paid, 0 failed." in page(manager.get(answer["Location"]))


def test_confirming_nothing_or_twice_is_refused(manager: Client, store: Store) -> None:
    waiting, refund = awaiting_transfer(store)
    account_on(waiting)
    manager.post("/office/transfers/")
    batch = TransferBatch.objects.get()
    html = page(manager.post(f"/office/transfers/{batch.pk}/confirm/", {}), 422)
    assert "Name at least one paid or failed refund." in html
    html = page(
        manager.post(f"/office/transfers/{batch.pk}/confirm/", {f"outcome_{refund.pk}": "maybe"}),
        422,
    )
    assert "Select a valid choice." in html
    manager.post(f"/office/transfers/{batch.pk}/confirm/", {"all": "paid"})
    assert Refund.objects.get(pk=refund.pk).status == RefundStatus.PAID
    html = page(manager.post(f"/office/transfers/{batch.pk}/confirm/", {"all": "paid"}), 422)
    assert "is already confirmed" in html


def test_a_bad_result_file_is_refused_with_a_message(
    manager: Client, store: Store, settings: Any
) -> None:
    waiting, _refund = awaiting_transfer(store)
    account_on(waiting)
    manager.post("/office/transfers/")
    batch = TransferBatch.objects.get()
    upload = io.BytesIO(b"a,b\n1,2\n")
    upload.name = "result.csv"
    html = page(manager.post(f"/office/transfers/{batch.pk}/confirm-file/", {"file": upload}), 422)
    assert "error" in html
    settings.BANPUM_TRANSFER_RESULT_MAX_BYTES = 10
    upload = io.BytesIO(b"x" * 11)
    upload.name = "result.csv"
    html = page(manager.post(f"/office/transfers/{batch.pk}/confirm-file/", {"file": upload}), 422)
    assert "larger than 10 bytes" in html
    page(manager.post(f"/office/transfers/{batch.pk}/confirm-file/", {}), 422)


def test_nothing_to_transfer_says_so(manager: Client) -> None:
    answer = manager.post("/office/transfers/")
    assert answer.status_code == 302
    assert "No refund awaits a bank transfer" in page(manager.get("/office/transfers/"))


# --- who may, and which store -----------------------------------------------------------------


def test_roles_without_the_capability_get_the_403_page(
    worker: Client, cs: Client, refunded: tuple[ReturnRequest, Refund]
) -> None:
    return_request, refund = refunded
    for response in (
        worker.get(money_url(return_request)),
        worker.post(money_url(return_request, "account"), GOOD_ACCOUNT),
        worker.get("/office/refunds/"),
        worker.post(f"/office/refunds/{refund.pk}/retry/"),
        cs.get("/office/transfers/"),
        cs.post("/office/transfers/"),
    ):
        assert response.status_code == 403
    assert not RefundAccount.objects.exists()


def test_another_store_gets_404_for_everything_of_this_one(
    other_manager: Client, store: Store, refunded: tuple[ReturnRequest, Refund]
) -> None:
    return_request, _refund = refunded
    _failed_return, failed = failed_transfer(store)
    batch = TransferBatch.objects.get()
    for action in ("", "account", "goodwill", "fee-waive", "fee-settle", "exchange", "convert"):
        url = money_url(return_request, action)
        response = other_manager.post(url, {}) if action else other_manager.get(url)
        assert response.status_code == 404, url
    for response in (
        other_manager.post(f"/office/refunds/{failed.pk}/retry/"),
        other_manager.get(f"/office/transfers/{batch.pk}/"),
        other_manager.get(f"/office/transfers/{batch.pk}/file.xlsx"),
        other_manager.post(f"/office/transfers/{batch.pk}/confirm/", {"all": "paid"}),
        other_manager.post(f"/office/transfers/{batch.pk}/confirm-file/", {}),
    ):
        assert response.status_code == 404
    assert number_of(return_request) not in page(other_manager.get("/office/refunds/"))
    assert f"/office/transfers/{batch.pk}/" not in page(other_manager.get("/office/transfers/"))
    assert Refund.objects.get(pk=failed.pk).status == RefundStatus.FAILED


def test_the_refund_list_reads_in_a_fixed_number_of_queries(
    cs: Client, store: Store, django_assert_max_num_queries: Any
) -> None:
    for _ in range(4):
        waiting, _refund = awaiting_transfer(store)
        account_on(waiting)
    with django_assert_max_num_queries(20):
        page(cs.get("/office/refunds/"))
