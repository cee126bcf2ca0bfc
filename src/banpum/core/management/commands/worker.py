"""banpum worker: run background jobs (Huey consumer) in this process until stopped.

Run as many as needed, on as many machines as share the job queue (BANPUM_REDIS_URL) and the
database (DATABASE_URL).
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run background jobs: pickup booking, cancels, sweeps and tracking polls."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=2, help="Worker threads")
        parser.add_argument(
            "--no-periodic", action="store_true", help="Leave periodic sweeps to another worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        arguments = ["--workers", str(options["workers"]), "--worker-type", "thread"]
        if options["no_periodic"]:
            arguments.append("--no-periodic")
        call_command("run_huey", *arguments)
