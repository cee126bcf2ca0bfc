"""One mapping of HTTP failures for every adapter: the same failure means the same to a job.

Each adapter is driven through its public calls over ``httpx.MockTransport``; whatever the
provider, a timeout, a refused connection, a 404, a 408, a 429, a 5xx or a body that is no JSON
comes back as the same ``GatewayError`` code and retry flag.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from banpum.integrations.carriers.base import GatewayError
from banpum.integrations.carriers.cj_api import CjApi, CjCredentials
from banpum.integrations.carriers.simulator import SimulatorGateway
from banpum.integrations.carriers.tracker_delivery import TrackerDeliveryClient
from banpum.integrations.http import http_send, http_status_error

Handler = Callable[[httpx.Request], httpx.Response]


def _simulator(handler: Handler) -> Any:
    gateway = SimulatorGateway("http://carrier.test", "k", transport=httpx.MockTransport(handler))
    return gateway.track("123456789012")


def _cj(handler: Handler) -> Any:
    api = CjApi("http://cj.test", transport=httpx.MockTransport(handler))
    return api.token(CjCredentials(customer_id="30123456", biz_reg_num="1234567890"))


def _tracker(handler: Handler) -> Any:
    client = TrackerDeliveryClient(
        "id",
        "secret",
        endpoint="http://tracker.test/graphql",
        transport=httpx.MockTransport(handler),
    )
    return client.track("kr.cjlogistics", "123456789012")


ADAPTERS = {"simulator": _simulator, "cj": _cj, "tracker.delivery": _tracker}


def _raise(exc: Exception) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


@pytest.mark.parametrize("adapter", sorted(ADAPTERS))
@pytest.mark.parametrize(
    ("handler", "code", "retryable"),
    [
        (_raise(httpx.ReadTimeout("slow")), "timeout", True),
        (_raise(httpx.ConnectError("refused")), "connection", True),
        (lambda request: httpx.Response(401, text="who are you"), "auth", False),
        (lambda request: httpx.Response(404, text="no such thing"), "not_found", False),
        (lambda request: httpx.Response(408, text="too slow"), "timeout", True),
        (lambda request: httpx.Response(429, text="slow down"), "rate_limited", True),
        (lambda request: httpx.Response(503, text="<html>down</html>"), "http_503", True),
        (lambda request: httpx.Response(200, text="<html>not json</html>"), "bad_response", True),
    ],
)
def test_every_adapter_maps_a_failure_the_same_way(
    adapter: str, handler: Handler, code: str, retryable: bool
) -> None:
    error = ADAPTERS[adapter](handler)

    assert isinstance(error, GatewayError), error
    assert (error.code, error.retryable) == (code, retryable)


def test_an_unusable_url_is_a_config_error_not_retried() -> None:
    with httpx.Client() as client:
        error = http_send(client, "GET", "carrier.test/v1", provider="carrier")

    assert isinstance(error, GatewayError)
    assert (error.code, error.retryable) == ("config", False)


def test_the_providers_own_code_and_words_are_kept_for_a_client_error() -> None:
    response = httpx.Response(409, text="x", request=httpx.Request("GET", "http://c.test"))

    error = http_status_error(
        response, provider="carrier", words="이미 집하됨", provider_code="already_picked_up"
    )

    assert (error.code, error.retryable, error.carrier_words) == (
        "already_picked_up",
        False,
        "이미 집하됨",
    )
