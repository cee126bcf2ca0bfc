"""banpum simulate-messages: run the messaging simulator in the foreground until Ctrl-C.

For the demo and for trying notifications by hand against a Solapi-shaped provider (SMS,
LMS, KakaoTalk 알림톡) that can be told to be slow, to fail, to time out, or to report
messages undelivered. It needs no database. Its client is ``SolapiMessaging(api_key,
api_secret, pf_id, base_url=<this URL>)``; ``GET /_sim/messages`` lists what was sent.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from banpum.integrations.messaging.simulator_server import (
    DEFAULT_NO_KAKAOTALK_SUFFIX,
    MessageSimulator,
    MessageSimulatorConfig,
    message_config_update,
)
from banpum.integrations.messaging.simulator_server.config import template_problem
from banpum.integrations.simulator_config import LOOPBACK_ONLY, is_loopback


class Command(BaseCommand):
    help = (
        "Run the messaging simulator (Solapi's SMS/LMS/알림톡 API, delivery reports, "
        "fault injection)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="A loopback address")
        parser.add_argument("--port", type=int, default=settings.BANPUM_MESSAGES_SIMULATOR_PORT)
        parser.add_argument("--api-key", default=settings.BANPUM_MESSAGES_SIMULATOR_API_KEY)
        parser.add_argument(
            "--api-secret",
            default=settings.BANPUM_MESSAGES_SIMULATOR_API_SECRET,
            help="The secret clients sign with (HMAC-SHA256 of date + salt)",
        )
        parser.add_argument(
            "--pf-id",
            default=settings.BANPUM_MESSAGES_SIMULATOR_PF_ID,
            help="The KakaoTalk channel's id (pfId) 알림톡 must come from",
        )
        parser.add_argument(
            "--sender",
            action="append",
            default=[],
            dest="senders",
            help="A registered sender number (repeat; none: any number)",
        )
        parser.add_argument(
            "--template",
            action="append",
            default=[],
            dest="templates",
            metavar="ID=TEXT",
            help="An approved 알림톡 template, variables written #{name} (repeat)",
        )
        parser.add_argument(
            "--report-delay-seconds",
            type=float,
            default=settings.BANPUM_MESSAGES_SIMULATOR_REPORT_DELAY_SECONDS,
            help="How long until a message is reported delivered or failed",
        )
        parser.add_argument(
            "--failure-rate",
            type=float,
            default=0.0,
            help="Share of accepted messages reported undelivered",
        )
        parser.add_argument(
            "--no-kakaotalk",
            action="append",
            default=[],
            help="A recipient without KakaoTalk: 알림톡 falls back to SMS (repeat)",
        )
        parser.add_argument(
            "--no-kakaotalk-suffix",
            default=DEFAULT_NO_KAKAOTALK_SUFFIX,
            help="Recipients whose number ends so have no KakaoTalk ('' for none)",
        )
        parser.add_argument("--latency-ms", type=int, default=0)
        parser.add_argument(
            "--error-rate", type=float, default=0.0, help="Share of 500s (nothing sent)"
        )
        parser.add_argument(
            "--timeout-rate",
            type=float,
            default=0.0,
            help="Share of replies held back (the message is sent)",
        )
        parser.add_argument(
            "--timeout-seconds", type=float, default=30.0, help="How long a held reply waits"
        )
        parser.add_argument(
            "--max-in-flight", type=int, default=0, help="Concurrent calls before 429 (0: none)"
        )
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--state", default=None, help="JSON file that keeps the messages")

    def handle(self, *args: Any, **options: Any) -> None:
        names = (
            "api_key",
            "api_secret",
            "pf_id",
            "senders",
            "report_delay_seconds",
            "failure_rate",
            "no_kakaotalk",
            "no_kakaotalk_suffix",
            "latency_ms",
            "error_rate",
            "timeout_rate",
            "timeout_seconds",
            "max_in_flight",
            "seed",
        )
        config, errors = message_config_update(
            MessageSimulatorConfig(), {name: options[name] for name in names}
        )
        flags = {"senders": "sender"}  # repeated flags fill a setting named in the plural
        problems = {
            f"--{flags.get(name, name).replace('_', '-')}": why for name, why in errors.items()
        }
        if not is_loopback(options["host"]):
            problems["--host"] = LOOPBACK_ONLY
        templates: dict[str, str] = {}
        for given in options["templates"]:
            template_id, _, text = given.partition("=")
            problem = template_problem(template_id, text) if text else "write it as ID=TEXT"
            if problem:
                problems["--template"] = f"{given[:40]!r}: {problem}"
            templates[template_id] = text
        if problems:
            details = "; ".join(f"{flag}: {why}" for flag, why in problems.items())
            self.stderr.write(f"Invalid settings: {details}")
            raise SystemExit(2)
        simulator = MessageSimulator(
            options["host"],
            options["port"],
            config,
            state_path=options["state"],
            templates=templates,
        )
        # One line per request even when the project's log level is quieter than INFO.
        logging.getLogger("banpum.integrations.messaging.simulator_server").setLevel(logging.INFO)
        self.stdout.write(
            f"Messaging simulator (Solapi API) at http://{options['host']}:{options['port']}"
            " (Ctrl-C to stop)"
        )
        simulator.serve_forever()
        self.stdout.write("Messaging simulator stopped.")
