"""The demo store's catalogue: Korean product names, SKUs, EAN-13 barcodes and KRW prices.

Pure data and functions; ``seed`` writes the rows. Prices are in won, rounded to 100 won.
Food is non-returnable by the store's policy (category); hygiene items by the product's own
``returnable`` flag, the two ways a seller can say "no change-of-mind returns".
"""

from __future__ import annotations

from dataclasses import dataclass

FOOD = "식품"
NON_RETURNABLE_CATEGORIES = (FOOD,)

# Category → SKU prefix. Order is the order products are interleaved in.
CATEGORY_CODES: dict[str, str] = {
    "의류": "APP",
    "신발": "SHO",
    "가방": "BAG",
    "화장품": "COS",
    FOOD: "FOD",
    "생활용품": "LIV",
    "디지털": "DIG",
    "도서": "BOK",
    "반려동물": "PET",
}

# GS1 Korea's country prefix and a made-up company number for the demo seller.
_GS1_COMPANY = "8809" + "4217"
# Korean ISBN-13 (979-11) and a made-up publisher block.
_ISBN_PUBLISHER = "97911" + "9871"


@dataclass(frozen=True)
class CatalogItem:
    category: str
    name: str
    price: int
    returnable: bool = True


# (category, name, price[, returnable]) — a small online shop's range, the way sellers name it.
_ITEMS: tuple[CatalogItem, ...] = (
    CatalogItem("의류", "오버핏 코튼 반팔 티셔츠 화이트 L", 19900),
    CatalogItem("의류", "데일리 와이드 데님 팬츠 30", 39800),
    CatalogItem("의류", "경량 구스다운 패딩 조끼 네이비 95", 89000),
    CatalogItem("의류", "린넨 오픈카라 셔츠 스카이블루 100", 45900),
    CatalogItem("의류", "기모 후드 집업 멜란지그레이 L", 52000),
    CatalogItem("의류", "여성 울 블렌드 니트 가디건 아이보리 FREE", 36900),
    CatalogItem("의류", "남성 세미와이드 슬랙스 차콜 32", 42000),
    CatalogItem("의류", "스트라이프 셔링 롱 원피스 S", 58000),
    CatalogItem("의류", "아동 기모 맨투맨 세트 120", 29800),
    CatalogItem("의류", "남성 면 드로즈 3종 세트 L", 24900, False),
    CatalogItem("신발", "데일리 캔버스 스니커즈 250", 49000),
    CatalogItem("신발", "쿠셔닝 러닝화 270", 89000),
    CatalogItem("신발", "여성 스트랩 플랫 샌들 240", 39900),
    CatalogItem("신발", "남성 스웨이드 첼시 부츠 265", 119000),
    CatalogItem("신발", "메모리폼 실내 슬리퍼 240-250", 15900),
    CatalogItem("신발", "아동 벨크로 운동화 190", 35000),
    CatalogItem("가방", "캔버스 에코백 내추럴", 12900),
    CatalogItem("가방", "15인치 노트북 수납 나일론 백팩", 59000),
    CatalogItem("가방", "미니 크로스백 블랙", 45000),
    CatalogItem("가방", "소가죽 토트백 카멜", 159000),
    CatalogItem("가방", "기내용 하드 캐리어 20인치", 129000),
    CatalogItem("가방", "소가죽 카드지갑 버건디", 29000),
    CatalogItem("화장품", "어성초 수분 진정 토너 200ml", 18000),
    CatalogItem("화장품", "비타민C 브라이트닝 세럼 30ml", 32000),
    CatalogItem("화장품", "데일리 톤업 선크림 SPF50+ 50ml", 19800),
    CatalogItem("화장품", "커버 쿠션 팩트 21호 본품+리필", 34000),
    CatalogItem("화장품", "벨벳 립 틴트 로즈베이지 4g", 12000),
    CatalogItem("화장품", "약산성 클렌징폼 150ml", 9900),
    CatalogItem("화장품", "히알루론 수분크림 50ml", 28000),
    CatalogItem(FOOD, "제주 노지 감귤 5kg 로얄과", 29900),
    CatalogItem(FOOD, "유기농 현미 4kg", 24800),
    CatalogItem(FOOD, "콜드브루 원액 1L 2병", 19900),
    CatalogItem(FOOD, "국산 아카시아 꿀 1kg", 38000),
    CatalogItem(FOOD, "한우 불고기 선물세트 600g", 49000),
    CatalogItem(FOOD, "무농약 대추방울토마토 2kg", 18900),
    CatalogItem(FOOD, "수제 그래놀라 500g", 12800),
    CatalogItem("생활용품", "호텔식 극세사 수건 5매 세트", 24900),
    CatalogItem("생활용품", "구스 다운 호텔 베개 50x70", 45000),
    CatalogItem("생활용품", "스테인리스 진공 텀블러 500ml", 22000),
    CatalogItem("생활용품", "저자극 액체 세탁세제 3L 리필", 13900),
    CatalogItem("생활용품", "규조토 발매트 그레이", 19800),
    CatalogItem("생활용품", "유리 밀폐용기 10종 세트", 32900),
    CatalogItem("생활용품", "미세모 칫솔 10입", 9900, False),
    CatalogItem("생활용품", "KF94 마스크 대형 50매", 19900, False),
    CatalogItem("생활용품", "무쇠 주물 프라이팬 28cm", 45000),
    CatalogItem("디지털", "노이즈캔슬링 무선 블루투스 이어폰", 129000),
    CatalogItem("디지털", "GaN 65W PD 고속 충전기", 39000),
    CatalogItem("디지털", "USB-C to C 고속 케이블 2m 2개입", 12900),
    CatalogItem("디지털", "10000mAh 고속충전 보조배터리", 29900),
    CatalogItem("디지털", "저소음 블루투스 무선 마우스", 24900),
    CatalogItem("디지털", "텐키리스 기계식 키보드 적축", 89000),
    CatalogItem("디지털", "스마트워치 실리콘 스트랩 42mm", 15000),
    CatalogItem("디지털", "투명 범퍼 휴대폰 케이스", 13900),
    CatalogItem("디지털", "가스 스프링 모니터 암 싱글", 49000),
    CatalogItem("도서", "파이썬 데이터 분석 입문", 28000),
    CatalogItem("도서", "오늘의 집밥 교과서", 22000),
    CatalogItem("도서", "어린이 과학 그림책 세트 (전5권)", 45000),
    CatalogItem("도서", "영어 회화 100일의 기적", 16800),
    CatalogItem("도서", "장편소설 바람의 기억", 15000),
    CatalogItem("반려동물", "고양이 골판지 스크래처 대형", 19900),
    CatalogItem("반려동물", "강아지 노즈워크 담요", 27000),
    CatalogItem("반려동물", "반려견 하네스 M 베이지", 23000),
    CatalogItem("의류", "남녀공용 방풍 바람막이 자켓 L", 69000),
    CatalogItem("신발", "여성 키높이 슬립온 235", 42000),
)


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    barcode: str
    name: str
    category: str
    price: int
    returnable: bool


