"""Policy reads."""

from __future__ import annotations

import json
from functools import lru_cache

from banpum.commerce.models import Store
from banpum.policy.errors import POLICY_MISSING
from banpum.policy.models import ReturnPolicy
from banpum.policy.schemas import PolicyRulesSchema
from banpum.policy.types import PolicyRules


def policy_current(*, store: Store) -> ReturnPolicy:
    policy = ReturnPolicy.objects.filter(store=store).order_by("-version").first()
    if policy is None:
        raise POLICY_MISSING(store=store.slug)
    return policy


@lru_cache(maxsize=1024)
def _rules_for(policy_id: int, version: int, document: str) -> PolicyRules:
    return PolicyRulesSchema.model_validate_json(document).to_rules(version)


def policy_rules(policy: ReturnPolicy) -> PolicyRules:
    """Parsed rules of a policy version; versions are immutable, so parsing is cached."""
    return _rules_for(policy.pk, policy.version, json.dumps(policy.rules, sort_keys=True))
