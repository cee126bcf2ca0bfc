"""banpum simulate-carrier: run the carrier simulator in the foreground until Ctrl-C.

For the demo and for trying the pickup flow by hand against a carrier that can be told to be
slow, to fail, or to send its tracking webhooks twice and out of order. It needs no database.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from banpum.integrations.carriers.simulator_server import (
    EXCEPTION_WORDS,
    CarrierSimulator,
    SimulatorConfig,
    config_update,
)
from banpum.integrations.simulator_config import LOOPBACK_ONLY, is_loopback


class Command(BaseCommand):
    help = "Run the carrier simulator (return-pickup API, tracking webhooks, fault injection)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="A loopback address")
        parser.add_argument("--port", type=int, default=8010)
        parser.add_argument(
            "--speed", type=float, default=3600.0, help="Simulated seconds per real second"
        )
        parser.add_argument("--latency-ms", type=int, default=0)
        parser.add_argument("--error-rate", type=float, default=0.0, help="Share of 500 answers")
        parser.add_argument(
            "--timeout-rate", type=float, default=0.0, help="Share of replies held back (work done)"
        )
        parser.add_argument(
            "--timeout-seconds", type=float, default=30.0, help="How long a held reply waits"
        )
        parser.add_argument("--duplicate-rate", type=float, default=0.0)
        parser.add_argument("--reorder-rate", type=float, default=0.0)
        parser.add_argument("--exception-rate", type=float, default=0.0)
        parser.add_argument(
            "--exception-codes",
            default=",".join(EXCEPTION_WORDS),
            help="Comma-separated pickup exceptions to choose from",
        )
        parser.add_argument("--batch", type=int, default=1, help="Max events per webhook call")
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--state", default=None, help="JSON file that keeps the bookings")

    def handle(self, *args: Any, **options: Any) -> None:
        changes = {
            "speed": options["speed"],
            "latency_ms": options["latency_ms"],
            "error_rate": options["error_rate"],
            "timeout_rate": options["timeout_rate"],
            "timeout_seconds": options["timeout_seconds"],
            "duplicate_rate": options["duplicate_rate"],
            "reorder_rate": options["reorder_rate"],
            "exception_rate": options["exception_rate"],
            "exception_codes": [c for c in options["exception_codes"].split(",") if c],
            "batch": options["batch"],
            "seed": options["seed"],
        }
        config, errors = config_update(SimulatorConfig(), changes)
        if not is_loopback(options["host"]):
            errors["host"] = LOOPBACK_ONLY
        if errors:
            details = "; ".join(
                f"--{name.replace('_', '-')}: {why}" for name, why in errors.items()
            )
            self.stderr.write(f"Invalid settings: {details}")
            raise SystemExit(2)
        simulator = CarrierSimulator(
            options["host"], options["port"], config, state_path=options["state"]
        )
        # One line per request even when the project's log level is quieter than INFO.
        logging.getLogger("banpum.integrations.carriers.simulator_server").setLevel(logging.INFO)
        self.stdout.write(
            f"Carrier simulator at http://{options['host']}:{options['port']}/v1 "
            f"(×{options['speed']:g} clock; Ctrl-C to stop)"
        )
        simulator.serve_forever()
        self.stdout.write("Carrier simulator stopped.")
