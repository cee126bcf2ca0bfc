"""The store's carrier accounts and the rules that choose among them: the one writer of both.

Managers keep them on the office's settings pages. Secrets (the contract's API credentials
and the webhook secret) are write-only: a change names what to replace or remove, and
everything else keeps its saved value; nothing here returns or logs them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.models import Store
from banpum.core.actors import Actor
from banpum.core.errors import ErrorCode, ValidationFailed
from banpum.logistics import errors
from banpum.logistics.models import Carrier, CarrierAccount, CarrierRule, FareType, Gateway
from banpum.logistics.selectors import carrier_account_get, carrier_rule_get
from banpum.policy.selectors import policy_current, policy_rules

logger = logging.getLogger(__name__)

# The credentials the gateways read (``logistics.gateways``): the simulator's and CJ's API key,
# CJ's business registration number. CJ's customer id falls back to the customer code.
CREDENTIAL_KEYS = ("api_key", "biz_reg_num")
BOX_CODE = re.compile(r"^[a-z0-9_-]{1,20}$")
POSTCODE = re.compile(r"^\d{3,10}$")
PRIORITY_MAX = 100_000


@dataclass(frozen=True)
class BoxSize:
    code: str
    label: str
    fare: int
    max_cm: int | None = None
    max_kg: int | None = None


@dataclass(frozen=True)
class CarrierAccountData:
    """Everything about an account but its secrets."""

    carrier_code: str
    name: str
    gateway: str = Gateway.NONE
    api_base_url: str = ""
    customer_code: str = ""
    fare_type: str = FareType.CREDIT
    box_sizes: tuple[BoxSize, ...] = ()
    return_name: str = ""
    return_phone: str = ""
    return_postcode: str = ""
    return_address1: str = ""
    return_address2: str = ""
    instructions: str = ""
    poll_tracking: bool = False
    supports_swap: bool = False
    is_default: bool = False
    is_active: bool = True


@dataclass(frozen=True)
class SecretsChange:
    """Write-only secrets: a name absent (or ``None``) keeps the saved value, ``""`` removes it,
    any other text replaces it."""

    credentials: Mapping[str, str | None] = field(default_factory=dict)
    webhook_secret: str | None = None


@dataclass(frozen=True)
class CarrierRuleData:
    account_id: int
    priority: int = 100
    postcode_prefixes: tuple[str, ...] = ()
    reason_codes: tuple[str, ...] = ()
    box_sizes: tuple[str, ...] = ()
    note: str = ""


class _FieldErrors:
    """Every field's problems at once, so a form shows them all after one submit."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, path: str, entry: ErrorCode, **params: Any) -> None:
        self.fields.setdefault(path, []).append(entry.render(**params))

    def raise_any(self) -> None:
        if self.fields:
            raise ValidationFailed.for_fields(self.fields)


def _on_loopback(url: str) -> bool:
    return urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")


def _account_check(data: CarrierAccountData) -> tuple[Carrier | None, _FieldErrors]:
    found = _FieldErrors()
    carrier = Carrier.objects.filter(code=data.carrier_code).first()
    if carrier is None:
        found.add("carrier", errors.UNKNOWN_CARRIER, code=data.carrier_code or "-")
    if not data.name.strip():
        found.add("name", errors.ACCOUNT_NAME_EMPTY)
    if data.gateway not in Gateway.values:
        found.add("gateway", errors.ACCOUNT_CHOICE_UNKNOWN, choices=", ".join(Gateway.values))
    if data.fare_type not in FareType.values:
        found.add("fare_type", errors.ACCOUNT_CHOICE_UNKNOWN, choices=", ".join(FareType.values))
    url = data.api_base_url.strip()
    if url and urlsplit(url).scheme not in ("http", "https"):
        found.add("api_base_url", errors.ACCOUNT_BASE_URL_INVALID)
    elif data.gateway == Gateway.SIMULATOR:
        # The API key travels to this address: a simulator link stays on this machine.
        if not url:
            found.add("api_base_url", errors.ACCOUNT_BASE_URL_NEEDED)
        elif not _on_loopback(url):
            found.add("api_base_url", errors.ACCOUNT_BASE_URL_NOT_LOOPBACK)
    if data.return_postcode and not POSTCODE.match(data.return_postcode):
        found.add("return_postcode", errors.ACCOUNT_POSTCODE_INVALID)
    if data.is_default and not data.is_active:
        found.add("is_default", errors.ACCOUNT_DEFAULT_INACTIVE)
    codes: set[str] = set()
    for number, box in enumerate(data.box_sizes, start=1):
        if not BOX_CODE.match(box.code) or box.code in codes:
            found.add("box_sizes", errors.BOX_CODE_INVALID, number=number)
        codes.add(box.code)
        if not box.label.strip():
            found.add("box_sizes", errors.BOX_LABEL_EMPTY, number=number)
        if box.fare < 0:
            found.add("box_sizes", errors.BOX_FARE_INVALID, number=number)
    return carrier, found


