"""Photos people send, decoded and re-encoded before anything keeps them, never trusted as sent.

An upload is opened with Pillow whatever its name says; only JPEG, PNG and WebP are kept, an
image over the pixel limit (a decompression bomb) is refused before it is decoded, and the
picture is re-encoded with its orientation applied and no metadata (EXIF carries the camera's
GPS position). Shared by the warehouse's inspection photos and the shoppers' return photos;
each caller words a refusal (``ImageRefused``) with its own error codes, so their API codes
stay what their clients know.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow's name → (the content type we serve, the format we write, its save options).
_FORMATS: dict[str, tuple[str, str, dict[str, object]]] = {
    "JPEG": ("image/jpeg", "JPEG", {"quality": 90, "optimize": True}),
    "PNG": ("image/png", "PNG", {"optimize": True}),
    "WEBP": ("image/webp", "WEBP", {"quality": 90}),
}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


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


class ImageRefused(ValueError):
    """Why an upload is not kept: ``kind`` is ``too_large`` (bytes), ``too_many_pixels`` or
    ``not_an_image``; ``limit`` is the limit that was passed, for the message."""

    def __init__(self, kind: str, *, limit: int = 0) -> None:
        super().__init__(kind)
        self.kind = kind
        self.limit = limit


def image_clean(upload: PhotoUpload, *, max_bytes: int, max_pixels: int) -> CleanImage:
    """The upload as a metadata-free JPEG, PNG or WebP; ``ImageRefused`` for anything else."""
    if upload.size > max_bytes:
        raise ImageRefused("too_large", limit=max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload.file) as image:
                found = _FORMATS.get(image.format or "")
                if found is None:
                    raise ImageRefused("not_an_image")
                width, height = image.size
                if width * height > max_pixels:
                    raise ImageRefused("too_many_pixels", limit=max_pixels)
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused("not_an_image") from None
    except ImageRefused:
        raise
    except (OSError, SyntaxError, ValueError):  # truncated or corrupt data
        raise ImageRefused("not_an_image") from None
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
