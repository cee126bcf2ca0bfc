from django.urls import path

from banpum.office import access_log, bulk, return_actions, return_list, return_page, reveal, views

app_name = "office"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("store/", views.store_pick_view, name="store-pick"),
    path("returns/", return_list.return_list, name="return-list"),
    path("returns/bulk/approve/", bulk.bulk_approve, name="bulk-approve"),
    path("returns/bulk/labels/", bulk.bulk_labels, name="bulk-labels"),
    path("returns/<str:number>/", return_page.return_detail, name="return-detail"),
    path("returns/<str:number>/approve/", return_actions.approve, name="return-approve"),
    path("returns/<str:number>/hold/", return_actions.hold, name="return-hold"),
    path("returns/<str:number>/reject/", return_actions.reject, name="return-reject"),
    path("returns/<str:number>/cancel/", return_actions.cancel, name="return-cancel"),
    path("returns/<str:number>/notes/", return_actions.note_add, name="return-note"),
    path(
        "returns/<str:number>/pickup/rerequest/",
        return_actions.pickup_rerequest,
        name="return-rerequest",
    ),
    path("returns/<str:number>/self-ship/", return_actions.self_ship, name="return-self-ship"),
    path("returns/<str:number>/waybill/", return_actions.waybill, name="return-waybill"),
    path("returns/<str:number>/label.pdf", return_actions.label, name="return-label"),
    path("returns/<str:number>/reveal/", reveal.reveal, name="return-reveal"),
    path("access-log/", access_log.access_log, name="access-log"),
]
