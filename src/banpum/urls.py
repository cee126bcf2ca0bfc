from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from banpum.logistics.webhooks import carrier_tracking_webhook
from banpum.office import views as office_views
from banpum.portal.views import policy as portal_pages
from banpum.server.api import api

urlpatterns = [
    path("", office_views.root),
    path("office/", include("banpum.office.urls")),
    path("portal/", include("banpum.portal.urls")),
    # The language switch of the office and the portal (a cookie; else the browser's language).
    path("i18n/", include("django.conf.urls.i18n")),
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


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The portal's calm page for shoppers; the office's (and core's, behind it) elsewhere."""
    if request.path.startswith("/portal/"):
        return portal_pages.page_not_found(request, exception)
    return office_views.page_not_found(request, exception)


# The office and the portal answer their own friendly pages; the rest goes to core's.
handler404 = "banpum.urls.page_not_found"
handler500 = "banpum.office.views.server_error"
