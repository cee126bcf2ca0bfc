"""banpum create-api-key STORE_SLUG: print a new API key for a store, alone on stdout."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from banpum.accounts.services import api_key_create
from banpum.commerce.models import Store


class Command(BaseCommand):
    help = "Create an API key for a store and print it (it is shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("store_slug")
        parser.add_argument("--name", default="", help="A label to recognise the key by")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            store = Store.objects.get(slug=options["store_slug"])
        except Store.DoesNotExist:
            known = ", ".join(Store.objects.values_list("slug", flat=True)[:20]) or "none yet"
            raise CommandError(
                f"No store with slug '{options['store_slug']}' (stores: {known})."
            ) from None
        _, raw = api_key_create(store=store, name=options["name"])
        self.stdout.write(raw)
