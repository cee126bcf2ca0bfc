"""Warehouse commands, one module per use case.

- ``receiving``: scan a return's boxes in, close its pickup;
- ``unidentified``: boxes nobody can place yet, matched (and received) later;
- ``inspection``: per-line grades, outcomes, deductions, dispositions, the fee, the hand-over;
- ``photos``: inspection photos, cleaned and kept privately;
- ``stock_adjust``: counts corrected by hand.
"""

from banpum.warehouse.services.inspection import (
    DispositionIn,
    FeeConfirmation,
    LineInspectionIn,
    paid_for_units,
    return_inspect,
)
from banpum.warehouse.services.photos import (
    PhotoUpload,
    image_clean,
    inspection_photos_add,
    photo_storage,
)
from banpum.warehouse.services.receiving import (
    return_boxes_received,
    return_pickup_expected,
    return_receive,
)
from banpum.warehouse.services.stock_adjust import stock_adjust
from banpum.warehouse.services.unidentified import (
    ParcelFacts,
    unidentified_parcel_match,
    unidentified_parcel_register,
)

__all__ = [
    "DispositionIn",
    "FeeConfirmation",
    "LineInspectionIn",
    "ParcelFacts",
    "PhotoUpload",
    "image_clean",
    "inspection_photos_add",
    "paid_for_units",
    "photo_storage",
    "return_boxes_received",
    "return_inspect",
    "return_pickup_expected",
    "return_receive",
    "stock_adjust",
    "unidentified_parcel_match",
    "unidentified_parcel_register",
]
