from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from banpum.logistics.webhooks import carrier_tracking_webhook
from banpum.server.api import api

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path(
        "hooks/carriers/<int:account_id>/tracking",
        carrier_tracking_webhook,
        name="carrier-tracking-webhook",
    ),
]

admin.site.site_header = "Banpum 반품"
admin.site.site_title = "Banpum"

# JSON on /api/ and /hooks/, Django's pages elsewhere (a bad Host, a body too large, a crash).
handler400 = "banpum.core.middleware.bad_request"
handler403 = "banpum.core.middleware.permission_denied"
handler404 = "banpum.core.middleware.page_not_found"
handler500 = "banpum.core.middleware.server_error"
