from django.urls import path

from kith.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("area/<slug:key>/", views.area, name="area"),
    path("table/<slug:key>.csv", views.table_csv, name="table_csv"),
    path("figures.json", views.figures_json, name="figures_json"),
    path("data-dictionary/", views.data_dictionary, name="dictionary"),
    path("scrutiny/", views.scrutiny, name="scrutiny"),
    path("scrutiny.pdf", views.scrutiny_pdf, name="scrutiny_pdf"),
    path("region/", views.region, name="region"),
    path("region.csv", views.region_csv, name="region_csv"),
    path("values/", views.values, name="values"),
    path("values/proxy/add/", views.proxy_add, name="proxy_add"),
    path("values/proxy/<int:pk>/", views.proxy_change, name="proxy_change"),
    path("values/proxy/<int:pk>/retire/", views.proxy_retire, name="proxy_retire"),
    path("values/help/<int:pk>/", views.help_value, name="help_value"),
    path("surveys/", views.surveys_due, name="surveys_due"),
    path("surveys/mine/", views.my_survey, name="my_survey"),
    path("surveys/mine/decline/", views.my_survey_decline, name="my_survey_decline"),
    path("surveys/member/<int:pk>/", views.survey_enter, name="survey_enter"),
    path(
        "surveys/member/<int:pk>/decline/", views.survey_decline, name="survey_decline"
    ),
]