def _boxes_json(boxes: Sequence[BoxSize]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for box in boxes:
        row: dict[str, Any] = {"code": box.code, "label": box.label.strip(), "fare": box.fare}
        if box.max_cm is not None:
            row["max_cm"] = box.max_cm
        if box.max_kg is not None:
            row["max_kg"] = box.max_kg
        rows.append(row)
    return rows


def _secrets_apply(account: CarrierAccount, change: SecretsChange) -> None:
    credentials = dict(account.credentials or {})
    for key, value in change.credentials.items():
        if key not in CREDENTIAL_KEYS or value is None:
            continue
        if value.strip():
            credentials[key] = value.strip()
        else:
            credentials.pop(key, None)
    account.credentials = credentials
    if change.webhook_secret is not None:
        account.webhook_secret = change.webhook_secret.strip()[:128]


def _account_write(
    store: Store, account: CarrierAccount, data: CarrierAccountData, secrets: SecretsChange
) -> CarrierAccount:
    carrier, found = _account_check(data)
    found.raise_any()
    assert carrier is not None  # noqa: S101 - _account_check reported it otherwise
    # Serialises default switching: the database allows one default account per store.
    Store.objects.select_for_update().get(pk=store.pk)
    account.carrier = carrier
    account.name = data.name.strip()[:100]
    account.gateway = data.gateway
    account.api_base_url = data.api_base_url.strip()
    account.customer_code = data.customer_code.strip()[:64]
    account.fare_type = data.fare_type
    account.box_sizes = _boxes_json(data.box_sizes)
    account.return_name = data.return_name.strip()[:100]
    account.return_phone = data.return_phone.strip()[:32]
    account.return_postcode = data.return_postcode.strip()
    account.return_address1 = data.return_address1.strip()[:200]
    account.return_address2 = data.return_address2.strip()[:200]
    account.instructions = data.instructions.strip()
    account.poll_tracking = data.poll_tracking
    account.supports_swap = data.supports_swap
    account.is_active = data.is_active
    account.is_default = data.is_default
    _secrets_apply(account, secrets)
    if data.is_default:
        others = CarrierAccount.objects.filter(store=store, is_default=True)
        if account.pk:
            others = others.exclude(pk=account.pk)
        others.update(is_default=False)
    account.save()
    return account


@transaction.atomic
def carrier_account_create(
    *, store: Store, actor: Actor, data: CarrierAccountData, secrets: SecretsChange
) -> CarrierAccount:
    actor_require(actor, store.pk, Capability.CARRIERS_MANAGE)
    account = _account_write(store, CarrierAccount(store=store), data, secrets)
    logger.info("carrier account created store=%s account=%s", store.slug, account.pk)
    return account


@transaction.atomic
def carrier_account_update(
    *,
    store: Store,
    actor: Actor,
    account_id: int,
    data: CarrierAccountData,
    secrets: SecretsChange,
) -> CarrierAccount:
    """Change an account; pickups booked with it keep going (switch it off to stop new ones)."""
    actor_require(actor, store.pk, Capability.CARRIERS_MANAGE)
    account = carrier_account_get(store=store, account_id=account_id)
    account = _account_write(store, account, data, secrets)
    logger.info("carrier account changed store=%s account=%s", store.slug, account.pk)
    return account


def _rule_check(store: Store, data: CarrierRuleData) -> CarrierAccount:
    found = _FieldErrors()
    account = CarrierAccount.objects.filter(store=store, pk=data.account_id).first()
    if account is None:
        # Another store's account is as unknown as none: the same words.
        raise errors.ACCOUNT_NOT_FOUND.field("account")
    if not 0 <= data.priority <= PRIORITY_MAX:
        found.add("priority", errors.RULE_PRIORITY_INVALID)
    for prefix in data.postcode_prefixes:
        if not prefix.isdigit():
            found.add("postcode_prefixes", errors.RULE_POSTCODE_PREFIX_INVALID, value=prefix)
    if data.reason_codes:
        known = {reason.code for reason in policy_rules(policy_current(store=store)).reasons}
        for code in data.reason_codes:
            if code not in known:
                found.add("reason_codes", errors.RULE_REASON_UNKNOWN, value=code)
    sizes = {str(box.get("code")) for box in account.box_sizes or []}
    for size in data.box_sizes:
        if size not in sizes:
            found.add("box_sizes", errors.RULE_BOX_SIZE_UNKNOWN, value=size)
    found.raise_any()
    return account


def _unique(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(value.strip() for value in values if value.strip()))


def _rule_write(store: Store, rule: CarrierRule, data: CarrierRuleData) -> CarrierRule:
    data = CarrierRuleData(
        account_id=data.account_id,
        priority=data.priority,
        postcode_prefixes=tuple(_unique(data.postcode_prefixes)),
        reason_codes=tuple(_unique(data.reason_codes)),
        box_sizes=tuple(_unique(data.box_sizes)),
        note=data.note.strip()[:200],
    )
    rule.account = _rule_check(store, data)
    rule.priority = data.priority
    rule.postcode_prefixes = list(data.postcode_prefixes)
    rule.reason_codes = list(data.reason_codes)
    rule.box_sizes = list(data.box_sizes)
    rule.note = data.note
    rule.save()
    return rule


@transaction.atomic
def carrier_rule_create(*, store: Store, actor: Actor, data: CarrierRuleData) -> CarrierRule:
    actor_require(actor, store.pk, Capability.CARRIERS_MANAGE)
    rule = _rule_write(store, CarrierRule(store=store), data)
    logger.info("carrier rule created store=%s rule=%s", store.slug, rule.pk)
    return rule


@transaction.atomic
def carrier_rule_update(
    *, store: Store, actor: Actor, rule_id: int, data: CarrierRuleData
) -> CarrierRule:
    actor_require(actor, store.pk, Capability.CARRIERS_MANAGE)
    rule = _rule_write(store, carrier_rule_get(store=store, rule_id=rule_id), data)
    logger.info("carrier rule changed store=%s rule=%s", store.slug, rule.pk)
    return rule


@transaction.atomic
def carrier_rule_delete(*, store: Store, actor: Actor, rule_id: int) -> None:
    actor_require(actor, store.pk, Capability.CARRIERS_MANAGE)
    rule = carrier_rule_get(store=store, rule_id=rule_id)
    logger.info("carrier rule deleted store=%s rule=%s", store.slug, rule.pk)
    rule.delete()
