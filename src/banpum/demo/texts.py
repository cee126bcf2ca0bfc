"""The demo's Korean copy: what buyers write, what CS agents note, what the warehouse records.

Kept apart from the planning code so the words can be read (and corrected) in one place.
"""

from __future__ import annotations

from banpum.policy.types import HoldReason

CHANGE_OF_MIND = {
    "change_of_mind": (
        "막상 받아보니 디자인이 마음에 안 들어요.",
        "생각했던 색상과 달라서 반품합니다.",
        "다른 곳에서 더 저렴하게 구매했어요.",
        "선물하려던 건데 필요 없어졌어요.",
        "",
    ),
    "wrong_option": (
        "사이즈를 잘못 주문했어요. 한 치수 큰 걸로 받고 싶어요.",
        "색상을 잘못 골랐습니다 (블랙 → 네이비 원해요).",
        "정사이즈라고 해서 샀는데 작게 나와요.",
    ),
}
FAULT = {
    "defective": ("받자마자 불량이 보였어요.",),
    "missing_parts": ("세트 구성품 중 1개가 빠져 있어요.", "설명서와 부속품이 들어 있지 않아요."),
    "wrong_item": (
        "주문한 색상과 다른 상품이 왔어요.",
        "다른 옵션으로 배송됐어요.",
        "전혀 다른 상품이 들어 있어요.",
    ),
    "not_as_described": (
        "상세페이지 사진과 색감이 너무 달라요.",
        "표기된 크기·용량과 실제가 달라요.",
    ),
    "damaged_in_transit": (
        "택배 상자가 찢어진 채로 왔고 상품이 파손됐어요.",
        "모서리가 찍혀서 왔어요.",
    ),
}
DEFECTS: dict[str, tuple[str, ...]] = {
    "의류": ("받자마자 박음질이 터져 있었어요.", "지퍼가 고장 나서 잠기지 않아요."),
    "신발": ("밑창 접착이 떨어져 있어요.", "양쪽 사이즈가 다르게 들어 있어요."),
    "가방": ("지퍼가 고장 나서 잠기지 않아요.", "손잡이 연결 부위가 뜯어져 있어요."),
    "화장품": ("펌프가 눌리지 않아 내용물이 나오지 않아요.", "용기에 금이 가서 내용물이 샜어요."),
    "식품": ("일부가 물러서 곰팡이가 폈어요.", "아이스팩이 다 녹아서 상한 상태로 왔어요."),
    "디지털": ("전원이 켜지지 않습니다. 충전해도 반응이 없어요.", "블루투스 연결이 계속 끊겨요."),
    "도서": ("파본입니다. 30쪽부터 40쪽까지 인쇄가 안 되어 있어요.",),
}
PARTS_CATEGORIES = ("디지털", "생활용품", "가방", "반려동물")
PHOTO_REASONS = ("defective", "damaged_in_transit")

CS_NOTES = {
    "change_of_mind": "고객 전화: 단순 변심 반품 요청. 반품 배송비 환불금 차감 안내, 동의함.",
    "wrong_option": "고객 전화: 옵션 교환 요청. 교환 배송비 및 회수 일정 안내함.",
    "defective": "고객 톡 상담: 불량 사진 접수. 판매자 부담 회수 안내.",
    "missing_parts": "고객 전화: 구성품 누락 문의. 출고 검수 기록 확인 요청함.",
    "wrong_item": "오배송 확인 (출고 피킹 오류). 판매자 부담으로 회수 후 재발송 예정.",
    "not_as_described": "게시판 문의 → 전화 상담 전환. 상세페이지 표기 검토를 MD팀에 요청.",
    "damaged_in_transit": "택배 파손 건. 택배사 사고 접수 병행 예정.",
}
EXCEPTION_NOTE = "고객이 식품·위생용품 단순 변심 반품을 요청. 반품 불가 품목이라 팀장 확인 필요."
LATE_NOTE = "수령 후 7일이 지나 단순 변심 반품 요청 (출장으로 늦게 확인했다고 함). 예외 여부 검토."

