"""The demo store, seeded once for the module that reads it, with its own carrier simulator.

Every seed runs the carrier simulator on a free port with its state file in a temporary
directory (``BANPUM_SIMULATOR_PORT`` and ``VAR_DIR`` overridden), so parallel runs never meet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from banpum.demo.seed import DemoSummary, demo_seed
from tests.demo.helpers import FAST_HASHERS, NOW, ORDERS, RETURNS, Seeded, free_port


@pytest.fixture(autouse=True)
def _isolated(settings: Any, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.BANPUM_SIMULATOR_PORT = free_port()
    settings.VAR_DIR = tmp_path
    # Nothing answers there: each seed runs its own payment simulator, its state in tmp_path.
    settings.BANPUM_PAYMENTS_SIMULATOR_URL = f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="module")
def seeded(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    """One demo store for a whole module, rolled back after it.

    Its tests only read (each in a savepoint of this transaction, as ``db`` gives), so seeding
    once instead of once per test keeps the module fast.
    """
    var_dir, port = tmp_path_factory.mktemp("var"), free_port()
    with (
        override_settings(
            BANPUM_SIMULATOR_PORT=port,
            VAR_DIR=var_dir,
            PASSWORD_HASHERS=FAST_HASHERS,
            BANPUM_PAYMENTS_SIMULATOR_URL=f"http://127.0.0.1:{free_port()}",
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        summary = demo_seed(orders=ORDERS, returns=RETURNS, now=NOW)
        yield Seeded(summary, var_dir, port)
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded: Seeded, db: Any) -> DemoSummary:
    return seeded.summary
