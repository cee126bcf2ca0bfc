from django.urls import path

from banpum.office import orders, return_create, views

app_name = "office"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("store/", views.store_pick_view, name="store-pick"),
    path("returns/", views.return_list, name="return-list"),
    path("returns/<str:number>/", views.return_detail, name="return-detail"),
    path("orders/", orders.order_search_view, name="order-search"),
    path("orders/<int:order_id>/", orders.order_detail, name="order-detail"),
    path("orders/<int:order_id>/return/", return_create.return_create, name="return-create"),
    path(
        "orders/<int:order_id>/return/preview/",
        return_create.return_preview,
        name="return-preview",
    ),
]
