"""Messages move only through their table: ``changes`` never set the status around it."""

from __future__ import annotations

from typing import Any

import pytest

from banpum.core.transitions import row_transition
from banpum.notify import errors
from banpum.notify.models import Message, MessageStatus
from banpum.notify.transitions import TABLE, MessageAction
from tests.notify.helpers import NOW

pytestmark = pytest.mark.django_db


def test_changes_may_not_set_the_status(store: Any) -> None:
    message = Message.objects.create(
        store=store,
        source_key="k",
        event="return.requested",
        channel="email",
        recipient="a@example.com",
        language="ko",
        subject="s",
        text="t",
        status=MessageStatus.QUEUED,
        created_at=NOW,
        updated_at=NOW,
    )
    with pytest.raises(ValueError, match="status"):
        row_transition(
            message,
            table=TABLE,
            action=MessageAction.CLAIM,
            now=NOW,
            illegal=errors.MESSAGE_ILLEGAL_TRANSITION,
            changes={"status": MessageStatus.SENT},
        )
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
