"""Drawing one label on a canvas: the label's geometry, text fitting and every box on it.

Everything measured in mm on the 105 × 148 mm label; ``render`` places labels on pages.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Literal

from reportlab.lib.colors import black, white  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from banpum.logistics.labels.barcodes import _code128_bars, _qr_matrix, _qr_rects
from banpum.logistics.labels.fonts import _Fonts
from banpum.logistics.labels.model import FARE_TYPE_LABELS, LabelParty, ReturnLabel, mask_phone

logger = logging.getLogger("banpum.logistics.labels")  # one logger for the package

# Label geometry, in mm. A6 portrait; an A4 page is exactly four of these (2 × 2).
LABEL_W = 105.0
LABEL_H = 148.0
_MARGIN = 4.0
_LEFT, _RIGHT = _MARGIN, LABEL_W - _MARGIN


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

    def fit_lines(
        self, text: str, size: float, max_w: float, min_size: float, bold: bool = False
    ) -> tuple[list[str], float]:
        """``text`` whole on one line, or on two, at the largest size from ``size`` down to
        ``min_size`` that holds it: names are shrunk and wrapped, not cut. Only text too long
        for two lines at ``min_size`` is cut with ….
        """
        if self.width(text, size, bold) <= max_w:
            return [text], size
        one_line = size * max_w / self.width(text, size, bold)
        if one_line >= max(min_size, size * 0.8):
            return [text], one_line
        current = size * 0.85
        while current > min_size:
            lines = self.wrap(text, current, max_w, 2, bold)
            if "".join(lines).replace(" ", "") == text.replace(" ", ""):
                return lines, current
            current -= 0.25
        return self.wrap(text, min_size, max_w, 2, bold), min_size

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
        self._header(label, 4.0, 15.0)
        self._codes(label, 15.0, 30.0)
        self._strip(label, 30.0, 38.0)
        self._waybill(label, 38.0, 67.0)
        self._party("받는분", label.receiver, 67.0, 87.0, mask=False, name_size=11.5, size=10)
        self._party("보내는분", label.sender, 87.0, 103.0, mask=True, name_size=10, size=8)
        self._references(label, 103.0, 118.0)
        self._items(label, 118.0, 137.0)
        self._memo(label, 137.0, 144.0)

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
        self.text(title_x, top + 6.0, "반품 회수 송장", 12.5, bold=True)
        self.text(title_x, top + 9.6, "RETURN PICKUP LABEL", 6)
        title_w = self.width("반품 회수 송장", 12.5, bold=True)
        max_w = _RIGHT - 2 - (title_x + title_w + 3)
        carrier, size = self.shrink(self.clean(label.carrier_name) or "-", 13, max_w, True, 8)
        self.text(_RIGHT - 2, top + 6.2, carrier, size, bold=True, align="right")
        code = self.fit(self.clean(label.carrier_code), 6, max_w)
        self.text(_RIGHT - 2, top + 9.6, code, 6, align="right")
        self.hline(bottom, width=1.0)

    def _codes(self, label: ReturnLabel, top: float, bottom: float) -> None:
        """The carrier's sorting code and arrival terminal, large: couriers sort by them."""
        split = _LEFT + 60.0
        self._caption(_LEFT + 1.6, top + 3.0, "분류코드")
        code, size = self.shrink(
            self.clean(label.sorting_code) or "-", 30, split - _LEFT - 3.2, True, 12
        )
        self.text(_LEFT + 1.6, bottom - 1.8, code, size, bold=True)
        self.vline(split, top, bottom)
        self._caption(split + 1.6, top + 3.0, "도착 터미널")
        width = _RIGHT - split - 3.2
        lines, size = self.fit_lines(self.clean(label.terminal) or "-", 14, width, 7, True)
        line_h = size * 0.42
        first = bottom - 2.2 - line_h * (len(lines) - 1)
        for i, line in enumerate(lines):
            self.text(split + 1.6, first + i * line_h, line, size, bold=True)
        self.hline(bottom, width=1.0)

    def _strip(self, label: ReturnLabel, top: float, bottom: float) -> None:
        fare = self.clean(FARE_TYPE_LABELS.get(label.fare_type.strip().lower(), label.fare_type))
        boxes = f"{label.box_count}개"
        if label.box_size.strip():
            boxes += f" · {self.clean(label.box_size)}"
        date = label.created_on.strftime("%Y-%m-%d") if label.created_on else "-"
        cells = (
            ("접수일", date, 30.0, 8.5),
            ("운임", fare or "-", 20.0, 8.5),
            ("수량", boxes, _RIGHT - _LEFT - 50.0, 8.5),
        )
        x = _LEFT
        for i, (caption, value, w, size) in enumerate(cells):
            if i:
                self.vline(x, top, bottom)
            self._caption(x + 1.6, top + 2.9, caption)
            fitted, fitted_size = self.shrink(value, size, w - 3.2, True, min(size, 6.5))
            self.text(x + 1.6, bottom - 1.2, fitted, fitted_size, bold=True)
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
        names, fitted = self.fit_lines(
            self.clean(party.name) or "-", name_size, name_w, min(7.0, name_size), True
        )
        name_h = fitted * 0.4
        for i, line in enumerate(names):
            self.text(x, top + 5.4 + i * name_h, line, fitted, bold=True)
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
        first = top + 5.6 + name_h * (len(names) - 1) + line_h
        max_lines = max(1, int((bottom - first - 1.0) // line_h) + 1)
        for i, line in enumerate(self.wrap(address, size, right - x, max_lines)):
            self.text(x, first + i * line_h, line, size)
        self.hline(bottom)

    def _references(self, label: ReturnLabel, top: float, bottom: float) -> None:
        split = _LEFT + 56.0
        self._caption(_LEFT + 1.6, top + 3.2, "반품번호")
        self.text(_LEFT + 13, top + 3.4, label.return_number, 9, bold=True)
        self.code128(label.return_number, _LEFT + 1, top + 5.0, split - _LEFT - 2, 8.8, 0.33)
        self.vline(split, top, bottom)
        x, w = split + 1.6, _RIGHT - split - 3.2
        self._caption(x, top + 3.0, "주문번호")
        order, size = self.shrink(self.clean(label.order_number) or "-", 9, w, True, 6.5)
        self.text(x, top + 6.8, order, size, bold=True)
        self._caption(x, top + 10.0, "판매처")
        store, size = self.shrink(self.clean(label.store_name) or "-", 8.5, w, True, 6.5)
        self.text(x, top + 13.6, store, size, bold=True)
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
        self.text(_LEFT + column / 2, middle + 1.1, "메모", 6.5, bold=True, align="center")
        lines = self.wrap(self.clean(label.memo), 7, _RIGHT - _LEFT - column - 4, 2)
        first = middle + 1.2 if len(lines) == 1 else top + 3.0
        for i, line in enumerate(lines):
            self.text(_LEFT + column + 2, first + i * 3.0, line, 7)
