"""Solapi (SMS, LMS and KakaoTalk 알림톡) behind ``MessageGateway``.

Shaped after Solapi's published API (``solapi/documents``; ``reference/integration-apis.md``
§3.1, tagged [V]); each point says where it comes from:

- ``POST {base}/messages/v4/send`` with ``{"message": {to, from, type, text, subject,
  kakaoOptions{pfId, templateId, variables, disableSms}, customFields}}`` [V:
  api-reference/messages/sendSimpleMessage.md]. ``type`` is ``ATA`` (알림톡), ``SMS`` or
  ``LMS``. 알림톡 ``variables`` keys are written ``#{name}`` [V: the vendor's SDK examples];
  the ``text`` of a 알림톡 must be the approved template's text exactly [S: the vendor's
  solapi-agent samples], and ``subject`` is the LMS subject when the 알림톡 falls back.
- Fallback (대체 발송): unless ``kakaoOptions.disableSms`` is true, a 알림톡 that cannot be
  delivered goes as SMS/LMS [V]. Solapi sends the 알림톡's own ``text`` then; when Banpum's
  fallback text differs it is sent as ``replacementText``, a message field Solapi lists by
  name without describing it [? api-reference/messages/groups/addGroupMessages.md].
- ``Authorization: HMAC-SHA256 apiKey=…, date=…, salt=…, signature=…`` where the signature
  is ``hex(HMAC-SHA256(apiSecret, date + salt))``, ``date`` ISO 8601 within 15 minutes of
  Solapi's clock, ``salt`` 12–64 random bytes, and no signature used twice in 15 minutes [V:
  authentication/api-key.md]. A fresh date and salt sign every request.
- The answer: HTTP 200 with ``{groupId, messageId, accountId, statusCode, statusMessage, to,
  from, type, country}``; ``statusCode`` "2000" is accepted, any other code a refusal "even
  when the HTTP status is 200" [V]. Errors are ``{errorCode, errorMessage}``: 400
  ``ValidationError`` and ``InvalidStatusCode`` ("{messageId} 의 statusCode({statusCode})"),
  402 ``NotEnoughBalance``, 403 ``InvalidAPIKey`` / ``SignatureDoesNotMatch`` /
  ``RequestTimeTooSkewed`` / ``DuplicatedSignature`` [V]. 429 and 5xx bodies are
  reconstructed.
- Delivery receipts: ``GET {base}/messages/v4/list?criteria=messageId&cond=eq&value={id}``
  answering ``{messageList: {id: {statusCode, status, type, replacement, reason,
  dateReported, …}}}`` [V: api-reference/messages/getMessageList.md]; status codes in
  ``solapi_codes``. How a fallback shows there (``replacement: true`` and the SMS/LMS
  ``type`` on the same message) is reconstructed.
- Idempotency: Solapi documents no idempotency key. The key rides in ``customFields``
  (documented: keys ≤ 30, values ≤ 100 characters), where Banpum's simulator honours it; at
  Solapi itself a retry after a timeout may send the message twice (``maybe_sent``).

Banpum's messaging simulator speaks this same API, so ``SolapiMessaging(key, secret, pf_id,
base_url=simulator.base_url)`` is its client too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable
from typing import Any

import httpx

from banpum.integrations.messaging import solapi_codes
from banpum.integrations.messaging.base import (
    Channel,
    DeliveryReceipt,
    DeliveryStatus,
    MessagingError,
    OutgoingMessage,
    SendResult,
    SendStatus,
    mask_phone,
    redact_phones,
)

logger = logging.getLogger(__name__)

SOLAPI_BASE_URL = "https://api.solapi.com"
SEND_PATH = "/messages/v4/send"
LIST_PATH = "/messages/v4/list"
IDEMPOTENCY_FIELD = "idempotencyKey"  # a customFields key (≤ 30 characters)
CUSTOM_FIELD_MAX = 100  # a customFields value's documented limit

MESSAGE_TYPES: dict[Channel, str] = {
    Channel.ALIMTALK: "ATA",
    Channel.SMS: "SMS",
    Channel.LMS: "LMS",
}
CHANNELS: dict[str, Channel] = {
    "ATA": Channel.ALIMTALK,
    "SMS": Channel.SMS,
    "LMS": Channel.LMS,
    "MMS": Channel.LMS,
}

#: Errors a later attempt may get past without anyone acting: a signature that happened to be
#: reused (the next attempt has a new salt), and the reconstructed rate-limit and server codes.
RETRYABLE_CODES: frozenset[str] = frozenset(
    {"DuplicatedSignature", "TooManyRequests", "InternalError", "ServiceUnavailable"}
)
_INVALID_STATUS = re.compile(r"(?P<id>\S+)\s*의\s*statusCode\((?P<code>[^)]+)\)")
_PHONE = re.compile(r"\d{8,12}")


def solapi_date(moment: dt.datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as Solapi's documented example (2019-07-01T00:41:48Z)."""
    if moment.tzinfo is None:
        raise ValueError("the signing time must be aware")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def solapi_signature(api_secret: str, date: str, salt: str) -> str:
    """``hex(HMAC-SHA256(key=apiSecret, data=date + salt))``."""
    return hmac.new(api_secret.encode(), (date + salt).encode(), hashlib.sha256).hexdigest()


