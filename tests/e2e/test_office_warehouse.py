"""A warehouse worker on a tablet scans a waybill, receives the box, inspects it with a photo
and accepts it; then CS sees the refund paid, on the refund list and the return's money page.

The payment gateway is the settlement tests' in-memory fake (the payment simulator does not
run in the tests): the refund job runs on commit (Huey is immediate in tests) and pays it.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from banpum.logistics.services.pickups import pickup_register_manual
from banpum.returns.models import ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.settlement import gateways
from banpum.settlement.models import PaymentAccount, Refund, RefundStatus
from banpum.warehouse.models import InspectionPhoto
from tests.e2e.conftest import csp_violations, screenshots_dir
from tests.factories import make_order
from tests.logistics.helpers import CS, approve, store_with_return_address, unlinked_account
from tests.office.conftest import PASSWORD, member
from tests.returns.helpers import number_of
from tests.settlement.fakes import FakeGateway

pytestmark = pytest.mark.django_db(transaction=True)

TABLET = {"width": 1024, "height": 768}
WAYBILL = "512345678901"


@pytest.fixture
def tablet(browser: Any) -> Any:
    """A 1024×768 touch tablet in Korean: the warehouse's screen."""
    context = browser.new_context(locale="ko-KR", viewport=TABLET, has_touch=True)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def photos(settings: Any, tmp_path: Path) -> Path:
    storages = dict(settings.STORAGES)
    storages["inspection_photos"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "photos")},
    }
    settings.STORAGES = storages
    return tmp_path / "photos"


@pytest.fixture
def fake_payments(monkeypatch: pytest.MonkeyPatch, store: Any) -> FakeGateway:
    fake = FakeGateway()
    PaymentAccount.objects.create(
        store=store,
        provider="simulator",
        base_url="http://127.0.0.1:1",
        secret_key="test_sk_secret",
        updated_at=timezone.now(),
    )
    monkeypatch.setattr(gateways, "gateway_for", lambda account: fake if account else None)
    return fake


@pytest.fixture
def on_its_way(
    store: Any, django_user_model: Any, fake_payments: FakeGateway, photos: Path
) -> ReturnRequest:
    """A card-paid order's return, its waybill entered by hand: the box is on its way."""
    member(django_user_model, "kim", store, role="warehouse")
    member(django_user_model, "cs", store, role="cs_agent")
    store_with_return_address(store)
    unlinked_account(store)
    order = make_order(
        store=store,
        lines=[{"quantity": 2, "unit_price": 10000}],
        payment_method="card",
        payment_reference="pay_e2e",
    )
    fake_payments.add_payment("pay_e2e", order.paid_total)
    approved = approve(order)
    pickup_register_manual(
        return_request=approved, actor=CS, waybill_number=WAYBILL, now=timezone.now()
    )
    return ReturnRequest.objects.get(pk=approved.pk)


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/office/login/")
    page.get_by_label("아이디").fill(username)
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{base}/office/")


def _focused_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 140, 60)).save(out, "PNG")
    return out.getvalue()


def test_a_worker_receives_and_inspects_and_cs_sees_the_refund_paid(
    live_server: Any, tablet: Any, page: Any, on_its_way: ReturnRequest
) -> None:
    base = live_server.url
    number = number_of(on_its_way)
    shots = screenshots_dir()
    blocked = csp_violations(tablet)

    _sign_in(tablet, base, "kim")
    tablet.goto(f"{base}/office/warehouse/scan/")
    expect(tablet.locator("#scan-code")).to_be_focused()

    # The scanner types the waybill and presses Enter; the page does not reload.
    tablet.keyboard.type(WAYBILL)
    tablet.keyboard.press("Enter")
    found = tablet.locator(".banner-ok")
    found.wait_for()
    assert number in found.inner_text()
    assert tablet.url == f"{base}/office/warehouse/scan/"
    expect(tablet.locator("#scan-code")).to_be_focused()
    assert tablet.locator("#scan-code").input_value() == ""
    tablet.screenshot(path=str(shots / "warehouse-scan-found.png"), full_page=True)

    tablet.locator("button.go").click()
    tablet.get_by_text(f"입고 완료: {number}").wait_for()  # "Received: %(number)s"
    assert _focused_id(tablet) == "scan-code"
    tablet.screenshot(path=str(shots / "warehouse-received.png"), full_page=True)

    # The same box scanned again: red, and says who received it and when.
    tablet.keyboard.type(WAYBILL)
    tablet.keyboard.press("Enter")
    tablet.locator(".banner-error").wait_for()
    assert "kim님이 입고 처리했습니다" in tablet.locator(".banner-error").inner_text()
    tablet.evaluate("window.scrollTo(0, 0)")
    tablet.screenshot(path=str(shots / "warehouse-double-scan.png"), full_page=True)

    tablet.locator(f"a[href='/office/returns/{number}/inspect/']").first.click()
    tablet.wait_for_url(f"**/office/returns/{number}/inspect/")
    photo_input = tablet.locator("input[type=file]")
    assert photo_input.get_attribute("capture") == "environment"
    assert photo_input.get_attribute("accept") == "image/*"
    photo_input.set_input_files(
        files=[{"name": "box.png", "mimeType": "image/png", "buffer": _png()}]
    )
    tablet.screenshot(path=str(shots / "warehouse-inspect-form.png"), full_page=True)
    tablet.locator("form.inspect-form button[type=submit]").click()
    tablet.locator(".banner-ok").wait_for()
    # Paid at once by the fake gateway: the page says refunded, and the message says so too.
    assert "환불 완료:" in tablet.locator(".banner-ok").inner_text()  # "Refunded: …"
    thumb = tablet.locator("img.thumb").first
    thumb.wait_for()
    thumb.scroll_into_view_if_needed()  # the thumbnails load lazily
    expect(thumb).to_have_js_property("complete", True)
    assert thumb.evaluate("img => img.naturalWidth") > 0  # complete and not broken
    tablet.screenshot(path=str(shots / "warehouse-inspected.png"), full_page=True)
    assert InspectionPhoto.objects.count() == 1
    width = tablet.evaluate("document.documentElement.scrollWidth")
    assert width <= TABLET["width"]
    assert blocked == []

    # The refund job ran on commit and the fake gateway paid it.
    refund = Refund.objects.get(return_request=on_its_way)
    assert refund.status == RefundStatus.PAID
    assert ReturnRequest.objects.get(pk=on_its_way.pk).status in (S.REFUNDED, S.COMPLETED)

    cs_blocked = csp_violations(page)
    _sign_in(page, base, "cs")
    page.goto(f"{base}/office/refunds/")
    row = page.locator("tr", has_text=number)
    row.wait_for()
    assert "지급" in row.inner_text() or "Paid" in row.inner_text()
    page.screenshot(path=str(shots / "office-refunds.png"), full_page=True)
    row.locator(f"a[href='/office/returns/{number}/money/']").click()
    page.wait_for_url(f"**/office/returns/{number}/money/")
    assert f"{refund.amount:,}원" in page.content()
    page.screenshot(path=str(shots / "office-return-money.png"), full_page=True)
    assert cs_blocked == []
