"""/api/v1/returns/{number}/messages: the messages sent about a return, as the office's
delivery log shows them (recipient masked, the event in words, each message's state).

Reading it needs ``RETURN_NOTE``, as the return's feedback does: everyone who works on a
store's returns (CS, warehouse, managers, integrations) sees what the shopper was told.
Another store's return, or none, is a 404. Oldest first, as the office lists them.

No ``from __future__ import annotations``: ninja resolves parameter annotations at runtime.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from banpum.accounts.capabilities import Capability, actor_require
from banpum.commerce.api_context import request_store
from banpum.core.api_context import request_actor
from banpum.core.pagination import Pages
from banpum.core.schemas import errors
from banpum.notify import selectors
from banpum.notify.schemas import MessageOut
from banpum.returns.selectors import return_request_get

router = Router(tags=["messages"])

READ = Capability.RETURN_NOTE


@router.get(
    "/returns/{number}/messages",
    response={200: list[MessageOut], **errors(403, 404)},
    summary="The messages sent about a return (email, SMS, 알림톡), oldest first",
)
@paginate(Pages, ordering=("id",))
def return_messages(request: HttpRequest, number: str) -> Any:
    store = request_store(request)
    actor_require(request_actor(request), store.pk, READ)
    return selectors.message_list(return_request=return_request_get(store=store, number=number))
