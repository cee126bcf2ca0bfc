"""The shoppers' feedback (``feedback.models.ReturnFeedback``) as the summaries read it."""

from __future__ import annotations

from collections.abc import Sequence

from banpum.commerce.models import Store
from banpum.feedback.models import ReturnFeedback


def feedback_last_id() -> int:
    return int(ReturnFeedback.objects.order_by("-id").values_list("id", flat=True).first() or 0)


def feedback_returns_since(store: Store, after: int, upto: int) -> set[int]:
    """The returns of ``store`` whose feedback arrived after the cursor ``after``."""
    return set(
        ReturnFeedback.objects.filter(id__gt=after, id__lte=upto, store=store).values_list(
            "return_request_id", flat=True
        )
    )


def ratings_of(return_ids: Sequence[int]) -> dict[int, int]:
    return dict(
        ReturnFeedback.objects.filter(return_request_id__in=return_ids).values_list(
            "return_request_id", "rating"
        )
    )


def comments_of(store: Store, return_ids: Sequence[int]) -> dict[int, str]:
    """The shoppers' feedback comments on ``return_ids`` (non-empty ones only)."""
    return dict(
        ReturnFeedback.objects.filter(store=store, return_request_id__in=return_ids)
        .exclude(comment="")
        .values_list("return_request_id", "comment")
    )
