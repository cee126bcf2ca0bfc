"""The one mapping from an HTTP call's failures to ``GatewayError``, used by every adapter.

Jobs decide between "retry with backoff" and "hand to CS" on ``GatewayError.retryable``
alone, so a timeout, a refused connection, a 503 or an unreadable body must mean the same to
every provider. Adapters add only what is theirs: the provider's name in messages, and its own
error code from a 4xx body (``provider_code``).

- unusable URL (blank, no scheme): ``config``, not retryable: no retry fixes a setting;
- timeout: ``timeout``, retryable (the call may have landed: retries carry idempotency keys);
- any other transport error (refused, reset, DNS, TLS): ``connection``, retryable;
- 401/403 ``auth`` and 404 ``not_found``, not retryable; 408 ``timeout``, 429
  ``rate_limited`` and 5xx ``http_<status>``, retryable; any other status ``http_<status>``
  (or the provider's own code), not retryable;
- a success without the JSON object expected: ``bad_response``, retryable.
"""

from __future__ import annotations

from typing import Any

import httpx

from banpum.integrations.carriers.base import GatewayError


def http_send(
    client: httpx.Client, method: str, url: str, *, provider: str, **kwargs: Any
) -> httpx.Response | GatewayError:
    """``client.request(...)``, or the ``GatewayError`` its transport failure means."""
    try:
        return client.request(method, url, **kwargs)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        return GatewayError(
            code="config",
            message=f"{provider}: URL {url!r} is not usable ({type(exc).__name__}: {exc})",
            retryable=False,
        )
    except httpx.TimeoutException as exc:
        return GatewayError(
            code="timeout",
            message=f"{provider} did not answer in time ({type(exc).__name__})",
            retryable=True,
        )
    except httpx.HTTPError as exc:
        return GatewayError(
            code="connection",
            message=f"{provider} unreachable: {type(exc).__name__}: {exc}",
            retryable=True,
        )


def http_status_error(
    response: httpx.Response, *, provider: str, words: str = "", provider_code: str = ""
) -> GatewayError:
    """The ``GatewayError`` of a non-success answer; ``words`` are the provider's own."""
    status = response.status_code
    words = words or response.text[:500] or response.reason_phrase
    if status in (401, 403):
        code, retryable = "auth", False
    elif status == 404:
        code, retryable = "not_found", False
    elif status == 408:
        code, retryable = "timeout", True
    elif status == 429:
        code, retryable = "rate_limited", True
    elif status >= 500:
        code, retryable = f"http_{status}", True
    else:
        code, retryable = provider_code or f"http_{status}", False
    detail = f" ({provider_code})" if provider_code else ""
    return GatewayError(
        code=code,
        message=f"{provider} answered {status}{detail}: {words}"[:1000],
        retryable=retryable,
        carrier_words=words,
    )


def http_json(response: httpx.Response) -> Any:
    """The body as JSON, or None when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return None


def http_json_object(response: httpx.Response, *, provider: str) -> dict[str, Any] | GatewayError:
    """The body of a success as a JSON object, or ``bad_response`` (retryable)."""
    body = http_json(response)
    if isinstance(body, dict):
        return body
    return GatewayError(
        code="bad_response",
        message=f"{provider} answered {response.status_code} without a JSON object",
        retryable=True,
        carrier_words=response.text[:500],
    )
