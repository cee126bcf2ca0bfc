"""Labels to PDF pages: one A6 label a page, or four to an A4 page with cut lines.

The entry point ``render_labels``: validates its input, sets up the canvas and places labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from banpum.logistics.labels.fonts import _get_fonts
from banpum.logistics.labels.model import LabelLayout, ReturnLabel
from banpum.logistics.labels.painter import LABEL_H, LABEL_W, _Painter

_A4_W, _A4_H = 210.0, 297.0
_A4_SCALE = 0.95  # keeps the labels clear of the unprintable edge of office printers


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
