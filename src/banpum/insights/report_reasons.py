"""Why things come back and how they are settled: reasons, who was at fault, resolutions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store
from banpum.policy import texts

from . import cube
from .build import built_at
from .models import ReturnDay, ReturnMonth
from .reports import ChartKind, Column, ColumnKind, Filters, Report, register

TABLES = ("insights.ReturnDay", "insights.ReturnMonth")
FAULT_LABELS = {
    "buyer": _("Customer"),
    "seller": _("Seller"),
    "carrier": _("Carrier"),
    "": _("Unknown reason"),
}


@register("reasons", _("Return reasons"), section="returns", reads=TABLES)
def reasons(store: Store, filters: Filters, now: dt.datetime) -> Report:
    known = cube.reasons_of(store)
    rows = cube.sums(ReturnDay, ReturnMonth, store, filters, ["reason_code"], ("lines", "units"))
    total = sum(row["lines"] for row in rows)
    out = [
        {
            "reason": cube.reason_name(known, row["reason_code"]),
            "code": row["reason_code"],
            "fault": str(FAULT_LABELS[known[row["reason_code"]].fault.value])
            if row["reason_code"] in known
            else str(FAULT_LABELS[""]),
            "lines": row["lines"],
            "units": row["units"],
            "share": cube.share(row["lines"], total),
        }
        for row in rows
    ]
    out.sort(key=lambda row: (-row["lines"], row["code"]))
    return Report(
        key="reasons",
        title=_("Return reasons"),
        columns=(
            Column("reason", _("Reason")),
            Column("code", _("Code")),
            Column("fault", _("At fault")),
            Column("lines", _("Lines returned"), ColumnKind.COUNT),
            Column("units", _("Units returned"), ColumnKind.COUNT),
            Column("share", _("Share"), ColumnKind.PERCENT),
        ),
        rows=out,
        chart=ChartKind.BAR,
        x="reason",
        series=("lines",),
        description=_(
            "Lines returned per reason the shopper gave, with the side the store's policy "
            "holds at fault for it."
        ),
        as_of=built_at(store),
    )


@register("reasons_fault", _("Customer or seller fault"), section="returns", reads=TABLES)
def reasons_fault(store: Store, filters: Filters, now: dt.datetime) -> Report:
    known = cube.reasons_of(store)
    rows = cube.sums(ReturnDay, ReturnMonth, store, filters, ["reason_code"], ("lines",))
    by_side: dict[str, int] = defaultdict(int)
    for row in rows:
        reason = known.get(row["reason_code"])
        by_side[reason.fault.value if reason else ""] += row["lines"]
    total = sum(by_side.values())
    out = [
        {
            "fault": str(FAULT_LABELS[side]),
            "side": side,
            "lines": lines,
            "share": cube.share(lines, total),
        }
        for side, lines in sorted(by_side.items(), key=lambda item: -item[1])
    ]
    return Report(
        key="reasons_fault",
        title=_("Customer or seller fault"),
        columns=(
            Column("fault", _("At fault")),
            Column("side", _("Code")),
            Column("lines", _("Lines returned"), ColumnKind.COUNT),
            Column("share", _("Share"), ColumnKind.PERCENT),
        ),
        rows=out,
        chart=ChartKind.DOUGHNUT,
        x="fault",
        series=("lines",),
        description=_(
            "Lines returned split by who the store's policy holds at fault for the reason: "
            "the customer (a change of mind) or the seller (a defect, a wrong item)."
        ),
        as_of=built_at(store),
    )


@register("resolution_mix", _("Refund, exchange or store credit"), section="returns", reads=TABLES)
def resolution_mix(store: Store, filters: Filters, now: dt.datetime) -> Report:
    rows = cube.sums(
        ReturnDay, ReturnMonth, store, filters, ["resolution"], ("returns", "lines", "refunded")
    )
    total = sum(row["returns"] for row in rows)
    out = [
        {
            "resolution": texts.label(texts.RESOLUTION_LABELS, row["resolution"]),
            "code": row["resolution"],
            "returns": row["returns"],
            "lines": row["lines"],
            "share": cube.share(row["returns"], total),
            "refunded": row["refunded"],
        }
        for row in sorted(rows, key=lambda row: -row["returns"])
    ]
    return Report(
        key="resolution_mix",
        title=_("Refund, exchange or store credit"),
        columns=(
            Column("resolution", _("Resolution")),
            Column("code", _("Code")),
            Column("returns", _("Returns"), ColumnKind.COUNT),
            Column("lines", _("Lines returned"), ColumnKind.COUNT),
            Column("share", _("Share of returns"), ColumnKind.PERCENT),
            Column("refunded", _("Refunded"), ColumnKind.WON),
        ),
        rows=out,
        chart=ChartKind.DOUGHNUT,
        x="resolution",
        series=("returns",),
        description=_("Returns requested in the range by what the shopper asked for instead."),
        as_of=built_at(store),
    )
