"""Policy decisions per second of the pure ``banpum.policy.rules.decide``.

One process, no database, no Django: a fixed, seeded mix of realistic return requests
(change of mind inside and outside the window, defects with and without photos, exchanges,
orders of 1-5 lines, some ineligible) is decided over and over. After a warm-up, each round
times a bounded number of decisions with ``time.perf_counter``; the figure is the median
round's rate.

The LIMIT beside it, measured in the same run over the same inputs and the same loop, is the
rate of a trivial pure function with decide's signature (it sums the order lines' paid
amounts): the ceiling of one Python call on that data. ``ratio`` = decide / limit.

    .venv/bin/python -m benchmarks.bench_policy [--quick] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import os
import pstats
import random
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from banpum.policy.rules import decide

# The rules document's schema lives beside the API's policy schemas (django-ninja), which read
# Django's settings when imported: name them, as the API benchmark's subprocesses do.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banpum.settings")
from banpum.policy.schemas import PolicyRulesSchema
from banpum.policy.types import (
    Condition,
    LineFacts,
    LineRequest,
    Method,
    OrderFacts,
    PolicyRules,
    Resolution,
    ReturnAsk,
    ReturnType,
)
from benchmarks._common import median

SEED = 20261124
NOW = dt.datetime(2026, 11, 24, 15, 0, tzinfo=ZoneInfo("Asia/Seoul"))


@dataclass(frozen=True)
class Case:
    ask: ReturnAsk
    order: OrderFacts
    lines: Mapping[int, LineFacts]
    rules: PolicyRules
    now: dt.datetime


@dataclass(frozen=True)
class Settings:
    cases: int
    rounds: int
    per_round: int  # decisions timed per round
    warmup: int


QUICK = Settings(cases=500, rounds=5, per_round=3_000, warmup=1_000)
DEFAULT = Settings(cases=1_000, rounds=9, per_round=10_000, warmup=3_000)


def policies() -> list[PolicyRules]:
    """The stock Korean policy, and a seller's tuned one (auto-approval, longer window...)."""
    stock = PolicyRulesSchema().to_rules(1)
    tuned = PolicyRulesSchema.model_validate(
        {
            "change_of_mind_days": 14,
            "non_returnable_categories": ["innerwear", "food"],
            "free_shipping_threshold": 50_000,
            "auto_approval": {
                "enabled": True,
                "max_refund": 100_000,
                "reason_kinds": ["change_of_mind", "defect"],
            },
        }
    ).to_rules(2)
    return [stock, tuned]


CATEGORIES = ["apparel", "apparel", "shoes", "beauty", "electronics", "innerwear", "food"]
PRICES = [9_900, 12_900, 19_800, 29_000, 39_900, 54_000, 89_000, 129_000]


def _order(rng: random.Random, order_id: int) -> tuple[OrderFacts, dict[int, LineFacts]]:
    n_lines = rng.choices([1, 2, 3, 4, 5], weights=[40, 25, 15, 10, 10])[0]
    lines: dict[int, LineFacts] = {}
    for number in range(n_lines):
        line_id = order_id * 10 + number
        quantity = rng.choices([1, 2, 3], weights=[70, 20, 10])[0]
        unit = rng.choice(PRICES)
        discount = rng.choice([0, 0, 0, 1_000, 3_000]) if unit > 10_000 else 0
        claimed = rng.choice([0] * 9 + [1]) if quantity > 1 else 0
        lines[line_id] = LineFacts(
            order_line_id=line_id,
            sku=f"SKU-{rng.randrange(500):05d}",
            category=rng.choice(CATEGORIES),
            returnable=rng.random() > 0.05,
            quantity=quantity,
            delivered_quantity=quantity,
            claimed_quantity=claimed,
            paid_amount=unit * quantity - discount,
        )
    korean = rng.random() < 0.9
    free = rng.random() < 0.3
    shipping = 0 if free else 3_000
    not_delivered = rng.random() < 0.04
    # Most returns are asked for within days of delivery; some come late (window expired).
    days_ago = rng.uniform(0.2, 6.5) if rng.random() < 0.8 else rng.uniform(7, 40)
    delivered_at = None if not_delivered else NOW - dt.timedelta(days=days_ago)
    order = OrderFacts(
        paid_total=sum(line.paid_amount for line in lines.values()) + shipping,
        shipping_fee=shipping,
        free_shipping=free,
        already_refunded=0,
        delivered_at=delivered_at,
        customer_flagged=rng.random() < 0.03,
        country="KR" if korean else "US",
        timezone="Asia/Seoul" if korean else "America/Los_Angeles",
    )
    return order, lines


