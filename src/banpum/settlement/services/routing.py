"""Where a refund goes, from how the buyer paid and where they bought."""

from __future__ import annotations

from banpum.commerce.models import Order, PaymentMethod, SalesChannel
from banpum.policy.types import Resolution
from banpum.settlement.models import RefundMethod

# Marketplaces that refund their buyers themselves: the seller records it, nothing is called.
CHANNEL_REFUNDED = frozenset({SalesChannel.Kind.SMARTSTORE, SalesChannel.Kind.COUPANG})
GATEWAY_METHODS = frozenset({PaymentMethod.CARD, PaymentMethod.EASY_PAY, PaymentMethod.MOBILE})


def refund_method_for(order: Order, *, resolution: str = Resolution.REFUND) -> RefundMethod:
    if order.payment_method == PaymentMethod.MARKETPLACE or order.channel.kind in CHANNEL_REFUNDED:
        return RefundMethod.MARKETPLACE
    if resolution == Resolution.STORE_CREDIT and order.customer_id is not None:
        return RefundMethod.STORE_CREDIT
    if order.payment_method in GATEWAY_METHODS:
        return RefundMethod.ORIGINAL_PAYMENT
    # Virtual account, bank transfer, or not recorded: paid back by a bank transfer.
    return RefundMethod.BANK_TRANSFER
