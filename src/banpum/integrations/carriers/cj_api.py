"""CJ대한통운 택배 표준 API (DX API): the provider HTTP, with no Banpum concepts in it.

Everything here is **[S]**, secondary-sourced (``reference/integration-apis.md`` §1.2): the
contract-only "CJLAPI-택배 표준 API Developer Guide V3.9.x" was not read; several public
implementations agree on the following, and it must be checked against the guide once the
contract is signed.

- Every call is ``POST {base}/{Resource}`` with a JSON body ``{"DATA": {...}}``.
- ``/ReqOneDayToken {CUST_ID, BIZ_REG_NUM}`` answers ``DATA.TOKEN_NUM`` and
  ``DATA.TOKEN_EXPRTN_DTM`` (``yyyyMMddHHmmss``, read as KST); the token lives about 24h.
  Other calls carry it twice: header ``CJ-Gateway-APIKey`` and ``DATA.TOKEN_NUM``. The token
  call itself sends no ``CJ-Gateway-APIKey`` header.
- Answers are ``{"RESULT_CD": "S"|"E", "RESULT_DETAIL": "...", "DATA": ...}``; business
  errors come with HTTP 200 and ``E``. A duplicate booking key answers ``E`` with
  ``ORA-00001`` in ``RESULT_DETAIL`` (an Oracle unique-constraint violation).
- ``BIZ_REG_NUM`` is sent as digits only: one implementer saw a hyphenated number rejected
  with a misleading "customer code does not exist" message.
- An HTTP 401 on a business call means the gateway no longer accepts the token; one
  implementer refreshes the token and repeats the call once, which is done here too (the
  gateway rejected the request, so nothing was booked and repeating it is safe).

``CjApi`` returns a ``CjResult`` for every answer CJ gave (``S`` or ``E``: what an ``E``
means is the gateway's business, e.g. ``ORA-00001`` on a booking is a success) and a
``GatewayError`` only for what CJ never answered: timeouts, connection errors, HTTP errors,
unreadable bodies, and a token CJ refused.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from banpum.integrations.carriers.base import GatewayError
from banpum.integrations.http import http_json, http_send, http_status_error

logger = logging.getLogger(__name__)

CJ_DEV_BASE_URL = "https://dxapi-dev.cjlogistics.com:5054"
CJ_PROD_BASE_URL = "https://dxapi.cjlogistics.com:5052"

KST = dt.timezone(dt.timedelta(hours=9), "KST")

#: A token is renewed this long before CJ's stated expiry, so a call never leaves with a token
#: that expires on the way.
TOKEN_RENEWAL_MARGIN = dt.timedelta(minutes=10)
#: Used when CJ's answer has no readable TOKEN_EXPRTN_DTM; the token is said to live 24h.
TOKEN_FALLBACK_LIFETIME = dt.timedelta(hours=23)


def _aware_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def parse_kst(value: str) -> dt.datetime | None:
    """CJ's ``yyyyMMddHHmmss`` (any separators ignored; seconds optional) → aware KST."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 12:
        digits += "00"
    if len(digits) != 14:
        return None
    try:
        return dt.datetime.strptime(digits, "%Y%m%d%H%M%S").replace(tzinfo=KST)
    except ValueError:
        return None


@dataclass(frozen=True)
class CjCredentials:
    """The contract's identity: 고객ID (CUST_ID, also sent as CLNTNUM) and 사업자등록번호."""

    customer_id: str
    biz_reg_num: str


@dataclass(frozen=True)
class CjResult:
    """One answer from CJ, ``S`` or ``E``, as it came."""

    result_cd: str
    result_detail: str
    data: Any = None

    @property
    def ok(self) -> bool:
        # Seen as "S" and, from one implementer, "S200"; errors as "E" / "E4xx".
        return self.result_cd.upper().startswith("S")

    @property
    def duplicate_key(self) -> bool:
        """``E`` because a row with the same primary key exists (``ORA-00001``)."""
        return not self.ok and "ORA-00001" in self.result_detail.upper()


@dataclass
class _Token:
    value: str
    renew_at: dt.datetime


def _error(code: str, message: str, *, retryable: bool, words: str = "") -> GatewayError:
    return GatewayError(code=code, message=message, retryable=retryable, carrier_words=words)


