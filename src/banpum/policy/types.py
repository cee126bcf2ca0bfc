"""Plain data the policy engine reads and returns. No ORM here: decisions are pure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from dataclasses import field as _field
from enum import StrEnum


class ReturnType(StrEnum):
    RETURN = "return"
    EXCHANGE = "exchange"


class ReasonKind(StrEnum):
    CHANGE_OF_MIND = "change_of_mind"
    DEFECT = "defect"
    WRONG_ITEM = "wrong_item"
    NOT_AS_DESCRIBED = "not_as_described"
    DAMAGED_IN_TRANSIT = "damaged_in_transit"

    @property
    def is_change_of_mind(self) -> bool:
        return self is ReasonKind.CHANGE_OF_MIND


class FaultSide(StrEnum):
    BUYER = "buyer"
    SELLER = "seller"
    CARRIER = "carrier"


class Resolution(StrEnum):
    REFUND = "refund"
    EXCHANGE = "exchange"
    STORE_CREDIT = "store_credit"


def return_type_for(resolution: Resolution) -> ReturnType:
    """The type a request for ``resolution`` is: an exchange is asked for as one, anything else
    is a return (``rules`` refuses a request where the two disagree)."""
    return ReturnType.EXCHANGE if resolution is Resolution.EXCHANGE else ReturnType.RETURN


class Method(StrEnum):
    CARRIER_PICKUP = "carrier_pickup"
    CVS_DROP_OFF = "cvs_drop_off"
    SELF_SHIP = "self_ship"
    IN_STORE = "in_store"


class Condition(StrEnum):
    UNOPENED = "unopened"
    OPENED = "opened"
    USED = "used"
    TAGS_REMOVED = "tags_removed"
    DAMAGED = "damaged"


class FeePayer(StrEnum):
    BUYER = "buyer"
    SELLER = "seller"


class FeeKind(StrEnum):
    NONE = "none"
    ONE_WAY = "one_way"
    ROUND_TRIP = "round_trip"
    EXCHANGE = "exchange"


class FeeCollection(StrEnum):
    """How a buyer-paid return fee reaches the seller, as Korean sellers settle it."""

    DEDUCT_FROM_REFUND = "deduct_from_refund"  # 환불금 차감
    ENCLOSE_IN_BOX = "enclose_in_box"  # 동봉
    BANK_TRANSFER = "bank_transfer"  # 송금
    CHARGE_SEPARATELY = "charge_separately"  # 별도 결제


class Outcome(StrEnum):
    APPROVE = "approve"  # auto-approved
    REVIEW = "review"  # eligible; waits for a person
    HOLD = "hold"  # eligible, but something is missing (보류 with a typed reason)
    REJECT = "reject"  # not eligible


class HoldReason(StrEnum):
    RETURN_FEE_UNPAID = "return_fee_unpaid"
    ITEM_NOT_ARRIVED = "item_not_arrived"
    BUYER_CONFIRMATION_NEEDED = "buyer_confirmation_needed"
    PHOTOS_MISSING = "photos_missing"
    POLICY_EXCEPTION = "policy_exception"
    # Fraud signals: the policy never approves these by itself (``rules.decide``).
    REPEAT_RETURNER = "repeat_returner"  # returns ÷ orders above the store's threshold
    BLOCKLISTED = "blocklisted"  # phone, email or address on the store's blocklist
    # The warehouse found an empty box or another item than the one sold.
    INSPECTION_MISMATCH = "inspection_mismatch"
    OTHER = "other"


@dataclass(frozen=True)
class Reason:
    code: str
    label_ko: str
    label_en: str
    kind: ReasonKind
    fault: FaultSide
    photos_required: bool = False


@dataclass(frozen=True)
class AutoApproval:
    enabled: bool = False
    max_refund: int | None = None
    reason_kinds: frozenset[ReasonKind] = frozenset()  # empty: any reason
    methods: frozenset[Method] = frozenset()  # empty: any method


@dataclass(frozen=True)
class RepeatReturner:
    """Hold a customer's returns once they return too much of what they order.

    Counted over the last ``window_days`` before the request: a customer with at least
    ``min_orders`` orders whose returns (this one included) exceed ``max_ratio`` × orders.
    """

    window_days: int = 180
    min_orders: int = 3
    max_ratio: float = 0.5


@dataclass(frozen=True)
class RefundShortcuts:
    """Refunding before (or without) the goods coming back, as marketplaces do.

    ``early_refund_max``: refund at the carrier's pickup scan (선환불) when the refund is at most
    this; None turns it off. ``keep_item_max``: refund without collecting when the refund is at
    most this and (if ``keep_item_categories`` is not empty) every line is in those categories.
    """

    early_refund_max: int | None = None
    keep_item_max: int | None = None
    keep_item_categories: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PolicyRules:
    version: int
    reasons: tuple[Reason, ...]
    change_of_mind_days: int = 7
    defect_months: int = 3
    defect_known_days: int = 30
    non_returnable_categories: frozenset[str] = frozenset()
    non_returnable_skus: frozenset[str] = frozenset()
    blocked_conditions: frozenset[Condition] = frozenset({Condition.USED, Condition.DAMAGED})
    return_shipping_fee: int = 3000
    outbound_shipping_fee: int = 3000
    exchange_fee: int | None = None  # None: return + outbound fee
    free_shipping_threshold: int | None = None
    allowed_resolutions: frozenset[Resolution] = frozenset(Resolution)
    allowed_methods: frozenset[Method] = frozenset(Method)
    default_fee_collection: FeeCollection = FeeCollection.DEDUCT_FROM_REFUND
    refund_business_days: int = 3
    auto_approval: AutoApproval = field(default_factory=AutoApproval)
    repeat_returner: RepeatReturner | None = None  # None: the check is off
    refund_shortcuts: RefundShortcuts = field(default_factory=RefundShortcuts)

    def reason(self, code: str) -> Reason | None:
        return next((reason for reason in self.reasons if reason.code == code), None)


@dataclass(frozen=True)
class OrderFacts:
    paid_total: int
    shipping_fee: int
    free_shipping: bool
    already_refunded: int
    delivered_at: dt.datetime | None
    customer_flagged: bool
    country: str
    timezone: str
    # The store's own holidays (임시공휴일), on top of the country's: deadlines skip them too.
    extra_holidays: frozenset[dt.date] = frozenset()


class BlocklistKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"


@dataclass(frozen=True)
class CustomerFacts:
    """What the store knows of the customer behind a request, for the fraud signals.

    ``orders`` and ``returns`` count the customer's orders and returns (open or completed, not
    this request) over the policy's repeat-returner window; ``blocklisted`` names the contact
    details (phone, email, shipping address) that match the store's blocklist.
    """

    orders: int = 0
    returns: int = 0
    window_days: int | None = None
    blocklisted: frozenset[BlocklistKind] = frozenset()


@dataclass(frozen=True)
class LineFacts:
    order_line_id: int
    sku: str
    category: str
    returnable: bool
    quantity: int  # ordered, less cancelled
    delivered_quantity: int
    claimed_quantity: int  # already in other open or completed returns
    paid_amount: int  # for all `quantity` units


@dataclass(frozen=True)
class LineRequest:
    order_line_id: int
    quantity: int
    reason_code: str | None = None  # per-line reason; the request's when empty
    condition: Condition = Condition.UNOPENED


@dataclass(frozen=True)
class ReturnAsk:
    type: ReturnType
    reason_code: str
    resolution: Resolution
    method: Method
    lines: tuple[LineRequest, ...]
    fee_collection: FeeCollection | None = None
    defect_noticed_at: dt.datetime | None = None
    photo_count: int = 0


# What a problem or a note says, beyond its code: JSON values only (dates as ISO strings), so
# a decision stored as JSON can be worded again, in any language, by ``policy.texts``.
Params = dict[str, str | int | float | None]


@dataclass(frozen=True)
class Problem:
    """Why (part of) a request is refused: a stable ``code`` clients branch on, and ``params``.

    The words are not here: ``policy.texts.problem_text`` renders them in the reader's language.
    ``PROBLEM_PARAMS`` lists every code and the params it carries.
    """

    code: str
    field: str = ""
    order_line_id: int | None = None
    params: Params = _field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Signal:
    """A fraud signal the decision found: the hold reason it stands for, and its facts.

    ``SIGNAL_PARAMS`` lists the params of each; ``policy.texts.signal_text`` words it.
    """

    code: HoldReason
    params: Params = _field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Note:
    """One line of a decision's explanation, as a code and params; ``policy.texts`` words it."""

    code: str
    params: Params = _field(default_factory=dict, hash=False)


