"""The office's own rows: the log of staff looking at a customer's personal data.

Korean personal-data rules (개인정보의 안전성 확보조치 기준, 접속기록) expect every staff access
to a customer's details to be recorded (who, when, from where, whose data, what, why), kept
at least a year (two for large or sensitive data sets) and checked by the store. Rows are
append-only: nothing in Banpum edits or deletes one, except the retention purge
(``personal_data_log_purge``), which refuses to touch rows younger than the floor.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store
from banpum.core.models import AppendOnlyModel
from banpum.returns.models import ReturnRequest


class DataKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    ADDRESS = "address", _("Address")
    REFUND_ACCOUNT = "refund_account", _("Refund account")


class RevealReason(models.TextChoices):
    CUSTOMER_CALL = "customer_call", _("Customer consultation")
    PICKUP_PROBLEM = "pickup_problem", _("Pickup problem")
    REFUND = "refund", _("Refund processing")
    OTHER = "other", _("Other")


class PersonalDataAccess(AppendOnlyModel):
    """One reveal of a return's personal data by a person: kept, never changed."""

    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store")
    )
    return_request = models.ForeignKey(
        ReturnRequest,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("return request"),
    )
    # The account may go; the log keeps who it was (``username``) all the same.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("username"), max_length=150)
    role = models.CharField(_("role"), max_length=20, blank=True)
    kinds = models.JSONField(_("data shown"), default=list)
    reason = models.CharField(_("reason"), max_length=20, choices=RevealReason.choices)
    reason_detail = models.CharField(_("reason detail"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("at"))

    append_only_message = "the personal-data access log is append-only"

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["store", "-at"]),
            models.Index(fields=["store", "username", "-at"]),
            models.Index(fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.return_request_id} {self.at:%Y-%m-%d %H:%M}"

    def kinds_display(self) -> str:
        labels = dict(DataKind.choices)
        return ", ".join(str(labels.get(kind, kind)) for kind in self.kinds)
