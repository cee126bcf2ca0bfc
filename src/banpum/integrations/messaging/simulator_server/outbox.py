"""The simulated provider's books: messages, their delivery outcome, templates, replays.

Solapi's rules with no HTTP in them, so they read in one place:

- A send is refused outright (HTTP 400 ``ValidationError``) when the body is malformed, and
  refused *as a message* (HTTP 200, ``statusCode`` 1xxx, as Solapi documents: "200 but not
  2000 is a problem") when Solapi would not take it: an unregistered sender (1062), a text too
  long for its type (1031), characters SMS cannot carry (1029), a subject on an SMS (1013),
  an unknown KakaoTalk channel (1041) or no template id (1042).
- An accepted message (2000) is decided at once, deterministically under the seed, and
  reported after ``report_delay_seconds``: delivered (4000), or failed with a carrier's code
  (``failure_rate``). A 알림톡 Kakao refuses — a template not registered (3105), a text that
  differs from the template filled with its variables (3103), a recipient without KakaoTalk
  (3104) — fails with that code when ``disableSms`` is true; otherwise its SMS/LMS fallback
  is sent (``replacementText`` or the 알림톡's text; SMS up to 90 bytes in EUC-KR, LMS above,
  with the message's ``subject``) and the report says ``replacement: true``.
- ``customFields.idempotencyKey`` seen before answers the stored reply and sends nothing;
  the same key with another message is refused (422 ``IdempotencyKeyMismatch``). Solapi has
  no such key: this is Banpum's, so retries are safe against the simulator.

Codes and words are Solapi's (``solapi_codes``); the 400 words and the 422 are ours.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from banpum.integrations.messaging import solapi_codes

IDEMPOTENCY_FIELD = "idempotencyKey"
TYPES = ("SMS", "LMS", "ATA")
SMS_BYTES, LMS_BYTES, SUBJECT_BYTES, ALIMTALK_CHARACTERS = 90, 2000, 40, 1000
#: What a carrier reports when a message does not arrive (picked by the seeded draw).
CARRIER_FAILURES = ("3043", "3040", "3041", "3042", "3044")
ACCEPTED_WORDS = "정상 접수(이통사로 접수 예정) "
MAX_MESSAGES = 5000  # the oldest are forgotten past this: the state file stays small
_PHONE = re.compile(r"\d{8,12}")
_VARIABLE = re.compile(r"#\{[^{}]+\}")

Reply = tuple[int, dict[str, Any]]


def solapi_error(status: int, code: str, message: str) -> Reply:
    return status, {"errorCode": code, "errorMessage": message}


def iso(moment: dt.datetime) -> str:
    """Solapi's timestamps: UTC with milliseconds and a ``Z`` (2021-11-16T05:09:39.837Z)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass(frozen=True)
class Rolls:
    """One send's draws, always the same number, so a seed gives one sequence of outcomes."""

    failure: bool
    failure_pick: float


@dataclass(frozen=True)
class Rules:
    """The part of the configuration the books need (the rest is the server's)."""

    pf_id: str
    senders: tuple[str, ...]
    no_kakaotalk: tuple[str, ...]
    no_kakaotalk_suffix: str
    report_delay: dt.timedelta

    def has_kakaotalk(self, phone: str) -> bool:
        suffix = self.no_kakaotalk_suffix
        return phone not in self.no_kakaotalk and not (suffix and phone.endswith(suffix))


