"""Store.code: the short code that heads a store's return numbers, backfilled from the slug."""

from __future__ import annotations

import re
from typing import Any

import django.core.validators
from django.db import migrations, models


def _candidates(slug: str) -> list[str]:
    """Codes to try for ``slug``: word initials (demo-mall → DM), its first letters, then
    those with a digit, so every store gets one."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", slug.upper()) if w]
    initials = "".join(w[0] for w in words)[:4]
    letters = "".join(words)[:4]
    heads = [head for head in (initials, letters) if len(head) >= 2]
    if not heads:
        heads = [(letters + "ST")[:2]]
    tried = list(dict.fromkeys(heads))
    for head in list(tried):
        tried += [f"{head[:3]}{digit}" for digit in "123456789"]
    return tried


def backfill(apps: Any, schema_editor: Any) -> None:
    Store = apps.get_model("commerce", "Store")
    taken: set[str] = set()
    for store in Store.objects.order_by("id"):
        code = next((c for c in _candidates(store.slug) if c not in taken), None)
        if code is None:  # 20 near-identical slugs: fall back to the id, in base 36
            number, digits = store.pk, ""
            while number:
                number, rest = divmod(number, 36)
                digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[rest] + digits
            code = ("Z" + digits)[-4:].rjust(2, "0")
        taken.add(code)
        store.code = code
        store.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0003_alter_orderline_options_alter_saleschannel_options_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="store",
            name="code",
            field=models.CharField(max_length=4, null=True, verbose_name="store code"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="store",
            name="code",
            field=models.CharField(
                help_text="2 to 4 capital letters or digits; starts every return number.",
                max_length=4,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Z0-9]{2,4}$", "2 to 4 capital letters or digits, e.g. DM or SH01."
                    )
                ],
                verbose_name="store code",
            ),
        ),
        migrations.AddConstraint(
            model_name="store",
            constraint=models.CheckConstraint(
                condition=models.Q(("code__regex", "^[A-Z0-9]{2,4}$")), name="store_code_format"
            ),
        ),
    ]
