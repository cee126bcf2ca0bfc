"""The demo store's carriers, and the carrier's half of its returns' lives.

Two accounts, the way a small Korean seller works: a CJ대한통운 contract linked through the
carrier simulator (the default, so approved pickups are booked through its API) and 우체국택배
without a link, for Jeju and the islands, where the buyer books the parcel at the post office
and sends the waybill number. A rule routes postcodes starting with 63 to the latter.

``CarrierDesk`` books, tracks and cancels the demo's pickups through the logistics services,
as the job worker and the webhooks would, only synchronously: ``pickup_request_send`` books,
``SimulatorGateway.track`` → ``tracking_events_ingest`` moves pickups and returns, and
``pickup_cancel_send`` tells the carrier. ``play`` books the waiting pickups in waves on the
simulator's clock so that each ends in the state its return was planned for.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum

from banpum.commerce.models import Store
from banpum.demo import texts
from banpum.demo.simulator import CarrierSession
from banpum.demo.timeline import Journey, ReturnClock
from banpum.integrations.carriers.base import GatewayError
from banpum.integrations.carriers.simulator import SimulatorGateway
from banpum.logistics.models import (
    Carrier,
    CarrierAccount,
    CarrierRule,
    FareType,
    Gateway,
    Pickup,
    PickupStatus,
)
from banpum.logistics.services.pickups import pickup_cancel_send, pickup_request_send
from banpum.logistics.services.tracking import IncomingEvent, tracking_events_ingest

LINKED_NAME = "CJ대한통운 (시뮬레이터)"
UNLINKED_NAME = "우체국택배 (수기 접수)"
LINKED_CARRIER = "kr.cjlogistics"
UNLINKED_CARRIER = "kr.epost"
CARRIER_API_KEY = "demo-store"  # the simulator's tenant: any key is one
WEBHOOK_SECRET = "whsec_demo_banpum_carrier_simulator"  # noqa: S105 - documented, demo only
CUSTOMER_CODE = "30271834"  # CJ 고객번호 of the demo contract
JEJU_PREFIXES = ["63"]
JEJU_RULE_NOTE = "제주 도서산간"
# CJ's return box classes (세 변의 합, 무게) and the demo contract's fares.
BOX_SIZES = [
    {"code": "xs", "label": "극소", "max_cm": 50, "max_kg": 2, "fare": 3000},
    {"code": "small", "label": "소", "max_cm": 80, "max_kg": 5, "fare": 3500},
    {"code": "medium", "label": "중", "max_cm": 100, "max_kg": 10, "fare": 4000},
    {"code": "large", "label": "대", "max_cm": 120, "max_kg": 20, "fare": 5000},
]
# A postcode the simulator cannot find: its booking is refused for good (422).
UNKNOWN_POSTCODE = "00000"
HOUR = 3600


class PickupPlan(StrEnum):
    """How far the carrier gets with a return, and what CS does about it."""

    REQUESTED = "requested"  # written, not booked: the job worker books it when serve starts
    ACCEPTED = "accepted"  # booked, the driver has not come yet
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"  # at the warehouse: the return arrived (and maybe went on)
    ABSENT = "customer_absent"  # the driver found nobody: an exception for CS
    ADDRESS = "address_not_found"  # the driver found no such address: an exception for CS
    FAILED = "failed"  # the carrier refused the booking (postcode 00000)
    CANCELLED = "cancelled"  # booked, then the return was cancelled: cancelled at the carrier
    SELF_SHIP = "self_ship"  # an exception, then CS switched the return to self-ship
    REREQUEST = "rerequest"  # an exception, then CS booked the pickup again
    JEJU = "jeju"  # routed to the unlinked carrier: the buyer got instructions
    JEJU_MANUAL = "jeju_manual"  # … then sent the parcel; the waybill was typed in


# Plans the carrier desk plays after every return is open (all but the unbooked and Jeju ones).
PLAYED = frozenset(PickupPlan) - {PickupPlan.REQUESTED, PickupPlan.JEJU, PickupPlan.JEJU_MANUAL}


@dataclass(frozen=True)
class DemoCarriers:
    linked: CarrierAccount
    unlinked: CarrierAccount
    rule: CarrierRule


def carriers_seed(store: Store, *, base_url: str) -> DemoCarriers:
    """The store's two carrier accounts and its Jeju rule."""
    carriers = Carrier.objects.in_bulk([LINKED_CARRIER, UNLINKED_CARRIER], field_name="code")
    address = {
        "return_name": store.return_address_name,
        "return_phone": store.return_address_phone,
        "return_postcode": store.return_address_postcode,
        "return_address1": store.return_address_line1,
        "return_address2": store.return_address_line2,
    }
    linked = CarrierAccount.objects.create(
        store=store,
        carrier=carriers[LINKED_CARRIER],
        name=LINKED_NAME,
        gateway=Gateway.SIMULATOR,
        api_base_url=base_url,
        credentials={"api_key": CARRIER_API_KEY},
        webhook_secret=WEBHOOK_SECRET,
        customer_code=CUSTOMER_CODE,
        fare_type=FareType.CREDIT,
        box_sizes=BOX_SIZES,
        is_default=True,
        **address,
    )
    unlinked = CarrierAccount.objects.create(
        store=store,
        carrier=carriers[UNLINKED_CARRIER],
        name=UNLINKED_NAME,
        gateway=Gateway.NONE,
        fare_type=FareType.COLLECT,
        instructions=texts.EPOST_INSTRUCTIONS,
        **address,
    )
    rule = CarrierRule.objects.create(
        store=store,
        priority=10,
        account=unlinked,
        postcode_prefixes=JEJU_PREFIXES,
        note=JEJU_RULE_NOTE,
    )
    return DemoCarriers(linked=linked, unlinked=unlinked, rule=rule)


