"""banpum import-orders FILE [--store SLUG] [--dry-run]: orders from a CSV or Excel file.

Prints one summary line on success. On any problem it prints every problem to stderr, one per
line ("row 7, quantity: must be at least 1"), imports nothing, and exits with status 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from banpum.commerce.importers import ImportFailed, orders_import
from banpum.commerce.models import Store


class Command(BaseCommand):
    help = (
        "Import orders from a .csv (UTF-8 or CP949) or .xlsx file with one row per order line. "
        "All or nothing: any bad row and nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A .csv or .xlsx file; the first row is the header")
        parser.add_argument("--store", default="demo", help="Store slug (default: demo)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything, including against the database, and save nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            store = Store.objects.get(slug=options["store"])
        except Store.DoesNotExist:
            known = ", ".join(Store.objects.values_list("slug", flat=True)[:20]) or _("none yet")
            raise CommandError(
                _("No store with slug '%(slug)s' (stores: %(known)s).")
                % {"slug": options["store"], "known": known}
            ) from None
        try:
            result = orders_import(store=store, path=path, dry_run=options["dry_run"])
        except ImportFailed as error:
            if error.errors != [error.message]:  # a file-level problem is the message itself
                for line in error.errors:
                    self.stderr.write(line)
            raise CommandError(error.message) from None
        counts = {
            "orders": result.orders,
            "created": result.upsert.created,
            "updated": result.upsert.updated,
        }
        if result.dry_run:
            self.stdout.write(
                _(
                    "dry run, nothing saved: would import %(orders)s orders: %(created)s "
                    "created, %(updated)s updated"
                )
                % counts
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("imported %(orders)s orders: %(created)s created, %(updated)s updated")
                    % counts
                )
            )
