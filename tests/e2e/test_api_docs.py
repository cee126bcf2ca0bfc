"""The API documentation renders in a real browser from the app's own files (no CDN)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import screenshots_dir

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_render_offline(live_server: Any, page: Any) -> None:
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    page.screenshot(path=str(screenshots_dir() / "api-docs.png"), full_page=False)
    assert page.locator(".opblock-tag").count() > 3
    assert outside == []  # every asset is served by the app itself
