"""Staff of a store and API keys.

A person works in a store through a ``StoreMembership`` with one role; what a role may do is
``accounts.capabilities``. API keys belong to one store and are stored only as a SHA-256
digest: keys are 32 random bytes, so a fast digest is safe at rest (there is nothing to
brute-force), and a lookup costs one indexed query per request. A key may act for a staff
member of its store: the API then records that person and is limited by their role.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from banpum.accounts.capabilities import Role
from banpum.commerce.models import Store
from banpum.core.actors import Actor

ROLE_LABELS = {
    Role.CS_AGENT: _("CS agent"),
    Role.WAREHOUSE: _("Warehouse"),
    Role.MANAGER: _("Manager"),
    Role.ADMIN: _("Admin"),
}


class StoreMembership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="store_memberships",
        verbose_name=_("user"),
    )
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("store")
    )
    role = models.CharField(
        _("role"), max_length=20, choices=[(role.value, ROLE_LABELS[role]) for role in Role]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("store membership")
        verbose_name_plural = _("store memberships")
        ordering = ["store_id", "user_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "store"], name="one_membership_per_user_and_store"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[role.value for role in Role]),
                name="store_membership_role_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.store} ({self.get_role_display()})"


class ApiKey(models.Model):
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("store")
    )
    # Deleting the membership deletes the keys acting for it: such a key must never fall back
    # to acting as an integration, with more rights than the person had.
    acts_for = models.ForeignKey(
        StoreMembership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_keys",
        verbose_name=_("acts for"),
        help_text=_(
            "A staff member of the key's store: the API records them and allows what their "
            "role allows. Empty: an integration with the store's API rights."
        ),
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

    def actor(self) -> Actor:
        """The key's caller as recorded on events and checked by the services
        (``core.api_context.ApiCaller``).

        A key acting for a staff member is that person (their name and user on events, their
        role's rights); any other key is an integration of its store, named by prefix and name.
        """
        client = f"api:{self.prefix}{' ' + self.name if self.name else ''}"
        membership = self.acts_for
        if membership is None:
            return Actor.api(client, store_id=self.store_id)
        user = membership.user
        return Actor.api_for(f"{user.get_username()} ({client})", user=user, membership=membership)
