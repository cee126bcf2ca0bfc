"""Which ``Notifier`` sends a channel's messages: email by Django's mail backend, phones by the
messaging gateway from settings (the simulator's URL and keys by default). Tests may wire
their own with ``notifiers_wire``."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from banpum.integrations.messaging.solapi import SolapiMessaging
from banpum.notify.catalogue import Channel
from banpum.notify.channels.base import Notifier
from banpum.notify.channels.email import EmailNotifier
from banpum.notify.channels.kakao import KakaoSmsNotifier

Factory = Callable[[Channel, str], Notifier]


_gateways: dict[tuple[str, ...], SolapiMessaging] = {}


def messaging_gateway() -> SolapiMessaging:
    """One client per configuration and process (httpx's client is thread-safe)."""
    key = (
        settings.BANPUM_MESSAGES_SIMULATOR_API_KEY,
        settings.BANPUM_MESSAGES_SIMULATOR_API_SECRET,
        settings.BANPUM_MESSAGES_SIMULATOR_PF_ID,
        settings.BANPUM_MESSAGES_SIMULATOR_URL,
        str(settings.BANPUM_MESSAGES_TIMEOUT_SECONDS),
    )
    if key not in _gateways:
        _gateways[key] = SolapiMessaging(
            key[0], key[1], key[2], base_url=key[3], timeout=float(key[4])
        )
    return _gateways[key]


def _default(channel: Channel, sender: str) -> Notifier:
    if channel == Channel.EMAIL:
        return EmailNotifier(sender=sender)
    return KakaoSmsNotifier(messaging_gateway(), sender=sender)


_wired: list[Factory] = [_default]


def notifiers_wire(factory: Factory | None) -> None:
    _wired[:] = [factory or _default]


def notifier_for(channel: str, *, sender: str) -> Notifier:
    """The notifier of ``channel`` sending as ``sender`` (an email address or a phone)."""
    return _wired[0](Channel(channel), sender)
