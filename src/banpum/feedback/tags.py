"""What a shopper can say went well or badly: a small fixed set of codes, worded on display.

Codes are stored (``ReturnFeedback.went_well`` / ``went_badly``) and stay stable for insights
and API clients; the words are gettext'd in the reader's language when shown. Adding a code is
safe; renaming or removing one orphans the answers that hold it, so don't.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

WENT_WELL: Mapping[str, Promise] = {
    "easy_request": _("Easy to request"),
    "fast_pickup": _("Quick pickup"),
    "fast_refund": _("Quick refund"),
    "clear_status": _("Always knew where it stood"),
    "kind_support": _("Kind support"),
}
WENT_BADLY: Mapping[str, Promise] = {
    "hard_request": _("Hard to request"),
    "slow_pickup": _("Slow pickup"),
    "slow_refund": _("Slow refund"),
    "unclear_status": _("Unclear where it stood"),
    "fee_unclear": _("The fee was not clear"),
    "other": _("Something else"),
}
GROUPS: Mapping[str, Mapping[str, Promise]] = {"went_well": WENT_WELL, "went_badly": WENT_BADLY}


def tag_label(group: str, code: str) -> str:
    """The words for ``code`` of ``group``; an unknown code is shown as it is."""
    label = GROUPS[group].get(code)
    return str(label) if label is not None else code


def tag_labels(group: str, codes: Iterable[str]) -> list[dict[str, str]]:
    return [{"code": code, "label": tag_label(group, code)} for code in codes]
