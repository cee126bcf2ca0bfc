"""The store's return policy and FAQ, written from its active policy version.

Nothing here is typed by hand per store: the windows, the reasons and who pays, the fees, what
cannot be returned and when the money comes back are read from the policy the engine decides
with (and the law's floors where the Korean e-commerce act applies), so the page says what the
portal will decide.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from banpum.commerce.models import Store
from banpum.policy import texts as policy_texts
from banpum.policy.deadlines import (
    KR_DEFECT_KNOWN_DAYS,
    KR_DEFECT_MONTHS,
    KR_WITHDRAWAL_DAYS,
    korean_law_applies,
    refund_business_days,
)
from banpum.policy.types import FaultSide, Method, PolicyRules, Resolution
from banpum.portal.forms import METHOD_WORDS


@dataclass(frozen=True)
class ReasonRow:
    label: str
    who_pays: str
    photos: bool


@dataclass(frozen=True)
class PolicyPage:
    version: int
    windows: list[str]
    reasons: list[ReasonRow]
    fees: list[str]
    not_returnable: list[str]
    methods: list[str]
    resolutions: list[str]
    refunds: list[str]
    faq: list[tuple[str, str]]


def policy_page(store: Store, rules: PolicyRules) -> PolicyPage:
    korean = korean_law_applies(store.country)
    change_days = (
        max(rules.change_of_mind_days, KR_WITHDRAWAL_DAYS)
        if korean
        else (rules.change_of_mind_days)
    )
    defect_months = max(rules.defect_months, KR_DEFECT_MONTHS) if korean else rules.defect_months
    known_days = (
        max(rules.defect_known_days, KR_DEFECT_KNOWN_DAYS) if korean else rules.defect_known_days
    )
    money = policy_texts.money
    windows = [
        _("Changed your mind: ask within %(days)s days of delivery.") % {"days": change_days},
        _(
            "Defective, wrong or damaged items, or not as described: ask within %(months)s "
            "months of delivery, or %(days)s days from when you noticed."
        )
        % {"months": defect_months, "days": known_days},
    ]
    reasons = [
        ReasonRow(
            label=policy_texts.reason_label(reason, reason.code),
            who_pays=_("You")
            if reason.fault is FaultSide.BUYER and (reason.kind.is_change_of_mind or not korean)
            else _("The store"),
            photos=reason.photos_required,
        )
        for reason in rules.reasons
    ]
    exchange = (
        rules.exchange_fee
        if rules.exchange_fee is not None
        else rules.return_shipping_fee + rules.outbound_shipping_fee
    )
    fees = [
        _("Return shipping when you changed your mind: %(fee)s, one way.")
        % {"fee": money(rules.return_shipping_fee)},
        _(
            "If your delivery was free, a change-of-mind return also pays the original "
            "delivery: %(fee)s more."
        )
        % {"fee": money(rules.outbound_shipping_fee)},
        _("An exchange because you changed your mind: %(fee)s.") % {"fee": money(exchange)},
        _("How you pay it: %(how)s.")
        % {"how": policy_texts.label(policy_texts.FEE_COLLECTION_LABELS,
                                     rules.default_fee_collection)},
        _("When the item is defective, wrong or damaged, the store pays all shipping."),
        _("Nothing else is charged: no restocking fee."),
    ]  # fmt: skip
    if rules.free_shipping_threshold is not None:
        fees.insert(
            2,
            _("Free delivery needs %(amount)s of goods kept; below that, the delivery is charged.")
            % {"amount": money(rules.free_shipping_threshold)},
        )
    not_returnable = [
        _("Items in these categories: %(list)s.")
        % {"list": ", ".join(sorted(rules.non_returnable_categories))}
    ] if rules.non_returnable_categories else []  # fmt: skip
    if rules.non_returnable_skus:
        not_returnable.append(
            _("These products: %(list)s.") % {"list": ", ".join(sorted(rules.non_returnable_skus))}
        )
    if rules.blocked_conditions:
        conditions = ", ".join(
            policy_texts.label(policy_texts.CONDITION_LABELS, c.value)
            for c in sorted(rules.blocked_conditions, key=lambda c: c.value)
        )
        not_returnable.append(_("Items that are: %(list)s.") % {"list": conditions})
    methods = [str(METHOD_WORDS[m]) for m in Method if m in rules.allowed_methods]
    resolutions = [
        policy_texts.label(policy_texts.RESOLUTION_LABELS, r.value)
        for r in Resolution
        if r in rules.allowed_resolutions
    ]
    days = refund_business_days(rules.refund_business_days, store.country)
    refunds = [
        _("The money goes back within %(days)s business days after the store receives the items.")
        % {"days": days},
        _("Card and easy-pay payments are cancelled; a bank-transfer payment is paid back to the "
          "account you give."),
    ]  # fmt: skip
    photo_reasons = [row.label for row in reasons if row.photos]
    faq = [
        (_("How long do I have to return something?"), " ".join(windows)),
        (
            _("Who pays for the return shipping?"),
            _("You do when you changed your mind (%(fee)s one way); the store does when the "
              "item is defective, wrong or damaged.") % {"fee": money(rules.return_shipping_fee)},
        ),
        (_("When do I get my money back?"), " ".join(refunds)),
        (
            _("Can I exchange for another size or colour?"),
            _("Yes: choose an exchange and the option you want.")
            if Resolution.EXCHANGE in rules.allowed_resolutions
            else _("This store does not exchange items; return it for a refund instead."),
        ),
        (
            _("What cannot be returned?"),
            " ".join(not_returnable) or _("Anything can be returned within the window."),
        ),
        (
            _("Do I need photos?"),
            _("Yes, for these reasons: %(list)s.") % {"list": ", ".join(photo_reasons)}
            if photo_reasons
            else _("No."),
        ),
    ]  # fmt: skip
    return PolicyPage(
        version=rules.version,
        windows=windows,
        reasons=reasons,
        fees=fees,
        not_returnable=not_returnable,
        methods=methods,
        resolutions=resolutions,
        refunds=refunds,
        faq=faq,
    )
