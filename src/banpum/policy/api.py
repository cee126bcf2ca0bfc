"""/api/v1/policy: the store's active return policy, read-only, so clients discover reason codes.

No ``from __future__ import annotations``: ninja resolves parameter annotations at runtime.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from banpum.commerce.api_context import request_store
from banpum.core.schemas import errors
from banpum.policy.schemas import PolicyOut, PolicyRulesSchema
from banpum.policy.selectors import policy_current

router = Router(tags=["policy"])


@router.get(
    "",
    response={200: PolicyOut, **errors(404)},
    summary="The active return policy: reasons (ko/en), windows, fees",
)
def get_policy(request: HttpRequest) -> dict[str, Any]:
    """The version new returns are decided under; 404 ``policy_missing`` before one exists."""
    store = request_store(request)
    policy = policy_current(store=store)
    rules = PolicyRulesSchema.model_validate(policy.rules).model_dump(mode="json")
    return {
        **rules,
        "version": policy.version,
        "created_at": policy.created_at,
        "currency": store.currency,
    }
