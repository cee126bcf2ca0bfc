"""banpum create-api-key STORE_SLUG [--as USERNAME]: print a new API key, alone on stdout."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from banpum.accounts.models import StoreMembership
from banpum.accounts.services import api_key_create
from banpum.commerce.models import Store


class Command(BaseCommand):
    help = (
        "Create an API key for a store and print it (it is shown only once). With --as, the "
        "key acts for that staff member: the API records them and allows what their role allows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("store_slug")
        parser.add_argument("--name", default="", help="A label to recognise the key by")
        parser.add_argument(
            "--as",
            dest="username",
            default="",
            metavar="USERNAME",
            help="The staff member of the store the key acts for (default: an integration)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            store = Store.objects.get(slug=options["store_slug"])
        except Store.DoesNotExist:
            known = ", ".join(Store.objects.values_list("slug", flat=True)[:20]) or gettext(
                "none yet"
            )
            raise CommandError(
                gettext("No store with slug '%(slug)s' (stores: %(known)s).")
                % {"slug": options["store_slug"], "known": known}
            ) from None
        membership = None
        if options["username"]:
            membership = (
                StoreMembership.objects.select_related("user")
                .filter(store=store, user__username=options["username"])
                .first()
            )
            if membership is None:
                raise CommandError(
                    gettext(
                        "'%(username)s' has no role in store '%(store)s': give them a store "
                        "membership first."
                    )
                    % {"username": options["username"], "store": store.slug}
                )
            if not membership.user.is_active:
                raise CommandError(
                    gettext("'%(username)s' is not an active user.")
                    % {"username": options["username"]}
                )
        _, raw = api_key_create(store=store, name=options["name"], acts_for=membership)
        self.stdout.write(raw)
