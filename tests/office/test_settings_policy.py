"""The return policy settings: versions, the editor (a new version, never an edit), the preview."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from banpum.policy.models import ReturnPolicy
from banpum.policy.selectors import policy_current, policy_rules
from tests.factories import make_order
from tests.office.settings_helpers import client_for, form_fields, page_text, policy_post

pytestmark = pytest.mark.django_db

EDIT = "/office/settings/policy/edit/"
PREVIEW = "/office/settings/policy/preview/"


@pytest.fixture
def manager(django_user_model: Any, store: Any) -> Client:
    return client_for(django_user_model, "manager", store, "manager")


@pytest.fixture
def manager_en(django_user_model: Any, store: Any) -> Client:
    client = client_for(django_user_model, "manager", store, "manager")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def late_order(store: Any) -> Any:
    """Delivered 10 days ago: past the legal 7 days for a change of mind, inside 14."""
    return make_order(
        store=store,
        channel_order_number="ORD-SAMPLE",
        delivered_days_ago=10,
        lines=[{"quantity": 1, "unit_price": 30000, "name": "니트 가디건"}],
    )


def test_the_overview_shows_the_active_version_and_its_history(
    manager_en: Client, store: Any
) -> None:
    page = page_text(manager_en.get("/office/settings/policy/"))
    assert "Active: version 1" in page
    assert "Change of mind: days after delivery" in page
    assert "단순 변심" in page  # the reasons, with their labels
    assert "/office/settings/policy/v1/" in page


def test_the_settings_link_and_nav_show_what_the_role_may_use(
    manager_en: Client, django_user_model: Any, store: Any
) -> None:
    page = page_text(manager_en.get("/office/settings/"))
    for name in ("Return policy", "Holidays", "Blocklist", "Carriers", "People and roles"):
        assert name in page
    home = page_text(manager_en.get("/office/"))
    assert 'href="/office/settings/"' in home
    cs = client_for(django_user_model, "cs", store, "cs_agent")
    assert 'href="/office/settings/"' not in page_text(cs.get("/office/"))
    assert cs.get("/office/settings/").status_code == 403


def test_the_editor_is_a_form_filled_from_the_active_version(manager: Client) -> None:
    page = page_text(manager.get(EDIT))
    assert 'name="change_of_mind_days"' in page
    assert 'value="7"' in page
    assert 'name="reasons-0-code"' in page
    assert 'value="change_of_mind"' in page
    assert "<textarea" in page  # lists, not a JSON document
    assert '"change_of_mind_days":' not in page
    assert "[]" not in page  # an empty list is an empty box


def test_saving_the_form_unchanged_keeps_the_rules(manager: Client, store: Any) -> None:
    """What the editor shows, posted back as it is, is the same policy (as a new version)."""
    before = policy_current(store=store)
    page = page_text(manager.get(EDIT))
    data: dict[str, Any] = form_fields(page.split('id="policy-editor"', 1)[1])
    data.pop("csrfmiddlewaretoken", None)
    data["action"] = ["save"]
    assert manager.post(EDIT, data).status_code == 302
    after = policy_current(store=store)
    assert after.version == before.version + 1
    assert after.rules == before.rules


def test_saving_writes_a_new_version_and_leaves_the_old_one_untouched(
    manager: Client, store: Any
) -> None:
    before = policy_current(store=store)
    old_rules = dict(before.rules)
    response = manager.post(
        EDIT,
        policy_post(
            store, change_of_mind_days="14", return_shipping_fee="3500", note="14일로 연장"
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == "/office/settings/policy/"
    new = policy_current(store=store)
    assert new.version == before.version + 1
    assert new.note == "14일로 연장"
    assert new.created_by is not None
    assert new.created_by.username == "manager"
    rules = policy_rules(new)
    assert rules.change_of_mind_days == 14
    assert rules.return_shipping_fee == 3500
    assert [r.code for r in rules.reasons] == [r["code"] for r in old_rules["reasons"]]
    before.refresh_from_db()
    assert before.rules == old_rules
    page = page_text(manager.get("/office/settings/policy/"))
    assert "버전 2을(를) 저장했습니다" in page


def test_a_rule_out_of_range_is_shown_next_to_its_field_and_nothing_is_saved(
    manager_en: Client, store: Any
) -> None:
    response = manager_en.post(
        EDIT, policy_post(store, change_of_mind_days="400", return_shipping_fee="-1")
    )
    page = page_text(response, 422)
    field = page.split('id="field-change_of_mind_days"', 1)[1].split("</div>", 1)[0]
    assert "must be at most 365" in field
    assert 'value="400"' in field  # what was typed is kept
    fee = page.split('id="field-return_shipping_fee"', 1)[1].split("</div>", 1)[0]
    assert "must be at least 0" in fee
    assert ReturnPolicy.objects.filter(store=store).count() == 1


def test_a_reason_error_is_shown_on_its_row(manager_en: Client, store: Any) -> None:
    reasons = [{**r, "active": True} for r in policy_current(store=store).rules["reasons"]]
    reasons[1]["code"] = "Wrong Option!"  # not lower-case letters, digits and _
    reasons[2]["code"] = reasons[0]["code"]  # a duplicate
    page = page_text(manager_en.post(EDIT, policy_post(store, reasons=reasons)), 422)
    assert "Another reason has this code." in page
    reasons[2]["code"] = "defective"
    page = page_text(manager_en.post(EDIT, policy_post(store, reasons=reasons)), 422)
    row = page.split('name="reasons-1-code"', 1)[1].split("</td>", 1)[0]
    assert "does not have the expected form" in row
    assert ReturnPolicy.objects.filter(store=store).count() == 1


def test_an_inactive_reason_is_kept_but_no_longer_offered(manager: Client, store: Any) -> None:
    reasons = [
        {**r, "active": r["code"] != "wrong_option"}
        for r in policy_current(store=store).rules["reasons"]
    ]
    assert manager.post(EDIT, policy_post(store, reasons=reasons)).status_code == 302
    new = policy_current(store=store)
    assert "wrong_option" not in [r.code for r in policy_rules(new).reasons]
    assert [r["code"] for r in new.rules["inactive_reasons"]] == ["wrong_option"]
    page = page_text(manager.get(EDIT))
    row = page.split('value="wrong_option"', 1)[1].split("</tr>", 1)[0]
    assert 'name="reasons-6-active"' in row
    assert "checked" not in row


def test_a_new_reason_and_repeat_returner_and_auto_approval(manager: Client, store: Any) -> None:
    reasons = [{**r, "active": True} for r in policy_current(store=store).rules["reasons"]]
    reasons.append(
        {
            "code": "late_delivery",
            "label_ko": "배송 지연",
            "label_en": "Arrived late",
            "kind": "not_as_described",
            "fault": "seller",
            "photos_required": False,
        }
    )
    data = policy_post(
        store,
        reasons=reasons,
        auto_enabled="on",
        auto_max_refund="50000",
        auto_reason_kinds=["defect", "wrong_item"],
        repeat_enabled="on",
        repeat_max_ratio="0.3",
        non_returnable_categories="속옷, 화장품\n식품",
    )
    assert manager.post(EDIT, data).status_code == 302
    rules = policy_rules(policy_current(store=store))
    assert rules.reason("late_delivery") is not None
    assert rules.auto_approval.enabled
    assert rules.auto_approval.max_refund == 50000
    assert {k.value for k in rules.auto_approval.reason_kinds} == {"defect", "wrong_item"}
    assert rules.repeat_returner is not None
    assert rules.repeat_returner.max_ratio == 0.3
    assert rules.non_returnable_categories == frozenset({"속옷", "화장품", "식품"})


def test_start_a_new_version_from_an_old_one(manager: Client, store: Any) -> None:
    manager.post(EDIT, policy_post(store, change_of_mind_days="30"))
    page = page_text(manager.get(EDIT + "?from=1"))
    field = page.split('id="field-change_of_mind_days"', 1)[1].split("</div>", 1)[0]
    assert 'value="7"' in field
    assert manager.get(EDIT + "?from=99").status_code == 404


def test_a_version_page_shows_that_version(manager_en: Client, store: Any) -> None:
    manager_en.post(EDIT, policy_post(store, change_of_mind_days="30"))
    page = page_text(manager_en.get("/office/settings/policy/v1/"))
    assert "Return policy v1" in page
    assert manager_en.get("/office/settings/policy/v9/").status_code == 404


def test_preview_compares_the_draft_with_the_active_version(
    manager_en: Client, store: Any, late_order: Any
) -> None:
    data = policy_post(
        store, change_of_mind_days="14", return_shipping_fee="4000", action="preview"
    )
    data["sample_order"] = "ORD-SAMPLE"
    page = page_text(manager_en.post(EDIT, data))
    assert "Order ORD-SAMPLE" in page
    row = page.split('data-reason="change_of_mind"', 1)[1].split("</tr>", 1)[0]
    active, draft = row.split('class="decision-cell', 2)[1:]
    assert "Not eligible" in active
    assert "Returns for this reason had to be requested by" in active
    assert "Buyer pays ₩4,000" in draft  # the draft's return fee, from the refund
    assert "changes" in row
    assert ReturnPolicy.objects.filter(store=store).count() == 1  # nothing saved


def test_preview_under_htmx_answers_the_editor_alone(
    manager_en: Client, store: Any, late_order: Any
) -> None:
    data = policy_post(store, change_of_mind_days="14")
    data["sample_order"] = "ORD-SAMPLE"
    response = manager_en.post(PREVIEW, data, HTTP_HX_REQUEST="true")
    page = page_text(response)
    assert page.lstrip().startswith('<div id="policy-editor">')
    assert "<html" not in page
    assert 'data-reason="change_of_mind"' in page


def test_preview_of_an_unknown_or_foreign_order_says_so_next_to_the_field(
    manager_en: Client, store: Any, store2: Any
) -> None:
    make_order(store=store2, channel_order_number="ORD-OTHER")
    for number in ("ORD-NONE", "ORD-OTHER"):
        data = policy_post(store, action="preview", sample_order=number)
        page = page_text(manager_en.post(EDIT, data), 422)
        field = page.split('id="field-sample_order"', 1)[1].split("</div>", 1)[0]
        assert f"No order {number} in this store." in field
    page = page_text(manager_en.post(EDIT, policy_post(store, action="preview")), 422)
    assert "Enter an order number of this store." in page


def test_preview_of_an_invalid_draft_shows_the_field_errors(
    manager_en: Client, store: Any, late_order: Any
) -> None:
    data = policy_post(store, change_of_mind_days="400", action="preview")
    data["sample_order"] = "ORD-SAMPLE"
    page = page_text(manager_en.post(EDIT, data), 422)
    assert "must be at most 365" in page
    assert 'data-reason="change_of_mind"' not in page


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/office/settings/policy/"),
        ("get", EDIT),
        ("post", EDIT),
        ("post", PREVIEW),
        ("get", "/office/settings/policy/v1/"),
    ],
)
def test_a_cs_agent_may_not_touch_the_policy(
    django_user_model: Any, store: Any, method: str, url: str
) -> None:
    cs = client_for(django_user_model, "cs", store, "cs_agent")
    response = getattr(cs, method)(url, policy_post(store) if method == "post" else None)
    assert response.status_code == 403
    assert ReturnPolicy.objects.filter(store=store).count() == 1


def test_another_stores_versions_are_404(django_user_model: Any, store: Any, store2: Any) -> None:
    from tests.factories import make_policy

    make_policy(store2)
    make_policy(store2)  # store2 has v1..v3; store has v1 only
    manager = client_for(django_user_model, "manager", store, "manager")
    assert manager.get("/office/settings/policy/v3/").status_code == 404
    assert manager.get(EDIT + "?from=3").status_code == 404
