"""The REST API under /api/v1/: one NinjaAPI, one auth, one error shape.

Every error is ``{"code", "message", "extra"}``; validation errors list the failing fields under
``extra.fields`` by dotted path (``lines.0.quantity``). The OpenAPI document declares that shape
for every status an operation can answer: the ones each endpoint names (404, 409, business 422)
and those every operation shares (401 without a key, 422 for bad parameters, 400 and 413 for a
body that is not JSON or too large), added here once.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationErrorContext
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from banpum.accounts.models import ApiKey
from banpum.accounts.services import api_key_authenticate
from banpum.core import errors as core_errors
from banpum.core.errors import ApplicationError
from banpum.core.middleware import bad_request, payload_too_large
from banpum.core.schemas import TIME_FORMAT_HELP, ErrorOut
from banpum.core.validation import validation_message

logger = logging.getLogger(__name__)


class ApiKeyAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = api_key_authenticate(token)
        if key is not None:
            request.api_key = key  # type: ignore[attr-defined]
        return key


class BanpumAPI(NinjaAPI):
    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> NinjaValidationError:
        """Name query, path and header fields as the client sent them, however deep the error.

        Ninja flattens a ``Query[Schema]`` parameter's error ``("filters", "type")`` to
        ``("type",)``, but leaves deeper ones (``("filters", "status", 0)``) under the
        parameter's name, which the client never typed.
        """
        error = super().validation_error_from_error_contexts(error_contexts)
        flattened: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        for context in error_contexts:
            source = context.model.__ninja_param_source__
            for long, short in context.model.__ninja_flatten_map_reverse__.items():
                flattened[(source, *long)] = (source, *short)
        for item in error.errors:
            loc = tuple(item.get("loc", ()))
            for size in range(len(loc) - 1, 1, -1):
                if loc[:size] in flattened:
                    item["loc"] = flattened[loc[:size]] + loc[size:]
                    break
        return error

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        _document_shared_errors(schema)
        return schema


_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
_SHARED_ERRORS = {
    400: gettext_lazy("Malformed: a body that is not JSON, or too many query fields"),
    401: gettext_lazy("No valid API key"),
    413: gettext_lazy("The body is larger than the server accepts"),
    422: gettext_lazy("A parameter or a field is invalid (extra.fields), or a rule refuses it"),
}


def _document_shared_errors(schema: dict[str, Any]) -> None:
    """Declare the statuses every operation shares, so clients (and schemathesis) expect them."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorOut", ErrorOut.model_json_schema())
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            # Endpoints declare statuses as ints; JSON keys are strings: one key per status, or
            # the document holds "422" twice and Swagger UI refuses to render it.
            operation["responses"] = {str(k): v for k, v in operation["responses"].items()}
            statuses = []
            if operation.get("security"):
                statuses.append(401)
            if operation.get("parameters") or operation.get("requestBody"):
                statuses += [400, 422]
            if operation.get("requestBody"):
                statuses.append(413)
            for status in statuses:
                operation["responses"].setdefault(
                    str(status),
                    {
                        "description": str(_SHARED_ERRORS[status]),
                        "content": {"application/json": {"schema": _ERROR_REF}},
                    },
                )


