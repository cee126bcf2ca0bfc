"""banpum receive-webhooks: a local receiver that checks each webhook's signature and prints
what arrived, until Ctrl-C.

To try webhooks on one machine: run the server with BANPUM_WEBHOOKS_ALLOW_PRIVATE=1, subscribe
``http://127.0.0.1:8040/`` (``POST /api/v1/webhooks`` with a manager's key), then start this
with the secret the API answered.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from banpum.webhooks import signing
from banpum.webhooks.receiver import receiver_server


class Command(BaseCommand):
    help = "Receive merchant webhooks on this machine, check their signatures, print them."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8040)
        parser.add_argument("--secret", required=True, help="The subscription's whsec_… secret")
        parser.add_argument(
            "--status", type=int, default=204, help="What to answer (410 unsubscribes)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            signing.secret_key(options["secret"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        server = receiver_server(
            host=options["host"],
            port=options["port"],
            secret=options["secret"],
            status=options["status"],
            say=lambda line: self.stdout.write(line),
        )
        port = server.server_address[1]
        self.stdout.write(
            f"receiving webhooks at http://{options['host']}:{port}/ (Ctrl-C to stop)"
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
