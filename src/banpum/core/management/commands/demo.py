"""banpum demo: seed the demo store (once) and say how to look at it."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from banpum.demo.seed import (
    DEFAULT_ORDERS,
    DEFAULT_RETURNS,
    DEMO_API_KEY,
    DEMO_PASSWORD,
    DemoSummary,
    demo_seed,
)


class Command(BaseCommand):
    help = (
        "Create the demo store 'demo' (Korean catalogue, orders and returns in every status), "
        "the demo logins admin/cs and a documented API key. Running it again changes nothing."
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
            help="Returns to create, at least 11 (default %(default)s)",
        )
        parser.add_argument("--host", default="http://127.0.0.1:8000", help="Base URL to print")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["orders"] < 50:
            raise CommandError("--orders: give at least 50 orders.")
        if options["returns"] < 11 or options["returns"] > options["orders"] // 2:
            raise CommandError("--returns: between 11 (one per status) and half the orders.")
        # One INFO line per return is noise here; -v 2 shows it.
        quiet = options["verbosity"] < 2
        service_log = logging.getLogger("banpum")
        level = service_log.level
        if quiet:
            service_log.setLevel(logging.WARNING)
        try:
            summary = demo_seed(orders=options["orders"], returns=options["returns"])
        finally:
            service_log.setLevel(level)
        self._report(summary, options["host"].rstrip("/"))

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
        for problem in summary.problems:
            out(self.style.WARNING(f"  skipped: {problem}"))
        out("")
        for username, created in summary.users.items():
            if created:
                out(f"  login {username} / {DEMO_PASSWORD}  (created)")
            else:
                out(f"  login {username}: already exists, its password was not changed")
        out(
            self.style.WARNING(
                "  These logins and the key below are for the demo only: never keep them on a "
                "server others can reach."
            )
        )
        key_state = "created" if summary.api_key_created else "exists"
        out(f"  API key (store {store.slug}): {DEMO_API_KEY}  — {key_state}")
        out("")
        out("  banpum serve, then:")
        out(f"    admin     {host}/admin/")
        out(f"    API docs  {host}/api/v1/docs")
        out(f'    curl -H "Authorization: Bearer {DEMO_API_KEY}" {host}/api/v1/returns')
