"""A variant a line can be exchanged for, in the words every office form shows it: the
product, its options and the units in stock (``settlement.exchanges.selectors``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from banpum.settlement.exchanges.selectors import VariantStock


def variant_words(variant: VariantStock) -> str:
    options = " / ".join(str(v) for v in (variant.product.options or {}).values())
    return _("%(name)s %(options)s · %(available)s in stock") % {
        "name": variant.product.name,
        "options": options,
        "available": variant.available,
    }
