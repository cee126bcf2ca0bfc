"""banpum serve: migrate, then serve the app with Waitress (no other server to install)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Serve Banpum over HTTP (Waitress), after applying migrations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-migrate", action="store_true", help="Skip applying migrations")

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from banpum.wsgi import application

        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        host, port = options["host"], options["port"]
        self.stdout.write(
            f"Banpum at http://{host}:{port}/  (admin /admin/, API docs /api/v1/docs)"
        )
        serve(application, host=host, port=port, threads=options["threads"], ident="banpum")