def ean13_check_digit(first12: str) -> str:
    """GS1 check digit: weights 1,3,1,3… over the first 12 digits."""
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError("EAN-13 needs 12 digits before the check digit")
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(first12))
    return str((10 - total % 10) % 10)


def ean13(first12: str) -> str:
    return first12 + ean13_check_digit(first12)


def _interleaved() -> list[CatalogItem]:
    """Items taken one category at a time, so any prefix of the list spans the categories."""
    by_category: dict[str, list[CatalogItem]] = {category: [] for category in CATEGORY_CODES}
    for item in _ITEMS:
        by_category[item.category].append(item)
    result: list[CatalogItem] = []
    while any(by_category.values()):
        for items in by_category.values():
            if items:
                result.append(items.pop(0))
    return result


def catalog(count: int) -> list[ProductSpec]:
    """``count`` products (at most the catalogue's size), spread over every category."""
    items = _interleaved()
    if not 1 <= count <= len(items):
        raise ValueError(f"the demo catalogue has 1 to {len(items)} products")
    per_category: dict[str, int] = {}
    specs: list[ProductSpec] = []
    for index, item in enumerate(items[:count], start=1):
        code = CATEGORY_CODES[item.category]
        per_category[item.category] = per_category.get(item.category, 0) + 1
        if item.category == "도서":
            barcode = ean13(f"{_ISBN_PUBLISHER}{index:03d}")
        else:
            barcode = ean13(f"{_GS1_COMPANY}{index:04d}")
        specs.append(
            ProductSpec(
                sku=f"BP-{code}-{per_category[item.category]:03d}",
                barcode=barcode,
                name=item.name,
                category=item.category,
                price=item.price,
                returnable=item.returnable,
            )
        )
    return specs


