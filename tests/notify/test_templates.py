"""Templates: defaults for every event, channel and language; a store's edits validated at
save (a placeholder the event does not declare is a field error, never a blank later); 알림톡
edits need re-approval; previews render a draft on a real return."""

from __future__ import annotations

from typing import Any

import pytest

from banpum.core.errors import NotFound, PermissionDenied, ValidationFailed
from banpum.notify.catalogue import VARIABLES, Channel, Language, NotifyEvent, channels_of
from banpum.notify.defaults import TEXTS, alimtalk_templates, default_template
from banpum.notify.models import MessageTemplate
from banpum.notify.rendering import (
    alimtalk_template,
    alimtalk_variables,
    placeholders,
    render_text,
    template_errors,
)
from banpum.notify.services.templates import (
    template_effective,
    template_preview,
    template_save,
    templates_of_store,
)
from tests.factories import StoreFactory, make_order, make_policy
from tests.notify.helpers import NOW, staff
from tests.returns.helpers import open_return


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("event", list(NotifyEvent))
def test_every_default_uses_only_its_events_variables(event: NotifyEvent, language: str) -> None:
    subject, text = TEXTS[language][event]
    assert template_errors(event, "text", text) == {}
    assert template_errors(event, "subject", subject) == {}
    assert set(placeholders(text)) <= VARIABLES[event]


def test_rendering_fills_every_placeholder_and_never_leaves_a_blank() -> None:
    text = "{store_name} {return_number} {waybill}"
    assert render_text(text, {"store_name": "가게", "return_number": "R-1", "waybill": ""}) == (
        "가게 R-1 -"
    )
    assert render_text("{{literal}} {x}", {"x": "1"}) == "{literal} 1"


def test_values_are_never_evaluated_as_templates() -> None:
    assert render_text("{customer_name}", {"customer_name": "{store_name} {{x}}"}) == (
        "{store_name} {{x}}"
    )


@pytest.mark.parametrize(
    "text", ["{customer_name.__class__}", "{customer_name!r}", "{amount:>10}", "{0}", "{", "}"]
)
def test_anything_but_a_bare_name_is_refused(text: str) -> None:
    errors = template_errors(NotifyEvent.REFUND_PAID, "text", text)
    assert list(errors) == ["text"]


def test_an_undeclared_variable_is_named_in_the_error(english: None) -> None:
    errors = template_errors(NotifyEvent.RETURN_APPROVED, "text", "{waybill} {return_number}")
    assert len(errors["text"]) == 1
    assert errors["text"][0].startswith("waybill is not a variable")
    assert "return_number" in errors["text"][0]  # the allowed ones are listed


def test_alimtalk_text_as_the_provider_registers_it() -> None:
    text = "[{store_name}] 반품 {return_number}"
    assert alimtalk_template(text) == "[#{store_name}] 반품 #{return_number}"
    assert alimtalk_variables(text, {"store_name": "가게", "return_number": ""}) == {
        "store_name": "가게",
        "return_number": "-",
    }
    codes = alimtalk_templates()
    assert codes["BP_RETURN_APPROVED_KO"].startswith("[#{store_name}]")
    assert not any(code.startswith("BP_STAFF") for code in codes)


def test_staff_events_are_email_only() -> None:
    assert channels_of(NotifyEvent.STAFF_STALLED) == (Channel.EMAIL,)
    assert default_template(NotifyEvent.RETURN_APPROVED, "alimtalk", "ko").alimtalk_code


def test_a_store_sees_defaults_merged_with_its_edits(store: Any) -> None:
    manager = staff(store, username="m")
    template_save(
        store, "return.approved", "email", "ko",
        subject="[{store_name}] 승인", text="승인됨 {return_number}", actor=manager, now=NOW,
    )  # fmt: skip
    all_of_them = templates_of_store(store)
    shopper_events = [e for e in NotifyEvent if len(channels_of(e)) == 3]
    assert len(all_of_them) == 2 * (
        3 * len(shopper_events) + len(NotifyEvent) - len(shopper_events)
    )
    edited = [t for t in all_of_them if t.edited]
    assert [(t.event, t.channel, t.language, t.text) for t in edited] == [
        ("return.approved", "email", "ko", "승인됨 {return_number}")
    ]


