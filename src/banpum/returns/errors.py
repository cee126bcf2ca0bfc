"""Errors the returns services raise, with the codes API clients can branch on."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext

from banpum.core.errors import ValidationFailed
from banpum.policy.texts import problem_out
from banpum.policy.types import Problem

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
        """The problems in the request's language; their codes and params stay for clients."""
        shown = [problem_out(problem) for problem in problems]
        fields: dict[str, list[str]] = {}
        for problem in shown:
            fields.setdefault(problem["field"] or "__all__", []).append(problem["message"])
        message = shown[0]["message"] if shown else gettext("The return is not eligible.")
        return cls(message, extra={"fields": fields, "problems": shown})
