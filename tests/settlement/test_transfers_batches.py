"""Transfer batches: exported once (disjoint batches, a database backstop), the 대량이체 file
read back, confirmation by JSON or the bank's result file, idempotent, and a failed transfer
retried into a new batch."""

from __future__ import annotations

import csv
import io
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from banpum.returns.models import ReturnRequest, ReturnStatus
from banpum.settlement.models import (
    OrderRefundBalance,
    Refund,
    RefundStatus,
    TransferBatch,
    TransferBatchItem,
    TransferOutcome,
)
from banpum.settlement.services import transfers
from tests.factories import StoreFactory, make_policy
from tests.settlement.transfer_helpers import awaiting_transfer, give_account, role_client, send

pytestmark = pytest.mark.django_db

KB_WITH_ZERO = {"bank_code": "004", "account_number": "012345678901", "holder_name": "이환불"}


@pytest.fixture
def manager(store: Any) -> Client:
    return role_client(store, "manager", language="en")


def _two_ready(store: Any, manager: Client) -> tuple[Refund, Refund]:
    first_return, first = awaiting_transfer(store)
    second_return, second = awaiting_transfer(store)
    give_account(manager, first_return, **KB_WITH_ZERO)
    give_account(manager, second_return)
    return first, second


def _batch(manager: Client, **body: Any) -> Any:
    return send(manager, "post", "/transfers/batches", body)


def _confirm(manager: Client, batch_id: int, body: dict[str, Any]) -> Any:
    return send(manager, "post", f"/transfers/batches/{batch_id}/confirm", body)


def test_a_batch_takes_the_ready_refunds_and_its_workbook_keeps_leading_zeros(
    store: Any, manager: Client
) -> None:
    first, second = _two_ready(store, manager)
    _, no_account = awaiting_transfer(store)
    created = _batch(manager)
    assert created.status_code == 201, created.content
    batch = created.json()
    assert batch["status"] == "exported"
    assert batch["count"] == 2
    assert batch["total"] == first.amount + second.amount
    assert sorted(i["refund_id"] for i in batch["items"]) == [first.pk, second.pk]
    assert no_account.pk not in {i["refund_id"] for i in batch["items"]}
    assert {i["account_number_masked"] for i in batch["items"]} == {
        "********8901",
        "********6789",
    }
    assert "012345678901" not in created.content.decode()

    answer = manager.get(f"/api/v1/transfers/batches/{batch['id']}/file.xlsx")
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "no-store"
    day = timezone.now().astimezone(ZoneInfo(store.timezone)).strftime("%Y%m%d")
    assert answer["Content-Disposition"] == (
        f'attachment; filename="transfers-{day}-{batch["id"]}.xlsx"'
    )
    workbook = openpyxl.load_workbook(io.BytesIO(answer.content))
    rows = list(workbook["대량이체"].iter_rows(values_only=True))
    assert rows[0][:5] == ("입금은행코드", "입금은행", "입금계좌번호", "예금주", "이체금액")
    by_reference = {row[6]: row for row in rows[1:]}
    kb = by_reference[f"RF{first.pk}"]
    assert kb[:5] == ("004", "KB국민은행", "012345678901", "이환불", first.amount)
    assert by_reference[f"RF{second.pk}"][2] == "110123456789"
    summary = dict(workbook["합계"].iter_rows(values_only=True))
    assert summary == {"건수": 2, "합계금액": first.amount + second.amount}

    as_csv = manager.get(f"/api/v1/transfers/batches/{batch['id']}/file.csv")
    assert as_csv.status_code == 200
    assert as_csv["Cache-Control"] == "no-store"
    lines = list(csv.reader(io.StringIO(as_csv.content.decode("cp949"))))
    assert lines[1][:5] == ["004", "KB국민은행", "012345678901", "이환불", str(first.amount)]


def test_a_second_batch_never_takes_a_refund_again(store: Any, manager: Client) -> None:
    first, second = _two_ready(store, manager)
    one = _batch(manager).json()
    again = _batch(manager)
    assert again.status_code == 409
    assert again.json()["code"] == "nothing_to_transfer"
    named = _batch(manager, refund_ids=[first.pk])
    assert named.status_code == 409
    assert named.json()["code"] == "transfer_refunds_unavailable"
    assert named.json()["extra"]["refund_ids"] == [first.pk]

    third_return, third = awaiting_transfer(store)
    give_account(manager, third_return)
    two = _batch(manager).json()
    assert [i["refund_id"] for i in two["items"]] == [third.pk]
    assert {i["refund_id"] for i in one["items"]} == {first.pk, second.pk}
    listed = manager.get("/api/v1/transfers/batches").json()["results"]
    assert [b["id"] for b in listed] == [two["id"], one["id"]]


