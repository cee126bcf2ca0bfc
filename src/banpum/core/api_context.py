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
    """The caller as recorded on events and checked by the services.

    A key acting for a staff member is that person (their name and user on events, their
    role's rights); any other key is an integration of its store, named by prefix and name.
    """
    key = request_api_key(request)
    client = f"api:{key.prefix}{' ' + key.name if key.name else ''}"
    membership = key.acts_for
    if membership is None:
        return Actor.api(client, store_id=key.store_id)
    user = membership.user
    return Actor.api_for(f"{user.get_username()} ({client})", user=user, membership=membership)
