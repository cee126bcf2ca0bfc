"""Model plumbing shared by the apps."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyModel(models.Model):
    """A ledger or history row: written once, never saved again.

    Audit trails (events, status changes, ledger movements) are trusted because nothing edits
    them; a correction is a new row. ``append_only_message`` says what to do instead.
    """

    append_only_message = "rows of this table are append-only: add a new one instead"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError(f"{type(self).__name__}: {self.append_only_message}")
        super().save(*args, **kwargs)


class StoredImage(models.Model):
    """A photo kept privately after ``core.images`` re-encoded it: where it is and what it is.

    The shoppers' return photos and the warehouse's inspection photos are the same kind of
    file under different owners; the columns that describe the file live here once, and each
    model adds who it belongs to. ``name`` is the random name in the model's own storage.
    """

    name = models.CharField(_("stored name"), max_length=200, unique=True)
    content_type = models.CharField(_("content type"), max_length=40)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    bytes = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.CharField(_("uploaded by"), max_length=150, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name
