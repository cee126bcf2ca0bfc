"""/api/v1/returns/{number}/feedback: what the shopper said about their return.

Reading it needs ``RETURN_NOTE``, the capability of everyone who works on a store's returns
(CS, warehouse, managers, integrations): the answer is about the return, like its notes.
Another store's return is a 404, as is a return nobody answered about yet.

No ``from __future__ import annotations``: ninja resolves parameter annotations at runtime.
"""

from django.http import HttpRequest
from ninja import Router

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.api_context import request_store
from banpum.core.api_context import request_actor
from banpum.core.schemas import errors
from banpum.feedback import selectors
from banpum.feedback.models import ReturnFeedback
from banpum.feedback.schemas import FeedbackOut
from banpum.returns.selectors import return_request_get

router = Router(tags=["feedback"])

READ = Capability.RETURN_NOTE


@router.get(
    "/returns/{number}/feedback",
    response={200: FeedbackOut, **errors(403, 404)},
    summary="The shopper's survey answer about a return: rating, tags, comment",
)
def return_feedback(request: HttpRequest, number: str) -> ReturnFeedback:
    store = request_store(request)
    actor_require(request_actor(request), store.pk, READ)
    return selectors.feedback_get(return_request_get(store=store, number=number))
