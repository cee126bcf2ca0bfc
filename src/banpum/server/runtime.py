"""What `banpum serve` runs beside the web server: a job worker and the simulators.

The embedded default is one process: Waitress serves, a Huey consumer runs jobs in threads of
the same process, and the carrier, payment and messaging simulators answer on their own
loopback ports. Scale-out runs `banpum worker` processes instead (and real carriers, payment
gateways and messaging providers), with only settings changed.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from huey.consumer import Consumer

if TYPE_CHECKING:
    from banpum.integrations.simulator_http import LoopbackSimulator

logger = logging.getLogger(__name__)


class InProcessConsumer(Consumer):
    """Huey's consumer without its signal handlers: Ctrl-C belongs to the web server."""

    def _set_signal_handlers(self) -> None:
        return None


def worker_start(
    *, workers: int | None = None, periodic: bool | None = None, **consumer_options: Any
) -> InProcessConsumer:
    """Run the job queue in threads of this process; stop with ``consumer.stop(graceful=True)``.

    ``periodic=False`` leaves the periodic sweeps to another worker (or to nobody, in tests);
    ``consumer_options`` override the settings' Huey consumer options (e.g. ``max_delay``, the
    longest an idle worker waits before looking at the queue again).
    """
    from huey.contrib.djhuey import HUEY

    options = dict(cast(dict[str, Any], settings.HUEY.get("consumer", {})))
    options.update(consumer_options)
    options["workers"] = workers or options.get("workers", 2)
    options["worker_type"] = "thread"
    if periodic is not None:
        options["periodic"] = periodic
    consumer = InProcessConsumer(HUEY, **options)
    consumer.start()
    logger.info("in-process job worker started with %s thread(s)", options["workers"])
    return consumer


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _started_on_free_port(
    name: str, port: int, build: Callable[[int], LoopbackSimulator]
) -> LoopbackSimulator | None:
    """Build the simulator on ``port`` and start it; None when the port is taken (another
    `banpum serve` or the simulator's command already answers there, and the accounts keep
    talking to that one)."""
    if not _port_free("127.0.0.1", port):
        logger.warning("%s port %s is taken; using whatever answers there", name, port)
        return None
    simulator = build(port).start()
    logger.info("%s at %s", name, simulator.base_url)
    return simulator


def simulator_start(*, port: int | None = None, speed: float | None = None) -> Any:
    """Start the carrier simulator on loopback, keeping its bookings in the var directory.

    Returns None when the port is taken (another `banpum serve` or `simulate-carrier` already
    answers there, and the accounts keep talking to that one).
    """
    from banpum.integrations.carriers.simulator_server import CarrierSimulator, SimulatorConfig

    return _started_on_free_port(
        "carrier simulator",
        port or settings.BANPUM_SIMULATOR_PORT,
        lambda port: CarrierSimulator(
            host="127.0.0.1",
            port=port,
            config=SimulatorConfig(
                speed=speed or settings.BANPUM_SIMULATOR_SPEED, wall_clock_stamps=True
            ),
            state_path=settings.VAR_DIR / "carrier-simulator.json",
        ),
    )


def payments_simulator_start(*, port: int | None = None) -> Any:
    """Start the payment simulator on loopback, keeping its payments in the var directory.

    Returns None when ``BANPUM_PAYMENTS_SIMULATOR_URL`` names one running elsewhere, or when
    the port is taken (another `banpum serve` or `simulate-payments` answers there).
    """
    from banpum.integrations.payments.simulator_server import (
        PaymentSimulator,
        PaymentSimulatorConfig,
    )

    if settings.BANPUM_PAYMENTS_SIMULATOR_EXTERNAL and port is None:
        logger.info("payment simulator at %s (external)", settings.BANPUM_PAYMENTS_SIMULATOR_URL)
        return None
    return _started_on_free_port(
        "payment simulator",
        port or settings.BANPUM_PAYMENTS_SIMULATOR_PORT,
        lambda port: PaymentSimulator(
            host="127.0.0.1",
            port=port,
            config=PaymentSimulatorConfig(secret_key=settings.BANPUM_PAYMENTS_SIMULATOR_SECRET_KEY),
            state_path=settings.VAR_DIR / "payment-simulator.json",
        ),
    )


