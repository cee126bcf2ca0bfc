"""Which carrier account collects a return, and the reason shown to CS: pure, no database."""

from __future__ import annotations

import pytest

from banpum.logistics.selection import AccountOption, RuleOption, choose_carrier

CJ = AccountOption(1, "CJ 반품", linked=True, is_default=True, cheapest_fare=3500)
EPOST = AccountOption(2, "우체국 제주", linked=True, is_default=False, cheapest_fare=4000)
HANJIN = AccountOption(3, "한진 대형", linked=False, is_default=False, cheapest_fare=3000)
ACCOUNTS = (CJ, EPOST, HANJIN)

JEJU = RuleOption(10, priority=10, account_id=2, postcode_prefixes=("63",), note="제주")
DEFECTS = RuleOption(20, priority=20, account_id=1, reason_codes=("defective", "damaged"))
LARGE = RuleOption(30, priority=30, account_id=3, box_sizes=("large", "xl"))


def choose(
    *,
    rules: tuple[RuleOption, ...] = (JEJU, DEFECTS, LARGE),
    accounts: tuple[AccountOption, ...] = ACCOUNTS,
    postcode: str = "06236",
    reason: str = "change_of_mind",
    box: str = "small",
) -> tuple[int, str] | None:
    choice = choose_carrier(
        accounts=accounts, rules=rules, postcode=postcode, reason_code=reason, box_size=box
    )
    return (choice.account_id, choice.reason) if choice else None


def test_a_postcode_rule_routes_jeju_and_says_why() -> None:
    assert choose(postcode="63100") == (
        2,
        "rule 10 (제주): postcode starts with 63 → 우체국 제주",
    )


def test_a_reason_rule() -> None:
    assert choose(reason="defective") == (1, "rule 20: reason defective → CJ 반품")


def test_a_box_size_rule() -> None:
    assert choose(box="xl") == (3, "rule 30: box size xl → 한진 대형")


def test_the_first_matching_rule_by_priority_wins_whatever_the_list_order() -> None:
    # A Jeju return of a damaged item in a large box matches all three rules.
    chosen = choose(rules=(LARGE, DEFECTS, JEJU), postcode="63001", reason="damaged", box="large")
    assert chosen == (2, "rule 10 (제주): postcode starts with 63 → 우체국 제주")
    same_priority = (
        RuleOption(41, priority=5, account_id=3, reason_codes=("defective",)),
        RuleOption(40, priority=5, account_id=1, reason_codes=("defective",)),
    )
    # Equal priorities: the older rule (smaller id) first.
    assert choose(rules=same_priority, reason="defective") == (
        1,
        "rule 5: reason defective → CJ 반품",
    )


def test_every_condition_of_a_rule_must_hold() -> None:
    both = RuleOption(50, priority=1, account_id=3, postcode_prefixes=("63",), box_sizes=("xl",))
    default = (1, "the store's default carrier → CJ 반품")
    assert choose(rules=(both,), postcode="63100", box="small") == default  # not the rule
    assert choose(rules=(both,), postcode="06236", box="xl") == default
    assert choose(rules=(both,), postcode="63100", box="xl") == (
        3,
        "rule 1: postcode starts with 63, box size xl → 한진 대형",
    )


def test_a_rule_without_conditions_matches_every_return() -> None:
    catch_all = RuleOption(60, priority=99, account_id=2)
    assert choose(rules=(catch_all,)) == (2, "rule 99: matches every return → 우체국 제주")


def test_a_rule_for_an_inactive_or_foreign_account_is_skipped() -> None:
    # The selector passes active accounts only; a rule pointing elsewhere must not win.
    orphan = RuleOption(70, priority=1, account_id=99, postcode_prefixes=("06",))
    assert choose(rules=(orphan,)) == (1, "the store's default carrier → CJ 반품")


def test_without_a_matching_rule_the_default_account() -> None:
    assert choose() == (1, "the store's default carrier → CJ 반품")


def test_without_a_default_the_cheapest_fare() -> None:
    no_default = tuple(
        AccountOption(a.account_id, a.name, a.linked, False, a.cheapest_fare) for a in ACCOUNTS
    )
    assert choose(accounts=no_default, rules=()) == (3, "cheapest fare (3,000) → 한진 대형")


def test_cheapest_ties_go_to_the_older_account_and_unpriced_ones_are_ignored() -> None:
    accounts = (
        AccountOption(7, "B", True, False, 3000),
        AccountOption(5, "A", True, False, 3000),
        AccountOption(4, "unpriced", True, False, None),
    )
    assert choose(accounts=accounts, rules=()) == (5, "cheapest fare (3,000) → A")


def test_without_fares_the_only_or_first_account() -> None:
    accounts = (AccountOption(9, "X", False, False, None), AccountOption(8, "Y", True, False, None))
    assert choose(accounts=accounts, rules=()) == (8, "the only carrier configured → Y")


@pytest.mark.parametrize("rules", [(), (JEJU, DEFECTS, LARGE)])
def test_no_account_no_choice(rules: tuple[RuleOption, ...]) -> None:
    assert choose(accounts=(), rules=rules) is None
