from django.urls import path

from kith.help import views

app_name = "help"
urlpatterns = [
    path("", views.help_home, name="home"),
    path("ask/", views.ask_start, name="ask_start"),
    path("ask/check/", views.ask_check, name="ask_check"),
    path("ask/done/", views.ask_done, name="ask_done"),
    path("ask/<slug:slug>/", views.ask_step, name="ask_step"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("requests/<int:pk>/offer/", views.offer, name="offer"),
    path("visits/", views.my_visits, name="my_visits"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/accept/", views.visit_accept, name="visit_accept"),
    path("visits/<int:pk>/decline/", views.visit_decline, name="visit_decline"),
    path("visits/<int:pk>/confirm/", views.visit_confirm, name="visit_confirm"),
    path("visits/<int:pk>/done/", views.visit_done, name="visit_done"),
    path("visits/<int:pk>/settle/", views.visit_settle, name="visit_settle"),
    path("visits/<int:pk>/cancel/", views.visit_cancel, name="visit_cancel"),
    path("visits/<int:pk>/reassign/", views.visit_reassign, name="visit_reassign"),
    path("visits/<int:pk>/did-not-happen/", views.visit_no_show, name="visit_no_show"),
    path("visits/<int:pk>/how-did-it-go/", views.visit_feedback, name="visit_feedback"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path(
        "dashboard/<slug:section>/",
        views.dashboard_section,
        name="dashboard_section",
    ),
    path("reliability/", views.reliability, name="reliability"),
    path("kinds/", views.categories, name="categories"),
    path("kinds/add/", views.category_edit, name="category_add"),
    path("kinds/<int:pk>/", views.category_edit, name="category_edit"),
]
