"""Errors the returns services raise, with the codes API clients can branch on."""

from __future__ import annotations

from collections.abc import Iterable

from banpum.core.errors import ValidationFailed
from banpum.policy.types import Problem, as_json

# Problems no one may override: they would claim units that are not there.
HARD_PROBLEMS = frozenset(
    {
        "unknown_line",
        "invalid_quantity",
        "quantity_exceeds_available",
        "duplicate_line",
        "no_lines",
        "unknown_reason",
        "type_resolution_mismatch",
        "not_delivered",
    }
)


class NotEligible(ValidationFailed):
    default_code = "not_eligible"

    @classmethod
    def from_problems(cls, problems: Iterable[Problem]) -> NotEligible:
        problems = list(problems)
        fields: dict[str, list[str]] = {}
        for problem in problems:
            fields.setdefault(problem.field or "__all__", []).append(problem.message)
        message = problems[0].message if problems else "The return is not eligible."
        return cls(
            message,
            extra={"fields": fields, "problems": [as_json(p) for p in problems]},
        )
