"""``banpum portal-link STORE ORDER_NUMBER`` (or ``--return NUMBER``): a signed portal link.

What a store would send a shopper in a message: it opens the order (or one return) on the
portal without typing, until it expires (``--days``, else BANPUM_PORTAL_LINK_DAYS).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils import timezone

from banpum.commerce.models import Order, Store
from banpum.returns.links import link_token
from banpum.returns.models import ReturnRequest


class Command(BaseCommand):
    help = "Print a signed link that opens an order (or a return) on the shoppers' portal."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("store", help="The store's slug")
        parser.add_argument("order_number", nargs="?", help="The order's number")
        parser.add_argument("--return", dest="return_number", help="A return number instead")
        parser.add_argument("--days", type=int, default=None, help="Days the link works")
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="The site's address"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        store = Store.objects.filter(slug=options["store"]).first()
        if store is None:
            raise CommandError(f"no store {options['store']!r}")
        now = timezone.now()
        if options["return_number"]:
            found = ReturnRequest.objects.filter(
                store=store, number=options["return_number"]
            ).first()
            if found is None or not found.number:
                raise CommandError(f"no return {options['return_number']!r} in {store.slug}")
            token = link_token(
                store_id=store.pk, return_number=found.number, now=now, days=options["days"]
            )
        else:
            if not options["order_number"]:
                raise CommandError("give an order number, or --return NUMBER")
            order = (
                Order.objects.filter(store=store, channel_order_number=options["order_number"])
                .order_by("-id")
                .first()
            )
            if order is None:
                raise CommandError(f"no order {options['order_number']!r} in {store.slug}")
            token = link_token(store_id=store.pk, order_id=order.pk, now=now, days=options["days"])
        path = reverse("portal:open", kwargs={"slug": store.slug, "token": token})
        self.stdout.write(options["base_url"].rstrip("/") + path)
