"""Order intake and order read shapes, shared by the API, the file importer and the service.

The input schemas check what one order can know about itself: types, ranges, lengths, and that
money is a whole number of minor units. What needs the database or the whole batch (the channel
exists, line numbers are unique, quantities stay above the units returns have claimed, totals add
up once the stored lines are merged in) is checked by ``services.order_bulk_upsert``, which
reports with the same dotted field paths (``orders.3.lines.0.quantity``).

No ``from __future__ import annotations`` here: ninja reads these annotations at runtime.
"""

import re
from collections.abc import Callable
from typing import Annotated, Any

from django.conf import settings
from ninja import Schema
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from banpum.commerce.errors import OPTIONS_MESSAGES
from banpum.commerce.models import payment_method_parse
from banpum.commerce.options import OptionsError, options_clean, options_parse
from banpum.commerce.selectors import returnable_quantity
from banpum.core.schemas import InDateTime, InputSchema, OutDateTime

# A trillion won: far above any real order, far inside a 64-bit column.
MAX_MONEY = 10**12
MAX_QUANTITY = 100_000
MAX_LINE_NUMBER = 32_767  # OrderLine.line_number is a PositiveSmallIntegerField
MAX_LINES = 500

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _whole_number(minimum: int, maximum: int) -> Callable[[Any], Any]:
    """A strict integer check with messages a seller can act on.

    Pydantic's lax mode would accept ``1000.0`` and ``"1000"``; for money that hides a client
    that computes prices in floating point, so anything but an ``int`` is refused.
    """

    def check(value: Any) -> Any:
        if value is None:
            return value  # only reachable for optional fields; required ones fail on "missing"
        if isinstance(value, bool) or not isinstance(value, int):
            raise PydanticCustomError(
                "whole_number",
                "must be a whole number (no decimals, no quotes), not {value}",
                {"value": repr(value)},
            )
        if value < minimum:
            if minimum == 0:
                raise PydanticCustomError("negative", "must not be negative")
            raise PydanticCustomError(
                "too_small", "must be at least {minimum}", {"minimum": minimum}
            )
        if value > maximum:
            raise PydanticCustomError(
                "too_large", "must be at most {maximum}", {"maximum": maximum}
            )
        return value

    return check


def options_error(error: OptionsError) -> ValueError:
    """A refused option as a field error, worded in the request's language when raised (the
    API keeps a ``ValueError``'s words as they are)."""
    return ValueError(str(OPTIONS_MESSAGES[error.kind].render(**error.params)))


Money = Annotated[
    int,
    Field(ge=0, le=MAX_MONEY, description="Integer minor units of the store currency (KRW: won)"),
    BeforeValidator(_whole_number(0, MAX_MONEY)),
]
Quantity = Annotated[
    int, Field(ge=1, le=MAX_QUANTITY), BeforeValidator(_whole_number(1, MAX_QUANTITY))
]
LineNumber = Annotated[
    int, Field(ge=1, le=MAX_LINE_NUMBER), BeforeValidator(_whole_number(1, MAX_LINE_NUMBER))
]


def _numbers_as_strings(schema: dict[str, Any]) -> None:
    """Say in the OpenAPI what ``coerce_numbers_to_str`` accepts: a text field may be a number."""
    for prop in schema.get("properties", {}).values():
        if prop.get("type") == "string" and "format" not in prop:
            kept = {"title", "description", "default"}
            string = {key: prop.pop(key) for key in list(prop) if key not in kept}
            prop["anyOf"] = [string, {"type": "number"}]


class _In(InputSchema):
    # Channels send order numbers, phones and postcodes as JSON numbers as often as strings.
    model_config = ConfigDict(
        str_strip_whitespace=True,
        coerce_numbers_to_str=True,
        json_schema_extra=_numbers_as_strings,
    )


class CustomerIn(_In):
    name: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=32, description="Any format; matched by digits")
    email: str = Field(default="", max_length=254)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if value and sum(ch.isdigit() for ch in value) < 7:
            raise PydanticCustomError("phone", "is not a phone number")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and not _EMAIL.match(value):
            raise PydanticCustomError("email", "is not an email address")
        return value.lower()

    @model_validator(mode="after")
    def _something(self) -> "CustomerIn":
        if not (self.name or self.phone or self.email):
            raise PydanticCustomError("customer_empty", "give a name, phone or email")
        return self


