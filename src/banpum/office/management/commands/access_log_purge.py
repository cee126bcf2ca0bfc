"""``banpum access-log-purge``: delete personal-data access-log rows past their retention.

The log's only deletion path. Retention is ``BANPUM_ACCESS_LOG_RETENTION_DAYS`` (three years
by default); the service refuses anything under a year (개인정보의 안전성 확보조치 기준).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from banpum.core.errors import ApplicationError
from banpum.office.services import personal_data_log_purge


class Command(BaseCommand):
    help = "Delete personal-data access-log rows older than the retention (at least a year)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="Keep this many days (default: the setting)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            deleted = personal_data_log_purge(now=timezone.now(), days=options["days"])
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"{deleted} access-log rows deleted.")
