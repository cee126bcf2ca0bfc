"""``banpum insights-build [--rebuild] [--store SLUG]``: bring the insights' summaries up to date.

Without ``--rebuild`` it counts what changed since the last build (the periodic job does the
same every five minutes); ``--rebuild`` throws a store's summaries away and sums them again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from banpum.commerce.models import Store
from banpum.insights.build import insights_build, insights_rebuild


class Command(BaseCommand):
    help = "Build the insights' summary tables (incrementally, or from scratch with --rebuild)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Rebuild from scratch.")
        parser.add_argument("--store", default=None, help="Only this store (its slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        store_ids = None
        if options["store"]:
            store = Store.objects.filter(slug=options["store"]).first()
            if store is None:
                raise CommandError(
                    _("No store with the slug %(slug)s.") % {"slug": options["store"]}
                )
            store_ids = [store.pk]
        build = insights_rebuild if options["rebuild"] else insights_build
        result = build(now=timezone.now(), store_ids=store_ids)
        self.stdout.write(
            _("Insights built for %(stores)s stores: %(returns)s returns counted again.")
            % {"stores": result.stores, "returns": result.returns}
        )
        if result.skipped:
            self.stdout.write(
                _("%(stores)s stores skipped: another build of them is running.")
                % {"stores": result.skipped}
            )
