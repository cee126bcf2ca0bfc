"""The survey page: the form, thank you, already answered, not yet, and who may open it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from banpum.commerce.models import Order
from banpum.feedback.models import ReturnFeedback
from banpum.returns.links import link_token
from banpum.returns.models import ReturnRequest
from tests.feedback.helpers import finished_return
from tests.portal.conftest import page
from tests.returns.helpers import number_of, open_return

pytestmark = pytest.mark.django_db

GOOD = {"rating": "5", "went_well": ["fast_pickup", "fast_refund"], "comment": "좋아요"}


def survey_url(store: Any, return_request: ReturnRequest) -> str:
    return f"/portal/{store.slug}/returns/{number_of(return_request)}/survey/"


def status_url(store: Any, return_request: ReturnRequest) -> str:
    return f"/portal/{store.slug}/returns/{number_of(return_request)}/"


@pytest.fixture
def done(order: Order) -> ReturnRequest:
    return finished_return(order)


def test_the_status_page_asks_once_the_return_is_done(
    found_en: Client, store: Any, done: ReturnRequest
) -> None:
    text = page(found_en.get(status_url(store, done)))
    assert 'id="survey-cta"' in text
    assert "How did it go?" in text
    assert f'href="{survey_url(store, done)}"' in text


def test_a_running_return_has_no_call_to_action_and_the_survey_waits(
    found_en: Client, store: Any, order: Order
) -> None:
    running = open_return(order)
    assert 'id="survey-cta"' not in page(found_en.get(status_url(store, running)))
    text = page(found_en.get(survey_url(store, running)))
    assert 'id="survey-not-yet"' in text
    assert 'id="survey-form"' not in text
    assert page(found_en.post(survey_url(store, running), GOOD)).count("survey-not-yet") == 1
    assert not ReturnFeedback.objects.exists()


def test_answering_thanks_then_shows_the_answer(
    found_en: Client, store: Any, done: ReturnRequest
) -> None:
    form = page(found_en.get(survey_url(store, done)))
    assert 'id="survey-form"' in form
    assert form.count('type="radio" name="rating"') == 5
    assert 'name="went_well"' in form
    assert 'name="went_badly"' in form
    assert 'name="comment"' in form
    assert "<script" not in form
    assert "style=" not in form
    response = found_en.post(survey_url(store, done), GOOD)
    assert response.status_code == 302
    assert response["Location"] == survey_url(store, done) + "?done=1"
    assert 'id="survey-thanks"' in page(found_en.get(response["Location"]))
    saved = ReturnFeedback.objects.get(return_request=done)
    assert (saved.rating, saved.went_well, saved.went_badly, saved.comment) == (
        5,
        ["fast_pickup", "fast_refund"],
        [],
        "좋아요",
    )
    again = page(found_en.get(survey_url(store, done)))
    assert 'id="survey-answered"' in again
    assert "5 of 5" in again
    assert "Quick refund" in again
    assert 'id="survey-cta"' not in page(found_en.get(status_url(store, done)))


def test_a_second_post_changes_nothing(found: Client, store: Any, done: ReturnRequest) -> None:
    found.post(survey_url(store, done), GOOD)
    response = found.post(survey_url(store, done), {**GOOD, "rating": "1"})
    assert 'id="survey-answered"' in page(response)
    assert ReturnFeedback.objects.get().rating == 5


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"rating": "x"}, "Choose a rating from 1 to 5."),
        ({"rating": "0"}, "Choose a rating from 1 to 5."),
        ({"rating": "6"}, "Choose a rating from 1 to 5."),
        ({"rating": ""}, "Choose a rating from 1 to 5."),
        ({"rating": "3", "went_well": ["free_candy"]}, "free_candy"),
        ({"rating": "3", "went_badly": ["fast_pickup"]}, "fast_pickup"),
        ({"rating": "3", "comment": "가" * 1001}, "1000"),
    ],
)
def test_bad_input_is_shown_on_the_form_with_what_was_typed(
    found_en: Client, store: Any, done: ReturnRequest, data: dict[str, Any], says: str
) -> None:
    text = page(found_en.post(survey_url(store, done), data), status=422)
    assert 'class="error"' in text
    assert says in text
    assert 'id="survey-form"' in text
    assert not ReturnFeedback.objects.exists()


def test_kept_choices_come_back_after_an_error(
    found: Client, store: Any, done: ReturnRequest
) -> None:
    text = page(
        found.post(survey_url(store, done), {"went_well": ["kind_support"], "comment": "메모"}),
        status=422,
    )
    [box] = re.findall(r"<input[^>]*value=\"kind_support\"[^>]*>", text)
    assert "checked" in box
    [other] = re.findall(r"<input[^>]*value=\"fast_pickup\"[^>]*>", text)
    assert "checked" not in other
    assert "메모</textarea>" in text


def test_a_stranger_and_another_store_get_404(
    found: Client, store: Any, store2: Any, done: ReturnRequest, order2: Order
) -> None:
    assert Client().get(survey_url(store, done)).status_code == 404
    assert Client().post(survey_url(store, done), GOOD).status_code == 404
    theirs = finished_return(order2)
    assert found.get(survey_url(store, theirs)).status_code == 404
    assert found.get(survey_url(store2, theirs)).status_code == 404
    assert found.get(f"/portal/{store2.slug}/returns/{number_of(done)}/survey/").status_code == 404
    assert found.post(survey_url(store, theirs), GOOD).status_code == 404
    assert not ReturnFeedback.objects.exists()


def test_a_signed_link_with_next_survey_opens_the_survey(
    shopper: Client, store: Any, done: ReturnRequest
) -> None:
    token = link_token(store_id=store.pk, return_number=number_of(done), now=timezone.now())
    response = shopper.get(f"/portal/{store.slug}/open/{token}/?next=survey")
    assert response["Location"] == survey_url(store, done)
    assert 'id="survey-form"' in page(shopper.get(response["Location"]))
    assert shopper.post(survey_url(store, done), GOOD).status_code == 302


@pytest.mark.parametrize(
    "next_", ["evil", "https://evil.example/", "//evil.example", "status", "../survey", ""]
)
def test_any_other_next_goes_to_the_status_page(
    shopper: Client, store: Any, done: ReturnRequest, next_: str
) -> None:
    token = link_token(store_id=store.pk, return_number=number_of(done), now=timezone.now())
    response = shopper.get(f"/portal/{store.slug}/open/{token}/", {"next": next_})
    assert response["Location"] == status_url(store, done)


def test_an_order_link_ignores_next(shopper: Client, store: Any, order: Order) -> None:
    token = link_token(store_id=store.pk, order_id=order.pk, now=timezone.now())
    response = shopper.get(f"/portal/{store.slug}/open/{token}/?next=survey")
    assert response["Location"] == f"/portal/{store.slug}/order/"


def test_a_tampered_link_opens_nothing(shopper: Client, store: Any, done: ReturnRequest) -> None:
    token = link_token(store_id=store.pk, return_number=number_of(done), now=timezone.now())
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert shopper.get(f"/portal/{store.slug}/open/{tampered}/?next=survey").status_code == 404
    assert shopper.get(survey_url(store, done)).status_code == 404
    assert shopper.get(survey_url(store, done) + f"?t={tampered}").status_code == 404


def test_a_link_of_another_store_opens_nothing_here(
    shopper: Client, store: Any, store2: Any, done: ReturnRequest
) -> None:
    token = link_token(store_id=store2.pk, return_number=number_of(done), now=timezone.now())
    assert shopper.get(f"/portal/{store.slug}/open/{token}/?next=survey").status_code == 404
    assert shopper.get(survey_url(store, done) + f"?t={token}").status_code == 404


def test_the_token_in_the_address_opens_the_survey_and_its_post(
    shopper: Client, store: Any, done: ReturnRequest
) -> None:
    token = link_token(store_id=store.pk, return_number=number_of(done), now=timezone.now())
    text = page(shopper.get(survey_url(store, done) + f"?t={token}"))
    assert f'action="{survey_url(store, done)}?t=' in text
    response = shopper.post(survey_url(store, done) + f"?t={token}", GOOD)
    assert response.status_code == 302
    assert "done=1" in response["Location"]
    assert 'id="survey-thanks"' in page(shopper.get(response["Location"]))


def test_the_page_reads_in_korean_by_default(
    found: Client, store: Any, done: ReturnRequest
) -> None:
    text = page(found.get(survey_url(store, done)))
    assert '<html lang="ko">' in text


def test_the_call_to_action_keeps_the_signed_token_of_the_status_page(
    shopper: Client, store: Any, done: ReturnRequest
) -> None:
    token = link_token(store_id=store.pk, return_number=number_of(done), now=timezone.now())
    text = page(shopper.get(status_url(store, done), {"t": token}))
    [href] = re.findall(r'id="survey-cta">.*?href="([^"]+)"', text, re.DOTALL)
    assert href.startswith(survey_url(store, done) + "?t=")
    assert 'id="survey-form"' in page(shopper.get(href.replace("&amp;", "&")))
