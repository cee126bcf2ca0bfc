from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_a_wrong_method_on_the_api_is_a_json_405(api: Any) -> None:
    response = api.delete("/api/v1/returns")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "method_not_allowed"
    assert "GET" in body["extra"]["allowed_methods"]
    assert "GET" in response["Allow"]


def test_an_unknown_api_path_is_a_json_404(api: Any) -> None:
    response = api.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] in {"endpoint_not_found", "not_found"}


def test_pages_outside_the_api_keep_their_html_404(client: Any) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_a_crash_outside_the_api_handlers_is_json_on_api_paths() -> None:
    """handler500 answers JSON where clients parse JSON (a middleware failing, for instance)."""
    from django.test import RequestFactory

    from banpum.core.middleware import server_error

    response = server_error(RequestFactory().get("/api/v1/returns"))
    assert (response.status_code, response["Content-Type"]) == (500, "application/json")
    assert json.loads(response.content)["code"] == "server_error"
    page = server_error(RequestFactory().get("/admin/"))
    assert not page["Content-Type"].startswith("application/json")


def test_django_uses_the_json_handlers() -> None:
    from banpum import urls

    assert urls.handler400 == "banpum.core.middleware.bad_request"
    # The office and the portal answer their own 404 pages (the composition picks by path); the
    # office its 500 pages; every other path goes to core's handlers (JSON on the API).
    assert urls.handler404 == "banpum.urls.page_not_found"
    assert urls.handler500 == "banpum.office.views.server_error"


def test_the_office_handlers_hand_the_api_to_core() -> None:
    from django.test import RequestFactory

    from banpum.office.views import page_not_found, server_error

    crash = server_error(RequestFactory().get("/api/v1/returns"))
    assert json.loads(crash.content)["code"] == "server_error"
    missing = page_not_found(RequestFactory().get("/api/v1/nowhere"), Exception())
    assert missing["Content-Type"] == "application/json"
    from banpum.urls import page_not_found as composed_not_found

    assert composed_not_found(RequestFactory().get("/api/v1/x"), Exception())["Content-Type"] == (
        "application/json"
    )
    portal_missing = composed_not_found(RequestFactory().get("/portal/x/"), Exception())
    assert portal_missing.status_code == 404
    assert b"portal.css" in portal_missing.content
    office_crash = server_error(RequestFactory().get("/office/returns/"))
    assert office_crash.status_code == 500
    assert b"Traceback" not in office_crash.content