CATALOG_SIZE = len(_ITEMS)


# Clothes and shoes come in sizes and colours: each gets two sibling variants (one option group,
# the base product's SKU), so an exchange can ask for another size. The other colour is sold
# out in the demo's stock, so an exchange asking for it waits (교환 대기, 품절).
VARIANT_CATEGORIES = ("의류", "신발")
SOLD_OUT_COLOUR = "블랙"
IN_STOCK_COLOUR = "네이비"
_NEXT_SIZE = {"S": "M", "M": "L", "L": "XL", "XL": "L", "FREE": "FREE"}


@dataclass(frozen=True)
class VariantSpec:
    base_sku: str  # the option group: the style's code
    sku: str
    barcode: str
    name: str
    category: str
    price: int
    options: dict[str, str]
    in_stock: bool


def _size(name: str) -> str:
    last = name.rsplit(" ", 1)[-1]
    return last if last in _NEXT_SIZE or last[:3].isdigit() else "FREE"


def _next_size(size: str) -> str:
    if size in _NEXT_SIZE:
        return _NEXT_SIZE[size]
    digits = size[:3]
    return str(int(digits) + (2 if int(digits) < 40 else 5))


def base_options(spec: ProductSpec) -> dict[str, str]:
    return {"색상": "기본", "사이즈": _size(spec.name)}


def variants(specs: list[ProductSpec]) -> list[VariantSpec]:
    """The sibling variants of the catalogue's clothes and shoes (another size, another colour)."""
    result: list[VariantSpec] = []
    wearable = [spec for spec in specs if spec.category in VARIANT_CATEGORIES and spec.returnable]
    for index, spec in enumerate(wearable, start=1):
        size = _size(spec.name)
        if size == "FREE":  # one size: another colour instead
            sku, name = f"{spec.sku}-NV", f"{spec.name} {IN_STOCK_COLOUR}"
            options = {"색상": IN_STOCK_COLOUR, "사이즈": size}
        else:
            other = _next_size(size)
            stem = spec.name.rsplit(" ", 1)[0] if spec.name.endswith(size) else spec.name
            sku, name = f"{spec.sku}-{other}", f"{stem} {other}"
            options = {"색상": "기본", "사이즈": other}
        result.append(
            VariantSpec(
                base_sku=spec.sku,
                sku=sku,
                barcode=ean13(f"8809{4218}{index * 2:04d}"),
                name=name,
                category=spec.category,
                price=spec.price,
                options=options,
                in_stock=True,
            )
        )
        result.append(
            VariantSpec(
                base_sku=spec.sku,
                sku=f"{spec.sku}-BK",
                barcode=ean13(f"8809{4218}{index * 2 + 1:04d}"),
                name=f"{spec.name} {SOLD_OUT_COLOUR}",
                category=spec.category,
                price=spec.price,
                options={"색상": SOLD_OUT_COLOUR, "사이즈": size},
                in_stock=False,
            )
        )
    return result
