"""The survey after a return: one answer per return, once it is finished.

There is no actor: only the shopper answers, and the portal has already checked that this
visitor may open the return (session or signed link). The service checks everything else: the
return is finished, nothing was answered before (also under a race: the one-to-one key), and
every field is in range.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction

from banpum.core.errors import NUL_CHARACTER, ValidationFailed
from banpum.feedback import errors, tags
from banpum.feedback.models import COMMENT_MAX, RATING_MAX, RATING_MIN, ReturnFeedback
from banpum.returns.models import ReturnRequest, ReturnStatus

# A return is over for the shopper once the money is back (refunded) or nothing is left to do
# (completed: also exchanges shipped and goods sent back). Cancelled and rejected returns never
# reached the shopper's end of the process, so they are not surveyed.
DONE_STATUSES = frozenset({ReturnStatus.REFUNDED, ReturnStatus.COMPLETED})


def feedback_open(return_request: ReturnRequest) -> bool:
    """Whether the survey may be answered for this return now (finished; answered or not)."""
    return return_request.status in DONE_STATUSES


def _tags_checked(group: str, codes: Any, fields: dict[str, list[str]]) -> list[str]:
    if isinstance(codes, str) or not isinstance(codes, Sequence):
        fields[group] = [errors.TAGS_NOT_A_LIST.render()]
        return []
    known = tags.GROUPS[group]
    kept: list[str] = []
    for index, code in enumerate(codes):
        if not isinstance(code, str) or code not in known:
            fields[f"{group}.{index}"] = [errors.TAG_UNKNOWN.render(tag=str(code)[:40])]
        elif code not in kept:
            kept.append(code)
    return kept


def _checked(
    rating: Any, went_well: Any, went_badly: Any, comment: Any
) -> tuple[int, list[str], list[str], str]:
    fields: dict[str, list[str]] = {}
    if (
        isinstance(rating, bool)
        or not isinstance(rating, int)
        or not RATING_MIN <= rating <= RATING_MAX
    ):
        fields["rating"] = [errors.RATING_RANGE.render()]
    well = _tags_checked("went_well", went_well, fields)
    badly = _tags_checked("went_badly", went_badly, fields)
    text = ""
    if not isinstance(comment, str):
        fields["comment"] = [errors.COMMENT_NOT_TEXT.render()]
    else:
        text = comment.strip()
        if "\x00" in text:
            fields["comment"] = [NUL_CHARACTER.render()]
        elif len(text) > COMMENT_MAX:
            fields["comment"] = [errors.COMMENT_TOO_LONG.render(most=COMMENT_MAX, count=len(text))]
    if fields:
        raise ValidationFailed.for_fields(fields)
    return rating, well, badly, text


def feedback_submit(
    return_request: ReturnRequest,
    *,
    rating: int,
    went_well: Sequence[str],
    went_badly: Sequence[str],
    comment: str,
    now: dt.datetime,
) -> ReturnFeedback:
    """Record the shopper's answer: 422 for a bad field, 409 if the return is not finished or
    was answered already."""
    checked_rating, well, badly, text = _checked(rating, went_well, went_badly, comment)
    number = return_request.number or ""
    with transaction.atomic():
        locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        if locked.status not in DONE_STATUSES:
            raise errors.RETURN_NOT_DONE(number=number, extra={"status": locked.status})
        if ReturnFeedback.objects.filter(return_request=locked).exists():
            raise errors.FEEDBACK_ALREADY_GIVEN(number=number)
        try:
            with transaction.atomic():
                return ReturnFeedback.objects.create(
                    return_request=locked,
                    store_id=locked.store_id,
                    rating=checked_rating,
                    went_well=well,
                    went_badly=badly,
                    comment=text,
                    submitted_at=now,
                )
        except IntegrityError:
            # Another request answered between the check and the insert (the one-to-one key).
            raise errors.FEEDBACK_ALREADY_GIVEN(number=number) from None
