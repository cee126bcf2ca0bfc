"""A shopper's answer to the survey after their return: one per return, written once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store
from banpum.returns.models import ReturnRequest

RATING_MIN = 1
RATING_MAX = 5
COMMENT_MAX = 1000


class ReturnFeedback(models.Model):
    return_request = models.OneToOneField(
        ReturnRequest,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("return"),
    )
    # The return's store, copied: insights and the API scope and group by it without a join.
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("store")
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    # Codes of ``feedback.tags.WENT_WELL`` / ``WENT_BADLY``, checked by ``feedback_submit``.
    went_well = models.JSONField(_("went well"), default=list)
    went_badly = models.JSONField(_("went badly"), default=list)
    comment = models.CharField(_("comment"), max_length=COMMENT_MAX, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("return feedback")
        verbose_name_plural = _("return feedback")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="return_feedback_rating_1_to_5",
            )
        ]
        indexes = [models.Index(fields=["store", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.return_request_id}: {self.rating}/5"