@dataclass
class SimMessage:
    message_id: str
    group_id: str
    idempotency_key: str
    to: str
    sender: str
    requested_type: str  # what the client asked for: ATA, SMS or LMS
    delivered_type: str  # what went out: the SMS/LMS of a 알림톡 that fell back
    text: str  # what went out
    subject: str
    template_id: str
    variables: dict[str, str]
    disable_sms: bool
    replacement: bool
    kakao_code: str  # why Kakao refused the 알림톡 ("" when it did not)
    outcome: str  # the final status code, reported at report_at
    accepted_at: dt.datetime
    report_at: dt.datetime
    custom_fields: dict[str, str] = field(default_factory=dict)

    def code_at(self, now: dt.datetime) -> str:
        if self.outcome.startswith("1") or now >= self.report_at:
            return self.outcome
        return solapi_codes.HANDED_OVER

    def as_solapi(self, now: dt.datetime, account_id: str) -> dict[str, Any]:
        """One ``messageList`` entry of ``GET /messages/v4/list`` (the documented fields)."""
        code = self.code_at(now)
        final = code not in solapi_codes.IN_FLIGHT
        reason = None
        if final and code != solapi_codes.DELIVERED:
            reason = solapi_codes.status_words(code)
        elif self.replacement:
            reason = f"알림톡 실패({self.kakao_code} {solapi_codes.status_words(self.kakao_code)})"
            reason += ", 문자 대체 발송"
        log = [{"createAt": iso(self.accepted_at), "message": "메시지가 접수되었습니다."}]
        if self.kakao_code and final:
            log.append(
                {
                    "createAt": iso(self.report_at),
                    "message": f"[{self.kakao_code}] {solapi_codes.status_words(self.kakao_code)}",
                }
            )
        return {
            "_id": self.message_id,
            "messageId": self.message_id,
            "groupId": self.group_id,
            "accountId": account_id,
            "type": self.delivered_type if final else self.requested_type,
            "country": "82",
            "to": self.to,
            "from": self.sender,
            "text": self.text,
            "subject": self.subject or None,
            "kakaoOptions": {
                "pfId": None,
                "templateId": self.template_id or None,
                "disableSms": self.disable_sms,
                "variables": self.variables,
            },
            "statusCode": code,
            "statusMessage": solapi_codes.status_words(code),
            "status": _status(code),
            "reason": reason,
            "replacement": self.replacement and final,
            "customFields": self.custom_fields,
            "log": log,
            "dateCreated": iso(self.accepted_at),
            "dateUpdated": iso(self.report_at if final else self.accepted_at),
            "dateReported": iso(self.report_at) if final and code[0] != "1" else None,
        }

    def summary(self, now: dt.datetime) -> dict[str, Any]:
        """What ``GET /_sim/messages`` shows: what was sent, for tests and the demo."""
        code = self.code_at(now)
        if code in solapi_codes.IN_FLIGHT:
            status = "pending"
        else:
            status = "delivered" if code == solapi_codes.DELIVERED else "failed"
        return {
            "message_id": self.message_id,
            "idempotency_key": self.idempotency_key,
            "to": self.to,
            "from": self.sender,
            "requested_type": self.requested_type,
            "type": self.delivered_type,
            "replacement": self.replacement,
            "kakao_code": self.kakao_code,
            "template_id": self.template_id,
            "variables": self.variables,
            "subject": self.subject,
            "text": self.text,
            "status": status,
            "status_code": code,
            "accepted_at": self.accepted_at.isoformat(),
            "report_at": self.report_at.isoformat(),
        }

    def as_state(self) -> dict[str, Any]:
        data = asdict(self)
        data["accepted_at"] = self.accepted_at.isoformat()
        data["report_at"] = self.report_at.isoformat()
        return data

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> SimMessage:
        return cls(
            **{
                **data,
                "accepted_at": dt.datetime.fromisoformat(data["accepted_at"]),
                "report_at": dt.datetime.fromisoformat(data["report_at"]),
            }
        )


@dataclass
class Stored:
    """A reply kept for its idempotency key, with the message it answered."""

    fingerprint: str
    status: int
    body: dict[str, Any]


