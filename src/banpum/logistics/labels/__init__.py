"""Return labels (반품 회수 송장) as PDF: one A6 label a page, or four to an A4 page.

Pure: it takes the plain dataclasses below and returns PDF bytes, so it can be used (and
tested) without Django. The caller maps ``Pickup`` / ``ReturnRequest`` rows to ``ReturnLabel``.

Each label carries the carrier's sorting code (분류코드) and arrival terminal in large type, as
couriers sort by them, the waybill number as a big Code128 barcode (the return number when nothing
is booked yet), a QR code of the tracking page, the customer (보내는 분, phone masked) and the
return address (받는 분), the return number with its own small Code128, the order number, the
items (cut to "외 N건" when there are more than fit), boxes, fare type, memo and booking date.
Every text is fitted to its box: shrunk a little, then wrapped or cut with "…", never
overflowing; names are shrunk and wrapped onto two lines rather than cut.

Fonts: a Korean TrueType font is embedded (subset) so the PDF renders and its text can be
extracted anywhere. Searched, in order: the file in ``BANPUM_LABEL_FONT``, NanumGothic,
NanumBarunGothic, any other Nanum font, then Korean ``.ttf`` fonts known to fontconfig
(``fc-list :lang=ko``). ``.ttc`` and CFF ``.otf`` files are skipped: reportlab embeds TrueType
outlines only. A face without a bold file is emboldened by stroking. With no font at all,
reportlab's built-in CID font ``HYGothic-Medium`` is used: it is not embedded, so only viewers
with Adobe's Korean resources show it (install ``fonts-nanum`` to avoid that; a warning says so).

Layout: ``model`` (the dataclasses and their validation, phone masking), ``fonts`` (finding and
registering the font), ``barcodes`` (Code128 and QR geometry), ``painter`` (one label on a
canvas) and ``render`` (labels to PDF pages).
"""

from banpum.logistics.labels.barcodes import _qr_matrix as _qr_matrix
from banpum.logistics.labels.barcodes import _qr_penalty as _qr_penalty
from banpum.logistics.labels.fonts import FALLBACK_CID_FONT, FONT_ENV_VAR, label_font_name
from banpum.logistics.labels.fonts import _bold_sibling as _bold_sibling
from banpum.logistics.labels.fonts import _fc_list_korean as _fc_list_korean
from banpum.logistics.labels.fonts import _font_candidates as _font_candidates
from banpum.logistics.labels.fonts import _get_fonts as _get_fonts
from banpum.logistics.labels.fonts import _is_regular_stem as _is_regular_stem
from banpum.logistics.labels.fonts import _reset_font_cache as _reset_font_cache
from banpum.logistics.labels.model import (
    BOX_SIZE_LABELS,
    FARE_TYPE_LABELS,
    LabelItem,
    LabelLayout,
    LabelParty,
    ReturnLabel,
    mask_phone,
)
from banpum.logistics.labels.painter import LABEL_H, LABEL_W
from banpum.logistics.labels.painter import _clean as _clean
from banpum.logistics.labels.render import render_labels

__all__ = [
    "BOX_SIZE_LABELS",
    "FALLBACK_CID_FONT",
    "FARE_TYPE_LABELS",
    "FONT_ENV_VAR",
    "LABEL_H",
    "LABEL_W",
    "LabelItem",
    "LabelLayout",
    "LabelParty",
    "ReturnLabel",
    "label_font_name",
    "mask_phone",
    "render_labels",
]
