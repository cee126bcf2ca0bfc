"""The return page in the office shows the shopper's answer in one small section."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from banpum.feedback.services import feedback_submit
from tests.factories import make_order
from tests.feedback.helpers import answer, finished_return
from tests.returns.helpers import open_return

pytestmark = pytest.mark.django_db


def section(response: Any) -> str:
    assert response.status_code == 200
    text = response.content.decode()
    if 'id="feedback"' not in text:
        return ""
    start = text.index('id="feedback"')
    return text[start : text.index("</section>", start)]


def test_the_answer_shows_on_the_return_page(store: Any, office_en: Client) -> None:
    return_request = finished_return(make_order(store=store))
    feedback_submit(return_request, **answer(comment="빨라요 <b>진짜</b>"))
    shown = section(office_en.get(f"/office/returns/{return_request.number}/"))
    assert "★★★★☆" in shown
    assert "4 of 5" in shown
    assert "Quick pickup" in shown
    assert "Kind support" in shown
    assert "Slow refund" in shown
    assert "빨라요 &lt;b&gt;진짜&lt;/b&gt;" in shown  # escaped, never HTML


def test_a_finished_return_without_an_answer_says_so(store: Any, office_en: Client) -> None:
    return_request = finished_return(make_order(store=store))
    shown = section(office_en.get(f"/office/returns/{return_request.number}/"))
    assert "has not answered the survey yet" in shown


def test_a_running_return_has_no_section(store: Any, office_en: Client) -> None:
    return_request = open_return(make_order(store=store))
    assert section(office_en.get(f"/office/returns/{return_request.number}/")) == ""
