"""Money: what was refunded, recovered in fees, deducted and paid as delay interest, and what is
at risk now."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store

from . import cube
from .build import built_at
from .models import ReturnDay, ReturnMonth
from .report_loss import loss_totals
from .reports import ChartKind, Column, ColumnKind, Filters, Report, register

MEASURES = (
    ("refunded", _("Refunded")),
    ("fees_recovered", _("Return fees recovered")),
    ("deductions", _("Deducted at inspection")),
    ("interest_paid", _("Delay interest paid")),
)


@register(
    "money",
    _("Money"),
    section="money",
    reads=("insights.ReturnDay", "insights.ReturnMonth", "returns.ReturnRequest"),
)
def money(store: Store, filters: Filters, now: dt.datetime) -> Report:
    totals = cube.sums(
        ReturnDay, ReturnMonth, store, filters, [], ("returns", *(k for k, _l in MEASURES))
    )[0]
    rows = [{"measure": str(label), "code": key, "amount": totals[key]} for key, label in MEASURES]
    at_risk = sum(row["at_risk"] for row in loss_totals(store, filters, now))
    rows.append({"measure": str(_("Won at risk now")), "code": "at_risk", "amount": at_risk})
    return Report(
        key="money",
        title=_("Money"),
        columns=(
            Column("measure", _("Measure")),
            Column("code", _("Code")),
            Column("amount", _("Amount"), ColumnKind.WON),
        ),
        rows=rows,
        chart=ChartKind.BAR,
        x="measure",
        series=("amount",),
        description=_(
            "For the returns requested in the range: refunds paid, return fees the shoppers "
            "paid, inspection deductions and delay interest; and the estimated refunds of the "
            "returns not recovered today."
        ),
        as_of=built_at(store),
    )