class OrderLineIn(_In):
    line_number: LineNumber | None = Field(
        default=None, description="Stable number of the line in the order; default position + 1"
    )
    sku: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    category: str = Field(default="", max_length=100, description="Default: the product's")
    quantity: Quantity
    unit_price: Money
    discount: Money = 0
    paid_amount: Money | None = Field(
        default=None,
        validate_default=True,
        description="What the buyer paid for the line; default unit_price × quantity − discount",
    )
    option_group: str = Field(
        default="",
        max_length=64,
        description="The style code the product's variants share; sets the product's when given",
    )
    options: dict[str, str] | None = Field(
        default=None,
        description=(
            'The variant\'s options, e.g. {"색상": "검정", "사이즈": "M"}, or as text '
            '"색상=검정;사이즈=M" / "검정/M"; sets the product\'s when given'
        ),
    )

    @field_validator("options", mode="before")
    @classmethod
    def _options(cls, value: Any) -> Any:
        try:
            return options_parse(value) if isinstance(value, str) else options_clean(value)
        except OptionsError as error:
            raise options_error(error) from None

    @field_validator("discount")
    @classmethod
    def _discount_within_price(cls, value: int, info: ValidationInfo) -> int:
        price, quantity = info.data.get("unit_price"), info.data.get("quantity")
        if price is not None and quantity is not None and value > price * quantity:
            raise PydanticCustomError(
                "discount_too_large",
                "is more than the line's price ({total} = unit_price × quantity)",
                {"total": price * quantity},
            )
        return value

    @field_validator("paid_amount")
    @classmethod
    def _default_paid(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None:
            return value
        price, quantity = info.data.get("unit_price"), info.data.get("quantity")
        discount = info.data.get("discount")
        if price is None or quantity is None or discount is None:
            return None  # the failing field is reported on its own
        return int(price * quantity - discount)


class ShipmentIn(_In):
    carrier_code: str = Field(default="", max_length=64, description="e.g. kr.cjlogistics")
    tracking_number: str = Field(default="", max_length=64)
    shipped_at: InDateTime | None = Field(default=None, description="Naive: store timezone")
    delivered_at: InDateTime | None = Field(
        default=None, description="Starts the return window; naive: store timezone"
    )

    @model_validator(mode="after")
    def _something(self) -> "ShipmentIn":
        if not (self.carrier_code or self.tracking_number or self.shipped_at or self.delivered_at):
            raise PydanticCustomError(
                "shipment_empty", "give a tracking number or a shipped/delivered time"
            )
        return self


class OrderIn(_In):
    """One order as a channel knows it. Upserted by (channel, order_number).

    On an update, header fields left out of the input keep their stored values, lines are
    matched by ``line_number`` (lines not sent are kept) and the shipment is matched by
    tracking number.
    """

    channel: str = Field(min_length=1, max_length=64, description="Sales channel code")
    order_number: str = Field(min_length=1, max_length=64)
    ordered_at: InDateTime = Field(description="Naive times are in the store's timezone")
    customer: CustomerIn | None = None
    shipping_name: str = Field(default="", max_length=100)
    shipping_phone: str = Field(default="", max_length=32)
    shipping_postcode: str = Field(default="", max_length=10)
    shipping_address1: str = Field(default="", max_length=200)
    shipping_address2: str = Field(default="", max_length=200)
    shipping_fee: Money = 0
    free_shipping: bool = Field(default=False, strict=True)
    discount_total: Money | None = Field(default=None, description="Default: sum of line discounts")
    payment_method: str = Field(
        default="",
        max_length=32,
        description=(
            "card, easy_pay, mobile, virtual_account, bank_transfer or marketplace; sellers' "
            "words are read too (신용카드, 카카오페이, 가상계좌, 무통장입금 …). Decides where a "
            "refund goes."
        ),
    )
    payment_reference: str = Field(default="", max_length=128)
    paid_total: Money | None = Field(
        default=None,
        description="Default: sum of line paid_amount + shipping_fee; if given it must equal it",
    )
    lines: list[OrderLineIn] = Field(min_length=1, max_length=MAX_LINES)
    shipment: ShipmentIn | None = None

    @field_validator("payment_method")
    @classmethod
    def _payment_method(cls, value: str) -> str:
        method = payment_method_parse(value)
        if method is None:
            raise PydanticCustomError(
                "payment_method",
                "is not a payment method we know: {value}",
                {"value": value},
            )
        return method


def bulk_max() -> int:
    """Read at request time so an operator (or a test) can change the limit without a reload."""
    return int(getattr(settings, "BANPUM_API_BULK_MAX", 500))


class OrderBulkIn(_In):
    orders: list[OrderIn] = Field(min_length=1)

    @field_validator("orders", mode="before")
    @classmethod
    def _limit(cls, value: Any) -> Any:
        # Checked before the items are validated, so an oversized batch is refused cheaply.
        limit = bulk_max()
        if isinstance(value, list) and len(value) > limit:
            raise PydanticCustomError(
                "too_many_orders",
                "at most {limit} orders per request; split the batch (got {count})",
                {"limit": limit, "count": len(value)},
            )
        return value


class OrderSearchQuery(Schema):
    """Query parameters: not an ``InputSchema``, ninja passes only the fields it declares."""

    q: str | None = Field(default=None, description="Order number, name, phone or email")
    channel: str | None = Field(default=None, description="Channel code")
    phone: str | None = Field(default=None, description="Customer or recipient phone, any format")


# --- Output ---------------------------------------------------------------------------------


class OrderRefOut(Schema):
    """An order as the bulk upsert names it back: its id and the keys it was sent with."""

    id: int
    channel: str
    order_number: str

    @staticmethod
    def resolve_channel(obj: Any) -> str:
        return str(obj.channel.code)

    @staticmethod
    def resolve_order_number(obj: Any) -> str:
        return str(obj.channel_order_number)


class OrderBulkOut(Schema):
    created: int
    updated: int
    orders: list[OrderRefOut]


class CustomerOut(Schema):
    id: int
    name: str
    phone: str
    email: str


class TotalsOut(Schema):
    items_total: int
    shipping_fee: int
    discount_total: int
    paid_total: int


class OrderOut(Schema):
    id: int
    channel: str
    order_number: str
    ordered_at: OutDateTime
    currency: str
    customer: CustomerOut | None
    shipping_name: str
    free_shipping: bool
    payment_method: str
    totals: TotalsOut
    created_at: OutDateTime
    updated_at: OutDateTime

    @staticmethod
    def resolve_channel(obj: Any) -> str:
        return str(obj.channel.code)

    @staticmethod
    def resolve_order_number(obj: Any) -> str:
        return str(obj.channel_order_number)

    @staticmethod
    def resolve_totals(obj: Any) -> dict[str, int]:
        return {
            "items_total": obj.items_total,
            "shipping_fee": obj.shipping_fee,
            "discount_total": obj.discount_total,
            "paid_total": obj.paid_total,
        }


class OrderLineOut(Schema):
    id: int
    line_number: int
    sku: str
    name: str
    category: str
    quantity: int
    cancelled_quantity: int
    unit_price: int
    discount: int
    paid_amount: int
    claimed_quantity: int = Field(description="Units in open or completed returns")
    returnable_quantity: int = Field(description="Delivered units not yet claimed by a return")

    @staticmethod
    def resolve_returnable_quantity(obj: Any) -> int:
        return returnable_quantity(
            quantity=obj.quantity,
            cancelled=obj.cancelled_quantity,
            delivered=bool(obj.order_delivered),
            claimed=obj.claimed_quantity,
        )


class ShipmentOut(Schema):
    id: int
    carrier_code: str
    tracking_number: str
    shipped_at: OutDateTime | None
    delivered_at: OutDateTime | None


class OrderDetailOut(OrderOut):
    channel_name: str
    shipping_phone: str
    shipping_postcode: str
    shipping_address1: str
    shipping_address2: str
    payment_reference: str
    lines: list[OrderLineOut]
    shipments: list[ShipmentOut]

    @staticmethod
    def resolve_channel_name(obj: Any) -> str:
        return str(obj.channel.name)

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_shipments(obj: Any) -> list[Any]:
        return list(obj.shipments.all())
