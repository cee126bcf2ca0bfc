"""A return from request to completion, with a real carrier booking, a real SMTP server and the
messaging simulator over HTTP: at every step the shopper gets an email and a 알림톡, each
arriving once, in Korean, about their return."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from banpum.integrations.messaging.simulator_server import MessageSimulator
from banpum.notify.mail_catcher import MailCatcher
from banpum.notify.models import Message, MessageStatus
from banpum.notify.services.dispatch import notify_events_dispatch
from banpum.notify.services.sending import message_send
from banpum.returns.models import ReturnStatus as S
from banpum.returns.transitions import Action, return_transition
from tests.factories import CustomerFactory
from tests.logistics.helpers import (
    address_order,
    approve,
    linked_account,
    running_simulator,
    store_with_return_address,
)
from tests.notify.helpers import NOW
from tests.notify.test_sending import simulator, smtp  # noqa: F401 - the fixtures
from tests.returns.helpers import SATISFYING_MOVE, WAREHOUSE

pytestmark = pytest.mark.django_db

AFTER_THE_PICKUP = (
    Action.MARK_IN_TRANSIT,
    Action.ARRIVE,
    Action.RECEIVE,
    Action.INSPECT,
    Action.START_REFUND,
    Action.REFUND_PAID,
    Action.COMPLETE,
)
STEPS = [
    "return.requested",
    "return.approved",
    "return.pickup_booked",
    "return.arrived",
    "return.inspected",
    "refund.paid",
    "return.completed",
]


def _text(email: Any) -> str:
    body = email.get_body(("plain",))
    return str(body.get_content()) if body is not None else ""


def test_every_step_reaches_the_shopper_by_email_and_alimtalk(
    store: Any,
    smtp: MailCatcher,  # noqa: F811
    simulator: MessageSimulator,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    notify_events_dispatch(now=NOW)  # the cursor starts here: earlier history is not sent
    with running_simulator(speed=1.0, seed=5) as carrier:
        linked_account(store_with_return_address(store), carrier)
        with django_capture_on_commit_callbacks(execute=True):
            # The factory's phone ends in 0000, which the simulator treats as a number without
            # KakaoTalk (its 알림톡 falls back to LMS); this shopper has KakaoTalk.
            shopper = CustomerFactory(store=store, phone="01012345678")
            return_request = approve(address_order(store, customer=shopper))
    assert return_request.status == S.PICKUP_REQUESTED
    for action in AFTER_THE_PICKUP:
        return_request = return_transition(
            return_request=return_request,
            action=action,
            actor=WAREHOUSE,
            move=SATISFYING_MOVE,
            now=timezone.now(),
        )
    assert return_request.status == S.COMPLETED

    notify_events_dispatch(now=NOW)
    for message in Message.objects.order_by("id"):
        sent = message_send(message_id=message.pk, now=NOW)
        assert sent is not None
        assert sent.status == MessageStatus.SENT

    number = return_request.number or ""
    assert number
    emails = [m for m in smtp.messages if number in _text(m)]
    kakao = [m for m in simulator.messages() if number in m["text"]]
    events = list(
        Message.objects.filter(return_request=return_request, channel="email")
        .order_by("id")
        .values_list("event", flat=True)
    )
    assert events == STEPS
    assert len(emails) == len(STEPS)
    assert [(m["type"], m["to"]) for m in kakao] == [("ATA", "01012345678")] * len(STEPS)
    assert all(m["text"].startswith("[") for m in kakao)  # the store's name heads each one
    survey = Message.objects.get(return_request=return_request, event="return.completed",
                                 channel="email")  # fmt: skip
    assert "next=survey" in survey.text