class CjApi:
    """Calls CJ's standard API for any number of contracts, caching one token per contract.

    ``transport`` is for tests (``httpx.MockTransport``); ``clock`` returns an aware "now" and
    is injectable so tests can move past a token's expiry. Thread-safe: the job runner may
    share one instance between workers.
    """

    def __init__(
        self,
        base_url: str = CJ_DEV_BASE_URL,
        *,
        timeout: float = 10,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], dt.datetime] = _aware_now,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._clock = clock
        self._http = httpx.Client(
            timeout=timeout,
            transport=transport,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        self._tokens: dict[CjCredentials, _Token] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CjApi:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def now(self) -> dt.datetime:
        """The injected clock, in KST: CJ's dates (RCPT_YMD, scans) are Korean dates."""
        return self._clock().astimezone(KST)

    # -- resources --------------------------------------------------------------------------

    def reg_book(
        self, data: Mapping[str, Any], credentials: CjCredentials
    ) -> CjResult | GatewayError:
        """``/RegBook``: book (REQ_DV_CD=01). The fields are the caller's (see ``cj.py``)."""
        return self.call("/RegBook", data, credentials)

    def cancel_book(
        self, data: Mapping[str, Any], credentials: CjCredentials
    ) -> CjResult | GatewayError:
        """``/CnclBook``: cancel (REQ_DV_CD=02) the booking with the same key fields."""
        return self.call("/CnclBook", data, credentials)

    def request_waybill_number(self, credentials: CjCredentials) -> str | GatewayError:
        """``/ReqInvcNo {CLNTNUM}`` → ``DATA.INVC_NO``: one new waybill number.

        ``DATA.INVC_NO`` is a string in most sources; one implementer also handles a list, so
        both are read.
        """
        result = self.call("/ReqInvcNo", {"CLNTNUM": credentials.customer_id}, credentials)
        if isinstance(result, GatewayError):
            return result
        if not result.ok:
            return _error(
                "rejected",
                "CJ refused to issue a waybill number",
                retryable=False,
                words=result.result_detail,
            )
        raw = result.data.get("INVC_NO") if isinstance(result.data, Mapping) else None
        if isinstance(raw, list) and raw:
            raw = raw[0].get("INVC_NO") if isinstance(raw[0], Mapping) else raw[0]
        number = re.sub(r"\D", "", str(raw or ""))
        if not number:
            return _error("bad_response", "ReqInvcNo answered S without INVC_NO", retryable=True)
        return number

    def track_one(
        self, credentials: CjCredentials, invoice_no: str
    ) -> list[Mapping[str, Any]] | GatewayError:
        """``/ReqOneGdsTrc {CLNTNUM, INVC_NO}`` → the waybill's scan rows, as CJ sent them."""
        result = self.call(
            "/ReqOneGdsTrc",
            {"CLNTNUM": credentials.customer_id, "INVC_NO": invoice_no},
            credentials,
        )
        if isinstance(result, GatewayError):
            return result
        if not result.ok:
            return _error(
                "rejected",
                "CJ refused the tracking request",
                retryable=False,
                words=result.result_detail,
            )
        if result.data is None:
            return []
        rows = result.data if isinstance(result.data, list) else [result.data]
        return [row for row in rows if isinstance(row, Mapping)]

    # -- token ------------------------------------------------------------------------------

    def token(self, credentials: CjCredentials) -> str | GatewayError:
        """The contract's 1-day token, from cache until shortly before TOKEN_EXPRTN_DTM."""
        with self._lock:
            cached = self._tokens.get(credentials)
            if cached is not None and self._clock() < cached.renew_at:
                return cached.value
            fresh = self._issue_token(credentials)
            if isinstance(fresh, _Token):
                self._tokens[credentials] = fresh
                return fresh.value
            return fresh

    def forget_token(self, credentials: CjCredentials) -> None:
        with self._lock:
            self._tokens.pop(credentials, None)

    def _issue_token(self, credentials: CjCredentials) -> _Token | GatewayError:
        answer = self._post(
            "/ReqOneDayToken",
            {
                "CUST_ID": credentials.customer_id,
                "BIZ_REG_NUM": re.sub(r"\D", "", credentials.biz_reg_num),
            },
            token=None,
        )
        if isinstance(answer, GatewayError):
            if answer.code == "auth":
                return _error("auth", "CJ refused the token request (HTTP 401)", retryable=False)
            return answer
        data = answer.data if isinstance(answer.data, Mapping) else {}
        value = str(data.get("TOKEN_NUM") or "").strip()
        if not answer.ok or not value:
            # Wrong CUST_ID / BIZ_REG_NUM or a contract not yet open: a person must act.
            return _error(
                "auth", "CJ refused to issue a token", retryable=False, words=answer.result_detail
            )
        expires = parse_kst(str(data.get("TOKEN_EXPRTN_DTM") or ""))
        if expires is None:
            logger.warning("CJ token without a readable TOKEN_EXPRTN_DTM: %r", data)
            expires = self._clock() + TOKEN_FALLBACK_LIFETIME
        return _Token(value=value, renew_at=expires - TOKEN_RENEWAL_MARGIN)

    # -- transport --------------------------------------------------------------------------

    def call(
        self, path: str, data: Mapping[str, Any], credentials: CjCredentials
    ) -> CjResult | GatewayError:
        """POST a business resource with the contract's token; one token refresh on HTTP 401."""
        token = self.token(credentials)
        if isinstance(token, GatewayError):
            return token
        answer = self._post(path, data, token=token)
        if isinstance(answer, GatewayError) and answer.code == "auth":
            self.forget_token(credentials)
            token = self.token(credentials)
            if isinstance(token, GatewayError):
                return token
            answer = self._post(path, data, token=token)
            if isinstance(answer, GatewayError) and answer.code == "auth":
                return _error(
                    "auth", f"CJ refused a fresh token on {path} (HTTP 401)", retryable=False
                )
        return answer

    def _post(
        self, path: str, data: Mapping[str, Any], *, token: str | None
    ) -> CjResult | GatewayError:
        body = {"DATA": {**data, "TOKEN_NUM": token} if token is not None else dict(data)}
        headers = {"CJ-Gateway-APIKey": token} if token is not None else {}
        provider = f"CJ {path}"
        response = http_send(
            self._http,
            "POST",
            f"{self.base_url}{path}",
            provider=provider,
            json=body,
            headers=headers,
        )
        if isinstance(response, GatewayError):
            # For /RegBook a timeout leaves the booking unknown. A retry is still safe: it
            # carries the same CUST_USE_NO and CJ answers ORA-00001 if the first one landed.
            return response
        if response.status_code != 200:
            return http_status_error(response, provider=provider, words=response.text[:200])
        payload = http_json(response)
        if not isinstance(payload, Mapping) or "RESULT_CD" not in payload:
            return _error(
                "bad_response",
                f"CJ {path} answered without RESULT_CD: {response.text[:200]!r}",
                retryable=True,
            )
        return CjResult(
            result_cd=str(payload.get("RESULT_CD") or ""),
            result_detail=str(payload.get("RESULT_DETAIL") or ""),
            data=payload.get("DATA"),
        )
