"""API keys: one store each, stored only as a SHA-256 digest.

Keys are 32 random bytes, so a fast digest is safe at rest (there is nothing to brute-force),
and a lookup costs one indexed query per request.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store


class ApiKey(models.Model):
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("store")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    digest = models.CharField(_("digest"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.store})"
