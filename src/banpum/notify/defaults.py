"""The message templates Banpum ships: Korean and English, for every event and channel.

These are content, not UI: a store reads and edits them as text (``MessageTemplate`` rows hold
only a store's edits), so they are written here in each language rather than through gettext.
SMS and 알림톡 share a text; email has a subject and the same words, and its HTML part is this
text escaped. The 알림톡 codes are those registered at the provider with ``alimtalk_templates``.
"""

from __future__ import annotations

from dataclasses import dataclass

from banpum.notify.catalogue import Channel, Language, NotifyEvent, channels_of
from banpum.notify.rendering import alimtalk_template

N = NotifyEvent


@dataclass(frozen=True)
class DefaultTemplate:
    subject: str
    text: str
    alimtalk_code: str = ""


# event → (subject, text), per language.
TEXTS: dict[str, dict[NotifyEvent, tuple[str, str]]] = {
    Language.KO: {
        N.RETURN_REQUESTED: (
            "[{store_name}] 반품 신청 접수",
            "[{store_name}] {customer_name}님, 반품 신청이 접수되었습니다.\n"
            "반품번호: {return_number}\n진행 상황: {status_link}",
        ),
        N.RETURN_APPROVED: (
            "[{store_name}] 반품 승인",
            "[{store_name}] {customer_name}님, 반품이 승인되었습니다.\n"
            "반품번호: {return_number}\n진행 상황: {status_link}",
        ),
        N.RETURN_REJECTED: (
            "[{store_name}] 반품 거절 안내",
            "[{store_name}] {customer_name}님, 반품 신청을 처리할 수 없습니다.\n"
            "반품번호: {return_number}\n사유: {reason}\n자세히 보기: {status_link}",
        ),
        N.RETURN_PICKUP_BOOKED: (
            "[{store_name}] 회수 예약 안내",
            "[{store_name}] {customer_name}님, 반품 회수가 예약되었습니다.\n"
            "반품번호: {return_number}\n회수 예정일: {pickup_date}\n"
            "택배사: {carrier} / 운송장: {waybill}\n진행 상황: {status_link}",
        ),
        N.RETURN_PICKUP_EXCEPTION: (
            "[{store_name}] 회수 확인 요청",
            "[{store_name}] {customer_name}님, 택배 기사님이 상품을 회수하지 못했습니다.\n"
            "반품번호: {return_number}\n사유: {reason}\n"
            "회수 일정을 확인해 주세요: {status_link}",
        ),
        N.RETURN_ARRIVED: (
            "[{store_name}] 반품 상품 도착",
            "[{store_name}] {customer_name}님, 반품 상품이 도착했습니다. 곧 검수합니다.\n"
            "반품번호: {return_number}\n진행 상황: {status_link}",
        ),
        N.RETURN_INSPECTED: (
            "[{store_name}] 검수 완료",
            "[{store_name}] {customer_name}님, 반품 상품 검수가 끝났습니다.\n"
            "반품번호: {return_number}\n결과: {outcome}\n진행 상황: {status_link}",
        ),
        N.REFUND_PAID: (
            "[{store_name}] 환불 완료",
            "[{store_name}] {customer_name}님, 환불이 완료되었습니다.\n"
            "반품번호: {return_number}\n환불 금액: {amount}\n환불 수단: {method}\n"
            "진행 상황: {status_link}",
        ),
        N.EXCHANGE_SHIPPED: (
            "[{store_name}] 교환 상품 발송",
            "[{store_name}] {customer_name}님, 교환 상품이 발송되었습니다.\n"
            "반품번호: {return_number}\n택배사: {carrier} / 운송장: {waybill}\n"
            "진행 상황: {status_link}",
        ),
        N.RETURN_COMPLETED: (
            "[{store_name}] 반품 처리 완료",
            "[{store_name}] {customer_name}님, 반품 처리가 모두 끝났습니다.\n"
            "반품번호: {return_number}\n"
            "짧은 설문에 답해 주시면 큰 도움이 됩니다: {survey_link}",
        ),
        N.RETURN_PICKUP_LATE: (
            "[{store_name}] 회수 지연 안내",
            "[{store_name}] {customer_name}님, 회수가 늦어지고 있어 죄송합니다.\n"
            "반품번호: {return_number}\n새 예정일: {expected_date}\n진행 상황: {status_link}",
        ),
        N.REFUND_LATE: (
            "[{store_name}] 환불 지연 안내",
            "[{store_name}] {customer_name}님, 환불이 늦어지고 있어 죄송합니다.\n"
            "반품번호: {return_number}\n환불 금액: {amount}\n새 예정일: {expected_date}\n"
            "진행 상황: {status_link}",
        ),
        N.STAFF_RETURN_TO_REVIEW: (
            "[{store_name}] 검토할 반품: {return_number}",
            "새 반품이 검토를 기다립니다.\n반품번호: {return_number}\n고객: {customer_name}\n"
            "사유: {reason}\n{office_link}",
        ),
        N.STAFF_PICKUP_EXCEPTION: (
            "[{store_name}] 회수 예외: {return_number}",
            "회수 중 문제가 생겼습니다.\n반품번호: {return_number}\n고객: {customer_name}\n"
            "사유: {reason}\n{office_link}",
        ),
        N.STAFF_STALLED: (
            "[{store_name}] {date} 멈춘 반품 {count}건",
            "진행이 멈춘 반품이 {count}건 있습니다 ({date}).\n{items}\n{office_link}",
        ),
        N.STAFF_REFUNDS_DUE_TOMORROW: (
            "[{store_name}] 내일 기한인 환불 {count}건",
            "내일까지 지급해야 할 환불이 {count}건 있습니다 ({date}).\n{items}\n{office_link}",
        ),
        N.STAFF_REFUNDS_LATE: (
            "[{store_name}] 기한이 지난 환불 {count}건",
            "지급 기한이 지난 환불이 {count}건 있습니다 ({date}).\n{items}\n{office_link}",
        ),
    },
    Language.EN: {
        N.RETURN_REQUESTED: (
            "[{store_name}] Return request received",
            "[{store_name}] {customer_name}, we received your return request.\n"
            "Return: {return_number}\nTrack it: {status_link}",
        ),
        N.RETURN_APPROVED: (
            "[{store_name}] Return approved",
            "[{store_name}] {customer_name}, your return is approved.\n"
            "Return: {return_number}\nTrack it: {status_link}",
        ),
        N.RETURN_REJECTED: (
            "[{store_name}] About your return request",
            "[{store_name}] {customer_name}, we cannot accept this return.\n"
            "Return: {return_number}\nReason: {reason}\nDetails: {status_link}",
        ),
        N.RETURN_PICKUP_BOOKED: (
            "[{store_name}] Pickup booked",
            "[{store_name}] {customer_name}, your pickup is booked.\n"
            "Return: {return_number}\nPickup date: {pickup_date}\n"
            "Carrier: {carrier} / Waybill: {waybill}\nTrack it: {status_link}",
        ),
        N.RETURN_PICKUP_EXCEPTION: (
            "[{store_name}] Please check your pickup",
            "[{store_name}] {customer_name}, the courier could not collect your parcel.\n"
            "Return: {return_number}\nReason: {reason}\nPlease check: {status_link}",
        ),
        N.RETURN_ARRIVED: (
            "[{store_name}] Your return arrived",
            "[{store_name}] {customer_name}, your return arrived; we will inspect it soon.\n"
            "Return: {return_number}\nTrack it: {status_link}",
        ),
        N.RETURN_INSPECTED: (
            "[{store_name}] Inspection done",
            "[{store_name}] {customer_name}, we inspected your return.\n"
            "Return: {return_number}\nOutcome: {outcome}\nTrack it: {status_link}",
        ),
        N.REFUND_PAID: (
            "[{store_name}] Refund paid",
            "[{store_name}] {customer_name}, your refund has been paid.\n"
            "Return: {return_number}\nAmount: {amount}\nMethod: {method}\n"
            "Track it: {status_link}",
        ),
        N.EXCHANGE_SHIPPED: (
            "[{store_name}] Replacement shipped",
            "[{store_name}] {customer_name}, your replacement has shipped.\n"
            "Return: {return_number}\nCarrier: {carrier} / Waybill: {waybill}\n"
            "Track it: {status_link}",
        ),
        N.RETURN_COMPLETED: (
            "[{store_name}] Return completed",
            "[{store_name}] {customer_name}, your return is complete.\n"
            "Return: {return_number}\nA short survey would help us: {survey_link}",
        ),
        N.RETURN_PICKUP_LATE: (
            "[{store_name}] Pickup delayed",
            "[{store_name}] {customer_name}, sorry: your pickup is running late.\n"
            "Return: {return_number}\nNew expected date: {expected_date}\n"
            "Track it: {status_link}",
        ),
        N.REFUND_LATE: (
            "[{store_name}] Refund delayed",
            "[{store_name}] {customer_name}, sorry: your refund is running late.\n"
            "Return: {return_number}\nAmount: {amount}\nNew expected date: {expected_date}\n"
            "Track it: {status_link}",
        ),
        N.STAFF_RETURN_TO_REVIEW: (
            "[{store_name}] Return to review: {return_number}",
            "A new return waits for review.\nReturn: {return_number}\n"
            "Customer: {customer_name}\nReason: {reason}\n{office_link}",
        ),
        N.STAFF_PICKUP_EXCEPTION: (
            "[{store_name}] Pickup exception: {return_number}",
            "A pickup ran into a problem.\nReturn: {return_number}\n"
            "Customer: {customer_name}\nReason: {reason}\n{office_link}",
        ),
        N.STAFF_STALLED: (
            "[{store_name}] {count} stalled returns on {date}",
            "{count} returns have stalled ({date}).\n{items}\n{office_link}",
        ),
        N.STAFF_REFUNDS_DUE_TOMORROW: (
            "[{store_name}] {count} refunds due tomorrow",
            "{count} refunds are due by tomorrow ({date}).\n{items}\n{office_link}",
        ),
        N.STAFF_REFUNDS_LATE: (
            "[{store_name}] {count} refunds past due",
            "{count} refunds are past their due date ({date}).\n{items}\n{office_link}",
        ),
    },
}
for _language, _texts in TEXTS.items():
    if set(_texts) != set(NotifyEvent):
        raise RuntimeError(f"every event needs its default text in {_language}")


def alimtalk_code(event: NotifyEvent, language: str) -> str:
    """``BP_RETURN_APPROVED_KO``: the provider's id of a default 알림톡 template."""
    return f"BP_{event.value.replace('.', '_').upper()}_{language.upper()}"


def default_template(event: NotifyEvent, channel: str, language: str) -> DefaultTemplate:
    subject, text = TEXTS[language][event]
    code = alimtalk_code(event, language) if channel == Channel.ALIMTALK else ""
    return DefaultTemplate(subject=subject, text=text, alimtalk_code=code)


def alimtalk_templates() -> dict[str, str]:
    """Every default 알림톡 as registered at the provider (code → approved text), for the
    messaging simulator ``banpum serve`` starts."""
    return {
        alimtalk_code(event, language): alimtalk_template(TEXTS[language][event][1])
        for language in TEXTS
        for event in NotifyEvent
        if Channel.ALIMTALK in channels_of(event)
    }
