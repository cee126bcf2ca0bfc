from django.urls import include, path

from banpum.office import views

app_name = "office"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("store/", views.store_pick_view, name="store-pick"),
    path("returns/", views.return_list, name="return-list"),
    path("returns/<str:number>/", views.return_detail, name="return-detail"),
    path("settings/", include("banpum.office.store_settings.urls")),
]
