"""SMS, LMS and KakaoTalk 알림톡 through ``integrations.messaging`` (Solapi, or its simulator).

A 알림톡 goes with its approved template code, the exact approved text filled in and the
variables, and the SMS text to fall back to when Kakao cannot deliver it. A message whose
template needs re-approval (or has no code) was rendered as SMS when created and goes as SMS,
or LMS when it is too long for one. Every attempt carries the message's idempotency key.
"""

from __future__ import annotations

from banpum.integrations.messaging.base import (
    Channel,
    DeliveryStatus,
    MessageGateway,
    MessagingError,
    OutgoingMessage,
    SendStatus,
)
from banpum.notify.channels.base import Receipt, SendOutcome
from banpum.notify.models import Message

SMS_BYTES = 90  # in EUC-KR, as Korean carriers count


def _euc_kr_bytes(text: str) -> int:
    return len(text.encode("euc-kr", errors="replace"))


def sms_channel(text: str) -> Channel:
    return Channel.SMS if _euc_kr_bytes(text) <= SMS_BYTES else Channel.LMS


def outgoing(message: Message, *, sender: str) -> OutgoingMessage:
    key, to = message.idempotency_key, message.recipient
    if message.alimtalk_code:
        fallback = message.fallback_text
        return OutgoingMessage(
            idempotency_key=key,
            to=to,
            sender=sender,
            channel=Channel.ALIMTALK,
            text=message.text,
            template_code=message.alimtalk_code,
            variables={str(k): str(v) for k, v in (message.variables or {}).items()},
            fallback_text=fallback,
            fallback_subject=message.subject
            if fallback and sms_channel(fallback) is Channel.LMS
            else "",
        )
    channel = sms_channel(message.text)
    subject = message.subject if channel is Channel.LMS else ""
    return OutgoingMessage(
        idempotency_key=key,
        to=to,
        sender=sender,
        channel=channel,
        text=message.text,
        subject=subject,
    )


class KakaoSmsNotifier:
    def __init__(self, gateway: MessageGateway, *, sender: str) -> None:
        self.gateway = gateway
        self.sender = sender

    def send(self, message: Message) -> SendOutcome:
        try:
            request = outgoing(message, sender=self.sender)
            result = self.gateway.send(request)
        except MessagingError as exc:
            return SendOutcome(
                False,
                message.channel,
                retryable=exc.retryable,
                maybe_sent=exc.maybe_sent,
                error_code=exc.code[:64],
                reason=exc.message[:500],
            )
        if result.status is SendStatus.ACCEPTED:
            return SendOutcome(True, request.channel.value, provider_id=result.provider_id)
        return SendOutcome(
            False,
            request.channel.value,
            provider_id=result.provider_id,
            error_code=result.status_code[:64],
            reason=result.reason[:500],
        )

    def status(self, message: Message) -> Receipt | None:
        if not message.provider_id:
            return None
        try:
            receipt = self.gateway.status(message.provider_id)
        except MessagingError:
            return None  # asked again at the next poll
        if receipt.status is DeliveryStatus.PENDING:
            return None
        reason = receipt.reason
        if receipt.fallback:
            reason = f"{receipt.channel.value.upper()}: {reason}".strip(": ")
        return Receipt(delivered=receipt.status is DeliveryStatus.DELIVERED, reason=reason[:500])