def _ask(rng: random.Random, lines: Mapping[int, LineFacts]) -> ReturnAsk:
    ids = list(lines)
    chosen = rng.sample(ids, rng.randint(1, len(ids)))
    scenario = rng.choices(
        ["change_of_mind", "exchange", "defect", "seller_fault", "transit", "bad_request"],
        weights=[45, 10, 25, 10, 5, 5],
    )[0]

    def requests(condition: Condition = Condition.UNOPENED) -> tuple[LineRequest, ...]:
        return tuple(
            LineRequest(
                order_line_id=line_id,
                quantity=rng.randint(1, lines[line_id].quantity - lines[line_id].claimed_quantity),
                condition=condition,
            )
            for line_id in chosen
        )

    if scenario == "change_of_mind":
        condition = rng.choices(
            [Condition.UNOPENED, Condition.OPENED, Condition.USED], weights=[60, 35, 5]
        )[0]
        return ReturnAsk(
            type=ReturnType.RETURN,
            reason_code=rng.choice(["change_of_mind", "wrong_option"]),
            resolution=rng.choice([Resolution.REFUND] * 4 + [Resolution.STORE_CREDIT]),
            method=rng.choice([Method.CARRIER_PICKUP] * 3 + [Method.CVS_DROP_OFF]),
            lines=requests(condition),
        )
    if scenario == "exchange":
        return ReturnAsk(
            type=ReturnType.EXCHANGE,
            reason_code="wrong_option",
            resolution=Resolution.EXCHANGE,
            method=Method.CARRIER_PICKUP,
            lines=(LineRequest(order_line_id=chosen[0], quantity=1),),
        )
    if scenario == "defect":
        noticed = NOW - dt.timedelta(days=rng.randint(0, 10)) if rng.random() < 0.5 else None
        return ReturnAsk(
            type=ReturnType.RETURN,
            reason_code=rng.choice(["defective", "missing_parts"]),
            resolution=Resolution.REFUND,
            method=Method.CARRIER_PICKUP,
            lines=requests(Condition.OPENED),
            defect_noticed_at=noticed,
            photo_count=rng.choice([0, 1, 2, 3]),
        )
    if scenario == "seller_fault":
        return ReturnAsk(
            type=ReturnType.RETURN,
            reason_code=rng.choice(["wrong_item", "not_as_described"]),
            resolution=Resolution.REFUND,
            method=Method.CARRIER_PICKUP,
            lines=requests(),
        )
    if scenario == "transit":
        return ReturnAsk(
            type=ReturnType.RETURN,
            reason_code="damaged_in_transit",
            resolution=Resolution.REFUND,
            method=Method.CARRIER_PICKUP,
            lines=requests(Condition.DAMAGED),
            photo_count=2,
        )
    # What clients get wrong: too many units, a line of another order, an unknown reason.
    bad = rng.choice(["too_many", "unknown_line", "unknown_reason"])
    first = chosen[0]
    return ReturnAsk(
        type=ReturnType.RETURN,
        reason_code="lost_interest" if bad == "unknown_reason" else "change_of_mind",
        resolution=Resolution.REFUND,
        method=Method.CARRIER_PICKUP,
        lines=(
            LineRequest(
                order_line_id=first + 7 if bad == "unknown_line" else first,
                quantity=lines[first].quantity + 1 if bad == "too_many" else 1,
            ),
        ),
    )


