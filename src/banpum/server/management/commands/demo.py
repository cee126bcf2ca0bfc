"""banpum demo: seed the demo store (once) and say how to look at it."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from banpum.commerce.models import Order, Store
from banpum.demo.returns import MIN_RETURNS
from banpum.demo.seed import (
    DEFAULT_ORDERS,
    DEFAULT_RETURNS,
    DEMO2_STORE_SLUG,
    DEMO_API_KEY,
    DEMO_PASSWORD,
    DemoRefused,
    DemoSummary,
    demo_seed,
)
from banpum.demo.simulator import SimulatorError


class Command(BaseCommand):
    help = (
        "Create the demo store 'demo' (Korean catalogue, orders, returns in every status, "
        "carrier pickups booked on the carrier simulator in every state), a second store "
        "'demo-2', one login per role (admin, cs, warehouse, manager; cs2 in demo-2) and a "
        "documented API key. Running it again changes nothing. Into a database that holds "
        "anything but demo data it installs nothing, and says why."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--orders",
            type=int,
            default=DEFAULT_ORDERS,
            help="Orders to create (default %(default)s)",
        )
        parser.add_argument(
            "--returns",
            type=int,
            default=DEFAULT_RETURNS,
            help=f"Returns to create, at least {MIN_RETURNS} (default %(default)s)",
        )
        parser.add_argument(
            "--host",
            default="http://127.0.0.1:8000",
            help="Base URL of the app: printed, and given to a running carrier simulator for "
            "its tracking webhooks",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["orders"] < 50:
            raise CommandError(_("--orders: give at least 50 orders."))
        if options["returns"] < MIN_RETURNS or options["returns"] > options["orders"] // 2:
            raise CommandError(
                _(
                    "--returns: between %(minimum)s (every status and pickup case) and half the "
                    "orders."
                )
                % {"minimum": MIN_RETURNS}
            )
        host = options["host"].rstrip("/")
        # One INFO line per return is noise here; -v 2 shows it.
        quiet = options["verbosity"] < 2
        # The carrier calls' INFO lines too. The booking the demo has the carrier refuse is
        # logged as an error by the pickup service; anything unplanned is in the summary.
        quieter = {
            "banpum": logging.WARNING,
            "banpum.logistics": logging.CRITICAL,
            "httpx": logging.WARNING,
        }
        logs = [logging.getLogger(name) for name in quieter]
        levels = [log.level for log in logs]
        if quiet:
            for log, level in zip(logs, quieter.values(), strict=True):
                log.setLevel(level)
        try:
            summary = demo_seed(
                orders=options["orders"], returns=options["returns"], public_url=host
            )
        except DemoRefused as reason:
            # Not an error: `make run` goes on to serve the database as it is.
            self.stderr.write(
                _(
                    "banpum demo: nothing installed: %(reason)s. The demo publishes its password "
                    "and API key, so it only goes into an empty database or one holding only "
                    "demo data (give the demo its own BANPUM_VAR_DIR or DATABASE_URL)."
                )
                % {"reason": reason}
            )
            return
        except SimulatorError as error:
            raise CommandError(_("carrier simulator: %(error)s") % {"error": error}) from error
        finally:
            for log, level in zip(logs, levels, strict=True):
                log.setLevel(level)
        self._report(summary, host)

    def _report(self, summary: DemoSummary, host: str) -> None:
        out, counts = self.stdout.write, summary.counts
        store = summary.store
        if summary.created:
            out(
                self.style.SUCCESS(
                    f"Demo store '{store.name}' (slug {store.slug}) "
                    f"created in {summary.seconds:.1f} s."
                )
            )
        else:
            out(
                self.style.WARNING(
                    f"demo data already present in store '{store.slug}': nothing was changed."
                )
            )
        out(
            f"  products {counts['products']} ({counts['non_returnable_category_products']} food,"
            f" not returnable for a change of mind by policy;"
            f" {counts['non_returnable_products']} hygiene items marked non-returnable)"
            f" · channels {counts['channels']} · customers {counts['customers']}"
            f" ({counts['flagged_customers']} flagged)"
        )
        out(
            f"  orders {counts['orders']:,} · lines {counts['order_lines']:,}"
            f" · shipments {counts['shipments']:,} ({counts['not_delivered']} not delivered yet)"
        )
        statuses = ", ".join(f"{status} {n}" for status, n in summary.returns_by_status.items())
        out(f"  returns {counts['returns']}: {statuses}")
        out(f"  return policy versions: {', '.join(f'v{v}' for v in summary.policy_versions)}")
        out(f"  carriers: {'; '.join(summary.carriers)} · rules {counts['carrier_rules']}")
        pickups = ", ".join(f"{status} {n}" for status, n in summary.pickups_by_status.items())
        out(
            f"  pickups {counts['pickups']}: {pickups}"
            f" · {counts['booked_pickups']} booked with a waybill"
            f" · {counts['tracking_events']} tracking events"
        )
        if summary.simulator_url:
            where = (
                f"state kept in {summary.simulator_state}"
                if summary.simulator_state
                else "already running, and keeping them"
            )
            out(f"  booked on the carrier simulator at {summary.simulator_url} ({where})")
        if summary.second_store_orders:
            out(
                f"  second store {DEMO2_STORE_SLUG}: {summary.second_store_orders} orders, "
                "no returns, its own agent cs2 (who sees nothing of the first store)"
            )
        for note in summary.simulator_notes:
            out(f"  carrier simulator: {note}")
        refunds = ", ".join(f"{status} {n}" for status, n in summary.refunds_by_status.items() if n)
        out(
            f"  refunds {counts.get('refunds', 0)}: {refunds or '-'}"
            f" · {summary.refunded_total:,}원 refunded"
            f" · {summary.interest_total:,}원 delay interest owed"
        )
        if summary.payments_url:
            where = (
                f"state kept in {summary.payments_state}"
                if summary.payments_state
                else "already running, and keeping them"
            )
            out(
                f"  payments confirmed and cancelled on the payment simulator at "
                f"{summary.payments_url} ({where})"
            )
        if summary.webhook_url:
            out(
                f"  webhooks: every event is posted, signed, to {summary.webhook_url}; `banpum "
                "serve` runs that receiver and writes each check to var/webhooks-received.log"
            )
        out(
            "  messages: `banpum serve` catches email on smtp://127.0.0.1:8025 (var/mail/) and "
            "SMS / 알림톡 on the messaging simulator (/_sim/messages on port 8030)"
        )
        out(
            f"  stock for every product · {counts.get('variants', 0)} size and colour variants"
            f" · {counts.get('unidentified_parcels', 0)} unidentified parcel at the warehouse"
        )
        for problem in summary.problems:
            out(self.style.WARNING(f"  skipped: {problem}"))
        out("")
        for username, created in summary.users.items():
            role = f"  [{summary.roles[username]}]" if username in summary.roles else ""
            if created:
                out(f"  login {username} / {DEMO_PASSWORD}  (created){role}")
            else:
                out(f"  login {username}: already exists, its password was not changed{role}")
        out(
            self.style.WARNING(
                "  These logins and the key below are for the demo only: never keep them on a "
                "server others can reach."
            )
        )
        out(
            f"  `banpum create-api-key {store.slug} --as warehouse` makes an API key that acts as "
            "that person, with that role."
        )
        example = _portal_example(store)
        if example is not None:
            out(
                f"  On the portal, try order {example[0]} with the "
                f"phone {example[1]} (`banpum portal-link {store.slug} {example[0]}` prints a "
                "signed link that opens it)."
            )
        key_state = "created" if summary.api_key_created else "exists"
        out(f"  API key (store {store.slug}): {DEMO_API_KEY}  — {key_state}")
        out("")
        if summary.created and summary.simulator_state:
            waiting = summary.pickups_by_status.get("requested", 0)
            out(
                "  banpum serve resumes the simulator: its job worker books the "
                f"{waiting} requested pickup(s), and the parcels on the road report by webhook."
            )
            pending = summary.refunds_by_status.get("pending", 0)
            out(
                f"  … and pays the {pending} pending card refund(s) on its payment simulator, "
                "and books the parcels still to go out (sent back, exchanges)."
            )
        out("  banpum serve, then:")
        out(f"    office    {host}/office/  (log in as cs, warehouse, manager or admin)")
        out(f"    portal    {host}/portal/{store.slug}/  (a shopper's returns, on a phone)")
        out(f"    admin     {host}/admin/  (superusers only: log in as admin)")
        out(f"    API docs  {host}/api/v1/docs")
        out(f'    curl -H "Authorization: Bearer {DEMO_API_KEY}" {host}/api/v1/returns')


def _portal_example(store: Store) -> tuple[str, str] | None:
    """A recent delivered order with no return yet and a phone: something to try the portal on."""
    order = (
        Order.objects.filter(
            store=store, returns__isnull=True, shipments__delivered_at__isnull=False
        )
        .exclude(customer__phone="")
        .select_related("customer")
        .order_by("-shipments__delivered_at")
        .first()
    )
    if order is None or order.customer is None:
        return None
    return order.channel_order_number, order.customer.phone
