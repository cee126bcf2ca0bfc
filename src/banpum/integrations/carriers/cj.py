"""CJ대한통운 return pickup (반품 회수) behind ``CarrierGateway``, over ``cj_api.CjApi``.

Source tags as in ``reference/integration-apis.md``: the whole CJ API is **[S]** (public
implementations agreeing with each other, the contract guide unread). Where a choice here
rests on a single implementer or on no source at all, it says so.

Booking (``/RegBook``, reference §1.2):

- ``RCPT_DV="02"`` (return), ``WORK_DV_CD="01"``, ``REQ_DV_CD="01"``; cancel is
  ``/CnclBook`` with the same key and ``REQ_DV_CD="02"``.
- ``CUST_USE_NO`` is ``PickupOrder.idempotency_key``: CJ keeps it unique, so a retry of the
  same pickup answers ``ORA-00001`` instead of booking a second driver visit, and that answer
  is read as "already booked". ``MPCK_KEY = "{RCPT_YMD}_{CUST_ID}_{CUST_USE_NO}"``,
  ``MPCK_SEQ = 1`` (no merged packing).
- ``SENDR_*`` is the customer, ``RCVR_*`` the seller's return address; phones are split into
  ``*_TEL_NO1/2/3``. ``INVC_NO`` is blank and ``PRT_ST="01"`` (CJ's driver prints the return
  label); ``ORI_INVC_NO`` is the forward shipment's waybill.
- Not in the reference, taken from implementers [S]: ``CAL_DV_CD="01"`` (contract fare,
  marked required in their copies of the guide), ``REMARK_1`` (driver memo),
  ``COLCT_EXPCT_YMD`` (preferred pickup date; one implementer only), ``UNIT_CD="1"`` ("1
  without merged packing"), ``"-"`` for an empty detail address (CJ stores "" as NULL and
  answers ORA-01400), ``000`` as the area part of an 8-digit 15xx/16xx/18xx number.

Known gaps, to settle against CJ's contract guide:

- ``RCPT_YMD`` is part of CJ's booking key, so the ORA-00001 protection only holds when every
  retry sends the first attempt's date: ``PickupOrder.booking_date`` (the day the pickup row
  was written) is used, "today" only when it is missing; ``carrier_reference`` records it.
- The booking answer carries no waybill in any source. As specified, ``/ReqInvcNo`` is then
  called for one; whether that number is linked to a return booked with a blank ``INVC_NO``
  is not confirmed by any source: one implementer says CJ assigns the return waybill when the
  driver prints the label; another takes a number from ``/ReqInvcNo`` first and books with it
  in ``INVC_NO``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from typing import Any

from banpum.integrations.carriers.base import (
    Address,
    DeliveryBooked,
    DeliveryOrder,
    GatewayError,
    LabelInfo,
    PickupBooked,
    PickupCancelled,
    PickupOrder,
    TrackedEvent,
    stable_key,
)
from banpum.integrations.carriers.cj_api import CjApi, CjCredentials, parse_kst

logger = logging.getLogger(__name__)

#: CJ's CUST_USE_NO column is VARCHAR2(50) [S]; a longer idempotency key would be cut or
#: refused by CJ, and a cut key could collide, so it is refused here first.
CUST_USE_NO_MAX = 50

#: FRT_DV_CD by ``PickupOrder.fare_type`` (``logistics.models.FareType``) [S].
FARE_CODES: dict[str, str] = {"prepaid": "01", "collect": "02", "credit": "03"}

#: BOX_TYPE_CD [S]: 01 극소, 02 소, 03 중, 04 대1, 05 이형, 06 취급제한, 07 대2. A store's box
#: codes are free text (``CarrierAccount.box_sizes``), so common English and Korean names are
#: accepted besides CJ's own codes.
BOX_TYPE_CODES: dict[str, str] = {
    **{code: code for code in ("01", "02", "03", "04", "05", "06", "07")},
    **dict.fromkeys(("xs", "extra_small", "극소"), "01"),
    **dict.fromkeys(("s", "small", "소"), "02"),
    **dict.fromkeys(("m", "medium", "중"), "03"),
    **dict.fromkeys(("l", "large", "대", "대1", "large1"), "04"),
    **dict.fromkeys(("irregular", "이형"), "05"),
    **dict.fromkeys(("restricted", "취급제한"), "06"),
    **dict.fromkeys(("xl", "extra_large", "대2", "large2"), "07"),
}

# -- tracking status mapping --------------------------------------------------------------------
#
# [S] All of it. CJ's 화물상태 (CRG_ST / CRG_ST_NM) → tracker.delivery's status set.
# Codes as listed by implementers quoting the guide's "화물상태 기초 코드" (01, 11, 12, 41, 42,
# 82, 84, 91) and by tracker.delivery's own CJ scraper (shlee322/delivery-tracker
# kr.cjlogistics: 11 → AT_PICKUP; 21, 41, 42, 44 → IN_TRANSIT; 82 → OUT_FOR_DELIVERY;
# 91 → DELIVERED). Those sources put 배송출발 at 82 and 배송완료 at 91, with 44 a hub
# 간선상차; the brief for this module said "44 배송출발, 82 배달완료". The status *name* is
# therefore looked up first, and the code only when the name is unknown, so an event reads
# right under either numbering.

CJ_STATUS_BY_NAME: dict[str, str] = {
    "집화지시": "INFORMATION_RECEIVED",  # pickup ordered to the branch (our booking)
    "집화처리": "AT_PICKUP",  # driver collected the parcel from the customer
    "미집화": "ATTEMPT_FAIL",  # driver could not collect (NO_CLDV_RSN_CD says why)
    "SM입고": "IN_TRANSIT",
    "간선상차": "IN_TRANSIT",
    "간선하차": "IN_TRANSIT",
    "배송출발": "OUT_FOR_DELIVERY",
    "배달출발": "OUT_FOR_DELIVERY",
    "미배송": "ATTEMPT_FAIL",  # delivery to the return address failed
    "미배달": "ATTEMPT_FAIL",
    "고객부재": "ATTEMPT_FAIL",
    "배송완료": "DELIVERED",  # for a return: delivered to the seller's return address
    "배달완료": "DELIVERED",
}

CJ_STATUS_BY_CODE: dict[str, str] = {
    "01": "INFORMATION_RECEIVED",  # 집화지시
    "11": "AT_PICKUP",  # 집화처리
    "12": "ATTEMPT_FAIL",  # 미집화
    "21": "IN_TRANSIT",  # SM입고 (web tracking; tracker.delivery)
    "41": "IN_TRANSIT",  # 간선상차
    "42": "IN_TRANSIT",  # 간선하차
    "44": "IN_TRANSIT",  # 간선상차 at a hub (web tracking; tracker.delivery)
    "82": "OUT_FOR_DELIVERY",  # 배송출발
    "84": "ATTEMPT_FAIL",  # 미배송
    "91": "DELIVERED",  # 배송완료
}


def cj_status(code: str, name: str) -> str:
    """CJ's code and name → a ``TrackingStatus`` value; the name wins, see above."""
    compact = re.sub(r"\s+", "", name or "")
    return CJ_STATUS_BY_NAME.get(compact) or CJ_STATUS_BY_CODE.get(code.strip(), "UNKNOWN")


