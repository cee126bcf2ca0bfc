"""The approved 알림톡 is kept while an edit waits for the provider; saving the approved text
again needs no approval; approval records the new text; reset drops the store's edit."""

from __future__ import annotations

from typing import Any

import pytest

from banpum.core.errors import ApplicationError, PermissionDenied
from banpum.notify.catalogue import Channel, Language, NotifyEvent
from banpum.notify.defaults import default_template
from banpum.notify.models import MessageTemplate
from banpum.notify.services.templates import (
    template_approved,
    template_effective,
    template_reset,
    template_save,
)
from tests.notify.helpers import NOW, staff

pytestmark = pytest.mark.django_db

KEY = (NotifyEvent.RETURN_APPROVED, Channel.ALIMTALK, Language.KO)
DRAFT = "[{store_name}] 승인 {return_number}"


def _save(store: Any, actor: Any, text: str, code: str = "") -> MessageTemplate:
    return template_save(
        store, "return.approved", "alimtalk", "ko", subject="", text=text, alimtalk_code=code,
        actor=actor, now=NOW,
    )  # fmt: skip


def test_the_approved_text_is_kept_while_an_edit_waits(store: Any) -> None:
    manager = staff(store, username="m")
    default = default_template(*KEY)
    before = template_effective(store, *KEY)
    assert (before.approved_code, before.approved_text) == (default.alimtalk_code, default.text)
    _save(store, manager, DRAFT)
    _save(store, manager, DRAFT + " 감사합니다")
    waiting = template_effective(store, *KEY)
    assert waiting.needs_approval
    assert (waiting.approved_code, waiting.approved_text) == (default.alimtalk_code, default.text)
    back = _save(store, manager, default.text)
    assert not back.needs_approval


def test_approval_records_the_new_text_and_code(store: Any) -> None:
    manager = staff(store, username="m")
    row = _save(store, manager, DRAFT, code="SHOP_2")
    template_approved(row, actor=manager, now=NOW)
    approved = template_effective(store, *KEY)
    assert (approved.needs_approval, approved.approved_code, approved.approved_text) == (
        False, "SHOP_2", DRAFT,
    )  # fmt: skip
    assert _save(store, manager, DRAFT + "!").needs_approval
    assert template_effective(store, *KEY).approved_text == DRAFT


def test_reset_drops_the_edit_and_only_a_manager_may(store: Any) -> None:
    manager = staff(store, username="m")
    agent = staff(store, username="cs", role="cs_agent")
    row = _save(store, manager, DRAFT)
    with pytest.raises(PermissionDenied):
        template_reset(row, actor=agent)
    with pytest.raises(PermissionDenied):
        template_approved(row, actor=agent, now=NOW)
    template_reset(row, actor=manager)
    assert not MessageTemplate.objects.exists()
    assert not template_effective(store, *KEY).edited


def test_only_an_alimtalk_waiting_for_approval_can_be_approved(store: Any) -> None:
    manager = staff(store, username="m")
    sms = template_save(
        store, "return.approved", "sms", "ko", subject="", text=DRAFT, actor=manager, now=NOW
    )
    with pytest.raises(ApplicationError) as refused:
        template_approved(sms, actor=manager, now=NOW)
    assert refused.value.code == "template_nothing_to_approve"

    row = _save(store, manager, DRAFT)
    template_approved(row, actor=manager, now=NOW)
    row.refresh_from_db()
    with pytest.raises(ApplicationError):  # approved already: nothing waits
        template_approved(row, actor=manager, now=NOW)
