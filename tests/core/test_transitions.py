"""The lifecycle machinery the job-driven rows share: a table refuses a pair given twice."""

from __future__ import annotations

from enum import StrEnum

import pytest

from banpum.core.transitions import transition_table


class Light(StrEnum):
    RED = "red"
    GREEN = "green"


class Go(StrEnum):
    GO = "go"


def test_a_pair_given_twice_is_refused() -> None:
    assert transition_table(((Light.RED, Go.GO, Light.GREEN),)) == {("red", "go"): "green"}
    with pytest.raises(RuntimeError, match="duplicate"):
        transition_table(((Light.RED, Go.GO, Light.GREEN), (Light.RED, Go.GO, Light.RED)))
