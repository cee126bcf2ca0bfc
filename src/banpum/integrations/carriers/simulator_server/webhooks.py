"""Signed webhook delivery: an outbox ordered by due time, retries with backoff, a log.

``_WebhookSender`` is a layer of ``CarrierSimulator``; its delivery thread posts each
``_Delivery`` to the tenant's registered URL, signed as in ``banpum.core.signing``.
"""

from __future__ import annotations

import dataclasses
import heapq
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx

from banpum.core.signing import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    webhook_signature,
)
from banpum.integrations.carriers.simulator_server.core import _SimulatorCore

# One logger for the whole package: log settings and tests filter on its name.
logger = logging.getLogger("banpum.integrations.carriers.simulator_server")


@dataclass
class _Delivery:
    delivery_id: str
    tenant_id: str
    events: list[dict[str, Any]]
    attempt: int = 1


class _WebhookSender(_SimulatorCore):
    """The outbox and the delivery loop of ``CarrierSimulator``."""

    def _outbox_put(self, delivery: _Delivery, delay: float) -> None:
        with self._outbox_cv:
            due = time.monotonic() + delay
            heapq.heappush(self._outbox, (due, next(self._sequence), delivery))
            self._outbox_cv.notify_all()

    def _outbox_take(self) -> _Delivery | None:
        with self._outbox_cv:
            while not self._stopping.is_set():
                if self._outbox and self._outbox[0][0] <= time.monotonic():
                    return heapq.heappop(self._outbox)[2]
                timeout = self._outbox[0][0] - time.monotonic() if self._outbox else None
                self._outbox_cv.wait(timeout=timeout)
        return None

    def _delivery_loop(self) -> None:
        with httpx.Client() as client:
            while (delivery := self._outbox_take()) is not None:
                self._deliver(client, delivery)

    def _deliver(self, client: httpx.Client, delivery: _Delivery) -> None:
        with self._lock:
            tenant = self._tenants.get(delivery.tenant_id)
            url, secret = (tenant.webhook_url, tenant.webhook_secret) if tenant else ("", "")
            config = self.config
        record: dict[str, Any] = {
            "delivery_id": delivery.delivery_id,
            "attempt": delivery.attempt,
            "url": url,
            "event_ids": [e["event_id"] for e in delivery.events],
        }
        if not url:
            self._record({**record, "outcome": "no webhook registered"})
            return
        body = json.dumps({"events": delivery.events}, ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "banpum-carrier-simulator/1",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: webhook_signature(secret, timestamp, body),
            DELIVERY_HEADER: delivery.delivery_id,
            "X-Banpum-Attempt": str(delivery.attempt),
        }
        try:
            response = client.post(
                url, content=body, headers=headers, timeout=config.webhook_timeout_seconds
            )
            outcome, ok = f"HTTP {response.status_code}", response.is_success
        except httpx.HTTPError as exc:
            outcome, ok = f"{type(exc).__name__}: {exc}", False
        self._record({**record, "outcome": outcome})
        if ok or self._stopping.is_set():
            return
        if delivery.attempt > config.webhook_retries:
            logger.warning(
                "webhook %s gave up after %d attempts", delivery.delivery_id, delivery.attempt
            )
            return
        delay = config.webhook_backoff_seconds * 2 ** (delivery.attempt - 1)
        self._outbox_put(dataclasses.replace(delivery, attempt=delivery.attempt + 1), delay=delay)

    def _record(self, entry: dict[str, Any]) -> None:
        with self._outbox_cv:
            self._log.append(entry)
        logger.info(
            "webhook %s attempt %d %s → %s",
            entry["delivery_id"],
            entry["attempt"],
            ",".join(entry["event_ids"]),
            entry["outcome"],
        )
