"""/api/v1/policy/blocklist: managers list, add and remove; each store sees its own."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from banpum.policy.models import BlocklistEntry

URL = "/api/v1/policy/blocklist"
pytestmark = pytest.mark.django_db


def add(client: Client, **body: Any) -> Any:
    return client.post(URL, body, content_type="application/json")


def test_a_manager_adds_lists_and_removes_entries(manager: Client, store: Any) -> None:
    added = add(manager, kind="phone", value="010-1234-5678", reason="chargebacks")
    assert added.status_code == 201, added.content
    body = added.json()
    assert body["kind"] == "phone"
    assert body["value"] == "01012345678"
    assert body["reason"] == "chargebacks"
    assert body["created_by"] == f"manager-{store.slug}"
    assert body["created_at"].endswith("+09:00")

    add(manager, kind="email", value="  Kim@Example.COM ")
    add(manager, kind="address", value=" 서울시  강남구\n테헤란로 1 ")
    listed = manager.get(URL)
    assert listed.status_code == 200
    assert [(e["kind"], e["value"]) for e in listed.json()["results"]] == [
        ("address", "서울시 강남구 테헤란로 1"),
        ("email", "kim@example.com"),
        ("phone", "01012345678"),
    ]

    removed = manager.delete(f"{URL}/{body['id']}")
    assert removed.status_code == 204
    assert not BlocklistEntry.objects.filter(pk=body["id"]).exists()
    assert manager.delete(f"{URL}/{body['id']}").status_code == 404


def test_the_list_is_paged(manager: Client) -> None:
    for number in range(3):
        add(manager, kind="phone", value=f"0101111000{number}")
    page = manager.get(URL, {"page_size": 2}).json()
    assert len(page["results"]) == 2
    assert page["next"]
    rest = manager.get(page["next"]).json()
    assert len(rest["results"]) == 1
    assert manager.get(URL, {"page_size": 0}).status_code == 422


def test_the_same_value_twice_is_a_conflict(manager: Client) -> None:
    assert add(manager, kind="phone", value="010-1234-5678").status_code == 201
    again = add(manager, kind="phone", value="01012345678")
    assert again.status_code == 409
    assert again.json()["code"] == "blocklist_duplicate"
    assert again.json()["message"] == "This phone number is already on the store's blocklist."
    # The same text as another kind is another entry.
    assert add(manager, kind="address", value="01012345678").status_code == 201


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"kind": "email", "value": "not-an-email"}, "value", "Enter a valid email address."),
        ({"kind": "phone", "value": "---"}, "value", "Enter a phone number: it has no digits."),
        ({"kind": "address", "value": "   \n "}, "value", "Enter an address."),
    ],
)
def test_bad_values_are_refused_with_words(
    manager: Client, body: dict[str, Any], field: str, message: str
) -> None:
    answer = add(manager, **body)
    assert answer.status_code == 422
    assert answer.json()["extra"]["fields"] == {field: [message]}
    assert BlocklistEntry.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "fax", "value": "123"},
        {"kind": "phone"},
        {"kind": "phone", "value": ""},
        {"kind": "phone", "value": "1" * 301},
        {"kind": "phone", "value": "010", "reason": "x" * 301},
        {"kind": "phone", "value": "010", "extra": 1},
        {"kind": "phone", "value": 1234},
    ],
)
def test_malformed_bodies_are_422(manager: Client, body: dict[str, Any]) -> None:
    answer = add(manager, **body)
    assert answer.status_code == 422
    assert answer.json()["code"] == "validation_error"


@pytest.mark.parametrize("role", ["cs_agent", "warehouse", "api"])
def test_only_managers_touch_the_blocklist(
    request: pytest.FixtureRequest, role: str, manager: Client
) -> None:
    entry = add(manager, kind="phone", value="01012345678").json()
    client: Client = request.getfixturevalue(role)
    assert client.get(URL).status_code == 403
    assert add(client, kind="phone", value="01099998888").status_code == 403
    assert client.delete(f"{URL}/{entry['id']}").status_code == 403
    assert BlocklistEntry.objects.count() == 1


def test_another_store_sees_and_removes_nothing(manager: Client, other_manager: Client) -> None:
    entry = add(manager, kind="phone", value="01012345678").json()
    assert other_manager.get(URL).json()["results"] == []
    assert other_manager.delete(f"{URL}/{entry['id']}").status_code == 404
    # Each store keeps its own list: the same phone may be listed by both.
    assert add(other_manager, kind="phone", value="01012345678").status_code == 201
    assert BlocklistEntry.objects.count() == 2