def test_saving_an_undeclared_placeholder_is_a_field_error(store: Any) -> None:
    manager = staff(store, username="m")
    with pytest.raises(ValidationFailed) as raised:
        template_save(
            store, "return.approved", "sms", "ko",
            subject="", text="{waybill} 발송", actor=manager, now=NOW,
        )  # fmt: skip
    assert list(raised.value.extra["fields"]) == ["text"]
    assert not MessageTemplate.objects.exists()


@pytest.mark.parametrize(
    ("event", "channel", "language", "field"),
    [
        ("return.nope", "sms", "ko", "event"),
        ("return.approved", "fax", "ko", "channel"),
        ("return.approved", "sms", "fr", "language"),
        ("staff.stalled", "sms", "ko", "channel"),
    ],
)
def test_unknown_keys_are_field_errors(
    store: Any, event: str, channel: str, language: str, field: str
) -> None:
    manager = staff(store, username="m")
    with pytest.raises(ValidationFailed) as raised:
        template_save(
            store, event, channel, language, subject="s", text="t", actor=manager, now=NOW
        )
    assert field in raised.value.extra["fields"]


def test_an_email_needs_a_subject_and_every_text_a_body(store: Any) -> None:
    manager = staff(store, username="m")
    with pytest.raises(ValidationFailed) as raised:
        template_save(
            store, "return.approved", "email", "ko", subject=" ", text=" ", actor=manager, now=NOW
        )
    assert set(raised.value.extra["fields"]) == {"subject", "text"}


def test_a_cs_agent_may_not_edit_templates(store: Any) -> None:
    agent = staff(store, username="cs", role="cs_agent")
    with pytest.raises(PermissionDenied):
        template_save(
            store, "return.approved", "sms", "ko", subject="", text="ok", actor=agent, now=NOW
        )


def test_editing_an_approved_alimtalk_needs_reapproval(store: Any) -> None:
    manager = staff(store, username="m")
    default = default_template(NotifyEvent.RETURN_APPROVED, "alimtalk", "ko")
    same = template_save(
        store, "return.approved", "alimtalk", "ko",
        subject="", text=default.text, actor=manager, now=NOW,
    )  # fmt: skip
    assert (same.needs_approval, same.alimtalk_code) == (False, "BP_RETURN_APPROVED_KO")
    edited = template_save(
        store, "return.approved", "alimtalk", "ko",
        subject="", text="[{store_name}] 승인 {return_number}", actor=manager, now=NOW,
    )  # fmt: skip
    assert edited.needs_approval
    effective = template_effective(
        store, NotifyEvent.RETURN_APPROVED, Channel.ALIMTALK, Language.KO
    )
    assert effective.needs_approval
    assert effective.edited


def test_an_sms_edit_needs_no_approval(store: Any) -> None:
    manager = staff(store, username="m")
    saved = template_save(
        store, "return.approved", "sms", "ko",
        subject="", text="승인 {return_number}", alimtalk_code="X", actor=manager, now=NOW,
    )  # fmt: skip
    assert (saved.needs_approval, saved.alimtalk_code) == (False, "")


def test_a_preview_renders_a_draft_on_a_real_return(store: Any) -> None:
    return_request = open_return(make_order(store=store))
    rendered = template_preview(
        store, "return.requested", "email", "en", return_request,
        subject="[{store_name}] got it", text="Return {return_number}: {status_link}", now=NOW,
    )  # fmt: skip
    assert rendered.subject == "[테스트 상점] got it"
    assert rendered.text.startswith(f"Return {return_request.number}: /portal/test-store/open/")
    with pytest.raises(ValidationFailed):
        template_preview(
            store, "return.requested", "email", "en", return_request,
            subject="s", text="{survey_link}", now=NOW,
        )  # fmt: skip


def test_a_preview_on_another_stores_return_is_not_found(store: Any) -> None:
    other = StoreFactory(code="OT")
    make_policy(other)
    return_request = open_return(make_order(store=other))
    with pytest.raises(NotFound) as raised:
        template_preview(
            store, "return.requested", "sms", "ko", return_request, subject="", text="x", now=NOW
        )
    assert raised.value.code == "return_not_found"
