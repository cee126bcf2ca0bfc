"""docs/WEBHOOKS.md says what the code does: an example per event that its schema accepts,
and a verification recipe that works (the specification's test vector, our own deliveries)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from banpum.webhooks import signing
from banpum.webhooks.catalogue import VERSION, EventName
from banpum.webhooks.payloads import envelope_model
from tests.webhooks.test_signing import (
    SPEC_BODY,
    SPEC_ID,
    SPEC_SECRET,
    SPEC_SIGNATURE,
    SPEC_TIMESTAMP,
)

DOCUMENT = (Path(__file__).resolve().parents[2] / "docs" / "WEBHOOKS.md").read_text("utf-8")


def _section(heading: str) -> str:
    start = DOCUMENT.index(heading)
    following = re.search(r"\n#{2,3} ", DOCUMENT[start + len(heading) :])
    end = start + len(heading) + following.start() if following else len(DOCUMENT)
    return DOCUMENT[start:end]


def _recipe() -> Callable[..., bool]:
    section = _section("## Verifying a webhook")
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None
    namespace: dict[str, Any] = {}
    exec(compile(code.group(1), "WEBHOOKS.md", "exec"), namespace)  # noqa: S102 (our own document)
    verify: Callable[..., bool] = namespace["verify_webhook"]
    return verify


@pytest.mark.parametrize("name", list(EventName))
def test_every_event_is_documented_with_an_example_its_schema_accepts(name: EventName) -> None:
    section = _section(f"### `{name.value}`")
    block = re.search(r"```json\n(.*?)```", section, re.DOTALL)
    assert block is not None, name
    example = json.loads(block.group(1))
    assert example["type"] == name.value
    assert envelope_model(name).model_validate(example)


def test_the_document_names_the_version_and_no_event_it_lacks() -> None:
    assert f"version {VERSION}" in DOCUMENT
    documented = set(re.findall(r"^### `([a-z_]+\.[a-z_]+)`$", DOCUMENT, re.MULTILINE))
    assert documented == {name.value for name in EventName}


def test_the_recipe_verifies_the_specifications_test_vector() -> None:
    verify = _recipe()
    headers = {
        "webhook-id": SPEC_ID,
        "webhook-timestamp": str(SPEC_TIMESTAMP),
        "webhook-signature": SPEC_SIGNATURE,
    }
    assert verify(SPEC_SECRET, headers, SPEC_BODY, now=SPEC_TIMESTAMP)
    assert verify(
        SPEC_SECRET, {k.title(): v for k, v in headers.items()}, SPEC_BODY, now=SPEC_TIMESTAMP
    )
    assert not verify(SPEC_SECRET, headers, SPEC_BODY + b" ", now=SPEC_TIMESTAMP)
    assert not verify(SPEC_SECRET, headers, SPEC_BODY, now=SPEC_TIMESTAMP + 301)
    assert not verify(signing.secret_generate(), headers, SPEC_BODY, now=SPEC_TIMESTAMP)
    assert not verify(SPEC_SECRET, {**headers, "webhook-timestamp": "soon"}, SPEC_BODY)


def test_the_recipe_verifies_what_banpum_signs_during_a_rotation_too() -> None:
    verify = _recipe()
    old, new = signing.secret_generate(), signing.secret_generate()
    body = json.dumps({"type": "refund.paid", "data": {"text": "환불 완료"}}, ensure_ascii=False)
    headers = signing.headers(
        [new, old],
        message_id="msg_0123456789abcdef01234567",
        timestamp=1796003524,
        body=body.encode(),
    )
    for secret in (old, new):
        assert verify(secret, headers, body.encode(), now=1796003524)
    assert not verify(new, headers, body.encode("utf-16"), now=1796003524)
