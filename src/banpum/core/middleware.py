"""Keep the API's one error shape for the answers Django and ninja give before our handlers."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

API_PREFIXES = ("/api/", "/hooks/")
_MESSAGES = {
    405: ("method_not_allowed", "This method is not allowed here."),
    404: ("not_found", "No such endpoint."),
}


class JsonApiErrorsMiddleware:
    """Rewrite plain-text 404/405 answers on API paths into ``{"code", "message", "extra"}``.

    django-ninja answers a wrong method with Django's bare ``HttpResponseNotAllowed`` before any
    exception handler runs; clients of a JSON API should never have to parse HTML or text.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code in _MESSAGES
            and request.path.startswith(API_PREFIXES)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, message = _MESSAGES[response.status_code]
            extra = {}
            if response.status_code == 405 and response.has_header("Allow"):
                extra["allowed_methods"] = [m.strip() for m in response["Allow"].split(",")]
            body = json.dumps({"code": code, "message": message, "extra": extra})
            rewritten = HttpResponse(
                body, status=response.status_code, content_type="application/json"
            )
            if response.has_header("Allow"):
                rewritten["Allow"] = response["Allow"]
            return rewritten
        return response
