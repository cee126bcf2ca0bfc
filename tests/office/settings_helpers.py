"""What the settings page tests share: signed-in clients by role, and the policy form's data."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.test import Client

from banpum.policy.selectors import policy_current
from banpum.policy.types import Condition, Method, Resolution
from tests.office.conftest import member


def client_for(django_user_model: Any, username: str, store: Any, role: str) -> Client:
    client = Client()
    client.force_login(member(django_user_model, username, store, role))
    return client


def page_text(response: Any, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.content[:2000])
    return str(response.content.decode())


def policy_post(store: Any, **changes: Any) -> dict[str, Any]:
    """The editor's form as the page would post it for the active version, with ``changes``
    (form field names; ``reasons`` replaces the rows)."""
    rules = policy_current(store=store).rules
    auto = rules["auto_approval"]
    shortcuts = rules["refund_shortcuts"]
    data: dict[str, Any] = {
        "change_of_mind_days": rules["change_of_mind_days"],
        "defect_months": rules["defect_months"],
        "defect_known_days": rules["defect_known_days"],
        "refund_business_days": rules["refund_business_days"],
        "return_shipping_fee": rules["return_shipping_fee"],
        "outbound_shipping_fee": rules["outbound_shipping_fee"],
        "exchange_fee": rules["exchange_fee"] if rules["exchange_fee"] is not None else "",
        "free_shipping_threshold": rules["free_shipping_threshold"] or "",
        "default_fee_collection": rules["default_fee_collection"],
        "allowed_resolutions": [r.value for r in Resolution],
        "allowed_methods": [m.value for m in Method],
        "blocked_conditions": [Condition.USED.value, Condition.DAMAGED.value],
        "non_returnable_categories": "",
        "non_returnable_skus": "",
        "auto_max_refund": auto["max_refund"] or "",
        "repeat_window_days": "180",
        "repeat_min_orders": "3",
        "repeat_max_ratio": "0.5",
        "early_refund_max": shortcuts["early_refund_max"] or "",
        "keep_item_max": shortcuts["keep_item_max"] or "",
        "keep_item_categories": "",
        "note": "",
    }
    if auto["enabled"]:
        data["auto_enabled"] = "on"
    reasons = changes.pop("reasons", None)
    if reasons is None:
        reasons = [{**reason, "active": True} for reason in rules["reasons"]]
    data.update(reason_rows(reasons))
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def reason_rows(reasons: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reasons-TOTAL_FORMS": str(len(reasons)),
        "reasons-INITIAL_FORMS": str(len(reasons)),
        "reasons-MIN_NUM_FORMS": "0",
        "reasons-MAX_NUM_FORMS": "1000",
    }
    for index, reason in enumerate(reasons):
        prefix = f"reasons-{index}-"
        data[prefix + "code"] = reason["code"]
        data[prefix + "label_ko"] = reason["label_ko"]
        data[prefix + "label_en"] = reason["label_en"]
        data[prefix + "kind"] = reason["kind"]
        data[prefix + "fault"] = reason["fault"]
        if reason.get("photos_required"):
            data[prefix + "photos_required"] = "on"
        if reason.get("active", True):
            data[prefix + "active"] = "on"
        if reason.get("DELETE"):
            data[prefix + "DELETE"] = "on"
    return data


class _FormFields(HTMLParser):
    """What a browser would submit from a page's forms (text, checked boxes, chosen options)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_values: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.fields.setdefault(name, []).append(
                a.get("value", "on" if a.get("type") == "checkbox" else "")
            )
        elif tag == "select" and name:
            self._select, self._select_values = name, []
        elif tag == "option" and self._select is not None:
            self._select_values.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._select_values if selected] or [
                v for v, _selected in self._select_values[:1]
            ]
            self.fields.setdefault(self._select, []).extend(chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.fields.setdefault(self._textarea, []).append(text.removeprefix("\n"))
            self._textarea = None


def form_fields(html: str) -> dict[str, list[str]]:
    parser = _FormFields()
    parser.feed(html)
    return parser.fields
