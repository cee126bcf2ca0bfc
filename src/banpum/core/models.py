"""Model plumbing shared by the apps."""

from __future__ import annotations

from typing import Any

from django.db import models


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