def test_the_database_refuses_a_refund_in_two_live_items(store: Any, manager: Client) -> None:
    first, _ = _two_ready(store, manager)
    batch = TransferBatch.objects.get(pk=_batch(manager).json()["id"])
    item = TransferBatchItem.objects.get(refund=first)
    other = TransferBatch.objects.create(
        store=store, count=1, total=1, file_name="x", created_at=timezone.now()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        TransferBatchItem.objects.create(
            batch=other,
            refund=first,
            account=item.account,
            amount=first.amount,
            bank_code="004",
            account_last4="8901",
            reference="RF",
        )
    assert batch.items.count() == 2


def test_a_batch_racing_another_is_refused_whole(
    store: Any, manager: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_ready(store, manager)
    assert _batch(manager).status_code == 201
    # The other batch committed after we read what is taken: the index refuses ours.
    monkeypatch.setattr(transfers, "_live_refund_ids", lambda ids: set())
    raced = _batch(manager)
    assert raced.status_code == 409
    assert raced.json()["code"] == "transfer_batch_race"
    assert TransferBatch.objects.count() == 1


def test_confirming_pays_and_fails_and_a_second_confirmation_changes_nothing(
    store: Any, manager: Client
) -> None:
    first, second = _two_ready(store, manager)
    batch_id = _batch(manager).json()["id"]
    bad = _confirm(manager, batch_id, {"paid": [first.pk, 999_999]})
    assert bad.status_code == 422
    assert "paid.1" in bad.json()["extra"]["fields"]
    both = _confirm(manager, batch_id, {"paid": [first.pk], "failed": [{"refund_id": first.pk}]})
    assert both.status_code == 422
    assert _confirm(manager, batch_id, {}).status_code == 422
    assert _confirm(manager, batch_id, {"paid": "some"}).status_code == 422

    partly = _confirm(manager, batch_id, {"paid": [first.pk]})
    assert partly.status_code == 200, partly.content
    assert partly.json()["paid"] == [first.pk]
    assert partly.json()["batch"]["status"] == "exported"
    assert partly.json()["batch"]["pending_count"] == 1
    repeated = _confirm(manager, batch_id, {"paid": [first.pk]})
    assert repeated.json()["unchanged"] == [first.pk]
    assert repeated.json()["paid"] == []
    contradicted = _confirm(manager, batch_id, {"failed": [{"refund_id": first.pk}]})
    assert contradicted.status_code == 409
    assert contradicted.json()["code"] == "transfer_item_decided"

    done = _confirm(
        manager, batch_id, {"failed": [{"refund_id": second.pk, "reason": "예금주 불일치"}]}
    )
    assert done.status_code == 200, done.content
    assert done.json()["batch"]["status"] == "partly_failed"
    assert done.json()["batch"]["confirmed_at"] is not None

    paid = Refund.objects.get(pk=first.pk)
    assert paid.status == RefundStatus.PAID
    assert paid.paid_at is not None
    assert ReturnRequest.objects.get(refunds=paid).status == ReturnStatus.COMPLETED
    failed = Refund.objects.get(pk=second.pk)
    assert failed.status == RefundStatus.FAILED
    assert OrderRefundBalance.objects.get(order=failed.order).committed_total == 0
    queue = manager.get("/api/v1/refunds?state=failed").json()["results"]
    assert [(r["id"], r["last_error"]) for r in queue] == [(second.pk, "예금주 불일치")]

    twice = _confirm(manager, batch_id, {"paid": "all"})
    assert twice.status_code == 409
    assert twice.json()["code"] == "transfer_batch_confirmed"
    assert Refund.objects.get(pk=first.pk).version == paid.version


def test_all_pays_every_item_not_named_failed(store: Any, manager: Client) -> None:
    first, second = _two_ready(store, manager)
    batch_id = _batch(manager).json()["id"]
    answer = _confirm(manager, batch_id, {"paid": "all"})
    assert answer.status_code == 200, answer.content
    assert sorted(answer.json()["paid"]) == [first.pk, second.pk]
    assert answer.json()["batch"]["status"] == "confirmed"
    assert set(Refund.objects.values_list("status", flat=True)) == {RefundStatus.PAID}


def _result_file(rows: list[tuple[Any, ...]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(("기업뱅킹 대량이체 결과",))
    sheet.append(("입금은행코드", "입금계좌번호", "이체금액", "처리결과", "불능사유", "내통장표시"))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(manager: Client, batch_id: int, content: bytes, name: str = "result.xlsx") -> Any:
    upload = io.BytesIO(content)
    upload.name = name
    return manager.post(f"/api/v1/transfers/batches/{batch_id}/confirm/file", {"file": upload})


def test_the_banks_result_file_confirms_the_batch(store: Any, manager: Client) -> None:
    first, second = _two_ready(store, manager)
    third_return, third = awaiting_transfer(store)
    give_account(manager, third_return, bank_code="090", account_number="3333012345678")
    batch_id = _batch(manager).json()["id"]
    content = _result_file(
        [
            ("004", "012345678901", first.amount, "성공", "", f"RF{first.pk}"),
            ("088", "110-123-456789", second.amount, "실패", "계좌번호 오류", f"RF{second.pk}"),
            ("088", "9876543210", 1234, "성공", "", ""),
        ]
    )
    answer = _upload(manager, batch_id, content)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["paid"] == [first.pk]
    assert body["failed"] == [second.pk]
    assert body["missing"] == [third.pk]
    assert body["unexpected"] == [
        {"row": 5, "account_number_masked": "******3210", "amount": 1234, "succeeded": True}
    ]
    assert "9876543210" not in answer.content.decode()
    assert body["batch"]["status"] == "exported"  # the third is still pending
    assert Refund.objects.get(pk=second.pk).last_error == "계좌번호 오류"
    assert Refund.objects.get(pk=third.pk).status == RefundStatus.AWAITING_TRANSFER


def test_bad_result_files_are_refused_with_a_message(
    store: Any, manager: Client, settings: Any
) -> None:
    _two_ready(store, manager)
    batch_id = _batch(manager).json()["id"]
    garbage = _upload(manager, batch_id, b"PK\x03\x04 not really a workbook")
    assert garbage.status_code == 422
    assert garbage.json()["code"] == "transfer_file_unreadable"
    headerless = _upload(manager, batch_id, b"a,b\n1,2\n", name="r.csv")
    assert headerless.status_code == 422
    assert headerless.json()["code"] == "transfer_file_columns"
    settings.BANPUM_TRANSFER_RESULT_MAX_BYTES = 100
    too_large = _upload(manager, batch_id, b"x" * 101, name="r.csv")
    assert too_large.status_code == 413
    assert too_large.json()["code"] == "transfer_file_too_large"
    assert "100" in too_large.json()["message"]
    assert manager.post(f"/api/v1/transfers/batches/{batch_id}/confirm/file").status_code == 422


def test_a_failed_transfer_retried_joins_a_new_batch(store: Any, manager: Client) -> None:
    first, second = _two_ready(store, manager)
    old = _batch(manager).json()["id"]
    _confirm(manager, old, {"paid": [first.pk], "failed": [{"refund_id": second.pk}]})
    second_return = ReturnRequest.objects.get(refunds=second)
    give_account(manager, second_return, bank_code="090", account_number="3333012345678")

    retried = send(manager, "post", f"/refunds/{second.pk}/retry")
    assert retried.status_code == 200, retried.content
    assert retried.json()["status"] == "awaiting_transfer"
    new = _batch(manager).json()
    assert [i["refund_id"] for i in new["items"]] == [second.pk]
    assert new["items"][0]["bank_code"] == "090"
    outcomes = list(
        TransferBatchItem.objects.filter(refund=second)
        .order_by("id")
        .values_list("batch_id", "outcome")
    )
    assert outcomes == [(old, TransferOutcome.FAILED), (new["id"], TransferOutcome.PENDING)]
    done = _confirm(manager, new["id"], {"paid": "all"})
    assert done.json()["batch"]["status"] == "confirmed"
    assert Refund.objects.get(pk=second.pk).status == RefundStatus.PAID


def test_only_a_manager_exports_and_confirms(store: Any, api: Client, manager: Client) -> None:
    _two_ready(store, manager)
    cs_agent = role_client(store, "cs_agent")
    for client in (cs_agent, api):
        refused = _batch(client)
        assert refused.status_code == 403
        assert refused.json()["code"] == "forbidden"
    assert not TransferBatch.objects.exists()
    batch_id = _batch(manager).json()["id"]
    for client in (cs_agent, api):
        assert client.get("/api/v1/transfers/batches").status_code == 403
        assert client.get(f"/api/v1/transfers/batches/{batch_id}").status_code == 403
        assert client.get(f"/api/v1/transfers/batches/{batch_id}/file.xlsx").status_code == 403
        assert _confirm(client, batch_id, {"paid": "all"}).status_code == 403
    assert TransferBatch.objects.get().status == "exported"


def test_other_stores_batches_and_refunds_are_out_of_reach(store: Any, manager: Client) -> None:
    other = StoreFactory(code="OT")
    make_policy(other)
    other_manager = role_client(other, "manager")
    other_return, other_refund = awaiting_transfer(other)
    give_account(other_manager, other_return)
    other_batch = _batch(other_manager).json()["id"]

    assert _batch(manager).json()["code"] == "nothing_to_transfer"
    taken = _batch(manager, refund_ids=[other_refund.pk])
    assert taken.status_code == 409
    assert manager.get("/api/v1/transfers/batches").json()["results"] == []
    for path in ("", "/file.xlsx", "/file.csv"):
        assert manager.get(f"/api/v1/transfers/batches/{other_batch}{path}").status_code == 404
    assert _confirm(manager, other_batch, {"paid": "all"}).status_code == 404
    assert _upload(manager, other_batch, _result_file([])).status_code == 404
    assert Refund.objects.get(pk=other_refund.pk).status == RefundStatus.AWAITING_TRANSFER