def messages_simulator_start(
    *, port: int | None = None, templates: Mapping[str, str] | None = None
) -> Any:
    """Start the messaging simulator on loopback, keeping its messages in the var directory.

    ``templates`` (id → text) are approved 알림톡 templates to register besides those its state
    file remembers; a running one takes more at ``POST /_sim/templates``. Returns None when
    ``BANPUM_MESSAGES_SIMULATOR_URL`` names one running elsewhere, or when the port is taken
    (another `banpum serve` or `simulate-messages` answers there).
    """
    from banpum.integrations.messaging.simulator_server import (
        MessageSimulator,
        MessageSimulatorConfig,
    )

    if settings.BANPUM_MESSAGES_SIMULATOR_EXTERNAL and port is None:
        logger.info("messaging simulator at %s (external)", settings.BANPUM_MESSAGES_SIMULATOR_URL)
        return None
    return _started_on_free_port(
        "messaging simulator",
        port or settings.BANPUM_MESSAGES_SIMULATOR_PORT,
        lambda port: MessageSimulator(
            host="127.0.0.1",
            port=port,
            config=MessageSimulatorConfig(
                api_key=settings.BANPUM_MESSAGES_SIMULATOR_API_KEY,
                api_secret=settings.BANPUM_MESSAGES_SIMULATOR_API_SECRET,
                pf_id=settings.BANPUM_MESSAGES_SIMULATOR_PF_ID,
                report_delay_seconds=settings.BANPUM_MESSAGES_SIMULATOR_REPORT_DELAY_SECONDS,
            ),
            state_path=settings.VAR_DIR / "messages-simulator.json",
            templates=templates,
        ),
    )


def mail_catcher_start(*, port: int | None = None) -> Any:
    """Start the local SMTP catcher (``banpum catch-mail``) in-process, keeping each message
    under <var>/mail/, when email goes to the loopback (EMAIL_HOST) and the port is free.

    Returns None otherwise: a real SMTP server is configured, or another catcher answers there.
    """
    from banpum.notify.mail_catcher import MailCatcher, summary

    if not settings.BANPUM_MAIL_CATCHER or settings.EMAIL_HOST not in ("127.0.0.1", "localhost"):
        return None
    port = port or settings.EMAIL_PORT
    if not _port_free("127.0.0.1", port):
        logger.warning("mail catcher port %s is taken; using whatever answers there", port)
        return None
    catcher = MailCatcher(
        settings.VAR_DIR / "mail",
        port=port,
        on_message=lambda path, message: logger.info("mail caught %s", summary(path, message)),
    )
    catcher.start()
    logger.info("mail catcher at smtp://127.0.0.1:%s (var/mail/)", port)
    return catcher


class WebhookReceiver:
    """The demo's webhook receiver (``webhooks.receiver``) on a thread of this process."""

    def __init__(self, *, port: int, secret: str, log_path: Path) -> None:
        from banpum.webhooks.receiver import receiver_server

        self.log_path = log_path
        self._server = receiver_server(
            host="127.0.0.1", port=port, secret=secret, status=204, say=self._say
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="webhook-receiver", daemon=True
        )

    def _say(self, line: str) -> None:
        logger.info("webhook received: %s", line)
        with self.log_path.open("a", encoding="utf-8") as log:
            log.write(line + "\n")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def webhook_receiver_start(*, port: int | None = None) -> WebhookReceiver | None:
    """Receive the demo's signed webhooks on loopback, when the demo subscribed a receiver
    (it left the secret in the var directory); each one checked and written, one line each, to
    ``<var>/webhooks-received.log``. None otherwise, or when the port is taken."""
    from banpum.demo.webhooks import secret_path as demo_secret_path

    secret_path = demo_secret_path()
    if not secret_path.exists():
        return None
    port = port or settings.BANPUM_WEBHOOK_RECEIVER_PORT
    if not _port_free("127.0.0.1", port):
        logger.warning("webhook receiver port %s is taken; not receiving here", port)
        return None
    receiver = WebhookReceiver(
        port=port,
        secret=secret_path.read_text(encoding="utf-8").strip(),
        log_path=Path(settings.VAR_DIR) / "webhooks-received.log",
    )
    receiver.start()
    logger.info("webhook receiver at http://127.0.0.1:%s/ (var/webhooks-received.log)", port)
    return receiver
