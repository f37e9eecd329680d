from django.urls import path

from kith.helpers import views

app_name = "helpers"
urlpatterns = [
    # Applying: the start page is the way in for anyone.
    path("apply/", views.apply_start, name="apply_start"),
    path("apply/check/", views.apply_check, name="apply_check"),
    path("apply/sent/", views.apply_done, name="apply_done"),
    path("apply/<slug:slug>/", views.apply_step, name="apply_step"),
    # A helper's own record.
    path("profile/", views.own_profile, name="own_profile"),
    path("profile/skills/", views.profile_skills, name="own_skills"),
    path("profile/details/", views.profile_details, name="own_details"),
    path("profile/times/", views.profile_availability, name="own_availability"),
    path("profile/time-away/", views.profile_time_away, name="own_time_away"),
    path("profile/address/", views.profile_address, name="own_address"),
    path("profile/pause/", views.profile_pause, name="own_pause"),
    path("profile/resume/", views.profile_resume, name="own_resume"),
    # Coordinators.
    path("", views.helper_list, name="list"),
    path("export.csv", views.helper_export, name="export"),
    path("skills/", views.skills_list, name="skills_list"),
    path("sharing/", views.sharing_page, name="sharing"),
    path("skills/<int:skill_pk>/", views.skill_edit, name="skill_edit"),
    path("<int:pk>/", views.helper_detail, name="detail"),
    path("<int:pk>/skills/", views.profile_skills, name="skills"),
    path("<int:pk>/details/", views.profile_details, name="details"),
    path("<int:pk>/times/", views.profile_availability, name="availability"),
    path("<int:pk>/time-away/", views.profile_time_away, name="time_away"),
    path("<int:pk>/address/", views.profile_address, name="address"),
    path("<int:pk>/pause/", views.profile_pause, name="pause"),
    path("<int:pk>/resume/", views.profile_resume, name="resume"),
    path("<int:pk>/approve/", views.helper_approve, name="approve"),
    path("<int:pk>/leave/", views.helper_leave, name="leave"),
    path("<int:pk>/referees/add/", views.referee_add, name="referee_add"),
    path("<int:pk>/checks/add/", views.check_choose, name="check_choose"),
    path("<int:pk>/checks/add/<str:kind>/", views.check_record, name="check_record"),
    path("<int:pk>/same-person/<int:other_pk>/", views.duplicate, name="duplicate"),
    path(
        "checks/<int:check_pk>/withdraw/",
        views.check_withdraw,
        name="check_withdraw",
    ),
    path("checks/<int:check_pk>/dbs/", views.dbs_record, name="dbs_record"),
    path("checks/<int:check_pk>/dbs/consent/", views.dbs_consent, name="dbs_consent"),
    path("checks/<int:check_pk>/dbs/scan/", views.dbs_scan, name="dbs_scan"),
    path(
        "checks/<int:check_pk>/dbs/scan/delete/",
        views.dbs_scan_delete,
        name="dbs_scan_delete",
    ),
]
