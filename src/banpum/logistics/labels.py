"""Return labels (반품 회수 송장) as PDF: one A6 label a page, or four to an A4 page.

Pure: it takes the plain dataclasses below and returns PDF bytes, so it can be used (and
tested) without Django. The caller maps ``Pickup`` / ``ReturnRequest`` rows to ``ReturnLabel``.

Each label carries the waybill number as a big Code128 barcode (the return number when nothing
is booked yet), a QR code of the tracking page, the customer (보내는 분, phone masked) and the
return address (받는 분), the return number with its own small Code128, the order number, the
items (cut to "외 N건" when there are more than fit), boxes, fare type, memo and date. Every
text is fitted to its box: shrunk a little, then wrapped or cut with "…", never overflowing.

Fonts: a Korean TrueType font is embedded (subset) so the PDF renders and its text can be
extracted anywhere. Searched, in order: the file in ``BANPUM_LABEL_FONT``, NanumGothic,
NanumBarunGothic, any other Nanum font, then Korean ``.ttf`` fonts known to fontconfig
(``fc-list :lang=ko``). ``.ttc`` and CFF ``.otf`` files are skipped: reportlab embeds TrueType
outlines only. A face without a bold file is emboldened by stroking. With no font at all,
reportlab's built-in CID font ``HYGothic-Medium`` is used: it is not embedded, so only viewers
with Adobe's Korean resources show it (install ``fonts-nanum`` to avoid that; a warning says so).
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import re
import shutil
import subprocess
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Literal

from reportlab.graphics.barcode.code128 import Code128  # type: ignore[import-untyped]
from reportlab.graphics.barcode.qrencoder import (  # type: ignore[import-untyped]
    QRCode,
    QRErrorCorrectLevel,
    QRUtil,
)
from reportlab.lib.colors import black, white  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFError, TTFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

__all__ = [
    "FARE_TYPE_LABELS",
    "LabelItem",
    "LabelLayout",
    "LabelParty",
    "ReturnLabel",
    "label_font_name",
    "mask_phone",
    "render_labels",
]

logger = logging.getLogger(__name__)

LabelLayout = Literal["A6", "A4"]

FONT_ENV_VAR = "BANPUM_LABEL_FONT"
FALLBACK_CID_FONT = "HYGothic-Medium"

# The fare types of ``banpum.logistics.models.FareType``; Korean values pass through as given.
FARE_TYPE_LABELS = {"prepaid": "선불", "collect": "착불", "credit": "신용"}

# Label geometry, in mm. A6 portrait; an A4 page is exactly four of these (2 × 2).
LABEL_W = 105.0
LABEL_H = 148.0
_A4_W, _A4_H = 210.0, 297.0
_A4_SCALE = 0.95  # keeps the labels clear of the unprintable edge of office printers
_MARGIN = 4.0
_LEFT, _RIGHT = _MARGIN, LABEL_W - _MARGIN
_MAX_BARCODE_LEN = 48
_MAX_URL_LEN = 1000


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelParty:
    """A person or place on the label: the customer (sender) or the return address."""

    name: str
    phone: str
    postcode: str
    address1: str
    address2: str = ""


@dataclass(frozen=True)
class LabelItem:
    name: str
    quantity: int
    sku: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise ValueError(f"item quantity must be an int, not {self.quantity!r}")
        if self.quantity < 1:
            raise ValueError(f"item quantity must be at least 1, not {self.quantity}")


@dataclass(frozen=True)
class ReturnLabel:
    """Everything printed on one return label.

    ``waybill_number`` is "" for a return whose pickup is not booked yet: the big barcode then
    encodes ``return_number``. ``fare_type`` is a ``FareType`` value (prepaid/collect/credit) or
    already Korean (선불/착불/신용).
    """

    return_number: str
    waybill_number: str
    carrier_name: str
    carrier_code: str
    tracking_url: str
    sender: LabelParty
    receiver: LabelParty
    items: tuple[LabelItem, ...]
    box_count: int = 1
    box_size: str = ""
    fare_type: str = ""
    memo: str = ""
    sorting_code: str = ""
    order_number: str = ""
    store_name: str = ""
    created_on: dt.date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "return_number", self.return_number.strip())
        object.__setattr__(self, "waybill_number", self.waybill_number.strip())
        object.__setattr__(self, "tracking_url", self.tracking_url.strip())
        if not isinstance(self.items, tuple):
            object.__setattr__(self, "items", tuple(self.items))
        if not self.return_number:
            raise ValueError("a return label needs the return number")
        _check_barcode_value("return number", self.return_number)
        if self.waybill_number:
            _check_barcode_value("waybill number", self.waybill_number)
        if len(self.tracking_url) > _MAX_URL_LEN:
            raise ValueError(
                f"{self.return_number}: tracking URL longer than {_MAX_URL_LEN} characters"
            )
        for party in (self.sender, self.receiver):
            if not isinstance(party, LabelParty):
                raise TypeError(f"{self.return_number}: sender/receiver must be LabelParty")
        for item in self.items:
            if not isinstance(item, LabelItem):
                raise TypeError(f"{self.return_number}: items must be LabelItem, not {item!r}")
        if (
            isinstance(self.box_count, bool)
            or not isinstance(self.box_count, int)
            or not 1 <= self.box_count <= 999
        ):
            raise ValueError(f"{self.return_number}: box count must be 1-999, not {self.box_count}")

    @property
    def barcode_value(self) -> str:
        """What the big barcode encodes: the waybill number, else the return number."""
        return self.waybill_number or self.return_number

    @property
    def booked(self) -> bool:
        return bool(self.waybill_number)


def _check_barcode_value(what: str, value: str) -> None:
    if len(value) > _MAX_BARCODE_LEN:
        raise ValueError(f"{what} {value!r} is too long for a barcode (max {_MAX_BARCODE_LEN})")
    if not all(" " <= ch <= "~" for ch in value):
        raise ValueError(f"{what} {value!r} must be printable ASCII (Code128)")


# --------------------------------------------------------------------------------------------
# Phone masking
# --------------------------------------------------------------------------------------------


def _split_korean_number(digits: str) -> list[str] | None:
    n = len(digits)
    if digits.startswith("02") and n in (9, 10):
        return [digits[:2], digits[2:-4], digits[-4:]]
    if digits.startswith("050") and n in (11, 12):  # 안심번호 0504/0505…
        return [digits[:4], digits[4:-4], digits[-4:]]
    if digits.startswith("0") and n in (10, 11):
        return [digits[:3], digits[3:-4], digits[-4:]]
    return None


def mask_phone(phone: str) -> str:
    """Hide the middle part of a phone number: ``010-1234-5678`` → ``010-****-5678``.

    Works on hyphenated, spaced and bare numbers and on +82 numbers; anything it cannot split
    keeps only its last four digits.
    """
    text = phone.strip()
    digits = re.sub(r"\D", "", text)
    if not digits:
        return text
    if text.startswith("+82"):
        digits = "0" + digits[2:].lstrip("0")
    groups = re.findall(r"\d+", text)
    if text.startswith("+82") or len(groups) < 3:
        groups = _split_korean_number(digits) or []
    if len(groups) >= 3:
        middle = ["*" * len(group) for group in groups[1:-1]]
        return "-".join([groups[0], *middle, groups[-1]])
    keep = 4 if len(digits) > 4 else max(len(digits) - 2, 0)
    return "*" * (len(digits) - keep) + digits[len(digits) - keep :]


# --------------------------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fonts:
    regular: str
    bold: str
    fake_bold: bool  # no bold face: bold text is stroked
    embedded: bool  # TrueType, embedded; False for the CID fallback
    source: str
    glyphs: frozenset[int] | None  # code points the font has (None: unknown, CID)


_NANUM_DIR = Path("/usr/share/fonts/truetype/nanum")
_PREFERRED_NANUM = (
    ("NanumGothic.ttf", "NanumGothicBold.ttf"),
    ("NanumBarunGothic.ttf", "NanumBarunGothicBold.ttf"),
)
_FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path.home() / "Library/Fonts",
)
_KOREAN_PROBE = "가한반품송장"
_NOT_REGULAR = ("bold", "light", "thin", "heavy", "black", "italic", "oblique", "extra", "ultra")
_FAMILY_RANK = (
    re.compile(r"gothic|sans|고딕|malgun|맑은|dotum|돋움|gulim|굴림|barun|square", re.IGNORECASE),
    re.compile(r"coding|mono", re.IGNORECASE),
)

_font_lock = threading.Lock()
_fonts: _Fonts | None = None


def label_font_name() -> str:
    """The name of the (regular) font labels are set in; finds and registers it on first use."""
    return _get_fonts().regular


def _reset_font_cache() -> None:
    """Forget the chosen font, so the next label searches again (for tests)."""
    global _fonts
    with _font_lock:
        _fonts = None


def _get_fonts() -> _Fonts:
    global _fonts
    if _fonts is None:
        with _font_lock:
            if _fonts is None:
                _fonts = _load_fonts()
    return _fonts


def _is_regular_stem(stem: str) -> bool:
    lower = stem.lower()
    if any(word in lower for word in _NOT_REGULAR) or lower.endswith("bd"):
        return False
    # NanumSquareB / NanumSquareRoundB / NanumSquareEB are the bold cuts.
    return not (stem.startswith("Nanum") and re.search(r"[A-Z]?B$", stem[5:]) is not None)


def _bold_sibling(regular: Path) -> Path | None:
    stem = regular.stem
    names = [stem.replace("Regular", "Bold"), f"{stem}Bold", f"{stem}-Bold", f"{stem}bd"]
    if stem.endswith("R"):
        names.append(f"{stem[:-1]}B")
    for name in names:
        if name == stem:
            continue
        for suffix in (regular.suffix, ".ttf", ".TTF"):
            path = regular.with_name(name + suffix)
            if path.is_file():
                return path
    return None


def _rank_nanum(path: Path) -> tuple[bool, bool, str]:
    lower = path.stem.lower()
    return ("myeongjo" in lower or "pen" in lower or "brush" in lower, "coding" in lower, lower)


def _other_nanum() -> Iterator[Path]:
    seen: set[str] = set()
    for directory in (_NANUM_DIR, *_FONT_DIRS):
        if not directory.is_dir():
            continue
        try:
            found = sorted(
                (p for p in directory.rglob("Nanum*") if p.suffix.lower() == ".ttf"),
                key=_rank_nanum,
            )
        except OSError:
            continue
        for path in found:
            if path.name not in seen and _is_regular_stem(path.stem):
                seen.add(path.name)
                yield path


def _fc_list_korean() -> Iterator[tuple[Path, Path | None]]:
    """Korean-capable .ttf fonts fontconfig knows, Gothic/sans families first."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return
    try:
        out = subprocess.run(
            [fc_list, "--format", "%{file}\t%{style[0]}\t%{family[0]}\n", ":lang=ko"],
            capture_output=True,
            text=True,
            timeout=15,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return
    families: dict[str, dict[str, Path]] = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or not parts[0].lower().endswith(".ttf"):
            continue
        path, style, family = Path(parts[0]), parts[1].lower(), parts[2]
        kind = "bold" if style in ("bold", "bold regular") else "regular"
        if kind == "regular" and (style not in ("regular", "book", "medium", "normal", "")):
            continue
        families.setdefault(family, {}).setdefault(kind, path)

    def rank(family: str) -> tuple[int, str]:
        for i, pattern in enumerate(_FAMILY_RANK):
            if pattern.search(family):
                return (i, family)
        return (len(_FAMILY_RANK), family)

    for family in sorted(families, key=rank):
        faces = families[family]
        if "regular" in faces:
            yield faces["regular"], faces.get("bold")


def _font_candidates() -> Iterator[tuple[Path, Path | None]]:
    """(regular, bold or None) TrueType files to try, best first."""
    explicit = os.environ.get(FONT_ENV_VAR, "").strip()
    if explicit:
        path = Path(explicit).expanduser()
        if path.is_file():
            yield path, _bold_sibling(path)
        else:
            logger.warning("%s=%s: no such file; searching for a Korean font", FONT_ENV_VAR, path)
    for regular, bold in _PREFERRED_NANUM:
        path = _NANUM_DIR / regular
        if path.is_file():
            bold_path = _NANUM_DIR / bold
            yield path, bold_path if bold_path.is_file() else None
    for path in _other_nanum():
        yield path, _bold_sibling(path)
    yield from _fc_list_korean()


def _register_ttf(path: Path) -> tuple[str, frozenset[int]] | None:
    name = f"BanpumLabel-{path.stem}"
    try:
        font = TTFont(name, str(path))
    except (TTFError, OSError, ValueError, KeyError, IndexError, AssertionError) as exc:
        logger.info("label font %s not usable: %s", path, exc)
        return None
    glyphs = frozenset(font.face.charToGlyph)
    if not all(ord(ch) in glyphs for ch in _KOREAN_PROBE):
        logger.info("label font %s has no Korean glyphs", path)
        return None
    pdfmetrics.registerFont(font)
    return name, glyphs


def _load_fonts() -> _Fonts:
    explicit = os.environ.get(FONT_ENV_VAR, "").strip()
    tried: set[Path] = set()
    for regular, bold in _font_candidates():
        if regular in tried:
            continue
        tried.add(regular)
        loaded = _register_ttf(regular)
        if loaded is None:
            if explicit and regular == Path(explicit).expanduser():
                logger.warning(
                    "%s=%s: not a usable Korean TrueType font (.ttf); searching for another",
                    FONT_ENV_VAR,
                    explicit,
                )
            continue
        regular_name, glyphs = loaded
        bold_loaded = _register_ttf(bold) if bold is not None else None
        if bold_loaded is not None:
            glyphs = glyphs & bold_loaded[1]
        logger.debug("label font: %s (bold: %s)", regular, bold if bold_loaded else "stroked")
        return _Fonts(
            regular=regular_name,
            bold=bold_loaded[0] if bold_loaded else regular_name,
            fake_bold=bold_loaded is None,
            embedded=True,
            source=str(regular),
            glyphs=glyphs,
        )
    logger.warning(
        "No Korean TrueType font found for return labels; using the built-in CID font %s, "
        "which is not embedded and only shows in viewers with Adobe's Korean resources. "
        "Install fonts-nanum (apt-get install fonts-nanum) or set %s to a .ttf file.",
        FALLBACK_CID_FONT,
        FONT_ENV_VAR,
    )
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
    return _Fonts(
        regular=FALLBACK_CID_FONT,
        bold=FALLBACK_CID_FONT,
        fake_bold=True,
        embedded=False,
        source=f"cid:{FALLBACK_CID_FONT}",
        glyphs=None,
    )


# --------------------------------------------------------------------------------------------
# Text fitting
# --------------------------------------------------------------------------------------------

_ELLIPSIS = "…"
_WS = re.compile(r"\s+")


def _clean(text: str, glyphs: frozenset[int] | None) -> str:
    """One line of NFC text without control characters, or characters the font lacks.

    Line breaks, tabs and odd spaces become one space; invisible format characters go; with a
    TrueType font, a missing symbol or emoji is dropped and any other missing character shows
    as "?". The CID font's UCS-2 encoding has nothing beyond the BMP.
    """
    out = []
    for ch in unicodedata.normalize("NFC", text):
        code = ord(ch)
        category = unicodedata.category(ch)
        if category in ("Cc", "Zs", "Zl", "Zp"):
            out.append(" ")
        elif category in ("Cf", "Cs", "Co", "Cn", "Mn") or (glyphs is None and code > 0xFFFF):
            continue
        elif glyphs is not None and code not in glyphs:
            if category not in ("So", "Sk"):
                out.append("?")
        else:
            out.append(ch)
    return _WS.sub(" ", "".join(out)).strip()


class _Painter:
    """Draws labels on a canvas in mm, with y measured down from the label's top edge."""

    def __init__(self, canvas: Canvas, fonts: _Fonts) -> None:
        self.c = canvas
        self.fonts = fonts

    # text -------------------------------------------------------------------------------------

    def clean(self, text: str) -> str:
        return _clean(text, self.fonts.glyphs)

    def font(self, bold: bool) -> str:
        return self.fonts.bold if bold else self.fonts.regular

    def width(self, text: str, size: float, bold: bool = False, char_space: float = 0) -> float:
        """Width in mm."""
        points = pdfmetrics.stringWidth(text, self.font(bold), size)
        return float(points + char_space * max(len(text) - 1, 0)) / mm

    def fit(self, text: str, size: float, max_w: float, bold: bool = False) -> str:
        """``text``, cut with … to ``max_w`` mm."""
        if self.width(text, size, bold) <= max_w:
            return text
        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.width(text[:mid].rstrip() + _ELLIPSIS, size, bold) <= max_w:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo].rstrip() + _ELLIPSIS if lo else ""

    def shrink(
        self, text: str, size: float, max_w: float, bold: bool = False, min_size: float = 0
    ) -> tuple[str, float]:
        """Shrink to ``min_size`` (default 80 %) to fit ``max_w``; then cut with …."""
        min_size = min_size or size * 0.8
        width = self.width(text, size, bold)
        if width > max_w:
            size = max(min_size, size * max_w / width)
        return self.fit(text, size, max_w, bold), size

    def wrap(
        self, text: str, size: float, max_w: float, max_lines: int, bold: bool = False
    ) -> list[str]:
        """Up to ``max_lines`` lines, broken at spaces when possible; the last is cut with …."""
        lines: list[str] = []
        rest = text
        while rest and len(lines) < max_lines:
            if self.width(rest, size, bold) <= max_w:
                lines.append(rest)
                break
            if len(lines) == max_lines - 1:
                lines.append(self.fit(rest, size, max_w, bold))
                break
            lo, hi = 1, len(rest)
            while lo < hi:  # the longest prefix that fits
                mid = (lo + hi + 1) // 2
                if self.width(rest[:mid].rstrip(), size, bold) <= max_w:
                    lo = mid
                else:
                    hi = mid - 1
            cut = lo
            space = rest.rfind(" ", 0, lo + 1)
            if space > lo // 2:
                cut = space
            lines.append(rest[:cut].rstrip())
            rest = rest[cut:].lstrip()
        return lines

    def text(
        self,
        x: float,
        top: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        align: Literal["left", "right", "center"] = "left",
        color: object = black,
        char_space: float = 0,
    ) -> None:
        """Draw ``text`` with its baseline ``top`` mm below the label's top edge."""
        if not text:
            return
        if align != "left":
            w = self.width(text, size, bold, char_space)
            x = x - w if align == "right" else x - w / 2
        c = self.c
        c.setFont(self.font(bold), size)
        c.setFillColor(color)
        fake = bold and self.fonts.fake_bold
        if fake:
            c.setStrokeColor(color)
            c.setLineWidth(size * 0.045)
        c.drawString(
            x * mm, (LABEL_H - top) * mm, text, mode=2 if fake else None, charSpace=char_space
        )
        if color is not black:
            c.setFillColor(black)

    # lines and boxes --------------------------------------------------------------------------

    def hline(self, top: float, x1: float = _LEFT, x2: float = _RIGHT, width: float = 0.6) -> None:
        self.c.setLineWidth(width)
        self.c.setStrokeColor(black)
        self.c.line(x1 * mm, (LABEL_H - top) * mm, x2 * mm, (LABEL_H - top) * mm)

    def vline(self, x: float, top: float, bottom: float, width: float = 0.6) -> None:
        self.c.setLineWidth(width)
        self.c.setStrokeColor(black)
        self.c.line(x * mm, (LABEL_H - top) * mm, x * mm, (LABEL_H - bottom) * mm)

    def box(self, x: float, top: float, w: float, h: float, *, fill: bool, width: float) -> None:
        c = self.c
        c.setLineWidth(width)
        c.setStrokeColor(black)
        c.setFillColor(black)
        c.rect(x * mm, (LABEL_H - top - h) * mm, w * mm, h * mm, stroke=int(width > 0), fill=fill)

    # codes ------------------------------------------------------------------------------------

    def code128(
        self, value: str, x: float, top: float, max_w: float, h: float, max_module: float
    ) -> None:
        """A Code128 barcode centred in [x, x + max_w], its quiet zones (10 modules) inside."""
        bars, modules = _code128_bars(value)
        module = min(max_module, max_w / (modules + 20))
        if module < 0.19:
            logger.warning("barcode %r: modules of %.2f mm may not scan", value, module)
        x0 = x + (max_w - modules * module) / 2
        path = self.c.beginPath()
        bottom = (LABEL_H - top - h) * mm
        for offset, width in bars:
            path.rect((x0 + offset * module) * mm, bottom, width * module * mm, h * mm)
        self.c.setFillColor(black)
        self.c.drawPath(path, stroke=0, fill=1)

    def qr(self, value: str, x: float, top: float, size: float, border: int = 2) -> None:
        matrix = _qr_matrix(value)
        module = size / (len(matrix) + 2 * border)
        path = self.c.beginPath()
        for row, col, rows, cols in _qr_rects(matrix):
            path.rect(
                (x + (col + border) * module) * mm,
                (LABEL_H - top - (row + rows + border) * module) * mm,
                cols * module * mm,
                rows * module * mm,
            )
        self.c.setFillColor(black)
        self.c.drawPath(path, stroke=0, fill=1)

    # the label --------------------------------------------------------------------------------

    def label(self, label: ReturnLabel) -> None:
        self.box(_LEFT, _MARGIN, _RIGHT - _LEFT, LABEL_H - 2 * _MARGIN, fill=False, width=1.4)
        self._header(label, 4.0, 17.0)
        self._strip(label, 17.0, 26.0)
        self._waybill(label, 26.0, 57.0)
        self._party("받는분", label.receiver, 57.0, 78.0, mask=False, name_size=11.5, size=10)
        self._party("보내는분", label.sender, 78.0, 96.0, mask=True, name_size=10, size=8)
        self._references(label, 96.0, 113.0)
        self._items(label, 113.0, 134.0)
        self._memo(label, 134.0, 144.0)

    def _caption(
        self, x: float, top: float, text: str, align: Literal["left", "right"] = "left"
    ) -> None:
        self.text(x, top, text, 6, bold=True, align=align)

    def _header(self, label: ReturnLabel, top: float, bottom: float) -> None:
        h = bottom - top
        self.box(_LEFT, top, 19, h, fill=True, width=0)
        self.text(
            _LEFT + 9.5, top + h / 2 + 2.1, "반품", 15, bold=True, align="center", color=white
        )
        title_x = _LEFT + 21.5
        self.text(title_x, top + 6.6, "반품 회수 송장", 12.5, bold=True)
        self.text(title_x, top + 10.8, "RETURN PICKUP LABEL", 6)
        title_w = self.width("반품 회수 송장", 12.5, bold=True)
        max_w = _RIGHT - 2 - (title_x + title_w + 3)
        carrier, size = self.shrink(self.clean(label.carrier_name) or "-", 13, max_w, True, 8)
        self.text(_RIGHT - 2, top + 6.8, carrier, size, bold=True, align="right")
        code = self.fit(self.clean(label.carrier_code), 6, max_w)
        self.text(_RIGHT - 2, top + 10.8, code, 6, align="right")
        self.hline(bottom, width=1.0)

    def _strip(self, label: ReturnLabel, top: float, bottom: float) -> None:
        fare = self.clean(FARE_TYPE_LABELS.get(label.fare_type.strip().lower(), label.fare_type))
        boxes = f"{label.box_count}개"
        if label.box_size.strip():
            boxes += f" · {self.clean(label.box_size)}"
        date = label.created_on.strftime("%Y-%m-%d") if label.created_on else "-"
        cells = (
            ("분류코드", self.clean(label.sorting_code) or "-", 36.0, 12.0),
            ("접수일", date, 23.0, 8.5),
            ("운임", fare or "-", 15.0, 9.0),
            ("수량", boxes, _RIGHT - _LEFT - 74.0, 9.0),
        )
        x = _LEFT
        for i, (caption, value, w, size) in enumerate(cells):
            if i:
                self.vline(x, top, bottom)
            self._caption(x + 1.6, top + 3.0, caption)
            fitted, fitted_size = self.shrink(value, size, w - 3.2, True, min(size, 7.5))
            self.text(x + 1.6, bottom - 1.4, fitted, fitted_size, bold=True)
            x += w
        self.hline(bottom)

    def _waybill(self, label: ReturnLabel, top: float, bottom: float) -> None:
        split = _RIGHT - 29.0
        if label.booked:
            self._caption(_LEFT + 1.6, top + 3.2, "운송장번호")
        else:
            self._caption(_LEFT + 1.6, top + 3.2, "반품번호 (운송장 미발급)")
        self.code128(label.barcode_value, _LEFT + 1, top + 5.0, split - _LEFT - 2, 15.5, 0.42)
        number, size = self.shrink(label.barcode_value, 13, split - _LEFT - 4, True, 8)
        self.text(
            (_LEFT + split) / 2, bottom - 3.6, number, size, bold=True, align="center", char_space=1
        )
        self.vline(split, top, bottom)
        qr_size = 23.5
        qr_x = split + (_RIGHT - split - qr_size) / 2
        if label.tracking_url:
            self.qr(label.tracking_url, qr_x, top + 1.6, qr_size)
            self.text((split + _RIGHT) / 2, bottom - 2.2, "배송조회", 6, bold=True, align="center")
        else:
            middle = top + (bottom - top) / 2
            self.text((split + _RIGHT) / 2, middle - 1, "운송장 발급 후", 6.5, align="center")
            self.text((split + _RIGHT) / 2, middle + 2.4, "배송조회 가능", 6.5, align="center")
        self.hline(bottom, width=1.0)

    def _party(
        self,
        title: str,
        party: LabelParty,
        top: float,
        bottom: float,
        *,
        mask: bool,
        name_size: float,
        size: float,
    ) -> None:
        column = 8.0
        self.vline(_LEFT + column, top, bottom)
        step = 3.6 if len(title) > 3 else 4.4
        first = top + (bottom - top - step * (len(title) - 1)) / 2 + 1.2
        for i, ch in enumerate(title):
            self.text(_LEFT + column / 2, first + i * step, ch, 8, bold=True, align="center")
        x = _LEFT + column + 2.0
        right = _RIGHT - 2.0
        phone = self.clean(mask_phone(party.phone) if mask else party.phone)
        phone, phone_size = self.shrink(phone, 9.5, 34, True)
        phone_w = self.width(phone, phone_size, True)
        name_w = right - x - phone_w - 3
        name, name_size = self.shrink(self.clean(party.name) or "-", name_size, name_w, True)
        self.text(x, top + 5.4, name, name_size, bold=True)
        self.text(right, top + 5.4, phone, phone_size, bold=True, align="right")
        address = " ".join(
            part
            for part in (
                f"[{self.clean(party.postcode)}]" if party.postcode.strip() else "",
                self.clean(party.address1),
                self.clean(party.address2),
            )
            if part
        )
        line_h = size * 0.44
        first = top + 5.6 + line_h
        max_lines = int((bottom - first - 1.0) // line_h) + 1
        for i, line in enumerate(self.wrap(address, size, right - x, max_lines)):
            self.text(x, first + i * line_h, line, size)
        self.hline(bottom)

    def _references(self, label: ReturnLabel, top: float, bottom: float) -> None:
        split = _LEFT + 56.0
        self._caption(_LEFT + 1.6, top + 3.2, "반품번호")
        self.text(_LEFT + 13, top + 3.4, label.return_number, 9, bold=True)
        self.code128(label.return_number, _LEFT + 1, top + 5.0, split - _LEFT - 2, 10.0, 0.33)
        self.vline(split, top, bottom)
        x, w = split + 1.6, _RIGHT - split - 3.2
        self._caption(x, top + 3.2, "주문번호")
        order, size = self.shrink(self.clean(label.order_number) or "-", 9, w, True, 6.5)
        self.text(x, top + 7.3, order, size, bold=True)
        self._caption(x, top + 11.2, "판매처")
        store, size = self.shrink(self.clean(label.store_name) or "-", 8.5, w, True, 6.5)
        self.text(x, top + 15.2, store, size, bold=True)
        self.hline(bottom)

    def _items(self, label: ReturnLabel, top: float, bottom: float) -> None:
        items = label.items
        total = sum(item.quantity for item in items)
        self._caption(_LEFT + 1.6, top + 3.2, "반품 상품")
        summary = f"{len(items)}종 · 총 {total}개" if items else ""
        self.text(_RIGHT - 2, top + 3.2, summary, 6, bold=True, align="right")
        line_h, first = 3.5, top + 7.0
        max_lines = int((bottom - first - 1.2) // line_h) + 1
        shown = items if len(items) <= max_lines else items[: max_lines - 1]
        x, right = _LEFT + 2.0, _RIGHT - 2.0
        qty_w = 10.0
        has_sku = any(item.sku.strip() for item in shown)
        sku_w = 24.0 if has_sku else 0.0
        for i, item in enumerate(shown):
            y = first + i * line_h
            name = self.fit(
                f"• {self.clean(item.name) or '-'}", 7.5, right - x - qty_w - sku_w - 1.5
            )
            self.text(x, y, name, 7.5)
            if item.sku.strip():
                sku = self.fit(self.clean(item.sku), 6, sku_w - 1)
                self.text(right - qty_w - sku_w + 0.5, y, sku, 6)
            self.text(right, y, f"{item.quantity}개", 7.5, bold=True, align="right")
        if len(items) > len(shown):
            rest = items[len(shown) :]
            more = f"외 {len(rest)}건 ({sum(item.quantity for item in rest)}개)"
            self.text(x + 2.2, first + len(shown) * line_h, more, 7.5, bold=True)
        if not items:
            self.text(x, first, "상품 정보 없음", 7.5)
        self.hline(bottom)

    def _memo(self, label: ReturnLabel, top: float, bottom: float) -> None:
        column = 12.0
        self.vline(_LEFT + column, top, bottom)
        middle = top + (bottom - top) / 2
        self.text(_LEFT + column / 2, middle - 0.3, "배송", 6.5, bold=True, align="center")
        self.text(_LEFT + column / 2, middle + 2.5, "메모", 6.5, bold=True, align="center")
        lines = self.wrap(self.clean(label.memo), 7.5, _RIGHT - _LEFT - column - 4, 2)
        first = middle + 1.3 if len(lines) == 1 else top + 4.3
        for i, line in enumerate(lines):
            self.text(_LEFT + column + 2, first + i * 3.4, line, 7.5)


def _code128_bars(value: str) -> tuple[list[tuple[int, int]], int]:
    """(offset, width) of each bar in modules, and the symbol's width in modules."""
    symbol = Code128(value, quiet=0)
    symbol.validate()
    symbol.encode()
    pattern: str = symbol.decompose()
    bars: list[tuple[int, int]] = []
    position = 0
    for ch in pattern:
        width = ord(ch.lower()) - ord("a") + 1
        if ch.isupper():
            bars.append((position, width))
        position += width
    return bars, position


def _qr_matrix(value: str) -> list[list[bool]]:
    """The QR code (level M) of ``value`` with the mask pattern of lowest penalty.

    reportlab's ``QRCode.make`` rebuilds the whole symbol for each of the eight masks and
    scores it slowly (some 20 ms a code, most of a label's time); here the symbol is built
    once, each mask is applied by flipping the data modules, and the ISO 18004 penalty is
    counted on strings and ints. The result is the symbol ``make`` would build for that mask.
    """
    qr = QRCode(None, QRErrorCorrectLevel.M)
    qr.addData(value)
    qr.version = qr.calculate_version()
    qr.makeImpl(False, 0)
    base = [list(map(bool, row)) for row in qr.modules]
    best: list[list[bool]] = base
    best_score = _qr_penalty(base)
    for pattern, flips in enumerate(_qr_mask_flips(qr), start=1):
        modules = [row[:] for row in base]
        for row, col in flips:
            modules[row][col] = not modules[row][col]
        qr.modules = modules
        qr.setupTypeInfo(False, pattern)  # the format bits name the mask
        score = _qr_penalty(modules)
        if score < best_score:
            best, best_score = modules, score
    return best


def _qr_rects(matrix: list[list[bool]]) -> list[tuple[int, int, int, int]]:
    """The dark modules as few rectangles: (row, col, rows, cols) of runs, stacked down."""
    done: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}  # (col, cols) -> first row
    for r, line in enumerate([*matrix, []]):
        runs: set[tuple[int, int]] = set()
        c, n = 0, len(line)
        while c < n:
            if line[c]:
                start = c
                while c < n and line[c]:
                    c += 1
                runs.add((start, c - start))
            else:
                c += 1
        for run, first in list(open_runs.items()):
            if run not in runs:
                done.append((first, run[0], r - first, run[1]))
                del open_runs[run]
        for run in runs:
            open_runs.setdefault(run, r)
    return done


_qr_flips: dict[int, list[list[tuple[int, int]]]] = {}


def _qr_mask_flips(qr: QRCode) -> list[list[tuple[int, int]]]:
    """For masks 1-7: the data modules whose colour differs from mask 0's (per version)."""
    flips = _qr_flips.get(qr.version)
    if flips is None:
        positions = [(row, col) for col, row in qr.dataPosIterator()]
        mask0 = QRUtil.getMask(0)
        flips = []
        for pattern in range(1, 8):
            mask = QRUtil.getMask(pattern)
            flips.append([(r, c) for r, c in positions if mask0(r, c) != mask(r, c)])
        _qr_flips[qr.version] = flips
    return flips


_QR_RUN = re.compile(r"0{5,}|1{5,}")


def _qr_penalty(modules: list[list[bool]]) -> int:
    """ISO/IEC 18004 §7.8.3 mask penalty: runs, 2×2 blocks, finder look-alikes, balance."""
    rows = ["".join("1" if dark else "0" for dark in row) for row in modules]
    columns = ["".join(column) for column in zip(*rows, strict=True)]
    score = 0
    for line in rows + columns:
        score += sum(len(run.group()) - 2 for run in _QR_RUN.finditer(line))  # 3 + (len - 5)
        score += 40 * (line.count("10111010000") + line.count("00001011101"))
    n = len(rows)
    pairs = (1 << (n - 1)) - 1
    ints = [int(row, 2) for row in rows]
    for upper, lower in itertools.pairwise(ints):
        vertical = ~(upper ^ lower)
        horizontal = ~(upper ^ (upper >> 1))
        score += 3 * (vertical & (vertical >> 1) & horizontal & pairs).bit_count()
    dark = sum(row.count("1") for row in rows)
    score += 10 * (abs(dark * 100 // (n * n) - 50) // 5)
    return score


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


def render_labels(labels: Sequence[ReturnLabel], layout: LabelLayout = "A6") -> bytes:
    """The labels as one PDF.

    ``"A6"``: one 105 × 148 mm label a page, for thermal label printers. ``"A4"``: four labels
    a page in a 2 × 2 grid with dashed cut lines, for batch printing on office printers.
    """
    labels = list(labels)
    if not labels:
        raise ValueError("render_labels needs at least one label; got an empty sequence")
    if layout not in ("A6", "A4"):
        raise ValueError(f"layout must be 'A6' or 'A4', not {layout!r}")
    for label in labels:
        if not isinstance(label, ReturnLabel):
            raise TypeError(f"expected ReturnLabel, got {type(label).__name__}")

    fonts = _get_fonts()
    buffer = BytesIO()
    page = (LABEL_W * mm, LABEL_H * mm) if layout == "A6" else (_A4_W * mm, _A4_H * mm)
    canvas = Canvas(
        buffer,
        pagesize=page,
        pageCompression=1,
        initialFontName=fonts.regular,
        initialFontSize=8,
    )
    canvas.setTitle(
        "반품 회수 송장" if len(labels) > 1 else f"반품 회수 송장 {labels[0].return_number}"
    )
    canvas.setAuthor("Banpum")
    canvas.setCreator("Banpum return labels")
    canvas.setSubject(", ".join(label.return_number for label in labels[:20]))
    painter = _Painter(canvas, fonts)

    if layout == "A6":
        for label in labels:
            painter.label(label)
            canvas.showPage()
    else:
        cell_w, cell_h = _A4_W / 2, _A4_H / 2
        dx = (cell_w - LABEL_W * _A4_SCALE) / 2
        dy = (cell_h - LABEL_H * _A4_SCALE) / 2
        for start in range(0, len(labels), 4):
            _cut_lines(canvas)
            for i, label in enumerate(labels[start : start + 4]):
                col, row = i % 2, i // 2
                canvas.saveState()
                canvas.translate((col * cell_w + dx) * mm, (_A4_H - (row + 1) * cell_h + dy) * mm)
                canvas.scale(_A4_SCALE, _A4_SCALE)
                painter.label(label)
                canvas.restoreState()
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _cut_lines(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setStrokeGray(0.55)
    canvas.setLineWidth(0.4)
    canvas.setDash(3, 3)
    canvas.line(_A4_W / 2 * mm, 0, _A4_W / 2 * mm, _A4_H * mm)
    canvas.line(0, _A4_H / 2 * mm, _A4_W * mm, _A4_H / 2 * mm)
    canvas.restoreState()
