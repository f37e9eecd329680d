from django.urls import path

from kith.places import views

app_name = "places"
urlpatterns = [
    path("wards/", views.wards, name="wards"),
    path("wards/<int:pk>/", views.ward, name="ward"),
    path("localities/<slug:slug>/logo-<str:version>.png", views.logo, name="logo"),
    path(
        "localities/<slug:slug>/colour-<str:colour>.css",
        views.brand_css,
        name="brand_css",
    ),
]
