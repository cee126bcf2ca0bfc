"""``banpum insights-build``: incremental by default, --rebuild, --store, and its errors."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from banpum.insights.models import BuildState, OrderDay
from tests.insights.helpers import sell


def test_the_command_builds_and_rebuilds(store: Any, english: None) -> None:
    sell(store, dt.date(2026, 1, 10), ["A"])
    out = StringIO()
    call_command("insights_build", stdout=out)
    assert "1 stores" in out.getvalue()
    assert BuildState.objects.filter(store=store).exists()
    assert OrderDay.objects.get(store=store).lines == 1
    call_command("insights_build", "--rebuild", "--store", store.slug, stdout=StringIO())
    assert OrderDay.objects.get(store=store).lines == 1


def test_an_unknown_store_is_an_error(db: Any, english: None) -> None:
    with pytest.raises(CommandError, match="No store with the slug nowhere"):
        call_command("insights_build", "--store", "nowhere")


def test_the_cli_runs_it_with_a_dash(store: Any) -> None:
    from banpum.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["banpum", "insights-build", "--store", "nowhere"])
    assert exit_.value.code == 1
