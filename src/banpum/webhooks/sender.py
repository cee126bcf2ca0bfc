"""One HTTP attempt of a webhook: POST the signed body to the checked address, time it, keep
the start of the answer. Never raises for what the network or the receiver does.

The connection goes to ``Target.address`` (checked by ``webhooks.addresses`` just before),
while the Host header and the TLS server name (and so the certificate check) stay the URL's
host. Redirects are not followed (Standard Webhooks: a 3xx is a failure; the merchant updates
the URL), proxies from the environment are ignored (they would resolve the name again), and
only the first ``RESPONSE_KEEP_BYTES`` of the answer are read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from banpum.webhooks.addresses import Target

RESPONSE_KEEP_BYTES = 2048
USER_AGENT = "Banpum-Webhooks/1.0"


@dataclass(frozen=True)
class SendResult:
    status_code: int | None  # None: no answer (timeout, refused, reset, TLS)
    duration_ms: int
    error_code: str = ""  # timeout, connection, tls; empty when the receiver answered
    error: str = ""
    response_body: str = ""  # the start of the answer, decoded leniently
    retry_after_seconds: int | None = None  # the receiver's Retry-After, in seconds

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _host_header(target: Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


def _retry_after(response: httpx.Response) -> int | None:
    value = response.headers.get("retry-after", "").strip()
    if value.isascii() and value.isdigit() and len(value) <= 6:
        return int(value)
    return None  # an HTTP date, or nothing: our own schedule decides


def _read_start(response: httpx.Response, deadline: float) -> str:
    """The start of the answer's body; what arrived before a slow or broken body failed."""
    kept = b""
    try:
        for chunk in response.iter_bytes():
            kept += chunk
            if len(kept) >= RESPONSE_KEEP_BYTES or time.monotonic() > deadline:
                break
    except httpx.HTTPError:
        pass  # the status is what counts; the body is only kept for the log
    return kept[:RESPONSE_KEEP_BYTES].decode("utf-8", errors="replace")


def webhook_post(
    target: Target, *, headers: dict[str, str], body: bytes, timeout: float
) -> SendResult:
    """POST ``body`` with ``headers`` to ``target``; the result of this one attempt."""
    address = f"[{target.address}]" if ":" in target.address else target.address
    url = f"{target.scheme}://{address}:{target.port}{target.path}"
    sent_headers = {
        **headers,
        "Host": _host_header(target),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    started = time.monotonic()

    def took() -> int:
        return round((time.monotonic() - started) * 1000)

    try:
        with (
            httpx.Client(
                timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False
            ) as client,
            client.stream(
                "POST",
                url,
                content=body,
                headers=sent_headers,
                extensions={"sni_hostname": target.host},
            ) as response,
        ):
            text = _read_start(response, started + 2 * timeout)
            return SendResult(
                status_code=response.status_code,
                duration_ms=took(),
                response_body=text,
                retry_after_seconds=_retry_after(response),
            )
    except httpx.TimeoutException as exc:
        return SendResult(None, took(), "timeout", f"no answer in {timeout:g} s ({exc!r})"[:500])
    except httpx.HTTPError as exc:
        code = "tls" if "SSL" in repr(exc) or "certificate" in str(exc).lower() else "connection"
        return SendResult(None, took(), code, f"{type(exc).__name__}: {exc}"[:500])
