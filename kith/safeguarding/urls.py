from django.urls import path

from kith.safeguarding import views

app_name = "safeguarding"
urlpatterns = [
    path("", views.home, name="home"),
    path("raise/", views.raise_concern, name="raise"),
    path("concerns/", views.concerns, name="concerns"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern"),
    path(
        "concerns/<int:pk>/acknowledge/",
        views.concern_acknowledge,
        name="concern_acknowledge",
    ),
    path("concerns/<int:pk>/note/", views.concern_note, name="concern_note"),
    path(
        "concerns/<int:pk>/referral/", views.concern_referral, name="concern_referral"
    ),
    path("concerns/<int:pk>/sharing/", views.concern_sharing, name="concern_sharing"),
    path("concerns/<int:pk>/action/", views.concern_action, name="concern_action"),
    path(
        "concerns/<int:pk>/action/<int:action_pk>/done/",
        views.concern_action_done,
        name="concern_action_done",
    ),
    path(
        "concerns/<int:pk>/link-helper/",
        views.concern_link_helper,
        name="concern_link_helper",
    ),
    path("concerns/<int:pk>/helper/", views.concern_helper, name="concern_helper"),
    path("concerns/<int:pk>/dbs/", views.concern_dbs, name="concern_dbs"),
    path("concerns/<int:pk>/close/", views.concern_close, name="concern_close"),
]
