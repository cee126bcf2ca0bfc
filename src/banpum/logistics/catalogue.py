"""The carrier catalogue seeded by migration, by tracker.delivery's carrier ids."""

from __future__ import annotations

TRACKER = "https://tracker.delivery/#/{code}/{{tracking_number}}"

CARRIERS: list[dict[str, str]] = [
    {"code": "kr.cjlogistics", "name_ko": "CJ대한통운", "name_en": "CJ Logistics",
     "phone": "1588-1255",
     "tracking_url": "https://trace.cjlogistics.com/next/tracking.html?wblNo={tracking_number}"},
    {"code": "kr.epost", "name_ko": "우체국택배", "name_en": "Korea Post", "phone": "1588-1300",
     "tracking_url": "https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1={tracking_number}"},
    {"code": "kr.hanjin", "name_ko": "한진택배", "name_en": "Hanjin", "phone": "1588-0011"},
    {"code": "kr.lotte", "name_ko": "롯데택배", "name_en": "Lotte Global Logistics",
     "phone": "1588-2121"},
    {"code": "kr.logen", "name_ko": "로젠택배", "name_en": "Logen", "phone": "1588-9988"},
    {"code": "kr.cvsnet", "name_ko": "GS25 편의점택배", "name_en": "GS25 convenience-store parcel",
     "phone": "1577-1287"},
    {"code": "kr.coupangls", "name_ko": "쿠팡 로지스틱스", "name_en": "Coupang Logistics Services",
     "phone": "1577-7011"},
    {"code": "kr.daesin", "name_ko": "대신택배", "name_en": "Daesin", "phone": "043-222-4582"},
    {"code": "kr.kdexp", "name_ko": "경동택배", "name_en": "Kyoungdong Express",
     "phone": "1899-5368"},
    {"code": "kr.ilyanglogis", "name_ko": "일양로지스", "name_en": "Ilyang Logistics",
     "phone": "1588-0002"},
    {"code": "us.ups", "name_ko": "UPS", "name_en": "UPS", "phone": "", "country": "US"},
    {"code": "us.fedex", "name_ko": "FedEx", "name_en": "FedEx", "phone": "", "country": "US"},
    {"code": "us.usps", "name_ko": "USPS", "name_en": "USPS", "phone": "", "country": "US"},
    {"code": "de.dhl", "name_ko": "DHL", "name_en": "DHL", "phone": "", "country": "DE"},
    {"code": "jp.yamato", "name_ko": "야마토운수", "name_en": "Yamato Transport", "phone": "",
     "country": "JP"},
]  # fmt: skip


def carrier_rows() -> list[dict[str, str]]:
    rows = []
    for carrier in CARRIERS:
        row = {"country": "KR", **carrier}
        row.setdefault("tracking_url", TRACKER.format(code=row["code"]))
        rows.append(row)
    return rows
