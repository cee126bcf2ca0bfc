"""banpum worker: run background jobs (Huey consumer) in this process until stopped.

Run as many as needed, on as many machines as share the job queue (BANPUM_REDIS_URL) and the
database (DATABASE_URL).
"""

from __future__ import annotations

import logging
from typing import Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import autodiscover_modules
from huey.consumer_options import ConsumerConfig


class Command(BaseCommand):
    help = "Run background jobs: pickup booking, cancels, sweeps and tracking polls."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=2, help="Worker threads")
        parser.add_argument(
            "--no-periodic", action="store_true", help="Leave periodic sweeps to another worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Not Huey's run_huey: it adds its own stream handler to the "huey" logger, which also
        # propagates to the root handler of settings.LOGGING, so every line was printed twice.
        # Here Huey's records go through LOGGING's handler only, once each. A worker's job log
        # is its output, so Huey logs at the root level (BANPUM_LOG_LEVEL) here, not the quieter
        # level `banpum serve` keeps for its in-process worker.
        from huey.contrib.djhuey import HUEY

        logging.getLogger("huey").setLevel(logging.NOTSET)
        consumer_options = dict(cast(dict[str, Any], settings.HUEY.get("consumer", {})))
        consumer_options |= {
            "workers": options["workers"],
            "worker_type": "thread",
            "periodic": not options["no_periodic"],
        }
        autodiscover_modules("tasks")
        config = ConsumerConfig(**consumer_options)
        config.validate()
        HUEY.create_consumer(**config.values).run()
