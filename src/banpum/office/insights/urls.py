from django.urls import path

from banpum.office.insights import views

urlpatterns = [
    path("", views.dashboard, name="insights"),
    path("<str:key>/", views.report_page, name="insights-report"),
    path("<str:key>/export.<str:kind>", views.report_export, name="insights-export"),
]