@dataclass
class Outbox:
    salt: int = 0
    counter: int = 0
    account_id: str = "12925149"
    messages: dict[str, SimMessage] = field(default_factory=dict)  # by message id, in order
    replies: dict[str, Stored] = field(default_factory=dict)  # by idempotency key
    templates: dict[str, str] = field(default_factory=dict)  # approved 알림톡: id → text

    # -- send ---------------------------------------------------------------------------------

    def replay(self, key: str, payload: dict[str, Any]) -> Reply | None:
        """The stored reply for this key, a 422 for the key with another message, or None."""
        stored = self.replies.get(key)
        if stored is None:
            return None
        if stored.fingerprint != fingerprint(payload):
            return solapi_error(
                422,
                "IdempotencyKeyMismatch",
                "같은 idempotencyKey로 다른 메시지를 보낼 수 없습니다.",
            )
        return stored.status, stored.body

    def send(
        self, payload: dict[str, Any], rules: Rules, rolls: Rolls, now: dt.datetime
    ) -> tuple[Reply, SimMessage | None]:
        """``POST /messages/v4/send``: the reply, and the message when one was created.

        A reply with a message is stored under the message's idempotency key.
        """
        parsed = _parse(payload)
        if isinstance(parsed, tuple):
            return parsed, None
        message = self._message(parsed, rules, rolls, now)
        self.messages[message.message_id] = message
        refused = message.outcome.startswith("1")
        code = message.outcome if refused else solapi_codes.ACCEPTED
        body = {
            "groupId": message.group_id,
            "messageId": message.message_id,
            "accountId": self.account_id,
            "statusCode": code,
            # sic: Solapi's documented words for 2000 end in a space.
            "statusMessage": solapi_codes.status_words(code) if refused else ACCEPTED_WORDS,
            "to": message.to,
            "from": message.sender,
            "type": message.requested_type,
            "country": "82",
        }
        if parsed.key:
            self.replies[parsed.key] = Stored(fingerprint(payload), 200, body)
        self._forget_oldest()
        return (200, body), message

    def _message(self, parsed: _Parsed, rules: Rules, rolls: Rolls, now: dt.datetime) -> SimMessage:
        self.counter += 1
        stamp = now.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S")
        message = SimMessage(
            message_id=f"M4V{stamp}{self._token('M')}",
            group_id=f"G4V{stamp}{self._token('G')}",
            idempotency_key=parsed.key,
            to=parsed.to,
            sender=parsed.sender,
            requested_type=parsed.type,
            delivered_type=parsed.type,
            text=parsed.text,
            subject=parsed.subject,
            template_id=parsed.template_id,
            variables=parsed.variables,
            disable_sms=parsed.disable_sms,
            replacement=False,
            kakao_code="",
            outcome=solapi_codes.DELIVERED,
            accepted_at=now,
            report_at=now + rules.report_delay,
            custom_fields=parsed.custom_fields,
        )
        refused = self._refusal(parsed, rules)
        if refused:
            message.outcome, message.report_at = refused, now
            return message
        if parsed.type == "ATA":
            kakao_code = self._kakao_refusal(message, rules)
            if kakao_code:
                message.kakao_code = kakao_code
                if parsed.disable_sms:
                    message.outcome = kakao_code
                    return message
                fallback = parsed.replacement_text or message.text
                size = _euc_kr(fallback)
                if not 0 < size <= LMS_BYTES:  # no text SMS/LMS can carry: nothing to send
                    message.outcome = kakao_code
                    return message
                message.replacement, message.text = True, fallback
                message.delivered_type = "SMS" if size <= SMS_BYTES else "LMS"
                if message.delivered_type == "SMS":
                    message.subject = ""
        if rolls.failure:
            message.outcome = CARRIER_FAILURES[int(rolls.failure_pick * len(CARRIER_FAILURES))]
        return message

    def _refusal(self, parsed: _Parsed, rules: Rules) -> str:
        """The 1xxx code Solapi refuses this message with on receipt, or ""."""
        if rules.senders and parsed.sender not in rules.senders:
            return "1062"
        if parsed.type == "ATA":
            if parsed.pf_id != rules.pf_id:
                return "1041"
            if not parsed.template_id:
                return "1042"
            if len(parsed.text) > ALIMTALK_CHARACTERS:
                return "1031"
            return ""
        if parsed.type == "SMS" and parsed.subject:
            return "1013"
        size = _euc_kr(parsed.text)
        if size < 0:
            return "1029"
        if size > (SMS_BYTES if parsed.type == "SMS" else LMS_BYTES):
            return "1031"
        if _euc_kr(parsed.subject) > SUBJECT_BYTES:
            return "1014"
        return ""

    def _kakao_refusal(self, message: SimMessage, rules: Rules) -> str:
        """Why Kakao will not deliver this 알림톡 (3xxx), or "" when it will."""
        template = self.templates.get(message.template_id)
        if template is None:
            return "3105"
        filled = template
        for name, value in message.variables.items():
            filled = filled.replace(name, value)
        if not message.text:
            message.text = filled
        if message.text != filled or _VARIABLE.search(filled):
            return "3103"
        if not rules.has_kakaotalk(message.to):
            return "3104"
        return ""

    def _token(self, kind: str) -> str:
        digest = hashlib.sha256(f"{self.salt}:{kind}:{self.counter}".encode()).hexdigest()
        return digest[:15].upper()

    def _forget_oldest(self) -> None:
        while len(self.messages) > MAX_MESSAGES:
            oldest = self.messages.pop(next(iter(self.messages)))
            self.replies.pop(oldest.idempotency_key, None)

    # -- read ---------------------------------------------------------------------------------

    def listed(self, message_id: str, now: dt.datetime) -> dict[str, Any]:
        """``GET /messages/v4/list`` for one message id (the documented shape; 0 or 1 entry)."""
        message = self.messages.get(message_id)
        entries = {message_id: message.as_solapi(now, self.account_id)} if message else {}
        return {"startKey": None, "nextKey": None, "limit": 20, "messageList": entries}

    # -- persistence --------------------------------------------------------------------------

    def as_state(self) -> dict[str, Any]:
        return {
            "version": 1,
            "salt": self.salt,
            "counter": self.counter,
            "messages": [m.as_state() for m in self.messages.values()],
            "replies": {key: asdict(stored) for key, stored in self.replies.items()},
            "templates": self.templates,
        }

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Outbox:
        messages = [SimMessage.from_state(m) for m in data["messages"]]
        return cls(
            salt=data["salt"],
            counter=data["counter"],
            messages={m.message_id: m for m in messages},
            replies={key: Stored(**s) for key, s in data["replies"].items()},
            templates=dict(data["templates"]),
        )


