"""Photos the customer sends with a return: cleaned (``core.images``), kept privately.

The policy wants the photos before it decides (a defect without photos is held), so they are
sent first, kept for the order, and attached to the return in the transaction that opens it.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.models import Order
from banpum.core.actors import Actor
from banpum.core.errors import ValidationFailed
from banpum.core.images import EXTENSIONS, CleanImage, ImageRefused, PhotoUpload, image_clean
from banpum.returns import errors
from banpum.returns.models import ReturnPhoto, ReturnRequest

logger = logging.getLogger(__name__)

STORAGE = "return_photos"
MAX_PHOTOS = 5


def return_photo_storage() -> Storage:
    return storages[STORAGE]


def _clean(upload: PhotoUpload, path: str) -> CleanImage:
    try:
        return image_clean(
            upload,
            max_bytes=int(settings.BANPUM_INSPECTION_PHOTO_MAX_BYTES),
            max_pixels=int(settings.BANPUM_INSPECTION_PHOTO_MAX_PIXELS),
        )
    except ImageRefused as refused:
        if refused.kind == "too_large":
            raise errors.PHOTO_TOO_LARGE(
                name=upload.name[:100],
                limit=refused.limit,
                extra={"limit_bytes": refused.limit, "name": upload.name, "field": path},
            ) from None
        if refused.kind == "too_many_pixels":
            raise errors.PHOTO_TOO_MANY_PIXELS.field(path, limit=refused.limit) from None
        raise errors.PHOTO_NOT_AN_IMAGE.field(path) from None


def return_photos_send(
    *,
    order: Order,
    uploads: Sequence[PhotoUpload],
    actor: Actor,
    now: dt.datetime,
    already: int = 0,
) -> list[ReturnPhoto]:
    """Keep photos for a return of ``order`` still being asked for; ``already`` counts the
    ones sent before. One bad file refuses them all: nothing is kept."""
    actor_require(actor, order.store_id, Capability.RETURN_CREATE)
    if not uploads:
        raise errors.PHOTO_NONE.field("photos")
    if already + len(uploads) > MAX_PHOTOS:
        raise errors.PHOTO_TOO_MANY.field("photos", maximum=MAX_PHOTOS)
    cleaned = [_clean(upload, f"photos.{i}") for i, upload in enumerate(uploads)]
    kept = []
    for clean in cleaned:
        name = (
            f"{order.store_id}/{now:%Y/%m}/{secrets.token_urlsafe(18)}"
            f".{EXTENSIONS[clean.content_type]}"
        )
        stored = return_photo_storage().save(name, ContentFile(clean.content))
        kept.append(
            ReturnPhoto.objects.create(
                store_id=order.store_id,
                order=order,
                name=stored,
                content_type=clean.content_type,
                width=clean.width,
                height=clean.height,
                bytes=len(clean.content),
                uploaded_by=actor.label[:150],
                uploaded_at=now,
            )
        )
    return kept


@transaction.atomic
def return_photos_attach(
    *, return_request: ReturnRequest, photo_ids: Sequence[int], actor: Actor
) -> list[ReturnPhoto]:
    """Attach photos sent for the return's order and not yet part of any return."""
    actor_require(actor, return_request.store_id, Capability.RETURN_CREATE)
    wanted = list(dict.fromkeys(photo_ids))
    photos = list(
        ReturnPhoto.objects.select_for_update().filter(
            pk__in=wanted,
            store_id=return_request.store_id,
            order_id=return_request.order_id,
            return_request__isnull=True,
        )
    )
    missing = sorted(set(wanted) - {photo.pk for photo in photos})
    if missing:
        raise ValidationFailed.for_fields(
            {"photos": [errors.PHOTO_UNKNOWN.render(id=photo_id) for photo_id in missing]}
        )
    ReturnPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).update(
        return_request=return_request
    )
    return photos


def return_photos_purge_unsent(*, now: dt.datetime) -> int:
    """Delete photos sent for a return that was never opened, once they are older than
    ``BANPUM_RETURN_PHOTO_UNSENT_HOURS``; returns how many went.

    A shopper who uploads a photo and leaves the portal leaves a picture of their home or
    parcel behind; nothing will ever show it, so it is not kept. The rows go first, in one
    statement (a return opened at the same moment then refuses the photo as unknown rather than
    keeping a row without its file); the files after the commit.
    """
    cutoff = now - dt.timedelta(hours=settings.BANPUM_RETURN_PHOTO_UNSENT_HOURS)
    stale = ReturnPhoto.objects.filter(return_request__isnull=True, uploaded_at__lt=cutoff)
    with transaction.atomic():
        names = list(stale.select_for_update().values_list("name", flat=True))
        deleted, _ = ReturnPhoto.objects.filter(
            name__in=names, return_request__isnull=True
        ).delete()
        # Only the files whose rows went: one attached meanwhile keeps its file.
        kept = set(ReturnPhoto.objects.filter(name__in=names).values_list("name", flat=True))
        names = [name for name in names if name not in kept]

    storage = return_photo_storage()

    def delete_files() -> None:
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("return photo %s: the file could not be deleted", name)

    transaction.on_commit(delete_files)
    return deleted
