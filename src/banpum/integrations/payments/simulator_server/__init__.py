"""A Toss Payments look-alike on a local socket, with faults on demand.

Why it exists: a refund must reach the customer exactly once, and the paths that decide that
(a reply lost after the cancel landed, a timeout, a retry with the same or a new idempotency
key, duplicate webhooks) are only exercised against a gateway that misbehaves. Toss's test
keys are well-behaved, so the demo and the tests run this one: real HTTP on loopback, Toss's
request and response shapes, and faults switched on at start or at runtime, deterministic
under a seed.

Toss API (``Authorization: Basic base64("{secret_key}:")``):
``POST /v1/payments/confirm {paymentKey, orderId, amount[, method, isPartialCancelable]}``
(seeds a DONE payment; ``method: "가상계좌"`` makes one whose cancel needs a refund account),
``GET /v1/payments/{paymentKey}``, ``POST /v1/payments/{paymentKey}/cancel`` (honours
``Idempotency-Key``). Control API (no auth, never faulted): ``GET|POST /_sim/faults``,
``GET /_sim/stats`` (counts and, per payment, the sum of the cancels applied),
``GET /_sim/webhooks`` (delivery log).

The client is the real adapter: ``TossPayments(secret_key, base_url=simulator.base_url)``.

Layout: ``config`` (settings and their checks), ``ledger`` (Toss's payment and cancel rules,
no HTTP), ``webhooks`` (PAYMENT_STATUS_CHANGED delivery in a thread) and ``server``
(``PaymentSimulator``: HTTP, faults, stats).
"""

from banpum.integrations.payments.simulator_server.config import (
    DEFAULT_SECRET_KEY,
    LOST_REPLY_MODES,
    PaymentSimulatorConfig,
    payment_config_update,
)
from banpum.integrations.payments.simulator_server.server import PaymentSimulator
from banpum.integrations.payments.simulator_server.webhooks import (
    SIGNATURE_HEADER,
    TRANSMISSION_TIME_HEADER,
    webhook_signature,
)

__all__ = [
    "DEFAULT_SECRET_KEY",
    "LOST_REPLY_MODES",
    "SIGNATURE_HEADER",
    "TRANSMISSION_TIME_HEADER",
    "PaymentSimulator",
    "PaymentSimulatorConfig",
    "payment_config_update",
    "webhook_signature",
]
