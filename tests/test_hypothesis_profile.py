"""The property tests' settings (tests/conftest.py): no deadline, the same examples in CI."""

from __future__ import annotations

from hypothesis import settings

from tests.skip_policy import in_ci


def active() -> settings:
    current = settings.default
    assert current is not None, "no Hypothesis profile loaded"
    return current


def test_no_property_test_has_a_deadline() -> None:
    assert active().deadline is None


def test_ci_draws_the_same_examples_every_run() -> None:
    assert active().derandomize is in_ci()
