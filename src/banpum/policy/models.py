"""Versioned return policies.

A policy row is never edited: a change writes version n+1 (``policy_version_create``), and each
return keeps the version it was decided under, so its decision can always be explained later.
The rules live in one JSON document validated by ``policy.schemas.PolicyRulesSchema`` and
turned into the pure ``policy.types.PolicyRules`` the decision function reads.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store
from banpum.policy.texts import BLOCKLIST_KIND_LABELS
from banpum.policy.types import BlocklistKind

BLOCKLIST_KIND_CHOICES = [(kind.value, BLOCKLIST_KIND_LABELS[kind.value]) for kind in BlocklistKind]


class ReturnPolicy(models.Model):
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="return_policies", verbose_name=_("store")
    )
    version = models.PositiveIntegerField(_("version"))
    rules = models.JSONField(_("rules"))
    note = models.CharField(_("change note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("return policy")
        verbose_name_plural = _("return policies")
        constraints = [
            models.UniqueConstraint(fields=["store", "version"], name="policy_version_unique")
        ]
        ordering = ["store_id", "-version"]

    def __str__(self) -> str:
        return f"{self.store} v{self.version}"


class BlocklistEntry(models.Model):
    """A phone, email or shipping address whose returns a person must look at first.

    ``value`` is stored normalised (``policy.contacts``), so one spelling is one entry.
    """

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="blocklist", verbose_name=_("store")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=BLOCKLIST_KIND_CHOICES)
    value = models.CharField(_("value"), max_length=300)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("blocklist entry")
        verbose_name_plural = _("blocklist entries")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "kind", "value"], name="blocklist_entry_unique"
            )
        ]
        ordering = ["store_id", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class ExtraHoliday(models.Model):
    """A day off the ``holidays`` package does not know yet (임시공휴일), for one store.

    Business-day deadlines of the store skip it like a public holiday.
    """

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="extra_holidays", verbose_name=_("store")
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("extra holiday")
        verbose_name_plural = _("extra holidays")
        constraints = [
            models.UniqueConstraint(fields=["store", "date"], name="extra_holiday_unique")
        ]
        ordering = ["store_id", "date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
