"""What the portal hands ``return_request_create``: a pickup wish, the option of an exchange,
photos sent before; each refused when it does not fit."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from banpum.core.actors import Actor
from banpum.core.errors import ApplicationError, ValidationFailed
from banpum.core.images import PhotoUpload
from banpum.policy.types import Resolution, ReturnType
from banpum.returns.models import ReturnPhoto, ReturnStatus
from banpum.returns.photos import return_photos_attach, return_photos_send
from banpum.returns.pickup_wish import PickupWish
from tests.factories import ProductFactory, make_order
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db

SHOPPER = Actor.customer("김철수")


def _jpeg() -> PhotoUpload:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (1, 2, 3)).save(out, "JPEG", exif=b"Exif\x00\x00")
    return PhotoUpload("a.jpg", out.tell(), io.BytesIO(out.getvalue()))


def test_the_pickup_wish_is_kept_trimmed(store: Any) -> None:
    order = make_order(store=store)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    created = open_return(
        order,
        create_kwargs={
            "pickup": PickupWish(address1="  서울  중구 ", preferred_date=tomorrow, memo="x")
        },
    )
    assert created.pickup_wish == {
        "address1": "서울 중구",
        "preferred_date": tomorrow.isoformat(),
        "memo": "x",
    }
    assert PickupWish.from_json(created.pickup_wish).preferred_date == tomorrow


def test_a_wish_for_a_past_day_or_too_long_is_refused(store: Any) -> None:
    order = make_order(store=store)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        open_return(
            order,
            create_kwargs={"pickup": PickupWish(address1="x" * 201, preferred_date=yesterday)},
        )
    assert set(refused.value.extra["fields"]) == {"pickup.address1", "pickup.preferred_date"}


def test_an_unreadable_stored_wish_is_no_wish() -> None:
    assert PickupWish.from_json({"preferred_date": "soon", "address1": 3}) == PickupWish()
    assert PickupWish.from_json("nope") == PickupWish()


def test_only_an_exchange_names_a_replacement(store: Any) -> None:
    tee = ProductFactory(store=store, option_group="T")
    order = make_order(store=store, lines=[{"product": tee}])
    line = order.lines.get()
    with pytest.raises(ValidationFailed) as refused:
        open_return(order, create_kwargs={"replacements": {line.pk: tee.pk}})
    assert "replacements" in refused.value.extra["fields"]


def test_a_replacement_must_be_an_option_of_the_line(store: Any) -> None:
    tee = ProductFactory(store=store, option_group="T")
    cap = ProductFactory(store=store, option_group="C")
    order = make_order(store=store, lines=[{"product": tee}])
    line = order.lines.get()
    for wrong in (cap.pk, 999_999):
        with pytest.raises(ValidationFailed) as refused:
            open_return(
                order,
                type=ReturnType.EXCHANGE,
                resolution=Resolution.EXCHANGE,
                create_kwargs={"replacements": {line.pk: wrong}},
            )
        assert f"replacements.{line.pk}" in refused.value.extra["fields"]


def test_photos_sent_first_are_attached_and_counted(store: Any) -> None:
    order = make_order(store=store)
    sent = return_photos_send(order=order, uploads=[_jpeg()], actor=SHOPPER, now=timezone.now())
    created = open_return(order, reason_code="defective", create_kwargs={"photo_ids": [sent[0].pk]})
    assert list(created.photos.all()) == sent
    # The policy counted them: a defect with photos is not held for missing photos.
    assert created.status == ReturnStatus.REQUESTED
    assert created.hold_reason == ""


def test_a_defect_without_photos_is_held(store: Any) -> None:
    created = open_return(make_order(store=store), reason_code="defective")
    assert (created.status, created.hold_reason) == (ReturnStatus.ON_HOLD, "photos_missing")


def test_photos_of_another_order_or_already_attached_are_refused(store: Any) -> None:
    order, other = make_order(store=store), make_order(store=store)
    theirs = return_photos_send(order=other, uploads=[_jpeg()], actor=SHOPPER, now=timezone.now())
    with pytest.raises(ValidationFailed):
        open_return(order, create_kwargs={"photo_ids": [theirs[0].pk]})
    mine = return_photos_send(order=order, uploads=[_jpeg()], actor=SHOPPER, now=timezone.now())
    first = open_return(order, create_kwargs={"photo_ids": [mine[0].pk]})
    with pytest.raises(ValidationFailed):
        return_photos_attach(return_request=first, photo_ids=[mine[0].pk, 123456], actor=SHOPPER)


def test_a_photo_is_kept_without_its_metadata(store: Any) -> None:
    from banpum.returns.photos import return_photo_storage

    kept = return_photos_send(
        order=make_order(store=store), uploads=[_jpeg()], actor=SHOPPER, now=timezone.now()
    )[0]
    with return_photo_storage().open(kept.name, "rb") as handle:
        data = handle.read()
    assert b"Exif" not in data
    assert Image.open(io.BytesIO(data)).size == (20, 20)


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"not an image", "validation_error"), (b"", "validation_error")],
)
def test_bad_files_are_refused(store: Any, content: bytes, code: str) -> None:
    with pytest.raises(ApplicationError) as refused:
        return_photos_send(
            order=make_order(store=store),
            uploads=[PhotoUpload("x.jpg", len(content), io.BytesIO(content))],
            actor=SHOPPER,
            now=timezone.now(),
        )
    assert refused.value.code == code
    assert ReturnPhoto.objects.count() == 0


def test_a_too_large_file_is_413(store: Any, settings: Any) -> None:
    settings.BANPUM_INSPECTION_PHOTO_MAX_BYTES = 10
    with pytest.raises(ApplicationError) as refused:
        return_photos_send(
            order=make_order(store=store), uploads=[_jpeg()], actor=SHOPPER, now=timezone.now()
        )
    assert (refused.value.status_code, refused.value.code) == (413, "photo_too_large")


def test_a_customer_of_another_store_may_not_send(store: Any) -> None:
    from banpum.accounts.errors import NOT_ALLOWED

    elsewhere = Actor.customer("x", store_id=store.pk + 1000)
    with pytest.raises(ApplicationError) as refused:
        return_photos_send(
            order=make_order(store=store), uploads=[_jpeg()], actor=elsewhere, now=timezone.now()
        )
    assert refused.value.code == NOT_ALLOWED.code