HOLDS: dict[str, tuple[tuple[HoldReason, str], ...]] = {
    "cm_review": (
        (HoldReason.RETURN_FEE_UNPAID, "반품 배송비 계좌 입금 대기 (입금 확인 후 회수 접수 예정)"),
        (
            HoldReason.BUYER_CONFIRMATION_NEEDED,
            "교환/환불 중 원하는 처리 방법 확인 문자 발송, 회신 대기",
        ),
    ),
    "fault": (
        (HoldReason.BUYER_CONFIRMATION_NEEDED, "불량 부위 추가 사진 요청 문자 발송, 회신 대기"),
        (HoldReason.OTHER, "제조사에 불량 판정 의뢰 (회신 2~3일 소요)"),
        (HoldReason.ITEM_NOT_ARRIVED, "고객이 이미 발송했다고 하나 송장번호 미확인, 도착 후 처리"),
    ),
}
REJECT_NOTES: dict[str, str] = {
    "cm_review": "회수 전 사진 확인 결과 착용 흔적 (세탁 라벨 훼손). "
    "단순 변심 반품 불가 안내 완료.",
    "fault": "제품 특성 (천연 소재 색 차이)으로 불량 아님 확인. 고객 안내 후 반려.",
    "exception": "식품·위생용품은 단순 변심 반품이 불가합니다 (전자상거래법 제17조 제2항, "
    "상세페이지 고지). 고객 안내 완료.",
    "late": "수령 후 7일이 지나 단순 변심 반품 기간이 끝났습니다. 고객 안내 완료.",
    "photos_missing": "불량 사진 요청 후 7일간 회신 없음. 요청 반려, 사진과 함께 재접수 안내.",
}
APPROVE_NOTES: dict[str, str] = {
    "cm_review": "상담 후 승인. 반품 배송비 차감 환불 안내.",
    "fault": "상담 내용 확인, 판매자 귀책으로 승인 (반품 배송비 판매자 부담).",
    "photos_missing": "고객이 카카오톡으로 불량 사진 전송, 확인 후 승인.",
}
CANCEL_NOTES = (
    "고객 요청으로 반품 철회 (계속 사용하기로 함).",
    "교환 대신 그냥 사용하겠다고 하여 접수 취소.",
    "중복 접수 건 취소 (다른 접수 건으로 진행).",
)
FOLLOW_UPS = (
    "고객 통화: 회수 기사 방문을 오후로 요청, 택배사에 전달함.",
    "고객에게 반품 접수 안내 문자 재발송.",
    "고객 문의: 환불 예정일 안내 (회수 후 영업일 3일 이내).",
)


DISPOSITION_LABELS = {
    "restock": "재입고",
    "dispose": "폐기",
    "return_to_vendor": "제조사 반송",
    "refurbish": "수선 후 B급 판매",
}

# The unlinked carrier: what the buyer reads when the pickup cannot be booked for them.
# ``returns.timeline.unlinked_text`` shows the carrier's number, our address and the request
# for the waybill number with these lines.
EPOST_INSTRUCTIONS = (
    "제주·도서산간 지역은 택배 기사 회수가 어려워 우체국택배로 직접 반품 접수를 부탁드립니다.\n"
    "1) 가까운 우체국 창구에 방문하시거나 우체국 고객센터(1588-1300) 또는 인터넷우체국에서 "
    "'반품 소포(착불)'로 접수해 주세요.\n"
    "2) 운송장 받는 분 란에 아래 반품 주소를, 메모 란에 '반품'과 주문번호를 적어 주세요.\n"
    "3) 상자 안에 주문자 성함과 연락처, 주문번호를 적은 메모를 함께 넣어 주세요.\n"
    "4) 접수 후 받으신 송장번호(13자리)를 고객센터 또는 반품 접수 페이지에 남겨 주세요."
)
PAUSED_NOTE = (
    "택배 계정 점검(API 키 교체) 중에 승인된 건. 계정 재개 후 회수 접수가 자동으로 진행됩니다."
)
SELF_SHIP_NOTE = (
    "고객 통화: 회수 기사 방문 시간에 집에 있기 어렵다고 함. 직접 발송(편의점·우체국)으로 변경, "
    "반품 주소 문자 발송."
)
REREQUEST_NOTE = "고객 통화: 부재로 회수 실패. 내일 재방문 요청, 회수 재접수."
REREQUEST_MEMO = "부재 시 현관 앞 물품 수거 (고객 동의)"
MANUAL_WAYBILL_NOTE = "고객이 우체국 창구에서 반품 접수 후 송장번호를 문자로 보내 옴. 등록 완료."
RECEIVED_NOTE = "이천 물류센터 입고 스캔 완료."

# After the goods are back: the warehouse's and CS's words.
TWO_BOXES_MEMO = "상품 2박스로 나누어 포장, 2박스 모두 회수 요청"
ONE_OF_TWO_NOTE = "2박스 중 1박스 입고. 나머지 1박스 미도착, 택배사 확인 중."
REFUSED_TEXT = "착용 흔적(화장품 자국, 세탁 흔적) 및 택 제거: 재판매 불가"
REFUSED_NOTE = "검수 결과 반품 불가: 착용·사용 흔적. 고객에게 반송."
DEDUCTION_NOTE = "사용 흔적 확인 (전자상거래법 제17조 제2항): 가치 감소분 차감 후 환불."
UNIDENTIFIED_NOTE = "송장 훼손, 주문번호·연락처 없음. 내용물: 의류 1점. 보관 중."