@dataclass(frozen=True)
class _Parsed:
    key: str
    to: str
    sender: str
    type: str
    text: str
    subject: str
    pf_id: str
    template_id: str
    variables: dict[str, str]
    disable_sms: bool
    replacement_text: str
    custom_fields: dict[str, str]


def _parse(payload: dict[str, Any]) -> _Parsed | Reply:
    """The send body read and checked for shape, or the 400 Solapi answers a malformed one."""
    message = payload.get("message")
    if not isinstance(message, dict):
        return _invalid("message는 필수 입력 값입니다.")
    to, sender = message.get("to"), message.get("from")
    if not isinstance(to, str) or not _PHONE.fullmatch(to):
        return _invalid("수신번호(to)는 8~12자리 숫자입니다.")
    if not isinstance(sender, str) or not _PHONE.fullmatch(sender):
        return _invalid("발신번호(from)는 8~12자리 숫자입니다.")
    strings = {name: message.get(name, "") for name in ("text", "subject", "replacementText")}
    if not all(isinstance(value, str) for value in strings.values()):
        return _invalid("text, subject, replacementText는 문자열입니다.")
    custom = message.get("customFields", {})
    if not isinstance(custom, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and len(k) <= 30 and len(v) <= 100
        for k, v in custom.items()
    ):
        return _invalid(solapi_codes.status_words("1032"))
    kakao = message.get("kakaoOptions") or {}
    if not isinstance(kakao, dict):
        return _invalid("kakaoOptions는 객체입니다.")
    variables = kakao.get("variables") or {}
    if not isinstance(variables, dict) or not all(
        isinstance(k, str) and _VARIABLE.fullmatch(k) and isinstance(v, str)
        for k, v in variables.items()
    ):
        return _invalid('variables는 {"#{변수명}": "문자열 값"} 형식입니다.')
    disable_sms = kakao.get("disableSms", False)
    if not isinstance(disable_sms, bool):
        return _invalid("disableSms는 true 또는 false입니다.")
    kind = message.get("type")
    if kind is None:  # autoTypeDetect: a template makes a 알림톡, length an SMS or LMS
        size = _euc_kr(strings["text"])
        kind = "ATA" if kakao.get("templateId") else ("SMS" if 0 <= size <= SMS_BYTES else "LMS")
    if not isinstance(kind, str) or kind.upper() not in TYPES:
        return _invalid(solapi_codes.status_words("1025"))
    kind = kind.upper()
    if kind != "ATA" and kakao:
        return _invalid(solapi_codes.status_words("1033"))
    if kind != "ATA" and not strings["text"]:
        return _invalid("text는 필수 입력 값입니다.")
    return _Parsed(
        key=str(custom.get(IDEMPOTENCY_FIELD, "")),
        to=to,
        sender=sender,
        type=kind,
        text=strings["text"],
        subject=strings["subject"],
        pf_id=str(kakao.get("pfId") or ""),
        template_id=str(kakao.get("templateId") or ""),
        variables=dict(variables),
        disable_sms=disable_sms,
        replacement_text=strings["replacementText"],
        custom_fields=dict(custom),
    )


def _invalid(words: str) -> Reply:
    return solapi_error(400, "ValidationError", words)


def _status(code: str) -> str:
    if code == solapi_codes.ACCEPTED:
        return "PENDING"
    if code in solapi_codes.IN_FLIGHT:
        return "SENDING"
    return "COMPLETE" if code == solapi_codes.DELIVERED else "FAILED"


def _euc_kr(text: str) -> int:
    """Bytes in EUC-KR (what SMS counts), or -1 when a character has none (an emoji)."""
    try:
        return len(text.encode("euc-kr"))
    except UnicodeEncodeError:
        return -1


def fingerprint(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
