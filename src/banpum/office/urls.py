from django.urls import include, path

from banpum.office import (
    access_log,
    bulk,
    money_views,
    orders,
    return_actions,
    return_create,
    return_list,
    return_page,
    reveal,
    transfer_views,
    views,
    warehouse_views,
)

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
    # Warehouse: scan to receive, unidentified parcels, inspection, photos.
    path("warehouse/scan/", warehouse_views.scan, name="warehouse-scan"),
    path("warehouse/unidentified/", warehouse_views.unidentified, name="warehouse-unidentified"),
    path(
        "warehouse/unidentified/<int:parcel_id>/match/",
        warehouse_views.unidentified_match,
        name="warehouse-unidentified-match",
    ),
    path("warehouse/photos/<int:photo_id>/", warehouse_views.photo, name="warehouse-photo"),
    path("returns/<str:number>/receive/", warehouse_views.receive, name="warehouse-receive"),
    path("returns/<str:number>/inspect/", warehouse_views.inspect, name="return-inspect"),
    # Money: a return's refunds and forms, the refund queues, bank-transfer batches.
    path("returns/<str:number>/money/", money_views.return_money, name="return-money"),
    path(
        "returns/<str:number>/money/<str:action>/",
        money_views.return_money_post,
        name="return-money-action",
    ),
    path("refunds/", money_views.refund_list, name="refund-list"),
    path("refunds/<int:refund_id>/retry/", money_views.refund_retry, name="refund-retry"),
    path("transfers/", transfer_views.batch_list, name="transfer-list"),
    path("transfers/<int:batch_id>/", transfer_views.batch_detail, name="transfer-detail"),
    path(
        "transfers/<int:batch_id>/file.<str:kind>",
        transfer_views.batch_file,
        name="transfer-file",
    ),
    path(
        "transfers/<int:batch_id>/confirm/", transfer_views.batch_confirm, name="transfer-confirm"
    ),
    path(
        "transfers/<int:batch_id>/confirm-file/",
        transfer_views.batch_confirm_file,
        name="transfer-confirm-file",
    ),
    path("settings/", include("banpum.office.store_settings.urls")),
    path("insights/", include("banpum.office.insights.urls")),
    path("orders/", orders.order_search_view, name="order-search"),
    path("orders/<int:order_id>/", orders.order_detail, name="order-detail"),
    path("orders/<int:order_id>/return/", return_create.return_create, name="return-create"),
    path(
        "orders/<int:order_id>/return/preview/",
        return_create.return_preview,
        name="return-preview",
    ),
]