@dataclass
class CarrierDesk:
    """The demo's hands on the carrier: the logistics services, run now instead of by jobs."""

    session: CarrierSession
    carriers: DemoCarriers
    problems: list[str] = field(default_factory=list)
    # Each pickup's return clock (set when the return asks for it) and parcel journey.
    clocks: dict[int, ReturnClock] = field(default_factory=dict)
    journeys: dict[int, Journey] = field(default_factory=dict)

    @property
    def store_id(self) -> int:
        return self.carriers.linked.store_id

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The store's carrier accounts switched off for a moment (run inside a savepoint).

        An approval meanwhile finds no carrier, so the return stays approved until the sweep
        of a running ``banpum serve`` books it: the only way a return rests in ``approved``.
        """
        accounts = CarrierAccount.objects.filter(store_id=self.store_id, is_active=True)
        ids = list(accounts.values_list("pk", flat=True))
        CarrierAccount.objects.filter(pk__in=ids).update(is_active=False)
        yield
        CarrierAccount.objects.filter(pk__in=ids).update(is_active=True)

    def book(self, pickup_ids: Iterable[int]) -> None:
        """Book each pickup at its return's next moment; its journey starts there."""
        for pickup_id in pickup_ids:
            clock = self.clocks[pickup_id]
            booked_at = clock.after("booking")
            pickup = pickup_request_send(pickup_id=pickup_id, now=booked_at)
            if pickup is None:
                continue
            self.journeys[pickup_id] = Journey(clock, booked_at)
            pickup.refresh_from_db(fields=["status", "waybill_number", "last_error"])
            if pickup.status == PickupStatus.REQUESTED:
                self.problems.append(
                    f"pickup {pickup.idempotency_key} not booked: {pickup.last_error}"
                )

    def track(self, pickup_ids: Iterable[int]) -> None:
        """What the carrier knows about each parcel, taken in as its webhooks would bring it:
        one event at a time, at the moment it happened on the return's timeline."""
        pickups = (
            Pickup.objects.filter(pk__in=list(pickup_ids), manual=False)
            .exclude(waybill_number="")
            .select_related("carrier")
            .order_by("pk")
        )
        with SimulatorGateway(self.session.base_url, self.session.api_key) as gateway:
            for pickup in pickups:
                found = gateway.track(pickup.waybill_number)
                if isinstance(found, GatewayError):
                    self.problems.append(
                        f"tracking {pickup.waybill_number} failed: {found.message}"
                    )
                    continue
                journey = self.journeys[pickup.pk]
                incoming = sorted(
                    (IncomingEvent.from_tracked(pickup.waybill_number, event) for event in found),
                    key=lambda event: event.occurred_at,
                )
                for event in incoming:
                    moment = journey.clock.reach(journey.place(event.occurred_at))
                    tracking_events_ingest(
                        carrier_code=pickup.carrier.code,
                        store_id=self.store_id,
                        events_in=[replace(event, occurred_at=moment)],
                        now=moment,
                    )

    def cancel_at_carrier(self, pickup_ids: Iterable[int], *, at: dt.datetime) -> None:
        for pickup_id in pickup_ids:
            pickup = pickup_cancel_send(pickup_id=pickup_id, now=at)
            if pickup is not None:
                pickup.refresh_from_db(fields=["cancel_confirmed", "last_error", "status"])
                if pickup.carrier_reference and not pickup.cancel_confirmed:
                    self.problems.append(
                        f"pickup {pickup.idempotency_key} not cancelled at the carrier: "
                        f"{pickup.last_error}"
                    )

    def play(self, waiting: Sequence[tuple[int, PickupPlan]]) -> None:
        """Book the waiting pickups in waves on the standing simulated clock, then track them.

        A parcel's journey takes a day (picked up after about an hour, on the road from about
        six, delivered after about 24, each leg ±20 %), so those that must be delivered are
        booked first and the clock is moved 30 h; those in transit next, then 10 h; those just
        collected and the failed attempts, then 2 h; those waiting for the driver last.
        """
        by_plan: dict[PickupPlan, list[int]] = defaultdict(list)
        for pickup_id, plan in sorted(waiting):
            by_plan[plan].append(pickup_id)
        session = self.session
        self.book(by_plan[PickupPlan.DELIVERED])
        session.advance(30 * HOUR)
        self.book(by_plan[PickupPlan.IN_TRANSIT])
        session.advance(10 * HOUR)
        self.book(by_plan[PickupPlan.PICKED_UP])
        failing = (
            ("customer_absent", (PickupPlan.ABSENT, PickupPlan.SELF_SHIP, PickupPlan.REREQUEST)),
            ("address_not_found", (PickupPlan.ADDRESS,)),
        )
        for code, plans in failing:
            session.faults(exception_rate=1.0, exception_codes=[code])
            self.book(pickup_id for plan in plans for pickup_id in by_plan[plan])
        session.faults(exception_rate=0.0)
        session.advance(2 * HOUR)
        self.book(
            pickup_id
            for plan in (PickupPlan.ACCEPTED, PickupPlan.CANCELLED, PickupPlan.FAILED)
            for pickup_id in by_plan[plan]
        )
        self.track(pickup_id for pickup_id, _ in waiting)
