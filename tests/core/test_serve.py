"""`banpum serve` as a user runs it: a real process, a real socket, a fresh var directory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var_dir = tmp_path_factory.mktemp("var")
    port = _free_port()
    env = {
        **os.environ,
        "BANPUM_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'serve.sqlite3'}",
    }
    banpum = Path(sys.executable).with_name("banpum")
    process = subprocess.Popen(
        [str(banpum), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"banpum serve exited early:\n{output[-3000:]}")
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("banpum serve did not answer within 60 s")
        assert (var_dir / "secret_key").exists()
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_admin_login_page_is_served_in_korean_by_default(server: str) -> None:
    response = httpx.get(f"{server}/admin/login/", timeout=10)
    assert response.status_code == 200
    assert "로그인" in response.text


def test_admin_speaks_english_when_asked(server: str) -> None:
    response = httpx.get(f"{server}/admin/login/", headers={"Accept-Language": "en"}, timeout=10)
    assert "Log in" in response.text


def test_admin_static_files_are_served_without_collectstatic(server: str) -> None:
    response = httpx.get(f"{server}/static/admin/css/base.css", timeout=10)
    assert response.status_code == 200
    assert "text/css" in response.headers["content-type"]


def test_api_docs_and_schema(server: str) -> None:
    docs = httpx.get(f"{server}/api/v1/docs", timeout=10)
    assert docs.status_code == 200
    assert "cdn." not in docs.text  # works on a machine with no internet
    bundle = httpx.get(f"{server}/static/ninja/swagger-ui-bundle.js", timeout=10)
    assert bundle.status_code == 200
    schema = httpx.get(f"{server}/api/v1/openapi.json", timeout=10).json()
    assert "/api/v1/returns" in schema["paths"]
    assert "/api/v1/returns/preview" in schema["paths"]


def test_api_without_key_is_a_json_401(server: str) -> None:
    response = httpx.get(f"{server}/api/v1/returns", timeout=10)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_root_redirects_to_the_office(server: str) -> None:
    response = httpx.get(f"{server}/", timeout=10)
    assert response.status_code == 302
    assert response.headers["location"] == "/office/"
