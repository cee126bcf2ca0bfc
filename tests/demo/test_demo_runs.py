"""``banpum demo`` as a command, and beside a ``banpum serve`` already running: fresh seeds."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from banpum.accounts.services import api_key_authenticate
from banpum.demo.logistics import CARRIER_API_KEY
from banpum.demo.payments import STATE_FILE as PAYMENT_STATE_FILE
from banpum.demo.returns import MIN_RETURNS
from banpum.demo.seed import DEMO_API_KEY, DemoRefused, demo_seed
from banpum.demo.simulator import STATE_FILE, SimulatorError
from banpum.integrations.carriers.simulator_server import CarrierSimulator, SimulatorConfig
from banpum.integrations.payments.simulator_server import PaymentSimulator, PaymentSimulatorConfig
from banpum.logistics.models import OutboundShipment, Pickup, PickupStatus
from banpum.returns.models import ReturnRequest, ReturnStatus
from banpum.returns.transitions import MOMENTARY
from banpum.settlement.models import Refund
from tests.demo.helpers import NOW, row_counts
from tests.factories import StoreFactory


@pytest.mark.django_db
def test_command_today_then_already_present(settings: Any) -> None:
    out = StringIO()
    call_command("demo", orders=120, returns=MIN_RETURNS, stdout=out)
    first = out.getvalue()
    assert "created" in first
    assert DEMO_API_KEY in first
    assert "admin / banpum-demo" in first
    assert "login cs2 / banpum-demo  (created)  [demo-2: cs_agent]" in first
    assert "second store demo-2" in first
    assert "for the demo only" in first
    assert set(ReturnRequest.objects.values_list("status", flat=True)) == (
        set(ReturnStatus.values) - MOMENTARY
    )
    assert set(Pickup.objects.values_list("status", flat=True)) == set(PickupStatus.values)
    assert "skipped" not in first
    port = settings.BANPUM_SIMULATOR_PORT
    assert f"booked on the carrier simulator at http://127.0.0.1:{port}" in first
    assert re.search(r"pickups \d+: requested \d+, accepted \d+, picked_up", first)
    assert re.search(r"refunds \d+: pending \d+, paid \d+, .*원 refunded", first)
    assert "payments confirmed and cancelled on the payment simulator at http://127.0.0.1:" in (
        first
    )

    before = row_counts()
    out = StringIO()
    call_command("demo", orders=120, returns=MIN_RETURNS, stdout=out)
    assert "demo data already present" in out.getvalue()
    assert row_counts() == before


@pytest.mark.django_db
def test_books_on_a_simulator_already_running(settings: Any, db: Any) -> None:
    """`banpum serve` runs: the demo books on its simulators and leaves their settings as found."""
    running = CarrierSimulator(port=settings.BANPUM_SIMULATOR_PORT, config=SimulatorConfig())
    running.start()
    payments = PaymentSimulator(
        port=0,
        config=PaymentSimulatorConfig(secret_key=settings.BANPUM_PAYMENTS_SIMULATOR_SECRET_KEY),
    ).start()
    settings.BANPUM_PAYMENTS_SIMULATOR_URL = payments.base_url
    try:
        summary = demo_seed(orders=120, returns=MIN_RETURNS, now=NOW)
        assert summary.problems == []
        assert summary.simulator_url == running.base_url
        assert summary.simulator_state is None
        assert not (Path(settings.VAR_DIR) / STATE_FILE).exists()
        # The orders were paid, and the refunds the demo paid cancelled, on serve's simulator.
        assert summary.payments_url == payments.base_url
        assert summary.payments_state is None
        assert not (Path(settings.VAR_DIR) / PAYMENT_STATE_FILE).exists()
        stats = payments.stats()["payments"]
        paid = Refund.objects.filter(method="original_payment", status="paid")
        assert paid.exists()
        for refund in paid:
            assert stats[refund.payment_key]["cancelled_amount"] >= refund.amount
        assert summary.simulator_notes == [
            "no app address given: the demo account's tracking webhook is not registered"
        ]
        assert running.config == SimulatorConfig()  # speed, faults and stamps given back
        response = httpx.get(
            f"{running.base_url}/v1/pickups",
            headers={"Authorization": f"Bearer {CARRIER_API_KEY}"},
        )
        waybills = {row["waybill_number"] for row in response.json()["pickups"]}
        booked = Pickup.objects.filter(manual=False).exclude(waybill_number="")
        parcels = OutboundShipment.objects.exclude(waybill_number="")  # exchanges' replacements
        assert waybills == set(booked.values_list("waybill_number", flat=True)) | set(
            parcels.values_list("waybill_number", flat=True)
        )
        assert set(Pickup.objects.values_list("status", flat=True)) == set(PickupStatus.values)
    finally:
        running.stop()
        payments.stop()


@pytest.mark.django_db
def test_no_simulator_no_demo(settings: Any) -> None:
    """Another web server answers on the simulator's port: say so, and write nothing."""
    before = row_counts()
    squatter = ThreadingHTTPServer(
        ("127.0.0.1", settings.BANPUM_SIMULATOR_PORT), BaseHTTPRequestHandler
    )  # answers 501 to everything
    thread = threading.Thread(target=squatter.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(SimulatorError, match="not the carrier simulator"):
            demo_seed(orders=120, returns=MIN_RETURNS, now=NOW)
    finally:
        squatter.shutdown()
        squatter.server_close()
        thread.join()
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("foreign", ["store", "user"])
@pytest.mark.usefixtures("english")
def test_a_database_with_real_data_gets_no_demo(foreign: str) -> None:
    """The published password and key never go beside a real store or user; exit 0 all the same."""
    if foreign == "store":
        StoreFactory(slug="acme")
        expected = "a store that is not the demo's ('acme')"
    else:
        get_user_model().objects.create_superuser("alice", "alice@example.com", "s3cret-pw!")
        expected = "a user who is not a demo login ('alice')"
    before = row_counts()
    out, err = StringIO(), StringIO()
    call_command("demo", orders=120, returns=MIN_RETURNS, stdout=out, stderr=err)  # no SystemExit
    assert "nothing installed" in err.getvalue()
    assert expected in err.getvalue()
    assert DEMO_API_KEY not in out.getvalue() + err.getvalue()
    assert row_counts() == before
    assert api_key_authenticate(DEMO_API_KEY) is None
    assert not get_user_model().objects.filter(username__in=["admin", "cs"]).exists()
    with pytest.raises(DemoRefused):
        demo_seed(orders=120, returns=MIN_RETURNS, now=NOW)
