"""Solapi's API-key authentication, checked as its documentation says (authentication/api-key.md).

``Authorization: HMAC-SHA256 apiKey=<key>, date=<ISO 8601>, salt=<12–64 bytes>,
signature=<hex HMAC(apiSecret, date + salt)>`` (``HMAC-MD5`` is the other documented
method). The documented refusals, all 403: ``InvalidAPIKey``, ``SignatureDoesNotMatch``,
``RequestTimeTooSkewed`` (more than 15 minutes from the server's clock) and
``DuplicatedSignature`` (a signature seen in the last 15 minutes). A missing or unreadable
header is a 401 ``Unauthorized`` here (reconstructed: the documentation does not say).

Written apart from the adapter's signing on purpose: the simulator checks what the adapter
sends, so a shared helper would let one mistake pass on both sides. Parameter names are read
case-insensitively: the vendor's Python SDK sends ``ApiKey=`` and ``Date=``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field

SKEW = dt.timedelta(minutes=15)
_DIGESTS = {"HMAC-SHA256": hashlib.sha256, "HMAC-MD5": hashlib.md5}


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    message: str


@dataclass
class SignatureCheck:
    """Checks headers against one key pair, remembering signatures for 15 minutes."""

    seen: dict[str, dt.datetime] = field(default_factory=dict)

    def refusal(
        self, header: str, *, api_key: str, api_secret: str, now: dt.datetime
    ) -> Refusal | None:
        """Why this header is refused, or None when it authenticates the request."""
        method, _, rest = header.strip().partition(" ")
        digest = _DIGESTS.get(method.upper())
        params = _params(rest)
        wanted = ("apikey", "date", "salt", "signature")
        if digest is None or params is None or not all(params.get(name) for name in wanted):
            return Refusal(
                401,
                "Unauthorized",
                "Authorization 헤더가 없거나 형식이 올바르지 않습니다. "
                "(HMAC-SHA256 apiKey=, date=, salt=, signature=)",
            )
        if not 12 <= len(params["salt"].encode()) <= 64:
            return Refusal(401, "Unauthorized", "salt는 12~64바이트여야 합니다.")
        if not hmac.compare_digest(params["apikey"], api_key):
            return Refusal(403, "InvalidAPIKey", "유효한 API Key가 아닙니다.")
        signed = _moment(params["date"])
        if signed is None or abs(now - signed) > SKEW:
            return Refusal(
                403, "RequestTimeTooSkewed", "시간 값이 서버 시간을 15분 이상 벗어났습니다."
            )
        expected = hmac.new(
            api_secret.encode(), (params["date"] + params["salt"]).encode(), digest
        ).hexdigest()
        if not hmac.compare_digest(params["signature"].lower(), expected):
            return Refusal(403, "SignatureDoesNotMatch", "Signature가 일치하지 않습니다.")
        self._forget_before(now - SKEW)
        if params["signature"].lower() in self.seen:
            return Refusal(403, "DuplicatedSignature", "15분 안에 같은 signature가 사용되었습니다.")
        self.seen[params["signature"].lower()] = now
        return None

    def _forget_before(self, moment: dt.datetime) -> None:
        for signature in [s for s, at in self.seen.items() if at < moment]:
            del self.seen[signature]


def _params(rest: str) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for part in rest.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep:
            return None
        params[name.strip().lower()] = value.strip()
    return params


def _moment(value: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
