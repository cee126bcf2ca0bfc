"""Photos of returns never opened are deleted after the setting's hours; attached ones stay."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from PIL import Image

from banpum.core.actors import Actor
from banpum.core.images import PhotoUpload
from banpum.returns.models import ReturnPhoto
from banpum.returns.photos import (
    return_photo_storage,
    return_photos_purge_unsent,
    return_photos_send,
)
from tests.factories import make_order
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db(transaction=True)

SHOPPER = Actor.customer("김철수")
SENT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def _jpeg() -> PhotoUpload:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(out, "JPEG")
    return PhotoUpload("a.jpg", out.tell(), io.BytesIO(out.getvalue()))


def test_an_unsent_photo_goes_with_its_file_after_the_hours_and_not_before(
    store: Any, settings: Any
) -> None:
    settings.BANPUM_RETURN_PHOTO_UNSENT_HOURS = 48
    (photo,) = return_photos_send(
        order=make_order(store=store), uploads=[_jpeg()], actor=SHOPPER, now=SENT
    )
    storage = return_photo_storage()

    assert return_photos_purge_unsent(now=SENT + dt.timedelta(hours=48)) == 0
    assert storage.exists(photo.name)

    assert return_photos_purge_unsent(now=SENT + dt.timedelta(hours=48, seconds=1)) == 1
    assert not ReturnPhoto.objects.filter(pk=photo.pk).exists()
    assert not storage.exists(photo.name)


def test_a_photo_attached_to_a_return_is_never_purged(store: Any) -> None:
    order = make_order(store=store)
    (photo,) = return_photos_send(order=order, uploads=[_jpeg()], actor=SHOPPER, now=SENT)
    open_return(order, reason_code="defective", create_kwargs={"photo_ids": [photo.pk]})

    assert return_photos_purge_unsent(now=SENT + dt.timedelta(days=400)) == 0
    assert ReturnPhoto.objects.filter(pk=photo.pk, return_request__isnull=False).exists()
    assert return_photo_storage().exists(photo.name)
