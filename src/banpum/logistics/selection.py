"""Which carrier account collects a return, and why: a pure function over the store's rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class AccountOption:
    account_id: int
    name: str
    linked: bool
    is_default: bool
    cheapest_fare: int | None  # the smallest box fare, when the contract lists fares


@dataclass(frozen=True)
class RuleOption:
    rule_id: int
    priority: int
    account_id: int
    postcode_prefixes: tuple[str, ...] = ()
    reason_codes: tuple[str, ...] = ()
    box_sizes: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Choice:
    account_id: int
    reason: str


def choose_carrier(
    *,
    accounts: Sequence[AccountOption],
    rules: Sequence[RuleOption],
    postcode: str,
    reason_code: str,
    box_size: str,
) -> Choice | None:
    """First matching rule by priority, else the store's default, else the cheapest fare."""
    by_id = {account.account_id: account for account in accounts}
    for rule in sorted(rules, key=lambda r: (r.priority, r.rule_id)):
        account = by_id.get(rule.account_id)
        if account is None:
            continue
        matched: list[str] = []
        if rule.postcode_prefixes:
            prefix = next((p for p in rule.postcode_prefixes if postcode.startswith(p)), None)
            if prefix is None:
                continue
            matched.append(f"postcode starts with {prefix}")
        if rule.reason_codes:
            if reason_code not in rule.reason_codes:
                continue
            matched.append(f"reason {reason_code}")
        if rule.box_sizes:
            if box_size not in rule.box_sizes:
                continue
            matched.append(f"box size {box_size}")
        why = ", ".join(matched) or "matches every return"
        note = f" ({rule.note})" if rule.note else ""
        return Choice(account.account_id, f"rule {rule.priority}{note}: {why} → {account.name}")
    default = next((a for a in accounts if a.is_default), None)
    if default is not None:
        return Choice(default.account_id, f"the store's default carrier → {default.name}")
    priced = [a for a in accounts if a.cheapest_fare is not None]
    if priced:
        cheapest = min(priced, key=lambda a: (a.cheapest_fare, a.account_id))
        return Choice(
            cheapest.account_id, f"cheapest fare ({cheapest.cheapest_fare:,}) → {cheapest.name}"
        )
    if accounts:
        first = min(accounts, key=lambda a: a.account_id)
        return Choice(first.account_id, f"the only carrier configured → {first.name}")
    return None
