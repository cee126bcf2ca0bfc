"""The payment simulator the demo's orders were paid on, for the length of one seed.

Every order paid through the PG (card, easy pay, virtual account: ``tgen_…`` references) is
confirmed on the simulator, so the refunds the demo pays are real cancels of real payments. The
demo starts the simulator in its own process on a free port with ``banpum serve``'s state file
and points ``BANPUM_PAYMENTS_SIMULATOR_URL`` at it while it seeds (the store's payment account
names no URL, so the gateway reads the setting at call time); stopping it saves the payments
and cancels, which serve's simulator loads on port 8020 and its job worker pays the pending
refunds against. If a payment simulator already answers at the setting's URL (serve is
running), the demo confirms and cancels on that one instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from django.conf import settings
from django.test import override_settings

from banpum.commerce.models import Order, PaymentMethod, Store
from banpum.integrations.payments.simulator_server import PaymentSimulator, PaymentSimulatorConfig
from banpum.integrations.payments.toss import basic_authorization
from banpum.settlement.models import PaymentAccount, PaymentProvider

STATE_FILE = "payment-simulator.json"
PG_METHODS = (PaymentMethod.CARD, PaymentMethod.EASY_PAY, PaymentMethod.VIRTUAL_ACCOUNT)
# Toss's names of the methods, as the confirm call takes them.
_TOSS_METHODS = {
    PaymentMethod.CARD: "카드",
    PaymentMethod.EASY_PAY: "간편결제",
    PaymentMethod.VIRTUAL_ACCOUNT: "가상계좌",
}


class PaymentSimulatorError(RuntimeError):
    """The demo cannot confirm its orders' payments on a payment simulator."""


@dataclass
class PaymentSession:
    base_url: str
    secret_key: str
    state_path: Path | None  # the state file, when the demo runs the simulator itself
    client: httpx.Client

    def confirm(self, orders: Iterable[Order]) -> int:
        """Confirm each PG-paid order's payment (its key, order number and amount)."""
        confirmed = 0
        headers = {"Authorization": basic_authorization(self.secret_key)}
        for order in orders:
            if order.payment_method not in PG_METHODS or not order.payment_reference:
                continue
            payload: dict[str, object] = {
                "paymentKey": order.payment_reference,
                "orderId": f"DEMO-{order.pk:06d}",
                "amount": order.paid_total,
                "method": _TOSS_METHODS[PaymentMethod(order.payment_method)],
            }
            response = self.client.post("/v1/payments/confirm", json=payload, headers=headers)
            if response.status_code != 200 and "ALREADY_PROCESSED" not in response.text:
                raise PaymentSimulatorError(
                    f"the payment simulator refused order {order.pk}: {response.text[:200]}"
                )
            confirmed += 1
        return confirmed


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/_sim/stats", timeout=0.5).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def payment_session(*, var_dir: Path) -> Iterator[PaymentSession]:
    """A payment simulator for the seed: a running one at the setting's URL, or one started
    here on a free port (stopped, and its state saved, at the end)."""
    secret = settings.BANPUM_PAYMENTS_SIMULATOR_SECRET_KEY
    running_url = str(settings.BANPUM_PAYMENTS_SIMULATOR_URL).rstrip("/")
    if _answers(running_url):
        with httpx.Client(base_url=running_url, timeout=10.0) as client:
            yield PaymentSession(running_url, secret, None, client)
        return
    state_path = Path(var_dir) / STATE_FILE
    try:
        simulator = PaymentSimulator(
            host="127.0.0.1",
            port=0,
            config=PaymentSimulatorConfig(secret_key=secret),
            state_path=state_path,
        ).start()
    except (OSError, ValueError, KeyError) as error:
        raise PaymentSimulatorError(
            f"could not start the payment simulator (state {state_path}): {error}"
        ) from error
    try:
        with (
            override_settings(BANPUM_PAYMENTS_SIMULATOR_URL=simulator.base_url),
            httpx.Client(base_url=simulator.base_url, timeout=10.0) as client,
        ):
            yield PaymentSession(simulator.base_url, secret, state_path, client)
    finally:
        simulator.stop()


def payment_account_seed(store: Store, *, now: dt.datetime) -> PaymentAccount:
    """The store's account on the payment simulator, with no URL of its own: the gateway reads
    ``BANPUM_PAYMENTS_SIMULATOR_URL`` at call time (the demo's simulator now, serve's later)."""
    return PaymentAccount.objects.create(
        store=store,
        provider=PaymentProvider.SIMULATOR,
        base_url="",
        secret_key=settings.BANPUM_PAYMENTS_SIMULATOR_SECRET_KEY,
        is_active=True,
        updated_at=now,
    )
