"""Email through Django's mail backend (SMTP): a text part, an HTML part, and the return's
label PDF attached while the return has one (the portal's label, ``logistics.labels_service``).
"""

from __future__ import annotations

import logging
import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from banpum.core.errors import ApplicationError
from banpum.logistics.labels_service import labels_pdf
from banpum.notify.channels.base import Receipt, SendOutcome
from banpum.notify.models import Message

logger = logging.getLogger(__name__)


def label_attachment(message: Message) -> bytes | None:
    """The return's label PDF, or None: no return, or none may be printed now (409)."""
    if message.return_request is None:
        return None
    try:
        return labels_pdf([message.return_request])
    except ApplicationError:
        return None


class EmailNotifier:
    def __init__(self, *, sender: str = "") -> None:
        self.sender = sender

    def send(self, message: Message) -> SendOutcome:
        message_id = make_msgid(idstring=message.idempotency_key, domain="banpum.local")
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=self.sender or settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={"Message-ID": message_id, "X-Banpum-Message": message.idempotency_key},
        )
        html = render_to_string("notify/email.html", {"message": message})
        email.attach_alternative(html, "text/html")
        label = label_attachment(message) if message.event != "return.completed" else None
        if label is not None and message.return_request is not None:
            name = f"{message.return_request.number}-label.pdf"
            email.attach(name, label, "application/pdf")
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            return SendOutcome(
                False, "email", error_code="recipient_refused", reason=str(exc)[:500]
            )
        except (smtplib.SMTPException, OSError) as exc:
            # The server did not take it; SMTP has no idempotency, but a refusal means not sent.
            return SendOutcome(
                False, "email", retryable=True, error_code=type(exc).__name__, reason=str(exc)[:500]
            )
        return SendOutcome(True, "email", provider_id=message_id)

    def status(self, message: Message) -> Receipt | None:
        return None  # SMTP gives no delivery report: an email handed over stays "sent"
