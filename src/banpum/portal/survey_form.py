"""The survey's form: a 1–5 rating as big radio buttons, two groups of tags, a comment.

The form only shapes what the browser sent; ``feedback.services.feedback_submit`` checks it
again (and is the one that knows the return is finished and unanswered).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from banpum.feedback import tags
from banpum.feedback.models import COMMENT_MAX, RATING_MAX, RATING_MIN

RATING_CHOICES = [(n, str(n)) for n in range(RATING_MIN, RATING_MAX + 1)]


class SurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did your return go? (1 = bad, 5 = great)"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )
    went_well = forms.MultipleChoiceField(
        label=_("What went well?"),
        choices=list(tags.WENT_WELL.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    went_badly = forms.MultipleChoiceField(
        label=_("What could be better?"),
        choices=list(tags.WENT_BADLY.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    comment = forms.CharField(
        label=_("Anything else? (optional)"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX}),
    )