api = BanpumAPI(
    title="Banpum API",
    version="1",
    description=(
        "Orders in, returns out. Authenticate with `Authorization: Bearer <API key>`; "
        "each key is scoped to one store. Every error answers "
        '`{"code", "message", "extra"}`: 401 without a valid key, 404 for what the '
        "store does not have, 409 when the object's state forbids the action, 422 for invalid "
        "input or a rule that refuses it, 413 for a body over the size limit. Messages follow "
        "`Accept-Language` (Korean by default, `en` for English); codes never change. "
        + TIME_FORMAT_HELP
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
    response = _application_error(request, core_errors.UNAUTHORIZED())
    response["WWW-Authenticate"] = "Bearer"
    return response


_SOURCES = {"body", "query", "path", "header", "form", "cookie", "file"}


def _field_path(loc: list[Any] | tuple[Any, ...]) -> str:
    # Ninja prefixes the source ("body", "query", "path", ...). A body error also names the body
    # parameter (("body", "payload", "lines", 0)); query, path and header schemas are flattened
    # (("query", "created_from")). Drop what the client never typed; an error on the whole
    # body (a model validator) belongs to "__all__".
    parts = [str(part) for part in loc]
    if parts and parts[0] == "body":
        parts = parts[2:]
    elif parts and parts[0] in _SOURCES:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def _message(error: dict[str, Any]) -> str:
    return validation_message(error)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        if "loc" not in error and "msg" not in error:
            # Ninja's own checks (e.g. an undecodable pagination cursor) give {field: message}.
            for field, message in error.items():
                fields.setdefault(str(field), []).append(str(message))
            continue
        fields.setdefault(_field_path(error.get("loc", ())), []).append(_message(error))
    first_path, first_messages = next(
        iter(fields.items()), ("__all__", [core_errors.INVALID_INPUT.render()])
    )
    return error_response(
        request,
        422,
        "validation_error",
        f"{first_path}: {first_messages[0]}",
        {"fields": fields},
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _application_error(request, core_errors.NOT_FOUND())


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # ninja: the body could not be parsed
        return _application_error(request, core_errors.INVALID_JSON())
    return error_response(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """What Django raises while the view reads the request: a body too large (413), too many
    query fields (400). Answered as Django's handler400 would, in the API's shape."""
    if isinstance(exc, RequestDataTooBig):
        return payload_too_large()
    return bad_request(request, exc)


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    """An upload whose Content-Type names multipart but whose body does not hold to it."""
    return _application_error(request, core_errors.INVALID_MULTIPART())


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled API error on %s %s", request.method, request.path)
    return _application_error(request, core_errors.SERVER_ERROR())


@api.get("/health", auth=None, tags=["meta"], summary="Liveness check")
def health(request: HttpRequest) -> dict[str, str]:
    """Answers without touching the database: the benchmarks' ceiling for this server stack."""
    return {"status": "ok"}


# Registered after every other router: a path no endpoint claims answers in the API's error shape,
# not with Django's HTML 404 page.
_fallback = Router(auth=None)


@_fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:path}", include_in_schema=False
)
def _no_such_endpoint(request: HttpRequest, path: str) -> None:
    raise core_errors.ENDPOINT_NOT_FOUND(path=path)


def _register_routers() -> None:
    from banpum.commerce.api import router as orders_router
    from banpum.feedback.api import router as feedback_router
    from banpum.insights.api import router as insights_router
    from banpum.logistics.api import router as logistics_router
    from banpum.notify.api import router as notify_router
    from banpum.policy.api import router as policy_router
    from banpum.returns.api import router as returns_router
    from banpum.returns.store_settings_api import router as store_settings_router
    from banpum.settlement.api import router as settlement_router
    from banpum.settlement.exchanges.api import router as exchanges_router
    from banpum.settlement.transfers_api import router as transfers_router
    from banpum.warehouse.api import router as warehouse_router
    from banpum.webhooks.api import router as webhooks_router

    api.add_router("/orders", orders_router)
    api.add_router("/returns", returns_router)
    api.add_router("/policy", policy_router)
    # /policy/blocklist and /policy/holidays: policy's data, commands that need returns.
    api.add_router("/policy", store_settings_router)
    # Its paths span /returns/{number}/pickups, /pickups/…, /labels and /logistics/…; none is
    # a path of the returns router, so the two never answer for each other.
    api.add_router("", logistics_router)
    # /warehouse/…, /stock/… and /returns/{number}/receive|inspection|lines/…: paths of neither
    # the returns nor the logistics router.
    api.add_router("", warehouse_router)
    # /products/{sku}/variants, /returns/{number}/exchange…, /shipments/{id}.
    api.add_router("", exchanges_router)
    # /returns/{number}/refunds|fee/…, /refunds/…, /customers/…, /settings/payment-account.
    api.add_router("", settlement_router)
    # /returns/{number}/refund-account and /transfers/batches/…: bank-transfer refunds.
    api.add_router("", transfers_router)
    # /webhooks/…: the store's webhook subscriptions, their deliveries, the event catalogue.
    api.add_router("/webhooks", webhooks_router)
    # /returns/{number}/feedback: the shopper's survey answer.
    api.add_router("", feedback_router)
    # /returns/{number}/messages: what the shopper was sent, the delivery log.
    api.add_router("", notify_router)
    # /insights/…: the dashboard's reports (return rates, reasons, carriers, money, losses).
    api.add_router("/insights", insights_router)
    api.add_router("", _fallback)


_register_routers()
