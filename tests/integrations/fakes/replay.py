"""Replay recorded request/response pairs through ``httpx.MockTransport``, asserting each request.

A fixture file holds one exchange::

    {"request": {"method": "POST", "path": "/RegBook",
                 "headers": {"CJ-Gateway-APIKey": "tok", "Other": null},
                 "body": {"DATA": {"CUST_USE_NO": "pk-1", ...}}},
     "response": {"status": 200, "body": {...}}}        # or {"error": "timeout" | "connect"}

Matching rules: method and path exactly; every listed header equal (``null`` = must be
absent); the body is a *subset* match (every key given must be there with an equal value,
recursively; lists must have the same length and match element by element), so a fixture
lists the fields that matter and nothing else. Requests must come in the fixtures' order, and
``assert_done()`` fails if one was never sent.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def load(name: str) -> dict[str, Any]:
    """``load("cj/token")`` → the exchange in ``fixtures/cj/token.json`` (a fresh copy)."""
    with (FIXTURES / f"{name}.json").open(encoding="utf-8") as handle:
        exchange: dict[str, Any] = json.load(handle)
    return copy.deepcopy(exchange)


def assert_subset(expected: Any, actual: Any, where: str = "body") -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} missing (have {sorted(actual)})"
            assert_subset(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), (
            f"{where}: {len(actual)} items, expected {len(expected)}"
        )
        for index, (want, have) in enumerate(zip(expected, actual, strict=True)):
            assert_subset(want, have, f"{where}[{index}]")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


class Replay:
    """The handler for ``httpx.MockTransport``; also records what was sent."""

    def __init__(self, *exchanges: dict[str, Any]) -> None:
        self.pending = list(exchanges)
        self.sent: list[httpx.Request] = []

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        label = f"request #{len(self.sent)} {request.method} {request.url.path}"
        assert self.pending, f"unexpected {label}: no fixture left"
        exchange = self.pending.pop(0)
        expected = exchange["request"]

        assert request.method == expected.get("method", "POST"), label
        assert request.url.path == expected["path"], f"{label}, expected {expected['path']}"
        for name, value in (expected.get("headers") or {}).items():
            if value is None:
                assert name not in request.headers, f"{label}: header {name} must be absent"
            else:
                assert request.headers.get(name) == value, (
                    f"{label}: header {name}={request.headers.get(name)!r}, expected {value!r}"
                )
        if "body" in expected:
            assert_subset(expected["body"], json.loads(request.content), f"{label} body")

        response = exchange["response"]
        if response.get("error") == "timeout":
            raise httpx.ReadTimeout("fixture: read timed out", request=request)
        if response.get("error") == "connect":
            raise httpx.ConnectError("fixture: connection refused", request=request)
        if "body" in response and not isinstance(response["body"], str):
            return httpx.Response(response["status"], json=response["body"])
        return httpx.Response(response["status"], text=response.get("body", ""))

    def assert_done(self) -> None:
        left = [exchange["request"]["path"] for exchange in self.pending]
        assert not left, f"fixtures never requested: {left}"
