"""banpum serve: migrate, then serve the app, its job worker and the simulators."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from banpum.logistics.gateways import simulator_accounts_connect
from banpum.notify.defaults import alimtalk_templates
from banpum.server import runtime

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Serve Banpum over HTTP (Waitress) with an in-process job worker and the carrier, "
        "payment and messaging simulators, after applying migrations."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        # Four: on two cores more threads only queue for the GIL and SQLite's write lock
        # (benchmarks/RESULTS.md: with 8, SQLite's create p99 was ~1 s; with 4, ~0.3 s, and
        # PostgreSQL creates went from 73 to 89 a second); fewer would let one slow request
        # (a 500-order import, a label batch) hold the server.
        parser.add_argument("--threads", type=int, default=4, help="Request threads (default 4)")
        parser.add_argument("--no-migrate", action="store_true", help="Skip applying migrations")
        parser.add_argument(
            "--no-worker", action="store_true", help="Run no jobs here (use `banpum worker`)"
        )
        parser.add_argument(
            "--no-simulator",
            action="store_true",
            help="Do not start the carrier, payment and messaging simulators",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from banpum.wsgi import application

        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        host, port = options["host"], options["port"]
        public_url = settings.BANPUM_PUBLIC_URL or f"http://{host}:{port}"
        # Links in messages (the shopper's status page, label, survey) must be absolute; the
        # in-process worker sends them, so it learns the address this server answers on.
        settings.BANPUM_PUBLIC_URL = public_url
        simulator = payments = messages = receiver = None
        if settings.BANPUM_SIMULATOR and not options["no_simulator"]:
            simulator = runtime.simulator_start()
            simulator_accounts_connect(public_url=public_url)
            payments = runtime.payments_simulator_start()
            messages = runtime.messages_simulator_start(templates=alimtalk_templates())
            receiver = runtime.webhook_receiver_start()
        mail = runtime.mail_catcher_start()
        consumer = None if options["no_worker"] else runtime.worker_start()
        self.stdout.write(
            f"Banpum at http://{host}:{port}/  (admin /admin/, API docs /api/v1/docs)"
        )
        try:
            serve(application, host=host, port=port, threads=options["threads"], ident="banpum")
        finally:
            if consumer is not None:
                consumer.stop(graceful=True)
            if simulator is not None:
                simulator.stop()
            if payments is not None:
                payments.stop()
            if messages is not None:
                messages.stop()
            if mail is not None:
                mail.stop()
            if receiver is not None:
                receiver.stop()