# Every problem code and explanation code, with the params each carries: the one list the
# engine, the renderer (``policy.texts``) and its test share.
PROBLEM_PARAMS: dict[str, tuple[str, ...]] = {
    "unknown_reason": ("reason_code",),
    "resolution_not_allowed": ("resolution",),
    "method_not_allowed": ("method",),
    "type_resolution_mismatch": (),
    "no_lines": (),
    "duplicate_line": ("order_line_id",),
    "not_delivered": (),
    "unknown_line": ("order_line_id",),
    "invalid_quantity": (),
    "quantity_exceeds_available": ("available", "delivered", "claimed"),
    "window_expired": ("until",),
    "non_returnable": (),
    "condition_not_accepted": ("condition",),
}
NOTE_PARAMS: dict[str, tuple[str, ...]] = {
    "buyer_pays_shipping": ("reason_code", "reason_ko", "reason_en"),
    "seller_pays_shipping": ("reason_code", "reason_ko", "reason_en", "fault"),
    "fee_charged": ("amount",),
    "auto_approved": (),
    "waits_for_review": (),
    "held": ("hold_reason",),
    "not_eligible": (),
    "fee_set_by_cs": ("payer", "amount"),
    "repeat_returner": ("returns", "orders", "ratio", "window_days"),
    "blocklisted": ("kind",),
}
SIGNAL_PARAMS: dict[HoldReason, tuple[str, ...]] = {
    HoldReason.REPEAT_RETURNER: ("returns", "orders", "ratio", "window_days"),
    HoldReason.BLOCKLISTED: ("kind",),
}


