"""A Solapi look-alike (SMS, LMS, KakaoTalk 알림톡) on a local socket, with faults on demand.

Why it exists: the paths that decide whether a shopper hears about their return (a 알림톡
Kakao refuses and its SMS fallback, a carrier that reports a failure minutes later, a timeout
after the message left, a retry that must not send twice, a provider that is slow or full)
are only exercised against a provider that misbehaves. Solapi has no sandbox that does, so the
demo and the tests run this one: real HTTP on loopback, Solapi's request and response shapes
and its HMAC authentication, delivery reports that arrive after a delay, and faults switched
on at start or at runtime, deterministic under a seed.

Solapi API (``Authorization: HMAC-SHA256 apiKey=…, date=…, salt=…, signature=…``):
``POST /messages/v4/send`` (one message; 알림톡 needs a registered template, and a
recipient with KakaoTalk, or it falls back to SMS/LMS unless ``disableSms``; idempotent on
``customFields.idempotencyKey``), ``GET /messages/v4/list?criteria=messageId&cond=eq&value=``
(the delivery report). Control API (no auth, never faulted): ``GET|POST /_sim/faults``,
``GET /_sim/stats``, ``GET /_sim/messages[?to=]`` (what was sent), ``GET|POST
/_sim/templates`` and ``DELETE /_sim/templates/{id}`` (the approved 알림톡 templates).

The client is the real adapter: ``SolapiMessaging(api_key, api_secret, pf_id,
base_url=simulator.base_url)``.

Layout: ``config`` (settings and their checks), ``auth`` (Solapi's signature rules),
``outbox`` (messages, outcomes, templates and replays; no HTTP) and ``server``
(``MessageSimulator``: HTTP, faults, stats, the state file).
"""

from banpum.integrations.messaging.simulator_server.config import (
    DEFAULT_API_KEY,
    DEFAULT_API_SECRET,
    DEFAULT_NO_KAKAOTALK_SUFFIX,
    DEFAULT_PF_ID,
    MessageSimulatorConfig,
    message_config_update,
)
from banpum.integrations.messaging.simulator_server.outbox import CARRIER_FAILURES
from banpum.integrations.messaging.simulator_server.server import MessageSimulator

__all__ = [
    "CARRIER_FAILURES",
    "DEFAULT_API_KEY",
    "DEFAULT_API_SECRET",
    "DEFAULT_NO_KAKAOTALK_SUFFIX",
    "DEFAULT_PF_ID",
    "MessageSimulator",
    "MessageSimulatorConfig",
    "message_config_update",
]
