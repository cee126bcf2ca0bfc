"""Who may do what: the roles of staff in a store, and the one check every service makes.

The table is data, read by ``actor_can``; services call ``actor_require`` once at their entry
with the store the command touches. Plain Python, no ORM: the table is tested on its own.

- A person acts with the role of their membership in that store, and only in that store (an
  active superuser may do anything anywhere: the Django admin is theirs).
- An API key with no person behind it is an integration: its store's API rights, in its store.
- The system (policy, carrier tracking, jobs, the demo installer) and customers may do what
  their jobs need, and never manage settings, people or keys.
"""

from __future__ import annotations

from enum import StrEnum

from banpum.accounts import errors
from banpum.core.actors import Actor


class Role(StrEnum):
    CS_AGENT = "cs_agent"
    WAREHOUSE = "warehouse"
    MANAGER = "manager"
    ADMIN = "admin"


class Capability(StrEnum):
    RETURN_CREATE = "return_create"
    RETURN_APPROVE = "return_approve"
    RETURN_HOLD = "return_hold"
    RETURN_REJECT = "return_reject"
    RETURN_CANCEL = "return_cancel"
    RETURN_NOTE = "return_note"
    PICKUP_MANAGE = "pickup_manage"  # re-request, switch to self-ship, hand-entered waybills
    RETURN_RECEIVE = "return_receive"
    RETURN_INSPECT = "return_inspect"
    ORDERS_IMPORT = "orders_import"
    POLICY_MANAGE = "policy_manage"  # return policies and the store's extra holidays
    BLOCKLIST_MANAGE = "blocklist_manage"  # phones, emails and addresses held for review
    CARRIERS_MANAGE = "carriers_manage"
    USERS_MANAGE = "users_manage"
    API_KEYS_MANAGE = "api_keys_manage"
    STOCK_MANAGE = "stock_manage"  # restock dispositions, counts, moves between locations
    REFUND_MANAGE = "refund_manage"  # start, retry and reconcile refunds; refund accounts
    # Give the account a bank-transfer refund is paid to: CS, or the shopper for their return.
    REFUND_ACCOUNT_SET = "refund_account_set"
    REFUND_GOODWILL = "refund_goodwill"  # a partial refund beyond the policy, with a reason
    FEE_WAIVE = "fee_waive"  # waive an outstanding return fee, with a reason
    TRANSFERS_MANAGE = "transfers_manage"  # export bank-transfer batches, confirm them paid
    STORE_CREDIT_MANAGE = "store_credit_manage"  # issue and redeem store credit
    EXCHANGE_MANAGE = "exchange_manage"  # replacement options, shipments, refund instead
    PAYMENTS_MANAGE = "payments_manage"  # payment gateway credentials
    # Merchant webhooks: subscriber URLs, their signing secrets, resending deliveries.
    WEBHOOKS_MANAGE = "webhooks_manage"
    # The insights dashboard and /api/v1/insights: rates, reasons, money, loss reports.
    INSIGHTS_VIEW = "insights_view"
    # The store's message templates: edit, reset, record a 알림톡 approval at the provider.
    NOTIFY_TEMPLATES_EDIT = "notify_templates_edit"
    # A customer's full phone, email, address or refund account on a return page (logged).
    PERSONAL_DATA_REVEAL = "personal_data_reveal"
    # The log of those reveals: who looked at whose data, when and why.
    ACCESS_LOG_VIEW = "access_log_view"


