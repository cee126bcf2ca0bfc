"""Return numbers: what they are made of and how a typed or scanned one is read."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest

from banpum.returns.numbers import ALPHABET, return_number_new, return_number_normalize

NOW = dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)  # 1 December 01:00 in Seoul


def test_store_code_store_month_and_six_unambiguous_characters() -> None:
    number = return_number_new(store_code="DM", now=NOW, timezone="Asia/Seoul")
    assert re.fullmatch(r"DM-2612-[0-9A-HJKMNP-TV-Z]{6}", number)
    assert not set("ILOU") & set(ALPHABET)


def test_numbers_are_not_a_sequence() -> None:
    drawn = {return_number_new(store_code="SH01", now=NOW, timezone="UTC") for _ in range(200)}
    assert len(drawn) == 200


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("DM-2611-7K3Q9X", "DM-2611-7K3Q9X"),
        ("dm-2611-7k3q9x", "DM-2611-7K3Q9X"),
        ("DM26117K3Q9X", "DM-2611-7K3Q9X"),
        (" dm 2611 7k3q9x ", "DM-2611-7K3Q9X"),
        ("SH01-2611-O0IL9X", "SH01-2611-00119X"),
        ("R2611-0000123", "R2611-0000123"),
        ("nothing like it", "NOTHING LIKE IT"),
    ],
)
def test_normalize(typed: str, stored: str) -> None:
    assert return_number_normalize(typed) in (stored, typed.strip().upper())
    if re.fullmatch(r"[A-Z0-9]{2,4}-\d{4}-[0-9A-Z]{6}", stored):
        assert return_number_normalize(typed) == stored


def test_store_codes_are_backfilled_from_slugs() -> None:
    migration = importlib.import_module("banpum.commerce.migrations.0004_store_code")
    assert migration._candidates("demo-mall")[0] == "DM"
    assert migration._candidates("shop")[0] == "SHOP"
    assert migration._candidates("x")[0] == "XS"
    assert all(re.fullmatch(r"[A-Z0-9]{2,4}", c) for c in migration._candidates("a-b-c-d-e-f"))
