"""The shoppers' feedback (``feedback.models.ReturnFeedback``), read when the app has it.

The feedback app is built beside insights; until its model exists every function here answers
as if no feedback had been given, so the other summaries build and the feedback report is empty.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from banpum.commerce.models import Store


def feedback_model() -> Any | None:
    """``ReturnFeedback``, or None while the feedback app has no such model."""
    try:
        module = importlib.import_module("banpum.feedback.models")
    except ImportError:
        return None
    return getattr(module, "ReturnFeedback", None)


def feedback_last_id() -> int:
    model = feedback_model()
    if model is None:
        return 0
    return int(model.objects.order_by("-id").values_list("id", flat=True).first() or 0)


def feedback_returns_since(store: Store, after: int, upto: int) -> set[int]:
    """The returns of ``store`` whose feedback arrived after the cursor ``after``."""
    model = feedback_model()
    if model is None:
        return set()
    return set(
        model.objects.filter(id__gt=after, id__lte=upto, store=store).values_list(
            "return_request_id", flat=True
        )
    )


def ratings_of(return_ids: Sequence[int]) -> dict[int, int]:
    model = feedback_model()
    if model is None:
        return {}
    return dict(
        model.objects.filter(return_request_id__in=return_ids).values_list(
            "return_request_id", "rating"
        )
    )


def comments_of(store: Store, return_ids: Sequence[int]) -> dict[int, str]:
    """The shoppers' feedback comments on ``return_ids`` (non-empty ones only)."""
    model = feedback_model()
    if model is None:
        return {}
    return dict(
        model.objects.filter(store=store, return_request_id__in=return_ids)
        .exclude(comment="")
        .values_list("return_request_id", "comment")
    )
