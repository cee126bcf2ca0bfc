"""Inspection photos: cleaned by ``core.images`` before they are kept, never trusted as sent.

The file goes to the private ``inspection_photos`` storage under a random name.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.core.images import EXTENSIONS, CleanImage, ImageRefused, PhotoUpload
from banpum.core.images import image_clean as _image_clean
from banpum.returns.models import ReturnLine
from banpum.warehouse import errors
from banpum.warehouse.models import InspectionPhoto

STORAGE = "inspection_photos"

__all__ = ["CleanImage", "PhotoUpload", "image_clean", "inspection_photos_add", "photo_storage"]


def photo_storage() -> Storage:
    return storages[STORAGE]


def image_clean(upload: PhotoUpload, *, path: str = "files") -> CleanImage:
    """The upload as a metadata-free JPEG, PNG or WebP (``core.images``); 413/422 otherwise."""
    try:
        return _image_clean(
            upload,
            max_bytes=int(settings.BANPUM_INSPECTION_PHOTO_MAX_BYTES),
            max_pixels=int(settings.BANPUM_INSPECTION_PHOTO_MAX_PIXELS),
        )
    except ImageRefused as refused:
        if refused.kind == "too_large":
            raise errors.PHOTO_TOO_LARGE(
                name=upload.name[:100],
                limit=refused.limit,
                extra={"limit_bytes": refused.limit, "name": upload.name},
            ) from None
        if refused.kind == "too_many_pixels":
            raise errors.PHOTO_TOO_MANY_PIXELS.field(path, limit=refused.limit) from None
        raise errors.PHOTO_NOT_AN_IMAGE.field(path) from None


def inspection_photos_add(
    *,
    store: Store,
    uploads: list[PhotoUpload],
    actor: Actor,
    now: dt.datetime,
    return_line: ReturnLine | None = None,
) -> list[InspectionPhoto]:
    """Keep photos of a returned line (or, without a line, of an unidentified parcel).

    Every upload is checked before any is kept: one bad file refuses the whole request.
    """
    actor_require(actor, store.pk, Capability.RETURN_INSPECT)
    if not uploads:
        raise errors.PHOTO_NONE.field("files")
    cleaned = [image_clean(upload, path=f"files.{i}") for i, upload in enumerate(uploads)]
    return [
        _photo_keep(store, clean, actor=actor, now=now, return_line=return_line)
        for clean in cleaned
    ]


def _photo_keep(
    store: Store,
    clean: CleanImage,
    *,
    actor: Actor,
    now: dt.datetime,
    return_line: ReturnLine | None,
) -> InspectionPhoto:
    name = f"{store.pk}/{now:%Y/%m}/{secrets.token_urlsafe(18)}.{EXTENSIONS[clean.content_type]}"
    stored = photo_storage().save(name, ContentFile(clean.content))
    return InspectionPhoto.objects.create(
        store=store,
        return_line=return_line,
        name=stored,
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
        bytes=len(clean.content),
        uploaded_by=actor.label[:150],
        uploaded_at=now,
    )
