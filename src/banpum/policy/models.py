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
