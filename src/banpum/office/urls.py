from django.urls import path

from banpum.office import money_views, transfer_views, views, warehouse_views

app_name = "office"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("store/", views.store_pick_view, name="store-pick"),
    path("returns/", views.return_list, name="return-list"),
    path("returns/<str:number>/", views.return_detail, name="return-detail"),
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
]
