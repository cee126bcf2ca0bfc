"""feedback_submit: once per finished return, every field checked, a clear error otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from banpum.core.errors import Conflict, NotFound, ValidationFailed
from banpum.feedback import errors, tags
from banpum.feedback.models import ReturnFeedback
from banpum.feedback.selectors import feedback_get, feedback_of_return
from banpum.feedback.services import DONE_STATUSES, feedback_open, feedback_submit
from banpum.returns.models import ReturnStatus as S
from tests.factories import make_order
from tests.feedback.helpers import NOW, answer, finished_return
from tests.returns.helpers import open_return, walk_to

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", sorted(DONE_STATUSES))
def test_a_finished_return_takes_one_answer(store: Any, status: S) -> None:
    return_request = finished_return(make_order(store=store), status)
    assert feedback_of_return(return_request) is None
    saved = feedback_submit(return_request, **answer())
    assert (saved.rating, saved.went_well, saved.went_badly) == (
        4,
        ["fast_pickup", "kind_support"],
        ["slow_refund"],
    )
    assert saved.comment == "기사님이 친절했어요."
    assert saved.store_id == store.pk
    assert saved.submitted_at == NOW
    assert feedback_of_return(return_request) == saved
    assert feedback_get(return_request) == saved


def test_a_second_answer_is_refused_and_the_first_kept(store: Any, english: None) -> None:
    return_request = finished_return(make_order(store=store))
    feedback_submit(return_request, **answer(rating=2))
    with pytest.raises(Conflict) as refused:
        feedback_submit(return_request, **answer(rating=5))
    assert refused.value.code == "feedback_already_given"
    assert "was already given" in refused.value.message
    assert ReturnFeedback.objects.get().rating == 2


@pytest.mark.parametrize(
    "status",
    [S.REQUESTED, S.APPROVED, S.IN_TRANSIT, S.INSPECTED, S.REFUND_PENDING, S.CANCELLED, S.REJECTED],
)
def test_a_return_not_finished_is_not_surveyed(store: Any, status: S) -> None:
    return_request = walk_to(open_return(make_order(store=store)), status)
    assert not feedback_open(return_request)
    with pytest.raises(Conflict) as refused:
        feedback_submit(return_request, **answer())
    assert refused.value.code == "feedback_return_not_done"
    assert not ReturnFeedback.objects.exists()


@pytest.mark.parametrize("rating", [0, 6, -1, "x", "4", 4.0, None, True])
def test_a_rating_outside_1_to_5_is_a_field_error(store: Any, rating: Any) -> None:
    return_request = finished_return(make_order(store=store))
    with pytest.raises(ValidationFailed) as refused:
        feedback_submit(return_request, **answer(rating=rating))
    assert list(refused.value.extra["fields"]) == ["rating"]
    assert refused.value.extra["fields"]["rating"] == [errors.RATING_RANGE.render()]
    assert not ReturnFeedback.objects.exists()


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"went_well": ["free_candy"]}, "went_well.0"),
        ({"went_well": ["slow_pickup"]}, "went_well.0"),  # a bad tag among the good ones
        ({"went_badly": ["fast_refund", "nope"]}, "went_badly.0"),
        ({"went_badly": [3]}, "went_badly.0"),
        ({"went_well": "fast_pickup"}, "went_well"),  # a string is not a list
        ({"went_badly": None}, "went_badly"),
    ],
)
def test_an_unknown_tag_is_a_field_error(
    store: Any, changes: dict[str, Any], path: str, english: None
) -> None:
    return_request = finished_return(make_order(store=store))
    with pytest.raises(ValidationFailed) as refused:
        feedback_submit(return_request, **answer(**changes))
    assert path in refused.value.extra["fields"]
    assert not ReturnFeedback.objects.exists()


def test_repeated_tags_are_kept_once(store: Any) -> None:
    return_request = finished_return(make_order(store=store))
    saved = feedback_submit(
        return_request, **answer(went_well=["fast_refund", "fast_refund"], went_badly=[])
    )
    assert (saved.went_well, saved.went_badly) == (["fast_refund"], [])


def test_a_comment_of_1000_characters_is_kept_and_1001_refused(store: Any, english: None) -> None:
    return_request = finished_return(make_order(store=store))
    with pytest.raises(ValidationFailed) as refused:
        feedback_submit(return_request, **answer(comment="가" * 1001))
    assert refused.value.extra["fields"]["comment"] == [
        "keep it to 1000 characters (this one has 1001)"
    ]
    assert feedback_submit(return_request, **answer(comment="가" * 1000)).comment == "가" * 1000


@pytest.mark.parametrize("comment", ["a\x00b", None, 12])
def test_a_comment_that_is_not_plain_text_is_refused(store: Any, comment: Any) -> None:
    return_request = finished_return(make_order(store=store))
    with pytest.raises(ValidationFailed) as refused:
        feedback_submit(return_request, **answer(comment=comment))
    assert list(refused.value.extra["fields"]) == ["comment"]


def test_every_bad_field_is_reported_at_once(store: Any) -> None:
    return_request = finished_return(make_order(store=store))
    with pytest.raises(ValidationFailed) as refused:
        feedback_submit(
            return_request,
            **answer(rating=9, went_well=["x"], went_badly=["y"], comment="z" * 2000),
        )
    assert set(refused.value.extra["fields"]) == {
        "rating",
        "went_well.0",
        "went_badly.0",
        "comment",
    }


def test_the_database_refuses_a_rating_outside_1_to_5(store: Any) -> None:
    return_request = finished_return(make_order(store=store))
    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnFeedback.objects.create(
            return_request=return_request, store=store, rating=6, submitted_at=NOW
        )


def test_every_error_and_tag_is_worded_in_both_languages() -> None:
    from django.utils import translation

    for language in ("ko", "en"):
        with translation.override(language):
            for code in errors.__dict__.values():
                if isinstance(code, type(errors.RATING_RANGE)):
                    params = {name: 1 for name in code.placeholders()}
                    assert code.render(**params)
            for group, known in tags.GROUPS.items():
                for tag in known:
                    assert tags.tag_label(group, tag)


def test_feedback_get_is_a_404_without_an_answer(store: Any, english: None) -> None:
    return_request = finished_return(make_order(store=store))
    with pytest.raises(NotFound) as missing:
        feedback_get(return_request)
    assert missing.value.code == "feedback_not_found"
    assert f"Return {return_request.number} has no feedback yet." == missing.value.message
