"""What commerce asks of the returns app, wired in at start-up.

Commerce sits below returns: it must not import it, even inside a function. Yet an order line's
quantity may not drop below the units returns claim, and the order page shows what is still
returnable, so commerce reads claims through this hook, and the returns app wires its selector
in when Django starts (``ReturnsConfig.ready``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Expression, Value

#: Builds an expression over ``OrderLine`` rows: the units of the line that returns claim.
ClaimedUnits = Callable[[], Expression | Value]


def _nothing_claimed() -> Expression | Value:
    """Without the returns app installed, nothing can claim an order line's units."""
    return Value(0)


_claimed_units: list[ClaimedUnits] = [_nothing_claimed]


def claimed_units_wire(expression: ClaimedUnits) -> None:
    _claimed_units[:] = [expression]


def claimed_units() -> Expression | Value:
    """Annotate order lines with it: units in open or completed returns (0 when none)."""
    return _claimed_units[0]()
