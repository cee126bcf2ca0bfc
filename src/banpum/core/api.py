"""The REST API under /api/v1/: one NinjaAPI, one auth, one error shape.

Every error is ``{"code", "message", "extra"}``; validation errors list the failing fields under
``extra.fields`` by dotted path (``lines.0.quantity``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from banpum.accounts.models import ApiKey
from banpum.accounts.services import api_key_authenticate
from banpum.core.errors import ApplicationError

logger = logging.getLogger(__name__)


class ApiKeyAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = api_key_authenticate(token)
        if key is not None:
            request.api_key = key  # type: ignore[attr-defined]
        return key


api = NinjaAPI(
    title="Banpum API",
    version="1",
    description=(
        "Orders in, returns out. Authenticate with `Authorization: Bearer <API key>`; "
        "each key is scoped to one store."
    ),
    auth=ApiKeyAuth(),
    urls_namespace="api-v1",
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, extra: dict[str, Any] | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "extra": extra or {}}, status=status
    )


@api.exception_handler(ApplicationError)
def _application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return error_response(request, exc.status_code, exc.code, exc.message, exc.extra)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(
        request,
        401,
        "unauthorized",
        "Send a valid API key as 'Authorization: Bearer <key>'.",
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


def _field_path(loc: list[Any] | tuple[Any, ...]) -> str:
    # Ninja prefixes the source ("body", "query", "path") and the parameter name; drop both.
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "form", "cookie"}:
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_path(error.get("loc", ())), []).append(
            str(error.get("msg", "invalid"))
        )
    first_path, first_messages = next(iter(fields.items()), ("__all__", ["invalid"]))
    return error_response(
        request,
        422,
        "validation_error",
        f"{first_path}: {first_messages[0]}",
        {"fields": fields},
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled API error on %s %s", request.method, request.path)
    return error_response(request, 500, "server_error", "Something went wrong on our side.")


@api.get("/health", auth=None, tags=["meta"], summary="Liveness check")
def health(request: HttpRequest) -> dict[str, str]:
    """Answers without touching the database: the benchmarks' ceiling for this server stack."""
    return {"status": "ok"}


def _register_routers() -> None:
    from banpum.commerce.api import router as orders_router
    from banpum.returns.api import router as returns_router

    api.add_router("/orders", orders_router)
    api.add_router("/returns", returns_router)


_register_routers()
