"""The summary tables the reports read, the per-line facts they are summed from, and the build's
cursors.

Every summary row is additive: a report sums the rows of a store over a range of days or months,
grouped by whatever it shows, so the build may write several rows for one key (orders and
returns land in the same SKU table as separate rows) and never has to merge them. Each table
leads its index with the store and the day, the two things every report narrows by first.

A row is dated by the store's local day (``Store.timezone``): an order by when it was placed, a
return (and everything that happened to it: its money, its stage times, its feedback) by when it
was requested. Monthly tables hold the first day of the month in ``day``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from banpum.commerce.models import Store


class BuildState(models.Model):
    """Where the incremental build of one store stopped: the last rows it has counted."""

    store = models.OneToOneField(
        Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("store")
    )
    last_event_id = models.BigIntegerField(_("last return event counted"), default=0)
    last_order_line_id = models.BigIntegerField(_("last order line counted"), default=0)
    last_feedback_id = models.BigIntegerField(_("last feedback counted"), default=0)
    # Orders and refunds change in place (a line's quantity, a refund paid): the next build reads
    # again those stamped (``updated_at``) after this, the last build's clock less the settle
    # time (``insights.build.SETTLE``), so a write committed after that build is not lost.
    changes_after = models.DateTimeField(_("changes read again from"), null=True, blank=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    # Held while a build of the store runs (the job, or the command beside it): a second build
    # skips the store instead of summing the same cells twice. A crashed build's lease expires.
    building_until = models.DateTimeField(_("being built until"), null=True, blank=True)

    class Meta:
        verbose_name = _("insights build state")
        verbose_name_plural = _("insights build states")

    def __str__(self) -> str:
        return f"{self.store_id} @ {self.built_at}"


class ReturnLineFact(models.Model):
    """One returned line with everything the summaries group by, flattened (the build's staging
    table, never read by a report). Return-level figures (fees, interest, stage times, pickups)
    sit on the return's first line only (``first``), so sums count each return once."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    return_request_id = models.BigIntegerField()
    return_line_id = models.BigIntegerField()
    first = models.BooleanField(default=False)
    channel = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=100, blank=True)
    sku = models.CharField(max_length=64, blank=True)
    carrier = models.CharField(max_length=64, blank=True)
    reason_code = models.CharField(max_length=40, blank=True)
    resolution = models.CharField(max_length=20, blank=True)
    agent = models.CharField(max_length=150, blank=True)
    defect = models.BooleanField(default=False)
    quantity = models.PositiveIntegerField(default=0)
    refund_estimate = models.BigIntegerField(default=0)
    refunded = models.BigIntegerField(default=0)
    deductions = models.BigIntegerField(default=0)
    fees_recovered = models.BigIntegerField(default=0)
    interest_paid = models.BigIntegerField(default=0)
    picked_up = models.BooleanField(default=False)
    pickup_exception = models.BooleanField(default=False)
    rating = models.PositiveSmallIntegerField(null=True)  # the shopper's 1–5 feedback
    # Seconds each stage took (None: not reached): request → approval → pickup → arrival at the
    # warehouse → inspection → refund (or the exchange shipped).
    s_approval = models.BigIntegerField(null=True)
    s_pickup = models.BigIntegerField(null=True)
    s_arrival = models.BigIntegerField(null=True)
    s_inspection = models.BigIntegerField(null=True)
    s_refund = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["store", "day"], name="insights_fact_store_day"),
            models.Index(fields=["return_request_id"], name="insights_fact_return"),
        ]

    def __str__(self) -> str:
        return f"fact {self.return_line_id} {self.day}"


class _Cube(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.store_id} {self.day}"


class _OrderCube(_Cube):
    channel = models.CharField(max_length=64, blank=True, db_default="")
    category = models.CharField(max_length=100, blank=True, db_default="")
    lines = models.BigIntegerField(default=0, db_default=0)
    units = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        abstract = True


class OrderDay(_OrderCube):
    """Order lines sold per store × local day × channel × category: the return rate's
    denominator."""

    class Meta:
        indexes = [models.Index(fields=["store", "day"], name="insights_ordday_store_day")]