@dataclass(frozen=True)
class LineDecision:
    order_line_id: int
    quantity: int
    reason_code: str
    eligible: bool
    refund_amount: int  # counted in the refund: 0 for a line the policy refuses
    problems: tuple[Problem, ...] = ()
    # What the units are worth if a person waives the policy's limits (정책 예외): equals
    # ``refund_amount`` on an eligible line, 0 on a line that cannot be claimed at all.
    exception_amount: int = 0


@dataclass(frozen=True)
class FeeDecision:
    payer: FeePayer
    kind: FeeKind
    amount: int
    collection: FeeCollection | None


@dataclass(frozen=True)
class RefundEstimate:
    items: int
    shipping: int
    deduction: int
    total: int
    fee_outstanding: int  # buyer fee not covered by the deduction; collected another way


@dataclass(frozen=True)
class Deadlines:
    law: str | None  # "KR" when the Korean e-commerce act applies
    withdrawal_until: dt.date | None
    defect_until: dt.date | None
    request_until: dt.date | None  # the one that applies to this request's reason
    refund_business_days: int


@dataclass(frozen=True)
class Decision:
    eligible: bool
    outcome: Outcome
    policy_version: int
    reason: Reason | None
    fault: FaultSide | None
    lines: tuple[LineDecision, ...]
    fee: FeeDecision
    refund: RefundEstimate
    deadlines: Deadlines
    problems: tuple[Problem, ...] = ()
    hold_reason: HoldReason | None = None
    signals: tuple[Signal, ...] = ()  # fraud signals found, whatever the outcome
    explanation: tuple[Note, ...] = ()
    # The refund if a person accepts the request as a policy exception (the lines refused only
    # by waivable limits count too); the same as ``refund`` when nothing is refused.
    exception_refund: RefundEstimate | None = None

    @property
    def all_problems(self) -> tuple[Problem, ...]:
        return self.problems + tuple(p for line in self.lines for p in line.problems)


def as_json(value: object) -> object:
    """JSON-safe form of a decision (dates as ISO strings, enums as values)."""
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, tuple | list | frozenset | set):
        items = [as_json(item) for item in value]
        return sorted(items, key=str) if isinstance(value, frozenset | set) else items
    return value
