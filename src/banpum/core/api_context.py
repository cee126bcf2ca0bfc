"""Who is calling the API: the store and the actor behind the request's API key."""

from __future__ import annotations

from django.http import HttpRequest

from banpum.accounts.models import ApiKey
from banpum.commerce.models import Store
from banpum.core.actors import Actor


def request_api_key(request: HttpRequest) -> ApiKey:
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    return key


def request_store(request: HttpRequest) -> Store:
    """The only store this request may see: its API key's."""
    return request_api_key(request).store


def request_actor(request: HttpRequest) -> Actor:
    """The API client as recorded on events: the key's prefix and, when set, its name."""
    key = request_api_key(request)
    return Actor.api(f"api:{key.prefix}{' ' + key.name if key.name else ''}")
