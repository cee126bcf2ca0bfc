"""Inspection photos: decoded and re-encoded before they are kept, never trusted as sent.

An upload is opened with Pillow whatever its name says; only JPEG, PNG and WebP are kept, an
image over the pixel limit (a decompression bomb) is refused before it is decoded, and the
picture is re-encoded with its orientation applied and no metadata (EXIF carries the camera's
GPS position). The file goes to the private ``inspection_photos`` storage under a random name.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
import warnings
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from PIL import Image, ImageOps, UnidentifiedImageError

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.returns.models import ReturnLine
from banpum.warehouse import errors
from banpum.warehouse.models import InspectionPhoto

STORAGE = "inspection_photos"
# Pillow's name → (the content type we serve, the format we write, its save options).
_FORMATS: dict[str, tuple[str, str, dict[str, object]]] = {
    "JPEG": ("image/jpeg", "JPEG", {"quality": 90, "optimize": True}),
    "PNG": ("image/png", "PNG", {"optimize": True}),
    "WEBP": ("image/webp", "WEBP", {"quality": 90}),
}
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def photo_storage() -> Storage:
    return storages[STORAGE]


@dataclass(frozen=True)
class PhotoUpload:
    name: str
    size: int
    file: IO[bytes]


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    content_type: str
    width: int
    height: int


def image_clean(upload: PhotoUpload, *, path: str = "files") -> CleanImage:
    """The upload as a metadata-free JPEG, PNG or WebP; 413/422 for anything else."""
    limit = int(settings.BANPUM_INSPECTION_PHOTO_MAX_BYTES)
    if upload.size > limit:
        raise errors.PHOTO_TOO_LARGE(
            name=upload.name[:100], limit=limit, extra={"limit_bytes": limit, "name": upload.name}
        )
    max_pixels = int(settings.BANPUM_INSPECTION_PHOTO_MAX_PIXELS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload.file) as image:
                found = _FORMATS.get(image.format or "")
                if found is None:
                    raise errors.PHOTO_NOT_AN_IMAGE.field(path)
                width, height = image.size
                if width * height > max_pixels:
                    raise errors.PHOTO_TOO_MANY_PIXELS.field(path, limit=max_pixels)
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise errors.PHOTO_NOT_AN_IMAGE.field(path) from None
    except (OSError, SyntaxError, ValueError):  # truncated or corrupt data
        raise errors.PHOTO_NOT_AN_IMAGE.field(path) from None
    content_type, fmt, options = found
    if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    # A fresh image: pixels only, none of the source's info (EXIF, XMP, text chunks, ICC).
    bare = Image.new(upright.mode, upright.size)
    bare.paste(upright)
    if upright.mode == "P":
        palette = upright.getpalette()
        if palette is not None:
            bare.putpalette(palette)
    out = io.BytesIO()
    bare.save(out, fmt, **options)
    return CleanImage(out.getvalue(), content_type, bare.width, bare.height)


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
    name = f"{store.pk}/{now:%Y/%m}/{secrets.token_urlsafe(18)}.{_EXTENSIONS[clean.content_type]}"
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
