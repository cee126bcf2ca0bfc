"""banpum catch-mail: a local SMTP server that keeps each message as a .eml under var/mail/."""

from __future__ import annotations

import threading
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from banpum.notify.mail_catcher import MailCatcher, summary


class Command(BaseCommand):
    help = "Catch email on 127.0.0.1 (SMTP) and keep each message as a .eml file under var/mail/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=settings.EMAIL_PORT)
        parser.add_argument("--directory", default=str(settings.VAR_DIR / "mail"))

    def handle(self, *args: Any, **options: Any) -> None:
        def announce(path: Path, message: EmailMessage) -> None:
            self.stdout.write(summary(path, message))
            self.stdout.flush()

        catcher = MailCatcher(Path(options["directory"]), port=options["port"], on_message=announce)
        catcher.start()
        self.stdout.write(f"Catching mail on 127.0.0.1:{catcher.port} into {options['directory']}")
        self.stdout.flush()
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            catcher.stop()
