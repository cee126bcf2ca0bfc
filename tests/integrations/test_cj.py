"""CJ대한통운 return pickup against recorded-shape fixtures, replayed with httpx.MockTransport.

Each exchange in ``fixtures/cj`` is asserted on the way out (path, headers, the body fields
that matter) before its answer is replayed; see ``fakes/replay.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from banpum.integrations.carriers.base import (
    Address,
    CarrierGateway,
    GatewayError,
    PickupBooked,
    PickupCancelled,
    PickupItem,
    PickupOrder,
    TrackedEvent,
)
from banpum.integrations.carriers.cj import (
    CJ_STATUS_BY_CODE,
    CJ_STATUS_BY_NAME,
    CjGateway,
    cj_status,
    split_phone,
)
from banpum.integrations.carriers.cj_api import CjApi, CjCredentials
from banpum.integrations.carriers.tracker_delivery import STATUS_CODES
from tests.integrations.fakes.replay import Replay, load

KST = dt.timezone(dt.timedelta(hours=9))
CUST_ID = "30123456"
BIZ_REG_NUM = "123-45-67890"
TOKEN = "c7f3e1a2-5b4d-4e8f-9a6b-0d2c3e4f5a6b"
KEY = "pk-7f3a9c2e"
REFERENCE = f"20250602_{KEY}"
WAYBILL = "684012345675"


class Clock:
    """A settable aware clock; starts at 2025-06-02 10:00 KST."""

    def __init__(self) -> None:
        self.now = dt.datetime(2025, 6, 2, 10, 0, tzinfo=KST)

    def __call__(self) -> dt.datetime:
        return self.now


def _order(**changes: Any) -> PickupOrder:
    order = PickupOrder(
        idempotency_key=KEY,
        return_number="R-20250602-0001",
        customer_code="",
        sender=Address(
            name="홍길동",
            phone="010-1234-5678",
            postcode="06236",
            address1="서울특별시 강남구 테헤란로 152",
            address2="12층",
        ),
        receiver=Address(
            name="반품상점 반품센터",
            phone="031-123-4567",
            postcode="11184",
            address1="경기도 포천시 선단동 123",
            address2="물류동 2층",
        ),
        items=(
            PickupItem(name="린넨 셔츠", quantity=1),
            PickupItem(name="와이드 팬츠", quantity=2),
        ),
        box_count=1,
        box_size="small",
        fare_type="credit",
        preferred_date=dt.date(2025, 6, 3),
        memo="문 앞에 두었습니다",
        original_waybill="636826218033",
    )
    return dataclasses.replace(order, **changes)


@pytest.fixture
def clock() -> Clock:
    return Clock()


class Harness:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.replay = Replay()
        self.api = CjApi(
            "https://dxapi-dev.cjlogistics.com:5054", transport=self.replay.transport, clock=clock
        )
        self.gateway = CjGateway(self.api, CUST_ID, BIZ_REG_NUM)

    def expect(self, *names: str | dict[str, Any]) -> None:
        for name in names:
            self.replay.pending.append(load(f"cj/{name}") if isinstance(name, str) else name)


@pytest.fixture
def cj(clock: Clock) -> Iterator[Harness]:
    harness = Harness(clock)
    yield harness
    harness.api.close()
    harness.replay.assert_done()


def _booked(result: object) -> PickupBooked:
    assert isinstance(result, PickupBooked), result
    return result


def _error(result: object) -> GatewayError:
    assert isinstance(result, GatewayError), result
    return result


def _events(result: object) -> list[TrackedEvent]:
    assert isinstance(result, list), result
    return result


# -- token ----------------------------------------------------------------------------------------


def test_token_is_issued_once_and_reused(cj: Harness) -> None:
    cj.expect("token", "track_empty", "track_empty")

    assert cj.gateway.track(WAYBILL) == []
    assert cj.gateway.track(WAYBILL) == []

    token_request = cj.replay.sent[0]
    assert "CJ-Gateway-APIKey" not in token_request.headers
    assert [r.url.path for r in cj.replay.sent] == [
        "/ReqOneDayToken",
        "/ReqOneGdsTrc",
        "/ReqOneGdsTrc",
    ]


def test_token_is_renewed_before_token_exprtn_dtm(cj: Harness, clock: Clock) -> None:
    renewed = load("cj/token")
    renewed["response"]["body"]["DATA"].update(TOKEN_NUM="tok-2", TOKEN_EXPRTN_DTM="20250604095959")
    track_with_new_token = load("cj/track_empty")
    track_with_new_token["request"]["headers"]["CJ-Gateway-APIKey"] = "tok-2"
    track_with_new_token["request"]["body"]["DATA"]["TOKEN_NUM"] = "tok-2"
    cj.expect("token", "track_empty", renewed, track_with_new_token)

    cj.gateway.track(WAYBILL)
    clock.now = dt.datetime(2025, 6, 3, 9, 55, tzinfo=KST)  # within the renewal margin
    cj.gateway.track(WAYBILL)


def test_refused_token_is_an_auth_error_with_cjs_words(cj: Harness) -> None:
    cj.expect("token_refused")

    error = _error(cj.gateway.request_pickup(_order()))

    assert (error.code, error.retryable) == ("auth", False)
    assert error.carrier_words == "입력하신 고객사코드가 존재하지 않습니다."


def test_http_401_refreshes_the_token_once(cj: Harness) -> None:
    unauthorized = load("cj/track_empty")
    unauthorized["response"] = {"status": 401, "body": {"message": "Unauthorized"}}
    fresh = load("cj/token")
    fresh["response"]["body"]["DATA"]["TOKEN_NUM"] = "tok-2"
    retried = load("cj/track_empty")
    retried["request"]["headers"]["CJ-Gateway-APIKey"] = "tok-2"
    cj.expect("token", unauthorized, fresh, retried)

    assert cj.gateway.track(WAYBILL) == []


# -- booking --------------------------------------------------------------------------------------


def test_booking_sends_a_return_and_gets_a_waybill(cj: Harness) -> None:
    cj.expect("token", "reg_book_success", "req_invc_no")

    booked = _booked(cj.gateway.request_pickup(_order()))

    assert booked == PickupBooked(carrier_reference=REFERENCE, waybill_number=WAYBILL)


def test_booking_answer_with_a_waybill_needs_no_reqinvcno(cj: Harness) -> None:
    answered = load("cj/reg_book_success")
    answered["response"]["body"]["DATA"] = {"INVC_NO": "684099998888"}
    cj.expect("token", answered)

    booked = _booked(cj.gateway.request_pickup(_order()))

    assert booked.waybill_number == "684099998888"


def test_duplicate_key_is_the_same_booking_never_a_second_one(cj: Harness) -> None:
    cj.expect("token", "reg_book_success", "req_invc_no", "reg_book_duplicate", "req_invc_no")

    first = _booked(cj.gateway.request_pickup(_order()))
    again = _booked(cj.gateway.request_pickup(_order()))

    assert again.carrier_reference == first.carrier_reference == REFERENCE
    bookings = [r for r in cj.replay.sent if r.url.path == "/RegBook"]
    assert len(bookings) == 2
    assert bookings[0].content == bookings[1].content  # the same key, byte for byte


def test_timeout_then_retry_converges_on_the_first_booking(cj: Harness) -> None:
    # The first attempt reached CJ but its answer was lost; the job's retry meets ORA-00001.
    cj.expect("token", "reg_book_timeout", "reg_book_duplicate", "req_invc_no")

    error = _error(cj.gateway.request_pickup(_order()))
    assert (error.code, error.retryable) == ("timeout", True)

    booked = _booked(cj.gateway.request_pickup(_order()))
    assert booked == PickupBooked(carrier_reference=REFERENCE, waybill_number=WAYBILL)


def test_error_e_goes_to_cs_with_cjs_words(cj: Harness) -> None:
    cj.expect("token", "reg_book_error")

    error = _error(cj.gateway.request_pickup(_order()))

    assert (error.code, error.retryable) == ("rejected", False)
    assert error.carrier_words == "보내는분 주소 정제에 실패했습니다. 주소를 확인해 주세요."


def test_waybill_request_timeout_after_booking_is_retried(cj: Harness) -> None:
    lost = load("cj/req_invc_no")
    lost["response"] = {"error": "timeout"}
    cj.expect("token", "reg_book_success", lost, "reg_book_duplicate", "req_invc_no")

    assert _error(cj.gateway.request_pickup(_order())).retryable
    assert _booked(cj.gateway.request_pickup(_order())).waybill_number == WAYBILL


def test_waybill_refused_after_booking_still_reports_the_booking(cj: Harness) -> None:
    refused = load("cj/req_invc_no")
    refused["response"]["body"] = {
        "RESULT_CD": "E",
        "RESULT_DETAIL": "채번 가능한 운송장이 없습니다.",
    }
    cj.expect("token", "reg_book_success", refused)

    booked = _booked(cj.gateway.request_pickup(_order()))

    assert booked == PickupBooked(carrier_reference=REFERENCE, waybill_number="")


@pytest.mark.parametrize(
    ("status", "code", "retryable"),
    [
        (500, "http_500", True),
        (502, "http_502", True),
        (429, "rate_limited", True),
        (400, "http_400", False),
    ],
)
def test_http_errors_on_booking(cj: Harness, status: int, code: str, retryable: bool) -> None:
    failing = load("cj/reg_book_success")
    failing["response"] = {"status": status, "body": "<html>gateway error</html>"}
    cj.expect("token", failing)

    error = _error(cj.gateway.request_pickup(_order()))

    assert (error.code, error.retryable) == (code, retryable)


def test_unreadable_answer_is_retryable(cj: Harness) -> None:
    garbled = load("cj/reg_book_success")
    garbled["response"] = {"status": 200, "body": "<html>maintenance</html>"}
    cj.expect("token", garbled)

    error = _error(cj.gateway.request_pickup(_order()))

    assert (error.code, error.retryable) == ("bad_response", True)


def test_connection_refused_is_retryable(cj: Harness) -> None:
    refused = load("cj/token")
    refused["response"] = {"error": "connect"}
    cj.expect(refused)

    error = _error(cj.gateway.request_pickup(_order()))

    assert (error.code, error.retryable) == ("connection", True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"box_size": "huge"}, "box size"),
        ({"fare_type": "cod"}, "fare type"),
        ({"idempotency_key": "x" * 51}, "idempotency key"),
        ({"box_count": 0}, "box count"),
    ],
)
def test_orders_cj_cannot_take_are_refused_before_any_call(
    cj: Harness, changes: dict[str, Any], message: str
) -> None:
    error = _error(cj.gateway.request_pickup(_order(**changes)))

    assert (error.code, error.retryable) == ("invalid_order", False)
    assert message in error.message
    assert cj.replay.sent == []


@pytest.mark.parametrize(
    ("box_size", "code"),
    [("", "02"), ("01", "01"), ("극소", "01"), ("Medium", "03"), ("대2", "07"), ("이형", "05")],
)
def test_box_sizes_map_to_box_type_cd(cj: Harness, box_size: str, code: str) -> None:
    data = cj.gateway.reg_book_data(_order(box_size=box_size), receipt_date="20250602")
    assert isinstance(data, dict)
    assert data["BOX_TYPE_CD"] == code


@pytest.mark.parametrize(
    ("fare_type", "code"), [("prepaid", "01"), ("collect", "02"), ("credit", "03")]
)
def test_fare_types_map_to_frt_dv_cd(cj: Harness, fare_type: str, code: str) -> None:
    data = cj.gateway.reg_book_data(_order(fare_type=fare_type), receipt_date="20250602")
    assert isinstance(data, dict)
    assert data["FRT_DV_CD"] == code


def test_booking_without_items_detail_address_or_date(cj: Harness) -> None:
    order = _order(
        items=(),
        preferred_date=None,
        sender=Address(
            name="김철수", phone="02-345-6789", postcode="04524", address1="서울 중구 세종대로 110"
        ),
    )
    data = cj.gateway.reg_book_data(order, receipt_date="20250602")
    assert isinstance(data, dict)
    assert data["ARRAY"] == [
        {"MPCK_SEQ": 1, "GDS_NM": "반품 R-20250602-0001", "GDS_QTY": 1, "UNIT_CD": "1"}
    ]
    assert data["SENDR_DETAIL_ADDR"] == "-"
    assert (data["SENDR_TEL_NO1"], data["SENDR_TEL_NO2"], data["SENDR_TEL_NO3"]) == (
        "02",
        "345",
        "6789",
    )
    assert "COLCT_EXPCT_YMD" not in data


# -- cancel ---------------------------------------------------------------------------------------


def test_cancel_sends_the_booking_key_with_req_dv_cd_02(cj: Harness) -> None:
    cj.expect("token", "cncl_book")

    result = cj.gateway.cancel_pickup(carrier_reference=REFERENCE, waybill_number=WAYBILL)

    assert result == PickupCancelled(carrier_reference=REFERENCE)


def test_cancel_refused_goes_to_cs_with_cjs_words(cj: Harness) -> None:
    cj.expect("token", "cncl_book_refused")

    error = _error(cj.gateway.cancel_pickup(carrier_reference=REFERENCE, waybill_number=WAYBILL))

    assert (error.code, error.retryable) == ("rejected", False)
    assert error.carrier_words == "이미 집화 처리된 건은 취소할 수 없습니다."


def test_cancel_needs_a_reference_written_by_request_pickup(cj: Harness) -> None:
    error = _error(cj.gateway.cancel_pickup(carrier_reference=KEY, waybill_number=WAYBILL))

    assert (error.code, error.retryable) == ("bad_reference", False)
    assert cj.replay.sent == []


# -- tracking -------------------------------------------------------------------------------------


def test_tracking_maps_cj_scans_oldest_first_in_kst(cj: Harness) -> None:
    cj.expect("token", "track")

    events = _events(cj.gateway.track(WAYBILL))

    assert [(e.raw_status, e.status) for e in events] == [
        ("01 집화지시", "INFORMATION_RECEIVED"),
        ("12 미집화", "ATTEMPT_FAIL"),
        ("11 집화처리", "AT_PICKUP"),
        ("41 간선상차", "IN_TRANSIT"),
        ("42 간선하차", "IN_TRANSIT"),
        ("82 배송출발", "OUT_FOR_DELIVERY"),
        ("91 배송완료", "DELIVERED"),
    ]
    missed = events[1]
    assert missed.description == "[18] 고객부재"
    assert missed.location == "서울강남"
    assert missed.occurred_at == dt.datetime(2025, 6, 2, 17, 30, tzinfo=KST)
    assert events[4].occurred_at == dt.datetime(2025, 6, 4, 4, 10, 24, tzinfo=KST)  # dashed form
    assert all(e.occurred_at.utcoffset() == dt.timedelta(hours=9) for e in events)
    assert len({e.dedupe_key for e in events}) == len(events)


def test_tracking_dedupe_keys_are_stable(cj: Harness) -> None:
    cj.expect("token", "track", "track")

    first = _events(cj.gateway.track(WAYBILL))
    second = _events(cj.gateway.track(WAYBILL))

    assert [e.dedupe_key for e in first] == [e.dedupe_key for e in second]


def test_tracking_before_the_first_scan_is_empty(cj: Harness) -> None:
    cj.expect("token", "track_empty")
    assert cj.gateway.track(WAYBILL) == []


def test_tracking_timeout_is_retryable(cj: Harness) -> None:
    cj.expect("token", "track_timeout")

    error = _error(cj.gateway.track(WAYBILL))

    assert (error.code, error.retryable) == ("timeout", True)


# -- mapping tables and helpers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "status"),
    [
        ("11", "집화처리", "AT_PICKUP"),
        ("41", "간선상차", "IN_TRANSIT"),
        ("42", "간선하차", "IN_TRANSIT"),
        ("44", "간선상차", "IN_TRANSIT"),
        ("82", "배송출발", "OUT_FOR_DELIVERY"),
        ("91", "배송완료", "DELIVERED"),
        # The brief's numbering (44 배송출발, 82 배달완료) reads right too: the name decides.
        ("44", "배송출발", "OUT_FOR_DELIVERY"),
        ("82", "배달완료", "DELIVERED"),
        ("84", "고객부재", "ATTEMPT_FAIL"),
        ("84", "", "ATTEMPT_FAIL"),
        ("12", "미 집화", "ATTEMPT_FAIL"),
        ("99", "", "UNKNOWN"),
        ("99", "통관보류", "UNKNOWN"),
    ],
)
def test_cj_status_mapping(code: str, name: str, status: str) -> None:
    assert cj_status(code, name) == status


def test_cj_statuses_stay_inside_the_tracking_vocabulary() -> None:
    assert set(CJ_STATUS_BY_CODE.values()) <= STATUS_CODES
    assert set(CJ_STATUS_BY_NAME.values()) <= STATUS_CODES


@pytest.mark.parametrize(
    ("phone", "parts"),
    [
        ("010-1234-5678", ("010", "1234", "5678")),
        ("01012345678", ("010", "1234", "5678")),
        ("02-345-6789", ("02", "345", "6789")),
        ("02 3456 7890", ("02", "3456", "7890")),
        ("031-123-4567", ("031", "123", "4567")),
        ("0507-1234-5678", ("0507", "1234", "5678")),
        ("1566-1674", ("000", "1566", "1674")),
        ("", ("", "", "")),
    ],
)
def test_split_phone(phone: str, parts: tuple[str, str, str]) -> None:
    assert split_phone(phone) == parts


def test_label_is_unsupported_for_returns(cj: Harness) -> None:
    error = _error(cj.gateway.label(waybill_number=WAYBILL))
    assert (error.code, error.retryable) == ("unsupported", False)


def test_gateway_fits_the_protocol(cj: Harness) -> None:
    gateway: CarrierGateway = cj.gateway
    assert gateway is cj.gateway


def test_api_never_lets_an_httpx_exception_escape(clock: Clock) -> None:
    def explode(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("peer closed connection", request=request)

    with CjApi(transport=httpx.MockTransport(explode), clock=clock) as api:
        error = _error(api.token(CjCredentials(CUST_ID, BIZ_REG_NUM)))
    assert (error.code, error.retryable) == ("connection", True)


@pytest.mark.parametrize("base_url", ["", "dxapi.cjlogistics.com:5052"])
def test_unusable_base_url_is_a_config_error_not_retried(clock: Clock, base_url: str) -> None:
    with CjApi(base_url, clock=clock) as api:
        error = _error(CjGateway(api, CUST_ID, BIZ_REG_NUM).track(WAYBILL))
    assert (error.code, error.retryable) == ("config", False)
