from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from banpum.core.actors import Actor
from banpum.core.errors import ValidationFailed
from banpum.returns.models import EventType, ReturnRequest
from banpum.returns.models import ReturnStatus as S
from banpum.returns.services import return_note_add
from tests.returns.helpers import open_return, walk_to

pytestmark = pytest.mark.django_db


def test_note_is_an_event_and_changes_nothing_else(order: Any, cs_agent: Actor) -> None:
    return_request = open_return(order)
    return_note_add(
        now=timezone.now(),
        return_request=return_request,
        actor=cs_agent,
        note="  택배 기사 방문 예정  ",
    )
    stored = ReturnRequest.objects.get(pk=return_request.pk)
    assert (stored.status, stored.version) == (S.REQUESTED, 1)
    note = stored.events.get(type=EventType.NOTE_ADDED)
    assert (note.note, note.from_status, note.to_status) == ("택배 기사 방문 예정", "", "")
    assert (note.actor_type, note.actor_user) == ("staff", cs_agent.user)


def test_notes_are_allowed_in_terminal_statuses(order: Any, cs_agent: Actor) -> None:
    return_request = walk_to(open_return(order), S.COMPLETED)
    return_note_add(
        now=timezone.now(), return_request=return_request, actor=cs_agent, note="고객 만족 확인"
    )
    assert return_request.events.filter(type=EventType.NOTE_ADDED).count() == 1


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("note", "message"),
    [("", "Write the note before saving it."), (" \n ", "Write the note before saving it."),
     ("가" * 5001, "Keep a note under 5,000 characters.")],
    ids=["empty", "blank", "too-long"],
)  # fmt: skip
def test_empty_or_huge_notes_are_refused(
    order: Any, cs_agent: Actor, note: str, message: str
) -> None:
    return_request = open_return(order)
    with pytest.raises(ValidationFailed) as raised:
        return_note_add(
            now=timezone.now(), return_request=return_request, actor=cs_agent, note=note
        )
    assert raised.value.extra["fields"] == {"note": [message]}
    assert not return_request.events.filter(type=EventType.NOTE_ADDED).exists()
