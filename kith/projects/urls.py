from django.urls import path

from kith.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.projects_home, name="home"),
    path("land-and-buildings/", views.assets_public, name="assets"),
    path("land-and-buildings/register/", views.register, name="register"),
    path("land-and-buildings/new/", views.asset_edit, name="asset_add"),
    path("land-and-buildings/<uuid:uuid>/", views.asset_detail, name="asset"),
    path("land-and-buildings/<uuid:uuid>/change/", views.asset_edit, name="asset_edit"),
    path(
        "land-and-buildings/<uuid:uuid>/photo/",
        views.asset_photo_add,
        name="asset_photo_add",
    ),
    path(
        "land-and-buildings/<uuid:uuid>/nominate/",
        views.nomination_add,
        name="nomination_add",
    ),
    path(
        "land-and-buildings/<uuid:uuid>/nominate-for-a-group/",
        views.nomination_submit,
        name="nomination_submit",
    ),
    path(
        "nominations/<int:pk>/decide/",
        views.nomination_decide,
        name="nomination_decide",
    ),
    path("nominations/<int:pk>/disposal/", views.disposal_add, name="disposal_add"),
    path("photos/<uuid:uuid>.jpg", views.photo, name="photo"),
    path("new/", views.propose_start, name="propose_start"),
    path("new/check/", views.propose_check, name="propose_check"),
    path("new/done/", views.propose_done, name="propose_done"),
    path("new/<slug:slug>/", views.propose_step, name="propose_step"),
    path("to-check/", views.to_check, name="to_check"),
    path("figures/", views.figures, name="figures"),
    path("funds/", views.funds, name="funds"),
    path("funds/<int:pk>/change/", views.fund_edit, name="fund_edit"),
    path("settings/", views.project_settings, name="settings"),
    path("<uuid:uuid>/", views.project_detail, name="project"),
    path("<uuid:uuid>/check/", views.project_check, name="project_check"),
    path("<uuid:uuid>/pledge/", views.pledge, name="pledge"),
    path("<uuid:uuid>/work-days/new/", views.work_day_add, name="work_day_add"),
    path("<uuid:uuid>/time-given/", views.hours_add, name="hours_add"),
    path("<uuid:uuid>/updates/new/", views.update_add, name="update_add"),
    path("<uuid:uuid>/done/", views.project_done, name="project_done"),
    path("<uuid:uuid>/poster/", views.poster, name="poster"),
    path("<uuid:uuid>/tasks/new/", views.task_add, name="task_add"),
    path(
        "<uuid:uuid>/tasks/<uuid:task>/take-on/",
        views.task_take_on,
        name="task_take_on",
    ),
    path(
        "<uuid:uuid>/tasks/<uuid:task>/step-back/",
        views.task_step_back,
        name="task_step_back",
    ),
    path("<uuid:uuid>/tasks/<uuid:task>/done/", views.task_done, name="task_done"),
    path("<uuid:uuid>/quotes/new/", views.quote_add, name="quote_add"),
    path("<uuid:uuid>/quotes/<uuid:quote>/", views.quote_file, name="quote_file"),
    path(
        "<uuid:uuid>/quotes/<uuid:quote>/remove/",
        views.quote_remove,
        name="quote_remove",
    ),
    path("p/<slug:code>/", views.short, name="short"),
    path(
        "<uuid:uuid>/pledges/<int:pk>/received/",
        views.pledge_received,
        name="pledge_received",
    ),
]