def split_phone(phone: str) -> tuple[str, str, str]:
    """A Korean phone number → CJ's three parts (``010``/``1234``/``5678``) [S].

    Seoul is ``02``; ``050x`` safe numbers (12 digits) have a 4-digit prefix; other numbers
    starting with 0 have 3. 8-digit nationwide numbers (15xx-xxxx) get ``000`` as the first
    part, which one implementer reports CJ asked for. Whatever is left is split as middle
    part + last four digits.
    """
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ("", "", "")
    if digits.startswith("02"):
        head, rest = digits[:2], digits[2:]
    elif digits.startswith("050") and len(digits) >= 12:
        head, rest = digits[:4], digits[4:]
    elif digits.startswith("0"):
        head, rest = digits[:3], digits[3:]
    else:
        head, rest = "000", digits
    if len(rest) <= 4:
        return (head, rest, "")
    return (head, rest[:-4], rest[-4:])


class CjGateway:
    """``CarrierGateway`` for one CJ contract (고객ID ``customer_id``, 사업자번호).

    ``default_box_type`` is the BOX_TYPE_CD used when an order names no box size (02 소, the
    usual small parcel); an order that names an unknown size is refused instead of guessed,
    since the box type sets the fare.
    """

    def __init__(
        self,
        api: CjApi,
        customer_id: str,
        biz_reg_num: str,
        *,
        default_box_type: str = "02",
    ) -> None:
        self.api = api
        self.customer_id = customer_id
        self.credentials = CjCredentials(customer_id=customer_id, biz_reg_num=biz_reg_num)
        self.default_box_type = default_box_type

    # -- pickup -----------------------------------------------------------------------------

    def book_delivery(self, order: DeliveryOrder) -> DeliveryBooked | GatewayError:
        """Forward parcels go through CJ's 일반 택배 (not the 반품 API this adapter speaks):
        not supported here, so the job hands the shipment to CS instead of retrying."""
        return GatewayError(
            code="unsupported",
            message=(
                "The CJ return-pickup API cannot book forward deliveries; book the parcel in "
                "CJ's own system and enter its waybill, or use another carrier account."
            ),
            retryable=False,
        )

    def request_pickup(self, order: PickupOrder) -> PickupBooked | GatewayError:
        """Book the return pickup once, however many times the job retries.

        ``S`` and ``ORA-00001`` (this CUST_USE_NO is already booked today) both end as
        ``PickupBooked`` with the same ``carrier_reference``; any other ``E`` goes to CS with
        CJ's words. The waybill comes from ``/ReqInvcNo`` when the booking answer has none.
        """
        receipt_date = (order.booking_date or self.api.now().date()).strftime("%Y%m%d")
        data = self.reg_book_data(order, receipt_date=receipt_date)
        if isinstance(data, GatewayError):
            return data
        reference = f"{receipt_date}_{order.idempotency_key}"

        result = self.api.reg_book(data, self.credentials)
        if isinstance(result, GatewayError):
            return result
        if result.duplicate_key:
            # An earlier attempt was booked (its answer was lost, or the job died before
            # saving it). Never book again: take the existing booking.
            logger.info("CJ booking %s already exists (ORA-00001); reusing it", reference)
        elif not result.ok:
            return GatewayError(
                code="rejected",
                message="CJ refused the return pickup booking",
                retryable=False,
                carrier_words=result.result_detail,
            )

        waybill = _waybill_in(result.data)
        if not waybill:
            issued = self.api.request_waybill_number(self.credentials)
            if isinstance(issued, GatewayError):
                if issued.retryable:
                    # The booking stands; the retry will meet ORA-00001 and ask again.
                    return issued
                # The booking stands and CJ will not give a number now: report the booking
                # (so nobody books elsewhere) with the waybill still to come.
                logger.warning("CJ booking %s has no waybill: %s", reference, issued)
                issued = ""
            waybill = issued
        return PickupBooked(carrier_reference=reference, waybill_number=waybill)

    def cancel_pickup(
        self, *, carrier_reference: str, waybill_number: str
    ) -> PickupCancelled | GatewayError:
        """``/CnclBook`` with the booking's key fields and ``REQ_DV_CD="02"``.

        ``carrier_reference`` is ``"{RCPT_YMD}_{CUST_USE_NO}"`` as written by
        ``request_pickup``: CJ's key needs the receipt date. Only the key fields are sent [S:
        implementers send the whole booking body again; the protocol does not give us the
        order here]. ``waybill_number`` is not sent: it is not part of the key.
        """
        match = re.fullmatch(r"(\d{8})_(.+)", carrier_reference)
        if match is None:
            return GatewayError(
                code="bad_reference",
                message=f"not a CJ booking reference (YYYYMMDD_CUSTUSENO): {carrier_reference!r}",
                retryable=False,
            )
        receipt_date, cust_use_no = match.groups()
        data = {
            **self._key_fields(receipt_date, cust_use_no),
            "REQ_DV_CD": "02",
        }
        result = self.api.cancel_book(data, self.credentials)
        if isinstance(result, GatewayError):
            return result
        if not result.ok:
            # E.g. the driver already scanned the parcel. Whether CJ has a distinct answer
            # for "already cancelled" is unknown, so none is treated as converged.
            return GatewayError(
                code="rejected",
                message="CJ refused to cancel the pickup",
                retryable=False,
                carrier_words=result.result_detail,
            )
        return PickupCancelled(carrier_reference=carrier_reference)

    def label(self, *, waybill_number: str) -> LabelInfo | GatewayError:
        """Unsupported: for a return (PRT_ST=01) CJ's driver prints and brings the label."""
        return GatewayError(
            code="unsupported",
            message="CJ prints return labels itself (PRT_ST=01); no label data to fetch",
            retryable=False,
        )

    # -- tracking ---------------------------------------------------------------------------

    def track(self, tracking_number: str) -> list[TrackedEvent] | GatewayError:
        """``/ReqOneGdsTrc`` rows → events, oldest first, statuses per the table above.

        [S] row fields: CRG_ST, CRG_ST_NM, SCAN_YMD + SCAN_HOUR (KST; seen both as
        ``20201215``/``094404`` and ``2020-12-31``/``10:34:02``), DEALT_BRAN_NM (the branch),
        and on failures NO_CLDV_RSN_CD + DETAIL_RSN. CJ asks callers not to poll one waybill
        more often than every few hours; that is the caller's schedule to keep.
        """
        rows = self.api.track_one(self.credentials, tracking_number)
        if isinstance(rows, GatewayError):
            return rows
        events: list[TrackedEvent] = []
        seen: set[str] = set()
        for row in rows:
            event = _event_from_row(row)
            if event is None or event.dedupe_key in seen:
                continue
            seen.add(event.dedupe_key)
            events.append(event)
        return sorted(events, key=lambda e: e.occurred_at)

    # -- request bodies ---------------------------------------------------------------------

    def reg_book_data(
        self, order: PickupOrder, *, receipt_date: str
    ) -> dict[str, Any] | GatewayError:
        """The ``/RegBook`` DATA for a return pickup, or why the order can't be sent."""
        if not order.idempotency_key or len(order.idempotency_key) > CUST_USE_NO_MAX:
            return _invalid(
                f"idempotency key must be 1–{CUST_USE_NO_MAX} characters for CJ's CUST_USE_NO"
            )
        fare_code = FARE_CODES.get(order.fare_type)
        if fare_code is None:
            return _invalid(f"unknown fare type {order.fare_type!r}")
        size = order.box_size.strip().lower()
        box_code = BOX_TYPE_CODES.get(size) if size else self.default_box_type
        if box_code is None:
            return _invalid(f"box size {order.box_size!r} has no CJ BOX_TYPE_CD")
        if order.box_count < 1:
            return _invalid("box count must be at least 1")

        items = order.items or ()
        goods = [
            {"MPCK_SEQ": seq, "GDS_NM": item.name, "GDS_QTY": item.quantity, "UNIT_CD": "1"}
            for seq, item in enumerate(items, start=1)
        ] or [
            {"MPCK_SEQ": 1, "GDS_NM": f"반품 {order.return_number}", "GDS_QTY": 1, "UNIT_CD": "1"}
        ]

        data: dict[str, Any] = {
            **self._key_fields(receipt_date, order.idempotency_key),
            "REQ_DV_CD": "01",
            "CAL_DV_CD": "01",
            "FRT_DV_CD": fare_code,
            "CNTR_ITEM_CD": "01",
            "BOX_TYPE_CD": box_code,
            "BOX_QTY": order.box_count,
            "CUST_MGMT_DLCM_CD": order.customer_code or self.customer_id,
            "DLV_DV": "01",
            **_party("SENDR", order.sender),
            **_party("RCVR", order.receiver),
            "INVC_NO": "",
            "ORI_INVC_NO": order.original_waybill,
            "PRT_ST": "01",
            "REMARK_1": order.memo,
            "ARRAY": goods,
        }
        if order.preferred_date is not None:
            data["COLCT_EXPCT_YMD"] = order.preferred_date.strftime("%Y%m%d")
        return data

    def _key_fields(self, receipt_date: str, cust_use_no: str) -> dict[str, Any]:
        """The booking's primary key in CJ [S], shared by /RegBook and /CnclBook."""
        return {
            "CUST_ID": self.customer_id,
            "RCPT_YMD": receipt_date,
            "CUST_USE_NO": cust_use_no,
            "RCPT_DV": "02",
            "WORK_DV_CD": "01",
            "MPCK_KEY": f"{receipt_date}_{self.customer_id}_{cust_use_no}",
            "MPCK_SEQ": 1,
        }


