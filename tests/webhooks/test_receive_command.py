"""``banpum receive-webhooks``: the local receiver checks what Banpum sends, as a consumer would."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from banpum.core.actors import Actor
from banpum.webhooks import signing
from banpum.webhooks.models import DeliveryStatus
from banpum.webhooks.receiver import received_line, receiver_server
from banpum.webhooks.services.dispatch import webhook_events_dispatch
from banpum.webhooks.services.sending import webhook_delivery_send
from banpum.webhooks.services.subscriptions import webhook_subscription_update
from tests.factories import make_order
from tests.returns.helpers import open_return
from tests.webhooks.helpers import NOW, deliveries, subscribe


@contextmanager
def _serving(secret: str, lines: list[str]) -> Iterator[str]:
    server = receiver_server(host="127.0.0.1", port=0, secret=secret, status=204, say=lines.append)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.django_db
@pytest.mark.usefixtures("allow_private")
def test_the_receiver_accepts_what_banpum_signs_and_refuses_the_rest(
    store: Any, manager: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("banpum.webhooks.receiver.time.time", NOW.timestamp)
    created = subscribe(store, "http://127.0.0.1:9/later", manager)
    open_return(make_order(store=store))
    webhook_events_dispatch(now=NOW)
    [delivery] = deliveries()
    lines: list[str] = []

    with _serving(signing.secret_generate(), lines) as url:  # started with another secret
        webhook_subscription_update(
            subscription=created.subscription, actor=manager, now=NOW, url=url
        )
        refused = webhook_delivery_send(delivery_id=delivery.pk, now=NOW)
    with _serving(created.secret, lines) as url:  # with the secret the API answered
        webhook_subscription_update(
            subscription=created.subscription, actor=manager, now=NOW, url=url
        )
        assert refused is not None
        assert refused.next_attempt_at is not None
        sent = webhook_delivery_send(delivery_id=delivery.pk, now=refused.next_attempt_at)

    assert refused.last_status_code == 400
    assert sent is not None
    assert sent.status == DeliveryStatus.DELIVERED
    assert sent.last_status_code == 204
    payload = json.loads(delivery.body)
    said = f"{delivery.message_id} return.requested {payload['data']['return']['number']}"
    assert lines == [
        f"{said} {payload['timestamp']} [INVALID SIGNATURE]",
        f"{said} {payload['timestamp']} [valid]",
    ]


def test_an_unsigned_or_mangled_request_is_refused() -> None:
    secret = signing.secret_generate()
    body = b'{"type":"return.approved","data":{"return":{"number":"DM-1"}}}'
    headers = signing.headers([secret], message_id="msg_1", timestamp=1000, body=body)
    assert received_line(secret, headers, body, now=1000) == (
        True,
        "msg_1 return.approved DM-1 [valid]",
    )
    valid, line = received_line(secret, headers, body + b" ", now=1000)
    assert not valid
    assert line.endswith("[INVALID SIGNATURE]")
    assert received_line(secret, {}, b"not json", now=1000) == (False, "- ? [INVALID SIGNATURE]")


def test_the_command_refuses_a_secret_that_is_not_one() -> None:
    with pytest.raises(CommandError, match="base64"):
        call_command("receive_webhooks", "--secret", "whsec_not base64!")