C = Capability
_CS = frozenset(
    {
        C.RETURN_CREATE,
        C.RETURN_APPROVE,
        C.RETURN_HOLD,
        C.RETURN_REJECT,
        C.RETURN_CANCEL,
        C.RETURN_NOTE,
        C.PICKUP_MANAGE,
        C.REFUND_MANAGE,
        C.REFUND_ACCOUNT_SET,
        C.STORE_CREDIT_MANAGE,
        C.EXCHANGE_MANAGE,
        C.PERSONAL_DATA_REVEAL,
    }
)
_WAREHOUSE = frozenset(
    {C.RETURN_NOTE, C.RETURN_RECEIVE, C.RETURN_INSPECT, C.STOCK_MANAGE, C.EXCHANGE_MANAGE}
)
_SETTINGS = frozenset(
    {
        C.POLICY_MANAGE,
        C.BLOCKLIST_MANAGE,
        C.CARRIERS_MANAGE,
        C.USERS_MANAGE,
        C.API_KEYS_MANAGE,
        C.PAYMENTS_MANAGE,
        C.WEBHOOKS_MANAGE,
        C.NOTIFY_TEMPLATES_EDIT,
    }
)
# Money beyond the rules: only a manager decides it, and says why.
_MONEY = frozenset({C.REFUND_GOODWILL, C.FEE_WAIVE, C.TRANSFERS_MANAGE})
# The store's figures (return rates, money, losses) are a manager's to read.
_INSIGHTS = frozenset({C.INSIGHTS_VIEW})
# The staff-access log is read by the store's admins only (개인정보 접속기록 점검), not by the
# managers whose own reveals it lists, nor by integrations or jobs.
_AUDIT = frozenset({C.ACCESS_LOG_VIEW})

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.CS_AGENT: _CS,
    Role.WAREHOUSE: _WAREHOUSE,
    Role.MANAGER: _CS | _WAREHOUSE | _SETTINGS | _MONEY | _INSIGHTS | {C.ORDERS_IMPORT},
    Role.ADMIN: frozenset(Capability),
}
# An API key acting for nobody: everything a store's systems exchange, no settings and no
# money beyond the rules.
INTEGRATION_CAPABILITIES: frozenset[Capability] = (
    frozenset(Capability) - _SETTINGS - _MONEY - _AUDIT - _INSIGHTS
)
# Policy decisions, carrier tracking, jobs, channel imports and the demo installer.
SYSTEM_CAPABILITIES: frozenset[Capability] = frozenset(Capability) - _SETTINGS - _AUDIT
# A shopper on their own return: open it, cancel it, say something, give the waybill, answer
# a pickup exception, say where a bank-transfer refund goes.
CUSTOMER_CAPABILITIES: frozenset[Capability] = frozenset(
    {C.RETURN_CREATE, C.RETURN_CANCEL, C.RETURN_NOTE, C.PICKUP_MANAGE, C.REFUND_ACCOUNT_SET}
)


def _is_superuser(user: object) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


def actor_capabilities(actor: Actor, store_id: int) -> frozenset[Capability]:
    """What ``actor`` may do in store ``store_id``."""
    if actor.user is not None and not getattr(actor.user, "is_active", True):
        return frozenset()
    if actor.role:
        if actor.store_id != store_id:
            return frozenset()
        try:
            return ROLE_CAPABILITIES[Role(actor.role)]
        except ValueError:
            return frozenset()
    if actor.type == "staff":
        return frozenset(Capability) if _is_superuser(actor.user) else frozenset()
    if actor.store_id is not None and actor.store_id != store_id:
        return frozenset()
    if actor.type == "api":
        return INTEGRATION_CAPABILITIES
    if actor.type == "system":
        return SYSTEM_CAPABILITIES
    if actor.type == "customer":
        return CUSTOMER_CAPABILITIES
    return frozenset()


def actor_can(actor: Actor, store_id: int, capability: Capability) -> bool:
    return capability in actor_capabilities(actor, store_id)


def actor_require(actor: Actor, store_id: int, capability: Capability) -> None:
    """Raise ``PermissionDenied`` (403) unless ``actor`` may do ``capability`` in the store."""
    if actor_can(actor, store_id, capability):
        return
    extra = {"capability": capability.value, "role": actor.role or actor.type}
    if actor.role and actor.store_id != store_id:
        raise errors.NO_ROLE_IN_STORE(actor=actor.label, extra=extra)
    raise errors.NOT_ALLOWED(actor=actor.label, capability=capability.value, extra=extra)