def solapi_authorization(api_key: str, api_secret: str, *, date: str, salt: str) -> str:
    """The ``Authorization`` header value for one request."""
    signature = solapi_signature(api_secret, date, salt)
    return f"HMAC-SHA256 apiKey={api_key}, date={date}, salt={salt}, signature={signature}"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _new_salt() -> str:
    return secrets.token_hex(16)  # 32 characters: within the documented 12–64


class SolapiMessaging:
    """``MessageGateway`` for one Solapi account and one KakaoTalk channel (``pf_id``).

    ``clock`` and ``salt`` sign the requests (tests pass fixed ones); ``transport`` is for
    tests (``httpx.MockTransport``). Thread-safe as httpx's client is.
    """

    def __init__(
        self,
        api_key: str,
        api_secret: str,
        pf_id: str = "",
        *,
        base_url: str = SOLAPI_BASE_URL,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], dt.datetime] = _utc_now,
        salt: Callable[[], str] = _new_salt,
    ) -> None:
        if not api_key or not api_secret:
            raise MessagingError(
                "config", "a Solapi API key and secret are required", retryable=False
            )
        self.base_url = base_url.rstrip("/")
        self.pf_id = pf_id
        self._api_key = api_key
        self._api_secret = api_secret
        self._clock = clock
        self._salt = salt
        self._http = httpx.Client(
            timeout=timeout, transport=transport, headers={"Accept": "application/json"}
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SolapiMessaging:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:  # never the secret
        return f"SolapiMessaging(base_url={self.base_url!r}, pf_id={self.pf_id!r})"

    # -- MessageGateway -----------------------------------------------------------------------

    def send(self, message: OutgoingMessage) -> SendResult:
        """Hand one message to Solapi; a refusal of the message is a ``FAILED`` result."""
        body = send_body(message, pf_id=self.pf_id)
        who = mask_phone(message.to)
        response = self._send("POST", SEND_PATH, writes=True, json=body)
        result = send_result(response)
        logger.info(
            "solapi send %s %s to %s → %s %s",
            message.idempotency_key,
            body["message"]["type"],
            who,
            result.status,
            result.status_code,
        )
        return result

    def status(self, provider_id: str) -> DeliveryReceipt:
        if not provider_id:
            raise MessagingError("invalid_request", "a message id is required", retryable=False)
        params = {"criteria": "messageId", "cond": "eq", "value": provider_id}
        response = self._send("GET", LIST_PATH, writes=False, params=params)
        return delivery_receipt(response, provider_id)

    # -- transport ----------------------------------------------------------------------------

    def _authorization(self) -> str:
        date = solapi_date(self._clock())
        return solapi_authorization(self._api_key, self._api_secret, date=date, salt=self._salt())

    def _send(self, method: str, path: str, *, writes: bool, **kwargs: Any) -> httpx.Response:
        url = f"{self.base_url}{path}"
        headers = {"Authorization": self._authorization()}
        try:
            return self._http.request(method, url, headers=headers, **kwargs)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise MessagingError(
                "config",
                f"Solapi URL {url!r} is not usable ({type(exc).__name__})",
                retryable=False,
            ) from exc
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # The request never left: nothing can have been sent.
            raise MessagingError(
                "connection", f"Solapi unreachable ({type(exc).__name__})", retryable=True
            ) from exc
        except httpx.TimeoutException as exc:
            raise MessagingError(
                "timeout",
                f"Solapi did not answer in time ({type(exc).__name__})",
                retryable=True,
                maybe_sent=writes,
            ) from exc
        except httpx.HTTPError as exc:
            raise MessagingError(
                "connection",
                f"Solapi connection failed after sending ({type(exc).__name__})",
                retryable=True,
                maybe_sent=writes,
            ) from exc


# -- the send ---------------------------------------------------------------------------------


def send_body(message: OutgoingMessage, *, pf_id: str) -> dict[str, Any]:
    """The JSON body of ``POST /messages/v4/send``; refuses what Solapi would refuse anyway."""
    key = message.idempotency_key
    if not key or len(key) > CUSTOM_FIELD_MAX:
        raise MessagingError(
            "invalid_request",
            f"the idempotency key must be 1–{CUSTOM_FIELD_MAX} characters",
            retryable=False,
        )
    body: dict[str, Any] = {
        "to": _phone(message.to, "recipient"),
        "from": _phone(message.sender, "sender"),
        "type": MESSAGE_TYPES[message.channel],
        "customFields": {IDEMPOTENCY_FIELD: key},
    }
    if message.text:
        body["text"] = message.text
    if message.channel is Channel.LMS and message.subject:
        body["subject"] = message.subject
    if message.channel is Channel.ALIMTALK:
        if not pf_id or not message.template_code:
            raise MessagingError(
                "invalid_request",
                "a 알림톡 needs the KakaoTalk channel (pfId) and a template code",
                retryable=False,
            )
        kakao: dict[str, Any] = {
            "pfId": pf_id,
            "templateId": message.template_code,
            "disableSms": not message.fallback_text,
        }
        if message.variables:
            kakao["variables"] = {_variable(name): str(v) for name, v in message.variables.items()}
        body["kakaoOptions"] = kakao
        if message.fallback_subject:
            body["subject"] = message.fallback_subject
        if message.fallback_text and message.fallback_text != message.text:
            body["replacementText"] = message.fallback_text
    elif not message.text:
        raise MessagingError("invalid_request", "an SMS or LMS needs a text", retryable=False)
    return {"message": body}


def send_result(response: httpx.Response) -> SendResult:
    """Solapi's answer to a send as a ``SendResult``, or the ``MessagingError`` it means."""
    body = _json(response)
    if response.is_success:
        if not isinstance(body, dict) or not isinstance(body.get("statusCode"), str):
            # Solapi took the request, but we cannot read what it did with it.
            raise MessagingError(
                "bad_response",
                f"Solapi answered {response.status_code} without a readable result",
                retryable=True,
                maybe_sent=True,
            )
        code = body["statusCode"]
        provider_id = str(body.get("messageId") or "")
        if code == solapi_codes.ACCEPTED:
            if not provider_id:
                raise MessagingError(
                    "bad_response",
                    "Solapi accepted the message without a message id",
                    retryable=True,
                    maybe_sent=True,
                )
            return SendResult(provider_id, SendStatus.ACCEPTED, status_code=code)
        words = str(body.get("statusMessage") or "").strip() or solapi_codes.status_words(code)
        return SendResult(provider_id, SendStatus.FAILED, redact_phones(words), code)
    if isinstance(body, dict) and body.get("errorCode") == "InvalidStatusCode":
        found = _INVALID_STATUS.search(str(body.get("errorMessage") or ""))
        if found:
            code = found.group("code")
            return SendResult(
                found.group("id"), SendStatus.FAILED, solapi_codes.status_words(code), code
            )
    raise solapi_error(response.status_code, body, response.text, writes=True)


def solapi_error(status: int, body: Any, text: str, *, writes: bool) -> MessagingError:
    """The typed error of a non-2xx answer (``body`` is the parsed JSON, or None)."""
    has_body = isinstance(body, dict) and isinstance(body.get("errorCode"), str)
    code = str(body["errorCode"]) if has_body else f"HTTP_{status}"
    words = str(body.get("errorMessage") or "") if has_body else text[:200]
    message = redact_phones(f"Solapi answered {status} {code}: {words}")[:1000]
    if code in RETRYABLE_CODES or status == 429:
        return MessagingError(code, message, retryable=True)
    if status >= 500:
        # Solapi's own error body means it decided the request failed. A bare 502/504 comes
        # from something in front of it that gave up waiting: the message may be on its way.
        decided = has_body and status not in (502, 504)
        return MessagingError(code, message, retryable=True, maybe_sent=writes and not decided)
    if status == 408:
        return MessagingError(code, message, retryable=True, maybe_sent=writes)
    if status == 404 and not has_body:
        return MessagingError("not_found", message, retryable=False)
    return MessagingError(code, message, retryable=False)


# -- delivery receipts ------------------------------------------------------------------------


def delivery_receipt(response: httpx.Response, provider_id: str) -> DeliveryReceipt:
    """The receipt of ``provider_id`` from a message list answer."""
    body = _json(response)
    if not response.is_success:
        raise solapi_error(response.status_code, body, response.text, writes=False)
    listed = body.get("messageList") if isinstance(body, dict) else None
    if not isinstance(listed, dict):
        raise MessagingError(
            "bad_response",
            f"Solapi answered {response.status_code} without a message list",
            retryable=True,
        )
    entry = listed.get(provider_id)
    if entry is None:
        raise MessagingError("not_found", f"Solapi has no message {provider_id!r}", retryable=False)
    receipt = receipt_from(entry, provider_id)
    if receipt is None:
        raise MessagingError(
            "bad_response", f"Solapi's message {provider_id!r} is unreadable", retryable=True
        )
    return receipt


def receipt_from(entry: Any, provider_id: str) -> DeliveryReceipt | None:
    """One ``messageList`` entry → ``DeliveryReceipt``, or None when it is not one."""
    if not isinstance(entry, dict) or not isinstance(entry.get("statusCode"), str):
        return None
    code = entry["statusCode"]
    channel = CHANNELS.get(str(entry.get("type") or "").upper())
    if channel is None:
        kakao = entry.get("kakaoOptions")
        channel = (
            Channel.ALIMTALK if isinstance(kakao, dict) and kakao.get("templateId") else Channel.SMS
        )
    fallback = entry.get("replacement") is True
    if code in solapi_codes.IN_FLIGHT:
        status = DeliveryStatus.PENDING
    elif code == solapi_codes.DELIVERED:
        status = DeliveryStatus.DELIVERED
    else:
        status = DeliveryStatus.FAILED
    # ``reason`` says why a message failed or fell back; a failure without one is worded by
    # its status message or, failing that, the documented table.
    words = str(entry.get("reason") or "").strip()
    if status is DeliveryStatus.FAILED and not words:
        words = str(entry.get("statusMessage") or "").strip() or solapi_codes.status_words(code)
    reported_at = None
    if status is not DeliveryStatus.PENDING:
        reported_at = _moment(entry.get("dateReported")) or _moment(entry.get("dateUpdated"))
    return DeliveryReceipt(
        provider_id=provider_id,
        status=status,
        channel=channel,
        fallback=fallback,
        status_code=code,
        reason=redact_phones(words),
        reported_at=reported_at,
    )


# -- helpers ----------------------------------------------------------------------------------


def _phone(number: str, role: str) -> str:
    """Digits only, as Solapi wants them (the vendor's SDKs strip hyphens the same way)."""
    digits = re.sub(r"[-\s]", "", number)
    if not _PHONE.fullmatch(digits):
        raise MessagingError(
            "invalid_request",
            f"the {role} number {mask_phone(number)!r} is not 8–12 digits",
            retryable=False,
        )
    return digits


def _variable(name: str) -> str:
    """``name`` → ``#{name}``: how Solapi names a template variable."""
    return name if name.startswith("#{") and name.endswith("}") else f"#{{{name}}}"


def _moment(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
