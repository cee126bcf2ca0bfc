"""Solapi's message status codes (메시지 상태 코드), as its documentation lists them.

Transcribed from ``solapi/documents`` ``api-reference/message-status-codes.md`` [V]. The first
digit says where a message stopped: 1xxx refused on receipt, 2000 received, 2xxx refused inside
the platform, 3000 handed to the carrier (or Kakao), 3xxx refused there, 4000 delivered. Both
the adapter (to word a failure the provider did not word) and the simulator (to answer as
Solapi does) read this one table.
"""

from __future__ import annotations

from typing import Final

ACCEPTED: Final = "2000"
HANDED_OVER: Final = "3000"
DELIVERED: Final = "4000"
#: Codes that are not final: the message is on its way (TEST1000 is Solapi's test mode).
IN_FLIGHT: Final = frozenset({ACCEPTED, HANDED_OVER, "TEST1000"})

STATUS_MESSAGES: Final[dict[str, str]] = {
    "1010": "필수 입력 값 미입력",
    "1011": "Format Error",
    "1013": "제목은 문자 타입이 'SMS'일 경우 사용이 불가능합니다.",
    "1014": "제목은 40byte까지 사용 가능합니다.",
    "1020": "등록된 계정이 아니거나 패스워드가 틀림",
    "1021": "해당 메시지가 없음",
    "1022": "해당 그룹이 없음",
    "1023": "해당 이미지가 없음",
    "1024": "서버 오류",
    "1025": (
        "잘못된 메시지 타입 ['SMS','LMS','MMS','ATA','CTA']중에서 사용 가능하며 "
        "대소문자는 구분하지 않습니다."
    ),
    "1026": "중복 수신번호",
    "1027": "인코딩 방식은 UTF8 형식만 사용 가능합니다.",
    "1028": "Non Printable Characters는 사용할 수 없습니다.",
    "1029": "문자메시지의 경우 EUC-KR(완성형 한글) 범위 안에 있는 문자만 사용 합니다.",
    "1030": "잔액 부족",
    "1031": (
        "SMS는 90byte LMS, MMS는 2000byte ATA, CTA는 한/영포함 1000자 "
        "CTI는 한/영포함 400자까지 사용 가능 합니다."
    ),
    "1032": (
        "유효한 커스텀 필드 값이 아닙니다. 필드명은 30자 설정값은 100자까지 가능하며 "
        "'String'형식만 지원 합니다."
    ),
    "1033": "kakaoOptions은 메시지가 ATA 나 CTA인 경우에만 사용가능합니다.",
    "1034": "imageId가 존재하지 않습니다.",
    "1041": "유효한 플러스 친구 값이 아닙니다.",
    "1042": "유효한 템플릿 아이디가 아닙니다.",
    "1043": "등록한 템플릿과 내용이 다릅니다.",
    "1044": "유효한 버튼 값이 아닙니다.",
    "1045": "유효한 버튼 URL 값이 아닙니다.",
    "1046": "버튼이 있는 템플릿입니다. 'buttons'에 값을 넣어주세요.",
    "1047": "버튼이 없는 템플릿입니다. 'buttons', 'buttonName', 'buttonUrl'값을 제거해주세요.",
    "1048": "버튼 URL 값은 최대 100자까지 사용 가능합니다.",
    "1049": "버튼 명은 최대 14자까지 사용 가능합니다.",
    "1050": "버튼은 최대 5개까지 사용 가능합니다.",
    "1051": "등록되지 않은 친구톡 이미지 아이디입니다.",
    "1052": "버튼은 템플릿에 등록된 순서대로 입력해주셔야 합니다.",
    "1053": "친구톡의 경우 버튼 타입 'DS'(배송조회)는 사용할 수 없습니다.",
    "1058": "전송경로 없음",
    "1060": "차단된 수신번호",
    "1061": "사용자에 의해 수신거부 됨(080무료수신거부)",
    "1062": "발신번호 미등록",
    "1064": "KISA 신고로 인한 차단",
    "2000": "정상 접수(이통사로 접수 예정)",
    "2011": "Format Error",
    "2024": "서버 오류",
    "2060": "차단된 수신번호",
    "2061": "사용자에 의해 수신거부 됨(080무료수신거부)",
    "2062": "발신번호 미등록",
    "2063": "차단된 계정",
    "2064": "KISA 신고로 인한 차단",
    "2230": "잔액 부족",
    "2254": "플랫폼 내부 스팸처리",
    "3000": "이통사로 접수(리포트를 기다리는 중)",
    "3010": "수신번호 형식 오류",
    "3011": "Format Error",
    "3012": "연동처 서버 오류",
    "3013": "발신번호 형식 오류(세칙 위반)",
    "3014": "알 수 없는 메시지 상태",
    "3024": "서버 오류",
    "3031": "전송할 수 없음",
    "3032": "미가입자",
    "3040": "전송시간 초과",
    "3041": "단말기 busy",
    "3042": "음영지역",
    "3043": "단말기 Power off",
    "3044": "단말기 메시지 저장갯수 초과",
    "3045": "단말기 일시 서비스 정지",
    "3046": "기타 단말기 문제",
    "3047": "착신거절",
    "3048": "Unknown Code",
    "3050": "SMS서비스 불가 단말기",
    "3051": "착신측의 호불가 상태",
    "3052": "이통사 서버 운영자 삭제",
    "3053": "서버 메시지 Que Full",
    "3054": "SPAM",
    "3055": "SPAM, nospam.or.kr 에 등록된 번호",
    "3056": "전송실패(무선망단)",
    "3057": "전송실패(무선망->단말기단)",
    "3058": "전송경로 없음",
    "3059": "변작된 발신번호.",
    "3060": "성인 인증 실패",
    "3101": "발신 프로필 키가 유효하지 않음",
    "3102": "친구 관계가 아닌 경우",
    "3103": "메시지와 템플릿 불일치",
    "3104": "카카오톡 미사용자",
    "3105": "미등록 템플릿",
    "3106": "유효하지 않은 채널",
    "3107": "72시간 이내 카카오톡 미사용자, 알림톡 차단한 사용자",
    "3108": "메시지 발송 가능 시간이 아님(오전 8시 ~ 오후 8시 가능)",
    "4000": "발송 처리 완료",
}


def status_words(code: str) -> str:
    """The documented words for a status code, or the code itself when it is not listed."""
    return STATUS_MESSAGES.get(code, code)
