"""The store an API request may see, for every app's edges."""

from __future__ import annotations

from django.http import HttpRequest

from banpum.commerce.models import Store
from banpum.core.api_context import request_caller


def request_store(request: HttpRequest) -> Store:
    """The only store this request may see: its API key's."""
    store = request_caller(request).store
    if not isinstance(store, Store):
        raise TypeError(f"an API caller's store must be a Store, not {type(store).__name__}")
    return store
