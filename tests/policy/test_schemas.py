"""The stored policy document: defaults, validation and conversion to the engine's rules."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from banpum.policy.schemas import DEFAULT_REASONS, PolicyRulesSchema, default_rules_document
from banpum.policy.types import (
    AutoApproval,
    Condition,
    FaultSide,
    FeeCollection,
    Method,
    PolicyRules,
    Reason,
    ReasonKind,
    Resolution,
)


def test_default_document_is_plain_json() -> None:
    document = default_rules_document()
    assert json.loads(json.dumps(document)) == document
    assert document["change_of_mind_days"] == 7
    assert document["blocked_conditions"] == ["used", "damaged"]
    assert document["exchange_fee"] is None
    assert document["auto_approval"] == {
        "enabled": False,
        "max_refund": None,
        "reason_kinds": [],
        "methods": [],
    }
    assert [reason["code"] for reason in document["reasons"]] == [
        "change_of_mind",
        "wrong_option",
        "defective",
        "missing_parts",
        "wrong_item",
        "not_as_described",
        "damaged_in_transit",
    ]


def test_default_document_round_trips() -> None:
    document = default_rules_document()
    assert PolicyRulesSchema.model_validate(document).model_dump(mode="json") == document
    text = json.dumps(document, sort_keys=True)
    assert PolicyRulesSchema.model_validate_json(text).model_dump(mode="json") == document


def test_default_rules_follow_korean_law_and_practice() -> None:
    rules = PolicyRulesSchema.model_validate(default_rules_document()).to_rules(version=4)
    assert rules == PolicyRules(
        version=4,
        reasons=rules.reasons,
        change_of_mind_days=7,
        defect_months=3,
        defect_known_days=30,
        non_returnable_categories=frozenset(),
        non_returnable_skus=frozenset(),
        blocked_conditions=frozenset({Condition.USED, Condition.DAMAGED}),
        return_shipping_fee=3000,
        outbound_shipping_fee=3000,
        exchange_fee=None,
        free_shipping_threshold=None,
        allowed_resolutions=frozenset(Resolution),
        allowed_methods=frozenset(Method),
        default_fee_collection=FeeCollection.DEDUCT_FROM_REFUND,
        refund_business_days=3,
        auto_approval=AutoApproval(),
    )
    assert rules.reason("defective") == Reason(
        "defective", "상품 불량", "Defective item", ReasonKind.DEFECT, FaultSide.SELLER, True
    )
    assert rules.reason("damaged_in_transit") == Reason(
        "damaged_in_transit",
        "배송 중 파손",
        "Damaged in transit",
        ReasonKind.DAMAGED_IN_TRANSIT,
        FaultSide.CARRIER,
        True,
    )
    assert rules.reason("nope") is None


def test_only_change_of_mind_reasons_are_the_buyers_cost_by_default() -> None:
    for reason in DEFAULT_REASONS:
        assert (reason["fault"] == "buyer") == (reason["kind"] == "change_of_mind"), reason


def test_to_rules_converts_every_field() -> None:
    schema = PolicyRulesSchema.model_validate(
        {
            "change_of_mind_days": 14,
            "defect_months": 6,
            "defect_known_days": 60,
            "non_returnable_categories": ["food", "innerwear"],
            "non_returnable_skus": ["GIFT-CARD"],
            "blocked_conditions": ["used", "tags_removed"],
            "return_shipping_fee": 3500,
            "outbound_shipping_fee": 2500,
            "exchange_fee": 7000,
            "free_shipping_threshold": 50_000,
            "allowed_resolutions": ["refund", "exchange"],
            "allowed_methods": ["carrier_pickup", "cvs_drop_off"],
            "default_fee_collection": "enclose_in_box",
            "refund_business_days": 2,
            "auto_approval": {
                "enabled": True,
                "max_refund": 100_000,
                "reason_kinds": ["change_of_mind", "defect"],
                "methods": ["carrier_pickup"],
            },
            "reasons": [
                {
                    "code": "bored",
                    "label_ko": "그냥",
                    "label_en": "Just because",
                    "kind": "change_of_mind",
                    "fault": "buyer",
                }
            ],
        }
    )
    rules = schema.to_rules(version=9)
    assert rules == PolicyRules(
        version=9,
        reasons=(
            Reason("bored", "그냥", "Just because", ReasonKind.CHANGE_OF_MIND, FaultSide.BUYER),
        ),
        change_of_mind_days=14,
        defect_months=6,
        defect_known_days=60,
        non_returnable_categories=frozenset({"food", "innerwear"}),
        non_returnable_skus=frozenset({"GIFT-CARD"}),
        blocked_conditions=frozenset({Condition.USED, Condition.TAGS_REMOVED}),
        return_shipping_fee=3500,
        outbound_shipping_fee=2500,
        exchange_fee=7000,
        free_shipping_threshold=50_000,
        allowed_resolutions=frozenset({Resolution.REFUND, Resolution.EXCHANGE}),
        allowed_methods=frozenset({Method.CARRIER_PICKUP, Method.CVS_DROP_OFF}),
        default_fee_collection=FeeCollection.ENCLOSE_IN_BOX,
        refund_business_days=2,
        auto_approval=AutoApproval(
            enabled=True,
            max_refund=100_000,
            reason_kinds=frozenset({ReasonKind.CHANGE_OF_MIND, ReasonKind.DEFECT}),
            methods=frozenset({Method.CARRIER_PICKUP}),
        ),
    )
    assert isinstance(rules.reasons[0].kind, ReasonKind)
    assert hash(rules)  # frozen and hashable: the selectors cache it


def errors(document: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        PolicyRulesSchema.model_validate(document)
    return [
        (".".join(str(part) for part in error["loc"]), error["type"])
        for error in caught.value.errors()
    ]


@pytest.mark.parametrize(
    ("document", "location"),
    [
        ({"change_of_mind_days": -1}, "change_of_mind_days"),
        ({"change_of_mind_days": 366}, "change_of_mind_days"),
        ({"defect_months": 37}, "defect_months"),
        ({"defect_known_days": -1}, "defect_known_days"),
        ({"return_shipping_fee": -1}, "return_shipping_fee"),
        ({"outbound_shipping_fee": -3000}, "outbound_shipping_fee"),
        ({"exchange_fee": -1}, "exchange_fee"),
        ({"free_shipping_threshold": -1}, "free_shipping_threshold"),
        ({"refund_business_days": 31}, "refund_business_days"),
        ({"auto_approval": {"max_refund": -1}}, "auto_approval.max_refund"),
        ({"blocked_conditions": ["soggy"]}, "blocked_conditions.0"),
        ({"allowed_methods": ["drone"]}, "allowed_methods.0"),
        ({"allowed_methods": []}, "allowed_methods"),
        ({"allowed_resolutions": []}, "allowed_resolutions"),
        ({"default_fee_collection": "cash"}, "default_fee_collection"),
        ({"auto_approval": {"surprise": True}}, "auto_approval.surprise"),
        ({"unknown_key": 1}, "unknown_key"),
    ],
)
def test_bad_values_are_refused_by_field(document: dict[str, Any], location: str) -> None:
    assert location in [loc for loc, _ in errors(document)]


@pytest.mark.parametrize("value", [True, "3000", 3000.0, 3000.5, None])
def test_money_is_a_plain_integer(value: object) -> None:
    assert [loc for loc, _ in errors({"return_shipping_fee": value})] == ["return_shipping_fee"]


def test_a_fee_of_zero_is_allowed() -> None:
    rules = PolicyRulesSchema.model_validate(
        {"return_shipping_fee": 0, "exchange_fee": 0}
    ).to_rules(1)
    assert (rules.return_shipping_fee, rules.exchange_fee) == (0, 0)


def reason(code: str, **overrides: Any) -> dict[str, Any]:
    return {
        "code": code,
        "label_ko": "사유",
        "label_en": "Reason",
        "kind": "defect",
        "fault": "seller",
        **overrides,
    }


def test_reason_codes_must_be_unique() -> None:
    with pytest.raises(ValidationError, match="duplicate codes broken"):
        PolicyRulesSchema.model_validate({"reasons": [reason("broken"), reason("broken")]})


def test_reason_catalogue_cannot_be_empty() -> None:
    with pytest.raises(ValidationError, match="at least one reason"):
        PolicyRulesSchema.model_validate({"reasons": []})


@pytest.mark.parametrize(
    ("overrides", "location"),
    [
        ({"code": "Broken"}, "reasons.0.code"),
        ({"code": "has space"}, "reasons.0.code"),
        ({"code": ""}, "reasons.0.code"),
        ({"code": "x" * 41}, "reasons.0.code"),
        ({"label_ko": ""}, "reasons.0.label_ko"),
        ({"kind": "boredom"}, "reasons.0.kind"),
        ({"fault": "nobody"}, "reasons.0.fault"),
        ({"extra": 1}, "reasons.0.extra"),
    ],
)
def test_bad_reasons_are_refused(overrides: dict[str, Any], location: str) -> None:
    bad = {**reason("ok"), **overrides}
    assert location in [loc for loc, _ in errors({"reasons": [bad]})]
