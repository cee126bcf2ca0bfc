"""Keep the API's one error shape for the answers Django and ninja give outside our handlers.

Two pieces, because Django answers some errors before any view runs:

- ``JsonApiErrorsMiddleware`` rewrites plain-text 404/405 answers on API paths (django-ninja
  answers a wrong method with Django's bare ``HttpResponseNotAllowed``).
- ``bad_request``, ``permission_denied``, ``page_not_found`` and ``server_error`` are the
  project's ``handler400/403/404/500``: on API and hook paths they answer JSON (a bad ``Host``
  header, a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, a crash in a middleware), elsewhere
  Django's own pages.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views import defaults

from banpum.core import errors

API_PREFIXES = ("/api/", "/hooks/")


def is_api_path(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES)


def json_error(
    status: int, code: str, message: str, extra: dict[str, Any] | None = None
) -> HttpResponse:
    body = json.dumps({"code": code, "message": message, "extra": extra or {}}, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/json")


def payload_too_large(limit: int | None = None) -> HttpResponse:
    """413 naming the limit, for the API's handler, the webhook and ``handler400``."""
    if limit is None:
        limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return error_json(errors.PAYLOAD_TOO_LARGE(limit=limit, extra={"limit_bytes": limit}))


def error_json(error: errors.ApplicationError) -> HttpResponse:
    return json_error(error.status_code, error.code, error.message, error.extra)


# Rendered per response: the message follows the request's language.
_REWRITTEN = {405: errors.METHOD_NOT_ALLOWED, 404: errors.NO_SUCH_ENDPOINT}


class JsonApiErrorsMiddleware:
    """Rewrite plain-text 404/405 answers on API paths into ``{"code", "message", "extra"}``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code in _REWRITTEN
            and is_api_path(request)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            extra = {}
            if response.status_code == 405 and response.has_header("Allow"):
                extra["allowed_methods"] = [m.strip() for m in response["Allow"].split(",")]
            rewritten = error_json(_REWRITTEN[response.status_code](extra=extra))
            if response.has_header("Allow"):
                rewritten["Allow"] = response["Allow"]
            return rewritten
        return response


def _in_request_language(request: HttpRequest, answer: Callable[[], HttpResponse]) -> HttpResponse:
    """Django may call a handler before ``LocaleMiddleware`` ran (or after another request's
    language was left active on this thread): answer in the language this request asks for."""
    with translation.override(translation.get_language_from_request(request)):
        return answer()


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_path(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return _in_request_language(request, payload_too_large)
    # DisallowedHost and other SuspiciousOperations: say what, never echo the offending value.
    return _in_request_language(request, lambda: error_json(errors.BAD_REQUEST()))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_path(request):
        return defaults.permission_denied(request, exception)
    return _in_request_language(request, lambda: error_json(errors.FORBIDDEN()))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_path(request):
        return defaults.page_not_found(request, exception)
    return _in_request_language(request, lambda: error_json(errors.NO_SUCH_ENDPOINT()))


def server_error(request: HttpRequest) -> HttpResponse:
    if not is_api_path(request):
        return defaults.server_error(request)
    return _in_request_language(request, lambda: error_json(errors.SERVER_ERROR()))


class RefuseNulCharactersMiddleware:
    """Answer 422 on API and hook paths for a NUL character anywhere in the path, query or JSON.

    PostgreSQL text cannot hold U+0000 (psycopg raises ``DataError`` mid-query: a 500) while
    SQLite stores it silently; no field of this API means it. Refused at the door, the same on
    every database, before a service or a query sees it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_path(request) and (where := _nul_at(request)) is not None:
            return error_json(errors.NUL_CHARACTER.field(where))
        return self.get_response(request)


def _nul_at(request: HttpRequest) -> str | None:
    """Where a NUL character is: ``path``, a query parameter's name, a body field's path."""
    if "\x00" in request.path:
        return "path"
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", "") or "query"
    if request.content_type != "application/json":
        return None
    try:
        body = request.body
    except RequestDataTooBig:
        return None  # answered 413 by the handler that reads it
    # JSON can only carry U+0000 escaped; look closer only when the escape is there at all.
    if b"\\u0000" not in body:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None  # not JSON: the API answers invalid_json
    return _nul_in(data, "")


def _nul_in(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return (path or "__all__") if "\x00" in value else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        name = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and "\x00" in key:
            return name
        if (found := _nul_in(item, name)) is not None:
            return found
    return None
