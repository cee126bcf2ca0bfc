"""Toss-style ``PAYMENT_STATUS_CHANGED`` webhooks, sent from a background thread.

Body ``{"eventType": "PAYMENT_STATUS_CHANGED", "createdAt": "yyyy-MM-ddTHH:mm:ss.SSSSSS",
"data": <Payment object>}``, as Toss documents it. Toss signs only some event types
(payouts, sellers) with ``tosspayments-webhook-signature: v1:<base64 HMAC-SHA256(secret,
"{body}:{transmission time}")>`` and ``tosspayments-webhook-transmission-time``; when a
``callback_secret`` is configured the simulator signs every webhook that way [?: the
signature scheme is from Toss's payout webhook guide, not checked against a capture]. A
receiver must not rely on it for payment events from the real Toss: it reads the payment
instead. Failed deliveries are retried with backoff; the reply to the API call that caused
the change never waits for them.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import heapq
import hmac
import itertools
import json
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import httpx

logger = logging.getLogger("banpum.integrations.payments.simulator_server")

SIGNATURE_HEADER = "tosspayments-webhook-signature"
TRANSMISSION_TIME_HEADER = "tosspayments-webhook-transmission-time"


def webhook_signature(secret: str, transmission_time: str, body: bytes) -> str:
    """``v1:<base64 HMAC-SHA256(secret, "{body}:{transmission_time}")>``."""
    message = body + b":" + transmission_time.encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return "v1:" + base64.b64encode(digest).decode("ascii")


@dataclass
class Delivery:
    delivery_id: str
    url: str
    secret: str
    body: bytes
    retries: int
    backoff: float
    timeout: float
    attempt: int = 1


class WebhookSender:
    """An outbox ordered by due time, drained by one thread."""

    def __init__(self, stopping: threading.Event) -> None:
        self._stopping = stopping
        self._outbox: list[tuple[float, int, Delivery]] = []
        self._cv = threading.Condition()
        self._sequence = itertools.count(1)
        self.log: deque[dict[str, Any]] = deque(maxlen=500)

    def put(self, delivery: Delivery, delay: float = 0.0) -> None:
        with self._cv:
            due = time.monotonic() + delay
            heapq.heappush(self._outbox, (due, next(self._sequence), delivery))
            self._cv.notify_all()

    def wake(self) -> None:
        with self._cv:
            self._cv.notify_all()

    def entries(self) -> list[dict[str, Any]]:
        with self._cv:
            return list(self.log)

    def loop(self) -> None:
        with httpx.Client() as client:
            while (delivery := self._take()) is not None:
                self._deliver(client, delivery)

    def _take(self) -> Delivery | None:
        with self._cv:
            while not self._stopping.is_set():
                if self._outbox and self._outbox[0][0] <= time.monotonic():
                    return heapq.heappop(self._outbox)[2]
                timeout = self._outbox[0][0] - time.monotonic() if self._outbox else None
                self._cv.wait(timeout=timeout)
        return None

    def _deliver(self, client: httpx.Client, delivery: Delivery) -> None:
        sent_at = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z"
        headers = {"Content-Type": "application/json", "User-Agent": "banpum-payment-simulator/1"}
        if delivery.secret:
            headers[TRANSMISSION_TIME_HEADER] = sent_at
            headers[SIGNATURE_HEADER] = webhook_signature(delivery.secret, sent_at, delivery.body)
        try:
            response = client.post(
                delivery.url, content=delivery.body, headers=headers, timeout=delivery.timeout
            )
            outcome, ok = f"HTTP {response.status_code}", response.status_code == 200
        except httpx.HTTPError as exc:
            outcome, ok = f"{type(exc).__name__}: {exc}", False
        event = json.loads(delivery.body)
        with self._cv:
            self.log.append(
                {
                    "delivery_id": delivery.delivery_id,
                    "attempt": delivery.attempt,
                    "payment_key": event["data"]["paymentKey"],
                    "status": event["data"]["status"],
                    "outcome": outcome,
                }
            )
        logger.info("webhook %s attempt %d → %s", delivery.delivery_id, delivery.attempt, outcome)
        if ok or self._stopping.is_set() or delivery.attempt > delivery.retries:
            return
        delay = delivery.backoff * 2 ** (delivery.attempt - 1)
        self.put(dataclasses.replace(delivery, attempt=delivery.attempt + 1), delay=delay)