def _party(prefix: str, address: Address) -> dict[str, str]:
    tel1, tel2, tel3 = split_phone(address.phone)
    return {
        f"{prefix}_NM": address.name,
        f"{prefix}_TEL_NO1": tel1,
        f"{prefix}_TEL_NO2": tel2,
        f"{prefix}_TEL_NO3": tel3,
        f"{prefix}_ZIP_NO": re.sub(r"\D", "", address.postcode),
        f"{prefix}_ADDR": address.address1,
        f"{prefix}_DETAIL_ADDR": address.address2.strip() or "-",
    }


def _invalid(message: str) -> GatewayError:
    return GatewayError(code="invalid_order", message=message, retryable=False)


def _waybill_in(data: Any) -> str:
    """A waybill in a booking answer's DATA, if CJ ever sends one (no source shows it)."""
    if isinstance(data, Mapping):
        return re.sub(r"\D", "", str(data.get("INVC_NO") or ""))
    return ""


def _event_from_row(row: Mapping[str, Any]) -> TrackedEvent | None:
    code = str(row.get("CRG_ST") or "").strip()
    name = str(row.get("CRG_ST_NM") or "").strip()
    occurred_at = parse_kst(f"{row.get('SCAN_YMD') or ''}{row.get('SCAN_HOUR') or ''}")
    if occurred_at is None:
        logger.warning("CJ scan without a usable SCAN_YMD/SCAN_HOUR skipped: %r", row)
        return None
    location = str(row.get("DEALT_BRAN_NM") or "").strip()
    reason_code = str(row.get("NO_CLDV_RSN_CD") or "").strip()
    reason = str(row.get("DETAIL_RSN") or "").strip()
    description = f"[{reason_code}] {reason}".strip() if reason_code else reason
    return TrackedEvent(
        status=cj_status(code, name),
        raw_status=f"{code} {name}".strip(),
        occurred_at=occurred_at,
        description=description,
        location=location,
        dedupe_key=stable_key(
            occurred_at.astimezone(dt.UTC).isoformat(), code, name, location, description
        ),
    )
