"""Who is calling the API: what the API's authentication leaves on the request.

The composition authenticates every request (``banpum.server.api``, with ``accounts``' API
keys) and ninja puts the caller on ``request.auth``. Edges read it through this protocol, so no
app needs to know how a caller authenticated, and ``core`` names no domain model: the store is
typed by its owner, ``commerce.api_context.request_store``.
"""

from __future__ import annotations

from typing import Protocol, cast

from django.http import HttpRequest

from banpum.core.actors import Actor


class ApiCaller(Protocol):
    """An authenticated API caller (``accounts.ApiKey``)."""

    @property
    def store(self) -> object:
        """The only store the caller may see (a ``commerce.Store``)."""

    def actor(self) -> Actor:
        """The caller as recorded on events and checked by the services."""


def request_caller(request: HttpRequest) -> ApiCaller:
    return cast(ApiCaller, request.auth)  # type: ignore[attr-defined]


def request_actor(request: HttpRequest) -> Actor:
    return request_caller(request).actor()
