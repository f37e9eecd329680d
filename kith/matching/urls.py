from django.urls import path

from kith.matching import views

app_name = "matching"
urlpatterns = [
    path("", views.plans, name="plans"),
    path("plans/new/", views.plan_build, name="plan_build"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/send/", views.plan_send, name="plan_send"),
    path("plans/<int:pk>/put-aside/", views.plan_discard, name="plan_discard"),
]