class OrderMonth(_OrderCube):
    """``OrderDay`` summed per month, so a long range reads a month's row instead of 30."""

    class Meta:
        indexes = [models.Index(fields=["store", "day"], name="insights_ordmonth_store_day")]


class _ReturnCube(_Cube):
    channel = models.CharField(max_length=64, blank=True, db_default="")
    category = models.CharField(max_length=100, blank=True, db_default="")
    carrier = models.CharField(max_length=64, blank=True, db_default="")
    reason_code = models.CharField(max_length=40, blank=True, db_default="")
    resolution = models.CharField(max_length=20, blank=True, db_default="")
    lines = models.BigIntegerField(default=0, db_default=0)
    units = models.BigIntegerField(default=0, db_default=0)
    returns = models.BigIntegerField(default=0, db_default=0)
    refund_estimate = models.BigIntegerField(default=0, db_default=0)
    refunded = models.BigIntegerField(default=0, db_default=0)
    deductions = models.BigIntegerField(default=0, db_default=0)
    fees_recovered = models.BigIntegerField(default=0, db_default=0)
    interest_paid = models.BigIntegerField(default=0, db_default=0)
    picked_up = models.BigIntegerField(default=0, db_default=0)
    pickup_exceptions = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        abstract = True


class ReturnDay(_ReturnCube):
    """Returned lines, returns and their money per store × request day × channel × category ×
    carrier × reason × resolution."""

    class Meta:
        indexes = [models.Index(fields=["store", "day"], name="insights_retday_store_day")]


class ReturnMonth(_ReturnCube):
    """``ReturnDay`` summed per month."""

    class Meta:
        indexes = [models.Index(fields=["store", "day"], name="insights_retmonth_store_day")]


class SkuMonth(_Cube):
    """Per store × month × SKU (× channel, category and, for returns, reason): order lines sold
    and lines returned, as separate additive rows."""

    sku = models.CharField(max_length=64)
    category = models.CharField(max_length=100, blank=True, db_default="")
    channel = models.CharField(max_length=64, blank=True, db_default="")
    reason_code = models.CharField(max_length=40, blank=True, db_default="")
    order_lines = models.BigIntegerField(default=0, db_default=0)
    order_units = models.BigIntegerField(default=0, db_default=0)
    return_lines = models.BigIntegerField(default=0, db_default=0)
    return_units = models.BigIntegerField(default=0, db_default=0)
    defect_lines = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        indexes = [models.Index(fields=["store", "day"], name="insights_skumonth_store_day")]


class StageMonth(_Cube):
    """How long each stage of a return took: a histogram (``insights.stages.BUCKETS``) per
    store × request month × channel × carrier × stage, with the seconds summed for averages."""

    channel = models.CharField(max_length=64, blank=True, db_default="")
    carrier = models.CharField(max_length=64, blank=True, db_default="")
    stage = models.CharField(max_length=20)
    bucket = models.PositiveSmallIntegerField()
    count = models.BigIntegerField(default=0, db_default=0)
    seconds = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        indexes = [models.Index(fields=["store", "day"], name="insights_stgmonth_store_day")]


class FeedbackMonth(_Cube):
    """Shoppers' ratings per store × request month × channel × carrier × reason × agent."""

    channel = models.CharField(max_length=64, blank=True, db_default="")
    carrier = models.CharField(max_length=64, blank=True, db_default="")
    reason_code = models.CharField(max_length=40, blank=True, db_default="")
    agent = models.CharField(max_length=150, blank=True, db_default="")
    responses = models.BigIntegerField(default=0, db_default=0)
    rating_sum = models.BigIntegerField(default=0, db_default=0)
    low = models.BigIntegerField(default=0, db_default=0)  # rated 1 or 2
    high = models.BigIntegerField(default=0, db_default=0)  # rated 4 or 5

    class Meta:
        indexes = [models.Index(fields=["store", "day"], name="insights_fbmonth_store_day")]
