from django.urls import path

from kith.places import views

app_name = "places"
urlpatterns = [
    path("wards/", views.wards, name="wards"),
    path("wards/<int:pk>/", views.ward, name="ward"),
]
