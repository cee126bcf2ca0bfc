"""Headless Chromium driven by Playwright, against a live server on 127.0.0.1.

The browser is Debian's ``chromium`` (``.ci/system-packages.sh`` installs it), launched by its
executable path: Playwright never downloads one. CI runs as root, hence ``--no-sandbox``; the
background-networking flags keep Chromium from calling out of this closed network. Every test
saves its screenshots under ``test-output/screenshots/`` (``BANPUM_TEST_OUTPUT`` moves it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# around it are plain synchronous code all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def screenshots_dir() -> Path:
    root = Path(os.environ.get("BANPUM_TEST_OUTPUT", "test-output"))
    path = root / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (.ci/system-packages.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh desktop page in Korean, the sellers' language."""
    context = browser.new_context(locale="ko-KR", viewport=DESKTOP)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A 360×740 phone in Korean: the shoppers' screen."""
    context = browser.new_context(
        locale="ko-KR", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


# Chromium words a blocked script or style as "… violates the following Content Security
# Policy directive …"; older builds wrote "Content-Security-Policy".
CSP_WORDS = ("Content Security Policy", "Content-Security")


def csp_violations(page: Any) -> list[str]:
    """The console messages about the content security policy from now on (the list grows)."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if any(words in message.text for words in CSP_WORDS) else None
        ),
    )
    return seen


# Never page.wait_for_function here: it polls with eval, which the pages' CSP (no
# 'unsafe-eval') refuses as soon as the condition is not true at once. Wait with
# playwright.sync_api.expect on a locator instead.
