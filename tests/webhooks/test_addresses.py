"""The SSRF guard: which URLs a webhook may be sent to (resolution injected: no DNS)."""

from __future__ import annotations

import socket

import pytest

from banpum.webhooks.addresses import Refusal, Target, address_allowed, url_target

PUBLIC = "93.184.215.14"


def resolving(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "not known")
        return table[host]

    return resolve


RESOLVE = resolving(
    {
        "hooks.example.com": [PUBLIC],
        "intranet.example.com": ["10.0.0.5"],
        "mixed.example.com": [PUBLIC, "192.168.0.10"],
        "metadata.example.com": ["169.254.169.254"],
        "sixloop.example.com": ["::1"],
        "127.0.0.1": ["127.0.0.1"],
        "10.1.2.3": ["10.1.2.3"],
        "169.254.169.254": ["169.254.169.254"],
        "::1": ["::1"],
        "0.0.0.0": ["0.0.0.0"],  # noqa: S104 (a URL the guard must refuse)
        "224.0.0.1": ["224.0.0.1"],
        "::ffff:127.0.0.1": ["::ffff:127.0.0.1"],
        "100.64.0.1": ["100.64.0.1"],
        "240.0.0.1": ["240.0.0.1"],
        "fe80::1": ["fe80::1%2"],
        PUBLIC: [PUBLIC],
        "2606:2800:21f:cb07:6820:80da:af6b:8b2c": ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    }
)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/hook", "address_refused"),
        ("http://10.1.2.3:8080/hook", "address_refused"),
        ("http://169.254.169.254/latest/meta-data/", "address_refused"),
        ("http://[::1]/hook", "address_refused"),
        ("http://[::ffff:127.0.0.1]/hook", "address_refused"),
        ("http://[fe80::1]/hook", "address_refused"),
        ("http://0.0.0.0/hook", "address_refused"),
        ("http://224.0.0.1/hook", "address_refused"),
        ("http://100.64.0.1/hook", "address_refused"),  # shared (carrier-grade NAT)
        ("http://240.0.0.1/hook", "address_refused"),  # reserved
        ("https://intranet.example.com/hook", "address_refused"),  # a name for a private one
        ("https://mixed.example.com/hook", "address_refused"),  # one private address is enough
        ("https://metadata.example.com/", "address_refused"),
        ("https://sixloop.example.com/", "address_refused"),
        ("https://nowhere.example.com/hook", "dns"),
        ("ftp://hooks.example.com/hook", "url_invalid"),
        ("file:///etc/passwd", "url_invalid"),
        ("javascript:alert(1)", "url_invalid"),
        ("gopher://hooks.example.com:70/", "url_invalid"),
        ("hooks.example.com/hook", "url_invalid"),
        ("https:///hook", "url_invalid"),
        ("https://hooks.example.com:99999/hook", "url_invalid"),
        ("https://hooks.example.com/a b", "url_invalid"),
        ("https://hooks.example.com/\x00", "url_invalid"),
        ("https://user:pw@hooks.example.com/hook", "url_credentials"),
        ("", "url_invalid"),
        ("https://hooks.example.com/" + "a" * 2000, "url_invalid"),
    ],
)
def test_refused(url: str, reason: str) -> None:
    refused = url_target(url, private=False, resolve=RESOLVE)
    assert isinstance(refused, Refusal), refused
    assert refused.reason == reason
    assert refused.message()


def test_refused_names_the_host_and_the_address(english: None) -> None:
    refused = url_target("https://intranet.example.com/x", private=False, resolve=RESOLVE)
    assert isinstance(refused, Refusal)
    assert "intranet.example.com" in refused.message()
    assert "10.0.0.5" in refused.message()


@pytest.mark.parametrize(
    ("url", "address", "port", "path"),
    [
        ("https://hooks.example.com/hook?x=1", PUBLIC, 443, "/hook?x=1"),
        ("http://hooks.example.com", PUBLIC, 80, "/"),
        (f"HTTP://{PUBLIC}:8443/h#frag", PUBLIC, 8443, "/h"),
        (
            "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/h",
            "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
            443,
            "/h",
        ),
    ],
)
def test_public_targets_pin_the_checked_address(
    url: str, address: str, port: int, path: str
) -> None:
    target = url_target(url, private=False, resolve=RESOLVE)
    assert isinstance(target, Target), target
    assert (target.address, target.port, target.path) == (address, port, path)


def test_the_setting_lets_private_loopback_and_link_local_through_but_never_multicast() -> None:
    for url in (
        "http://127.0.0.1:8000/h",
        "http://10.1.2.3/h",
        "http://[::1]/h",
        "https://intranet.example.com/h",
        "http://169.254.169.254/h",
        "http://[fe80::1]/h",
    ):
        assert isinstance(url_target(url, private=True, resolve=RESOLVE), Target), url
    for url in ("http://224.0.0.1/h", "http://0.0.0.0/h", "ftp://127.0.0.1/h"):
        assert isinstance(url_target(url, private=True, resolve=RESOLVE), Refusal), url


def test_addresses_one_by_one() -> None:
    assert address_allowed("8.8.8.8", private=False)
    assert not address_allowed("192.0.2.1", private=False)  # documentation
    assert not address_allowed("not an address", private=True)
    assert not address_allowed("ff02::1", private=True)
    assert address_allowed("fe80::1%eth0", private=True)


def test_the_system_resolver_is_used_by_default_and_localhost_is_refused(settings: object) -> None:
    # Real resolution, on this machine: localhost is loopback, whatever family it answers.
    refused = url_target("http://localhost:8000/h", private=False)
    assert isinstance(refused, Refusal)
    assert refused.reason == "address_refused"
    assert isinstance(url_target("http://localhost:8000/h", private=True), Target)
