from django.urls import path

from banpum.portal.views import lookup, policy, status, survey, wizard

app_name = "portal"

urlpatterns = [
    path("<slug:slug>/", lookup.lookup, name="lookup"),
    path("<slug:slug>/open/<str:token>/", lookup.open_link, name="open"),
    path("<slug:slug>/order/", lookup.order_page, name="order"),
    path("<slug:slug>/leave/", lookup.sign_out, name="leave"),
    path("<slug:slug>/policy/", policy.policy, name="policy"),
    path("<slug:slug>/return/", wizard.start, name="start"),
    path("<slug:slug>/return/confirm/", wizard.confirm, name="confirm"),
    path("<slug:slug>/return/<str:step>/", wizard.step, name="step"),
    path("<slug:slug>/photos/<int:photo_id>/", status.photo, name="photo"),
    path("<slug:slug>/returns/<str:number>/", status.status_page, name="status"),
    path("<slug:slug>/returns/<str:number>/cancel/", status.cancel, name="cancel"),
    path("<slug:slug>/returns/<str:number>/waybill/", status.waybill, name="waybill"),
    path("<slug:slug>/returns/<str:number>/rebook/", status.rebook, name="rebook"),
    path("<slug:slug>/returns/<str:number>/self-ship/", status.self_ship, name="self-ship"),
    path("<slug:slug>/returns/<str:number>/label.pdf", status.label, name="label"),
    path("<slug:slug>/returns/<str:number>/survey/", survey.survey, name="survey"),
]
