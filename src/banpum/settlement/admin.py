"""Settlement in the admin: shown, never edited (their services are the only writers).

Sections: exchanges (below). The refunds section is merged in beside it.
"""

from django.contrib import admin

from banpum.core.admin import ReadOnlyAdmin
from banpum.settlement.models import Exchange, ExchangeLine, ExchangeStatusChange

# --- exchanges ------------------------------------------------------------------------------


@admin.register(Exchange)
class ExchangeAdmin(ReadOnlyAdmin[Exchange]):
    list_display = ("id", "return_request", "status", "swap", "waiting_reason", "updated_at")
    list_filter = ("status", "swap")
    search_fields = ("return_request__number",)


@admin.register(ExchangeLine)
class ExchangeLineAdmin(ReadOnlyAdmin[ExchangeLine]):
    list_display = ("exchange", "return_line", "replacement", "quantity", "reserved")


@admin.register(ExchangeStatusChange)
class ExchangeStatusChangeAdmin(ReadOnlyAdmin[ExchangeStatusChange]):
    list_display = ("exchange", "action", "from_status", "to_status", "actor_label", "at")