def make_cases(count: int, seed: int = SEED) -> list[Case]:
    rng = random.Random(seed)
    rules = policies()
    cases = []
    for order_id in range(1, count + 1):
        order, lines = _order(rng, order_id)
        cases.append(
            Case(
                ask=_ask(rng, lines),
                order=order,
                lines=lines,
                rules=rules[1] if order_id % 5 == 0 else rules[0],  # one in five: tuned
                now=NOW,
            )
        )
    return cases


def trivial(
    ask: ReturnAsk,
    *,
    order: OrderFacts,
    lines: Mapping[int, LineFacts],
    rules: PolicyRules,
    now: dt.datetime,
) -> int:
    """The limit: decide's signature, and the least work that still reads every line."""
    return sum(line.paid_amount for line in lines.values())


def _rate(function: Callable[..., Any], cases: list[Case], count: int) -> float:
    """Calls per second of ``function`` over ``count`` cases, cycling through ``cases``."""
    batch = [cases[i % len(cases)] for i in range(count)]
    gc.collect()
    start = time.perf_counter()
    for case in batch:
        function(case.ask, order=case.order, lines=case.lines, rules=case.rules, now=case.now)
    elapsed = time.perf_counter() - start
    return count / elapsed


def mix(cases: list[Case]) -> dict[str, Any]:
    """What the inputs look like once decided: outcomes, line counts, problem codes."""
    decisions = [
        decide(c.ask, order=c.order, lines=c.lines, rules=c.rules, now=c.now) for c in cases
    ]
    problems = Counter(p.code for d in decisions for p in d.all_problems)
    return {
        "cases": len(cases),
        "outcomes": dict(Counter(d.outcome.value for d in decisions)),
        "eligible_share": round(sum(d.eligible for d in decisions) / len(cases), 3),
        "order_lines": dict(sorted(Counter(len(c.lines) for c in cases).items())),
        "asked_lines": dict(sorted(Counter(len(c.ask.lines) for c in cases).items())),
        "problems": dict(problems.most_common()),
    }


def run(quick: bool = False) -> dict[str, Any]:
    settings = QUICK if quick else DEFAULT
    cases = make_cases(settings.cases)
    _rate(decide, cases, settings.warmup)  # fills the holiday cache, warms the interpreter
    _rate(trivial, cases, settings.warmup)
    decide_rates: list[float] = []
    limit_rates: list[float] = []
    for _ in range(settings.rounds):
        # Interleaved, so a noisy neighbour slows both figures, not only one.
        decide_rates.append(_rate(decide, cases, settings.per_round))
        limit_rates.append(_rate(trivial, cases, settings.per_round))
    value = median(decide_rates)
    limit = median(limit_rates)
    return {
        "decisions_per_s": round(value),
        "us_per_decision": round(1e6 / value, 2),
        "limit_calls_per_s": round(limit),
        "ratio": round(value / limit, 4),
        "rounds": settings.rounds,
        "decisions_per_round": settings.per_round,
        "round_rates": [round(r) for r in decide_rates],
        "limit_round_rates": [round(r) for r in limit_rates],
        "spread": round((max(decide_rates) - min(decide_rates)) / value, 3),
        "mix": mix(cases),
    }


def profile(count: int = 20_000, top: int = 20) -> str:
    """cProfile of ``count`` decisions: the functions decide spends its time in."""
    cases = make_cases(1_000)
    _rate(decide, cases, 2_000)
    profiler = cProfile.Profile()
    profiler.enable()
    _rate(decide, cases, count)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(top)
    return stream.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and decisions")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of decide")
    args = parser.parse_args()
    if args.profile:
        print(profile())
        return
    print(json.dumps(run(quick=args.quick), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
