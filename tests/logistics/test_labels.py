"""Return labels as PDF: pages, Korean text, scannable barcodes, fonts, fitting, validation.

Pure (no database). The PDF is checked from the outside with poppler (``pdftotext``,
``pdftoppm``) and zbar (``zbarimg``): a check whose tool is missing is skipped, saying so.
Example PDFs and PNGs are written to ``test-artifacts/labels/`` for a human to look at.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from banpum.logistics import labels as labels_module
from banpum.logistics.labels import (
    FALLBACK_CID_FONT,
    FONT_ENV_VAR,
    LabelItem,
    LabelParty,
    ReturnLabel,
    label_font_name,
    mask_phone,
    render_labels,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "labels"
NANUM_GOTHIC = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
NANUM_BARUN = Path("/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf")
MM = 72 / 25.4


# --------------------------------------------------------------------------------------------
# Builders and tools
# --------------------------------------------------------------------------------------------


def make_label(n: int = 0, **changes: Any) -> ReturnLabel:
    waybill = f"6892{12345678 + n:08d}"
    label = ReturnLabel(
        return_number=f"R2507-{1234 + n:07d}",
        waybill_number=waybill,
        carrier_name="CJ대한통운",
        carrier_code="kr.cjlogistics",
        tracking_url=f"https://trace.cjlogistics.com/next/tracking.html?wblNo={waybill}",
        sender=LabelParty(
            name="홍길동",
            phone="010-1234-5678",
            postcode="06236",
            address1="서울특별시 강남구 테헤란로 152",
            address2="강남파이낸스센터 21층",
        ),
        receiver=LabelParty(
            name="반품상사 물류센터",
            phone="031-123-4567",
            postcode="10881",
            address1="경기도 파주시 회동길 123",
            address2="B동 2층 반품팀",
        ),
        items=(
            LabelItem("여성 린넨 셔츠 아이보리 M", 1, "LN-SHIRT-IV-M"),
            LabelItem("와이드 데님 팬츠 블루 28", 2, "DN-WIDE-BL-28"),
        ),
        box_count=1,
        box_size="소형",
        fare_type="credit",
        memo="부재 시 경비실에 맡겨주세요.",
        sorting_code="2Q 5-3-1",
        terminal="경기파주터미널",
        order_number="20250701-0001234",
        store_name="테스트 상점",
        created_on=dt.date(2025, 7, 1),
    )
    return dataclasses.replace(label, **changes) if changes else label


def need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (apt-get install {package}); cannot run this check")
    return path


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def media_boxes(pdf: bytes) -> set[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]", pdf)
    return {(round(float(w) / MM), round(float(h) / MM)) for w, h in boxes}


def pdf_text(pdf: bytes, tmp_path: Path, *, raw: bool = False) -> str:
    """The PDF's text; ``raw``: in the order it was drawn (a wrapped name stays together)."""
    pdftotext = need("pdftotext", "poppler-utils")
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    return subprocess.run(
        [pdftotext, "-enc", "UTF-8", *(["-raw"] if raw else []), str(source), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


def flat(text: str) -> str:
    """Text without whitespace, so wrapped lines still match."""
    return "".join(text.split())


def to_png(pdf: bytes, directory: Path, name: str, dpi: int = 300) -> list[Path]:
    pdftoppm = need("pdftoppm", "poppler-utils")
    directory.mkdir(parents=True, exist_ok=True)
    source = directory / f"{name}.pdf"
    source.write_bytes(pdf)
    for old in directory.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(
        [pdftoppm, "-r", str(dpi), "-png", str(source), str(directory / name)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pngs = sorted(directory.glob(f"{name}-*.png"))
    assert pngs, "pdftoppm wrote no image"
    return pngs


def scan(png: Path) -> list[str]:
    """The values of the barcodes zbar finds in the image (one per value: zbar reports
    identical symbols in one image once)."""
    zbarimg = need("zbarimg", "zbar-tools")
    result = subprocess.run(
        [zbarimg, "--raw", "-q", str(png)], capture_output=True, text=True, timeout=120
    )
    # 0: found some; 4: found none. Anything else is an error of zbarimg itself.
    assert result.returncode in (0, 4), result.stderr
    return [line for line in result.stdout.splitlines() if line]


def words(pdf: bytes, tmp_path: Path) -> list[tuple[float, float, float, float, str]]:
    """(x0, y0, x1, y1, word) of every word on the first page, in points from the top left."""
    pdftotext = need("pdftotext", "poppler-utils")
    source = tmp_path / "bbox.pdf"
    source.write_bytes(pdf)
    html = subprocess.run(
        [pdftotext, "-bbox", "-f", "1", "-l", "1", str(source), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    pattern = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in pattern.findall(html)]


@pytest.fixture
def fresh_fonts() -> Iterator[None]:
    """Font discovery runs again in the test and once more after it."""
    labels_module._reset_font_cache()
    yield
    labels_module._reset_font_cache()


@pytest.fixture
def embedded_font() -> str:
    """The discovered font, when it is an embedded TrueType face (fonts-nanum or the like)."""
    name = label_font_name()
    if name == FALLBACK_CID_FONT:
        pytest.skip("no Korean TrueType font on this machine (apt-get install fonts-nanum)")
    return name


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "a6_pages", "a4_pages"), [(1, 1, 1), (4, 4, 1), (5, 5, 2), (9, 9, 3)]
)
def test_page_counts(count: int, a6_pages: int, a4_pages: int) -> None:
    batch = [make_label(i) for i in range(count)]

    a6 = render_labels(batch, "A6")
    a4 = render_labels(batch, "A4")

    assert a6.startswith(b"%PDF-")
    assert a6.rstrip().endswith(b"%%EOF")
    assert page_count(a6) == a6_pages
    assert media_boxes(a6) == {(105, 148)}
    assert page_count(a4) == a4_pages == math.ceil(count / 4)
    assert media_boxes(a4) == {(210, 297)}


def test_default_layout_is_a6() -> None:
    pdf = render_labels([make_label()])

    assert media_boxes(pdf) == {(105, 148)}


def test_pdf_info_has_the_pdftoppm_page_count(tmp_path: Path) -> None:
    pdfinfo = need("pdfinfo", "poppler-utils")
    source = tmp_path / "batch.pdf"
    source.write_bytes(render_labels([make_label(i) for i in range(9)], "A4"))

    info = subprocess.run(
        [pdfinfo, str(source)], check=True, capture_output=True, text=True, timeout=60
    ).stdout

    assert re.search(r"^Pages:\s+3$", info, re.MULTILINE)
    assert "(A4)" in info


# --------------------------------------------------------------------------------------------
# Text and fonts
# --------------------------------------------------------------------------------------------


def test_korean_text_is_embedded_and_extractable(embedded_font: str, tmp_path: Path) -> None:
    label = make_label()

    pdf = render_labels([label])
    text = pdf_text(pdf, tmp_path)

    assert embedded_font.startswith("BanpumLabel-")
    assert b"/FontFile2" in pdf  # the TrueType program is in the file
    assert embedded_font.removeprefix("BanpumLabel-").encode() in pdf
    for expected in (
        "반품 회수 송장",
        "반품",
        "CJ대한통운",
        "홍길동",
        "반품상사 물류센터",
        "서울특별시 강남구 테헤란로 152",
        "경기도 파주시 회동길 123",
        "받는",
        "보내는",
        "여성 린넨 셔츠 아이보리 M",
        "테스트 상점",
        "신용",  # fare type "credit"
        "2025-07-01",
        "2Q 5-3-1",
        label.waybill_number,
        label.return_number,
        label.order_number,
        "031-123-4567",  # the return address keeps its phone
    ):
        assert flat(expected) in flat(text), expected


def test_customer_phone_is_masked_on_the_label(tmp_path: Path) -> None:
    text = pdf_text(render_labels([make_label()]), tmp_path)

    assert "010-****-5678" in text
    assert "010-1234-5678" not in text


@pytest.mark.parametrize(
    ("fare_type", "shown"),
    [("prepaid", "선불"), ("collect", "착불"), ("credit", "신용"), ("착불", "착불")],
)
def test_fare_type_in_korean(fare_type: str, shown: str, tmp_path: Path) -> None:
    text = pdf_text(render_labels([make_label(fare_type=fare_type)]), tmp_path)

    assert shown in text


def test_unbooked_return_says_so(tmp_path: Path) -> None:
    text = pdf_text(render_labels([make_label(waybill_number="", tracking_url="")]), tmp_path)

    assert "운송장 미발급" in text
    assert "배송조회 가능" in text  # in place of the QR code


def test_font_is_registered_once_per_process(fresh_fonts: None) -> None:
    first = labels_module._get_fonts()
    render_labels([make_label()])

    assert labels_module._get_fonts() is first
    assert label_font_name() == first.regular


def test_explicit_font_from_the_environment(
    fresh_fonts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not NANUM_BARUN.is_file():
        pytest.skip(f"{NANUM_BARUN} is not installed (apt-get install fonts-nanum)")
    monkeypatch.setenv(FONT_ENV_VAR, str(NANUM_BARUN))

    assert label_font_name() == "BanpumLabel-NanumBarunGothic"
    assert labels_module._get_fonts().bold == "BanpumLabel-NanumBarunGothicBold"
    assert b"NanumBarunGothic" in render_labels([make_label()])


def test_a_missing_explicit_font_warns_and_searches_on(
    fresh_fonts: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(FONT_ENV_VAR, "/nowhere/NoSuchFont.ttf")

    with caplog.at_level(logging.WARNING, logger="banpum.logistics.labels"):
        name = label_font_name()

    assert "/nowhere/NoSuchFont.ttf" in caplog.text
    assert name  # whatever the search found next
    render_labels([make_label()])


def test_discovery_prefers_nanum_gothic(fresh_fonts: None, monkeypatch: pytest.MonkeyPatch) -> None:
    if not NANUM_GOTHIC.is_file():
        pytest.skip(f"{NANUM_GOTHIC} is not installed (apt-get install fonts-nanum)")
    monkeypatch.delenv(FONT_ENV_VAR, raising=False)

    assert label_font_name() == "BanpumLabel-NanumGothic"
    fonts = labels_module._get_fonts()
    assert fonts.embedded
    assert not fonts.fake_bold
    assert fonts.bold == "BanpumLabel-NanumGothicBold"


def test_an_explicit_font_that_is_no_font_warns(
    fresh_fonts: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    junk = tmp_path / "Junk.ttf"
    junk.write_bytes(b"not a font at all")
    monkeypatch.setenv(FONT_ENV_VAR, str(junk))

    with caplog.at_level(logging.WARNING, logger="banpum.logistics.labels"):
        name = label_font_name()

    assert "not a usable Korean TrueType font" in caplog.text
    assert name != "BanpumLabel-Junk"


def test_bold_faces_are_found_next_to_the_regular_one(tmp_path: Path) -> None:
    for name in ("NanumSquareR", "NanumSquareB", "Pretendard-Regular", "Pretendard-Bold"):
        (tmp_path / f"{name}.ttf").write_bytes(b"")
    (tmp_path / "malgun.ttf").write_bytes(b"")
    (tmp_path / "malgunbd.ttf").write_bytes(b"")

    assert labels_module._bold_sibling(tmp_path / "NanumSquareR.ttf") == (
        tmp_path / "NanumSquareB.ttf"
    )
    assert labels_module._bold_sibling(tmp_path / "Pretendard-Regular.ttf") == (
        tmp_path / "Pretendard-Bold.ttf"
    )
    assert labels_module._bold_sibling(tmp_path / "malgun.ttf") == tmp_path / "malgunbd.ttf"
    assert labels_module._bold_sibling(tmp_path / "NanumSquareB.ttf") is None
    assert not labels_module._is_regular_stem("NanumSquareB")
    assert not labels_module._is_regular_stem("NanumGothicBold")
    assert not labels_module._is_regular_stem("NanumGothicLight")
    assert labels_module._is_regular_stem("NanumSquareR")
    assert labels_module._is_regular_stem("NanumBarunGothic")


def test_fontconfig_lists_korean_truetype_fonts() -> None:
    need("fc-list", "fontconfig")

    found = list(labels_module._fc_list_korean())

    if not found:
        pytest.skip("fontconfig knows no Korean .ttf font here (apt-get install fonts-nanum)")
    for regular, bold in found:
        assert regular.suffix.lower() == ".ttf"
        assert bold is None or bold.suffix.lower() == ".ttf"
    if NANUM_GOTHIC.is_file():
        assert (NANUM_GOTHIC, NANUM_GOTHIC.with_name("NanumGothicBold.ttf")) in found


def test_text_is_cleaned_for_the_font() -> None:
    glyphs = frozenset(map(ord, "메모 abc"))

    assert labels_module._clean("메모\n\tabc  🙏", glyphs) == "메모 abc"
    assert labels_module._clean("메모 ☃ 漢", glyphs) == "메모 ?"  # ☃ (a symbol) dropped
    assert labels_module._clean("메모 🙏", None) == "메모"  # CID: nothing beyond UCS-2


def test_a_file_that_is_not_a_font_is_skipped(
    fresh_fonts: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"not a font at all")
    monkeypatch.setattr(labels_module.fonts, "_font_candidates", lambda: iter([(junk, None)]))

    assert label_font_name() == FALLBACK_CID_FONT


def test_without_any_korean_font_the_cid_font_is_used(
    fresh_fonts: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(labels_module.fonts, "_font_candidates", lambda: iter(()))
    label = make_label()

    with caplog.at_level(logging.WARNING, logger="banpum.logistics.labels"):
        pdf = render_labels([label, make_label(1)], "A4")

    assert label_font_name() == FALLBACK_CID_FONT
    assert "fonts-nanum" in caplog.text
    assert pdf.startswith(b"%PDF-")
    assert page_count(pdf) == 1
    assert b"/FontFile2" not in pdf  # nothing embedded
    assert FALLBACK_CID_FONT.encode() in pdf
    # poppler maps the CID font through poppler-data's Adobe-Korea1 tables
    text = pdf_text(pdf, tmp_path)
    for expected in ("반품 회수 송장", "CJ대한통운", "홍길동", label.waybill_number):
        assert flat(expected) in flat(text), expected
    # and it still renders, with scannable codes
    values = scan(to_png(pdf, tmp_path, "cid")[0])
    assert label.waybill_number in values
    assert label.tracking_url in values


# --------------------------------------------------------------------------------------------
# Barcodes
# --------------------------------------------------------------------------------------------


def test_a6_barcodes_and_qr_scan(tmp_path: Path) -> None:
    label = make_label()

    values = scan(to_png(render_labels([label]), tmp_path, "a6")[0])

    assert sorted(values) == sorted([label.waybill_number, label.return_number, label.tracking_url])


def test_unbooked_return_barcode_is_the_return_number(tmp_path: Path) -> None:
    label = make_label(waybill_number="", tracking_url="")

    values = scan(to_png(render_labels([label]), tmp_path, "unbooked")[0])

    # Both barcodes (the big one and the return number's own) carry the return number; zbar
    # reports equal symbols once, so nothing else must be found.
    assert values == [label.return_number]


def test_a4_batch_every_code_scans(tmp_path: Path) -> None:
    batch = [
        make_label(0),
        make_label(1, waybill_number="", tracking_url=""),
        make_label(2, waybill_number="HJ-5301-2298-7741", carrier_name="한진택배"),
        make_label(3, tracking_url="https://tracker.delivery/#/kr.cjlogistics/689212345681"),
        make_label(4),
    ]

    pngs = to_png(render_labels(batch, "A4"), tmp_path, "a4")

    assert len(pngs) == 2
    found = sorted(scan(pngs[0]) + scan(pngs[1]))
    expected: set[str] = set()
    for label in batch:
        expected |= {label.barcode_value, label.return_number, label.tracking_url} - {""}
    assert found == sorted(expected)  # 13: ten Code128 (one pair equal) and four QR codes


def test_qr_matrix_is_a_valid_reportlab_symbol() -> None:
    """The fast mask choice gives exactly the symbol reportlab builds for that mask."""
    from reportlab.graphics.barcode.qrencoder import (  # type: ignore[import-untyped]
        QRCode,
        QRErrorCorrectLevel,
    )

    for value in (
        "https://trace.cjlogistics.com/next/tracking.html?wblNo=689212345678",
        "HTTPS://X.KR/1",
        "https://tracker.delivery/#/kr.epost/1234567890123?lang=ko&ref=반품",
        "x" * 400,
    ):
        ours = labels_module._qr_matrix(value)
        candidates = []
        for mask in range(8):
            qr = QRCode(None, QRErrorCorrectLevel.M)
            qr.addData(value)
            qr.version = qr.calculate_version()
            qr.makeImpl(False, mask)
            candidates.append([[bool(m) for m in row] for row in qr.modules])
        assert ours in candidates, value
        penalties = [labels_module._qr_penalty(c) for c in candidates]
        assert labels_module._qr_penalty(ours) == min(penalties)


# --------------------------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------------------------


def test_many_items_end_with_a_count_of_the_rest(tmp_path: Path) -> None:
    items = tuple(
        LabelItem(f"상품{i:02d}번 블라우스", 1 + i % 2, f"SKU-{i:02d}") for i in range(12)
    )

    text = pdf_text(render_labels([make_label(items=items)]), tmp_path)

    assert "상품00번" in text
    assert "상품02번" in text
    assert "상품03번" not in text
    assert "상품11번" not in text
    assert "외 9건 (14개)" in text  # items 3..11: 9 lines, 5 × 2 + 4 × 1 units
    assert "12종 · 총 18개" in text


def test_items_that_fit_are_all_listed(tmp_path: Path) -> None:
    items = tuple(LabelItem(f"상품{i}", 1) for i in range(4))

    text = pdf_text(render_labels([make_label(items=items)]), tmp_path)

    assert all(f"상품{i}" in text for i in range(4))
    assert "외 " not in text


def test_no_items(tmp_path: Path) -> None:
    text = pdf_text(render_labels([make_label(items=())]), tmp_path)

    assert "상품 정보 없음" in text


def overlong_label() -> ReturnLabel:
    return make_label(
        carrier_name="한진택배 (주)한진 택배사업부 반품전용 특송라인 서비스 본부 " * 2,
        carrier_code="kr.hanjin-an-extremely-long-carrier-code-that-never-ends",
        sorting_code="서울 강남 A12-345-6789-가나다라마바사",
        order_number="2025070112345678901234567890-ABCDEFGHIJK",
        store_name="아주아주 긴 이름을 가진 스마트스토어 판매자 상점 공식 직영점 본점",
        box_size="특대형 (세 변의 합 160cm 이하, 25kg 이하)",
        memo="문 앞에 두지 마시고 꼭 직접 받아가 주세요 🙏\n" * 8,
        sender=LabelParty(
            "김수한무거북이와두루미삼천갑자동방삭치치카포사리사리센타워리워리세브리깡",
            "+82 10-9876-5432",
            "63309",
            "제주특별자치도 제주시 첨단로 242 (영평동) 카카오스페이스닷원 본사 사옥 " * 3,
            "3층 301호 앞 복도 끝 사무실",
        ),
        receiver=LabelParty(
            "주식회사 반품상사 물류센터 반품팀 담당자 귀하 (평일 09-18시 수령 가능)",
            "1588-1234",
            "10881",
            "경기도 파주시 회동길 123 반품물류센터 " * 5,
            "B동",
        ),
        items=tuple(
            LabelItem("초경량 " * 20 + f"패딩 {i}", 99, "SKU-" + "X" * 40) for i in range(7)
        ),
    )


def test_overlong_fields_are_cut_and_stay_inside_the_label(tmp_path: Path) -> None:
    pdf = render_labels([overlong_label()])

    text = pdf_text(pdf, tmp_path)
    boxes = words(pdf, tmp_path)

    assert "…" in text
    # names are shrunk and wrapped, never cut: a courier reads the whole of them
    drawn = flat(pdf_text(pdf, tmp_path, raw=True))
    assert flat(overlong_label().sender.name) in drawn
    assert flat(overlong_label().receiver.name) in drawn
    assert "🙏" not in text  # the font has no emoji: dropped, not a tofu box
    assert "010-****-5432" in text  # +82 10-9876-5432
    left, right, top, bottom = 4 * MM, 101 * MM, 4 * MM, 144 * MM
    for x0, y0, x1, y1, word in boxes:
        assert left <= x0, word
        assert x1 <= right, word
        assert top <= y0, word
        assert y1 <= bottom, word
    # no text runs into other text: any two words' boxes overlap by at most a hair
    for i, (ax0, ay0, ax1, ay1, a) in enumerate(boxes):
        for bx0, by0, bx1, by1, b in boxes[i + 1 :]:
            overlap_x = min(ax1, bx1) - max(ax0, bx0)
            overlap_y = min(ay1, by1) - max(ay0, by0)
            assert overlap_x <= 0.5 or overlap_y <= 1.0, (a, b)


def test_overlong_label_still_scans(tmp_path: Path) -> None:
    label = overlong_label()

    values = scan(to_png(render_labels([label]), tmp_path, "overlong")[0])

    assert sorted(values) == sorted([label.waybill_number, label.return_number, label.tracking_url])


def test_decomposed_hangul_is_normalised(tmp_path: Path) -> None:
    import unicodedata

    name = unicodedata.normalize("NFD", "김철수")  # as typed on some Macs
    sender = LabelParty(name, "01012345678", "04524", "서울특별시 중구 세종대로 110")

    text = pdf_text(render_labels([make_label(sender=sender)]), tmp_path)

    assert "김철수" in text
    assert "010-****-5678" in text


# --------------------------------------------------------------------------------------------
# Phone masking
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("010-1234-5678", "010-****-5678"),
        ("01012345678", "010-****-5678"),
        ("010 1234 5678", "010-****-5678"),
        ("010.1234.5678", "010-****-5678"),
        ("011-123-4567", "011-***-4567"),
        ("0111234567", "011-***-4567"),
        ("02-123-4567", "02-***-4567"),
        ("0212345678", "02-****-5678"),
        ("031-123-4567", "031-***-4567"),
        ("0505-1234-5678", "0505-****-5678"),
        ("050512345678", "0505-****-5678"),
        ("+82 10-1234-5678", "010-****-5678"),
        ("+821012345678", "010-****-5678"),
        ("1588-1234", "****1234"),
        ("12345", "*2345"),
        ("", ""),
        ("없음", "없음"),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def test_empty_batch_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one label"):
        render_labels([])


def test_unknown_layout_is_an_error() -> None:
    with pytest.raises(ValueError, match="layout must be"):
        render_labels([make_label()], "Letter")  # type: ignore[arg-type]


def test_only_return_labels_are_rendered() -> None:
    with pytest.raises(TypeError, match="ReturnLabel"):
        render_labels([{"return_number": "R1"}])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"return_number": "  "}, "needs the return number"),
        ({"waybill_number": "송장123"}, "printable ASCII"),
        ({"return_number": "R2507\n0001"}, "printable ASCII"),
        ({"waybill_number": "9" * 49}, "too long"),
        ({"box_count": 0}, "box count"),
        ({"box_count": 1000}, "box count"),
        ({"tracking_url": "https://x.kr/" + "a" * 1000}, "tracking URL"),
    ],
)
def test_invalid_labels(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_label(**changes)


@pytest.mark.parametrize("quantity", [0, -1, 1.5, True])
def test_invalid_item_quantity(quantity: object) -> None:
    with pytest.raises(ValueError, match="quantity"):
        LabelItem("셔츠", quantity)  # type: ignore[arg-type]


def test_numbers_are_stripped_and_items_become_a_tuple() -> None:
    label = make_label(
        waybill_number=" 689212345678 ",
        return_number="R2507-0001234\t",
        items=[LabelItem("셔츠", 1)],
    )

    assert label.waybill_number == "689212345678"
    assert label.return_number == "R2507-0001234"
    assert label.items == (LabelItem("셔츠", 1),)
    assert label.barcode_value == "689212345678"
    assert make_label(waybill_number="").barcode_value == label.return_number


# --------------------------------------------------------------------------------------------
# Batches and examples
# --------------------------------------------------------------------------------------------


def test_a_hundred_labels_batch_into_25_a4_pages() -> None:
    # Its speed is measured by benchmarks/bench_labels.py, not asserted here.
    pdf = render_labels([make_label(i) for i in range(100)], "A4")
    assert page_count(pdf) == 25


# --------------------------------------------------------------------------------------------
# What a courier reads
# --------------------------------------------------------------------------------------------


def test_sorting_code_and_terminal_are_printed_large(tmp_path: Path) -> None:
    pdf = render_labels([make_label(sorting_code="2Q 5-3-1", terminal="경기이천터미널")])

    text = pdf_text(pdf, tmp_path)
    boxes = words(pdf, tmp_path)

    assert "분류코드" in text
    assert "2Q 5-3-1" in text
    assert "도착 터미널" in flat(text) or "도착터미널" in flat(text)
    assert "경기이천터미널" in flat(text)
    code = [box for box in boxes if box[4] == "2Q"]
    assert code
    assert code[0][3] - code[0][1] > 20  # ≥ 20 pt high: the largest text on the label
    assert all(y1 - y0 <= code[0][3] - code[0][1] for _, y0, _, y1, _ in boxes)


def test_a_label_without_codes_says_so_with_a_dash(tmp_path: Path) -> None:
    text = pdf_text(render_labels([make_label(sorting_code="", terminal="")]), tmp_path)

    assert "분류코드" in text
    assert re.search(r"분류코드\s+-", text) or "-" in text.split("분류코드", 1)[1][:20]


@pytest.mark.parametrize(
    "name",
    [
        "주식회사 반품상사 물류센터 반품팀 담당자 귀하 (평일 09-18시 수령 가능)",
        "(주)한국글로벌이커머스유통 경기남부통합물류센터 반품전담",
        "남궁민수",
    ],
)
def test_long_receiver_names_are_printed_whole(name: str, tmp_path: Path) -> None:
    receiver = dataclasses.replace(make_label().receiver, name=name)
    pdf = render_labels([make_label(receiver=receiver)])

    text = pdf_text(pdf, tmp_path, raw=True)

    assert flat(name) in flat(text)
    assert "…" not in text
    assert "경기도파주시회동길123" in flat(text)  # the address is still there below the name
    for x0, _, x1, _, word in words(pdf, tmp_path):
        assert x0 >= 4 * MM, word
        assert x1 <= 101 * MM, word


def test_write_examples_for_a_human_to_look_at() -> None:
    """test-artifacts/labels/: one A6 label and an A4 sheet (PDF, and PNG with poppler)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    a6 = render_labels([make_label(items=(*make_label().items, LabelItem("니트 가디건", 1)))])
    a4 = render_labels(
        [
            make_label(0),
            make_label(1, waybill_number="", tracking_url="", fare_type="collect"),
            make_label(2, items=tuple(LabelItem(f"상품 {i}", 1) for i in range(9))),
            overlong_label(),
        ],
        "A4",
    )
    (ARTIFACTS / "example-A6.pdf").write_bytes(a6)
    (ARTIFACTS / "example-A4.pdf").write_bytes(a4)

    assert to_png(a6, ARTIFACTS, "example-A6", dpi=200)
    assert to_png(a4, ARTIFACTS, "example-A4", dpi=110)
