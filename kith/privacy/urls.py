from django.urls import path

from kith.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.requests, name="requests"),
    path("new/", views.request_new, name="request_new"),
    path("new/<int:person_pk>/", views.request_record, name="request_record"),
    path("<int:pk>/", views.request_detail, name="request"),
    path("<int:pk>/identity/", views.request_identity, name="request_identity"),
    path("<int:pk>/extend/", views.request_extend, name="request_extend"),
    path("<int:pk>/close/", views.request_close, name="request_close"),
    path("<int:pk>/erase/", views.request_erase, name="request_erase"),
    path("<int:pk>/export/", views.request_export, name="request_export"),
    path("breaches/", views.breaches, name="breaches"),
    path("breaches/<int:pk>/", views.breach_detail, name="breach"),
    path("breaches/<int:pk>/decide/", views.breach_decide, name="breach_decide"),
    path("breaches/<int:pk>/reported/", views.breach_reported, name="breach_reported"),
    path("breaches/<int:pk>/close/", views.breach_close, name="breach_close"),
]
