"""The survey after a return: rate it, say what went well or badly, add a comment.

Opened like the status page (the session that found the order or opened the return, or the
return's signed token in ``?t=``); anything else, and any other store, is a 404. The page has
four states: the form; not yet (the return is still running); thank you (just answered); and
already answered. A plain form post, no JavaScript.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from banpum.core.errors import ApplicationError, Conflict
from banpum.feedback import tags
from banpum.feedback.selectors import feedback_of_return
from banpum.feedback.services import feedback_open, feedback_submit
from banpum.portal.survey_form import SurveyForm
from banpum.portal.views.common import store_of
from banpum.portal.views.status import return_of


def _here(slug: str, number: str, *, token: str = "", done: bool = False) -> str:
    """The survey's own address, keeping the signed token the visitor came with."""
    query = {key: value for key, value in (("t", token), ("done", "1" if done else "")) if value}
    url = reverse("portal:survey", kwargs={"slug": slug, "number": number})
    return f"{url}?{urlencode(query)}" if query else url


def _onto_form(form: SurveyForm, error: ApplicationError) -> None:
    fields = error.extra.get("fields") if isinstance(error.extra, dict) else None
    if isinstance(fields, dict) and fields:
        for path, texts in fields.items():
            name = str(path).split(".")[0]
            form.add_error(name if name in form.fields else None, list(texts))
    else:
        form.add_error(None, error.message)


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    store = store_of(slug)
    now = timezone.now()
    return_request = return_of(request, store, number, now)
    canonical = return_request.number or ""
    token = request.GET.get("t", "")
    context: dict[str, object] = {
        "store": store,
        "rr": return_request,
        "status_url": reverse("portal:status", kwargs={"slug": store.slug, "number": canonical})
        + (f"?{urlencode({'t': token})}" if token else ""),
        "action": _here(store.slug, canonical, token=token),
    }
    answered = feedback_of_return(return_request)
    if answered is not None:
        state = "thanks" if request.GET.get("done") == "1" else "answered"
        context |= {
            "state": state,
            "feedback": answered,
            "went_well": tags.tag_labels("went_well", answered.went_well),
            "went_badly": tags.tag_labels("went_badly", answered.went_badly),
        }
        return render(request, "portal/survey.html", context, status=200)
    if not feedback_open(return_request):
        return render(request, "portal/survey.html", {**context, "state": "not_yet"})
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback_submit(
                return_request,
                rating=data["rating"],
                went_well=data["went_well"],
                went_badly=data["went_badly"],
                comment=data["comment"],
                now=now,
            )
        except Conflict:
            # Answered meanwhile (another tab), or no longer open: the page says which.
            return redirect(_here(store.slug, canonical, token=token))
        except ApplicationError as error:
            _onto_form(form, error)
        else:
            return redirect(_here(store.slug, canonical, token=token, done=True))
    status = 422 if form.errors else 200
    return render(
        request, "portal/survey.html", {**context, "state": "form", "form": form}, status=status
    )
