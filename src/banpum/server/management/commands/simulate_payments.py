"""banpum simulate-payments: run the payment simulator in the foreground until Ctrl-C.

For the demo and for trying refunds by hand against a Toss-shaped gateway that can be told to
be slow, to fail, to lose its replies after cancelling, or to send its webhooks twice. It
needs no database. Its client is ``TossPayments(secret_key, base_url=<this URL>)``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from banpum.integrations.payments.simulator_server import (
    LOST_REPLY_MODES,
    PaymentSimulator,
    PaymentSimulatorConfig,
    payment_config_update,
)
from banpum.integrations.simulator_config import LOOPBACK_ONLY, is_loopback


class Command(BaseCommand):
    help = "Run the payment simulator (Toss Payments' cancel API, webhooks, fault injection)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="A loopback address")
        parser.add_argument("--port", type=int, default=settings.BANPUM_PAYMENTS_SIMULATOR_PORT)
        parser.add_argument(
            "--secret-key",
            default=settings.BANPUM_PAYMENTS_SIMULATOR_SECRET_KEY,
            help="The secret key clients authenticate with (Basic base64('key:'))",
        )
        parser.add_argument("--latency-ms", type=int, default=0)
        parser.add_argument(
            "--error-rate", type=float, default=0.0, help="Share of 500 PROVIDER_ERROR (no change)"
        )
        parser.add_argument(
            "--timeout-rate",
            type=float,
            default=0.0,
            help="Share of replies held back (the cancel is done)",
        )
        parser.add_argument(
            "--timeout-seconds", type=float, default=30.0, help="How long a held reply waits"
        )
        parser.add_argument(
            "--lost-reply-rate",
            type=float,
            default=0.0,
            help="Share of replies lost after the cancel is done",
        )
        parser.add_argument("--lost-reply-mode", choices=LOST_REPLY_MODES, default="drop")
        parser.add_argument("--duplicate-callback-rate", type=float, default=0.0)
        parser.add_argument(
            "--max-in-flight", type=int, default=0, help="Concurrent calls before 429 (0: none)"
        )
        parser.add_argument("--callback-url", default="", help="Where webhooks are POSTed")
        parser.add_argument("--callback-secret", default="", help="Signs webhooks when set")
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--state", default=None, help="JSON file that keeps the payments")

    def handle(self, *args: Any, **options: Any) -> None:
        names = (
            "secret_key",
            "latency_ms",
            "error_rate",
            "timeout_rate",
            "timeout_seconds",
            "lost_reply_rate",
            "lost_reply_mode",
            "duplicate_callback_rate",
            "max_in_flight",
            "callback_url",
            "callback_secret",
            "seed",
        )
        config, errors = payment_config_update(
            PaymentSimulatorConfig(), {name: options[name] for name in names}
        )
        if not is_loopback(options["host"]):
            errors["host"] = LOOPBACK_ONLY
        if errors:
            details = "; ".join(
                f"--{name.replace('_', '-')}: {why}" for name, why in errors.items()
            )
            self.stderr.write(f"Invalid settings: {details}")
            raise SystemExit(2)
        simulator = PaymentSimulator(
            options["host"], options["port"], config, state_path=options["state"]
        )
        # One line per request even when the project's log level is quieter than INFO.
        logging.getLogger("banpum.integrations.payments.simulator_server").setLevel(logging.INFO)
        self.stdout.write(
            f"Payment simulator (Toss API) at http://{options['host']}:{options['port']}"
            " (Ctrl-C to stop)"
        )
        simulator.serve_forever()
        self.stdout.write("Payment simulator stopped.")
