from django.urls import path

from kith.members import views

app_name = "members"
urlpatterns = [
    # Joining online
    path("join/", views.join_start, name="join_start"),
    path("join/check/", views.join_check, name="join_check"),
    path("join/done/", views.join_done, name="join_done"),
    path("join/not-eligible/", views.join_not_eligible, name="join_not_eligible"),
    path("join/<slug:slug>/", views.join_step, name="join_step"),
    # Joining by phone, with a coordinator
    path("join-by-phone/", views.join_start, {"phone": True}, name="phone_join_start"),
    path(
        "join-by-phone/check/",
        views.join_check,
        {"phone": True},
        name="phone_join_check",
    ),
    path(
        "join-by-phone/done/", views.join_done, {"phone": True}, name="phone_join_done"
    ),
    path(
        "join-by-phone/not-eligible/",
        views.join_not_eligible,
        {"phone": True},
        name="phone_join_not_eligible",
    ),
    path(
        "join-by-phone/<slug:slug>/",
        views.join_step,
        {"phone": True},
        name="phone_join_step",
    ),
    # The member's own pages
    path("me/", views.my_membership, name="mine"),
    path("me/details/", views.my_profile, name="my_profile"),
    path("me/consents/", views.my_consents, name="my_consents"),
    path(
        "me/supporters/invite/", views.my_supporter_invite, name="my_supporter_invite"
    ),
    path("supporters/<int:pk>/end/", views.supporter_end, name="supporter_end"),
    path(
        "supporters/<int:pk>/accept/<str:token>/",
        views.supporter_accept,
        name="supporter_accept",
    ),
    path(
        "supporters/<int:pk>/accept/<str:token>/code/",
        views.supporter_accept_code,
        name="supporter_accept_code",
    ),
    # Supporters
    path("supporting/", views.supporting, name="supporting"),
    path("supporting/<int:pk>/", views.supporting_member, name="supporting_member"),
    # Coordinators
    path("", views.member_list, name="list"),
    path("plans/", views.plans, name="plans"),
    path("plans/add/", views.plan_edit, name="plan_add"),
    path("plans/<int:pk>/", views.plan_edit, name="plan_edit"),
    path("duplicates/<int:pk>/", views.duplicate_decide, name="duplicate_decide"),
    path("<int:pk>/", views.member_detail, name="member"),
    path("<int:pk>/fee/<str:action>/", views.member_fee, name="member_fee"),
    path("<int:pk>/leave/", views.member_leave, name="member_leave"),
    path("<int:pk>/details/", views.member_profile, name="member_profile"),
    path("<int:pk>/consents/", views.member_consent, name="member_consent"),
    path("<int:pk>/notes/", views.member_note, name="member_note"),
    path(
        "<int:pk>/supporters/invite/",
        views.member_supporter_invite,
        name="member_supporter_invite",
    ),
    path(
        "<int:pk>/supporters/<int:link_pk>/accepted/",
        views.member_supporter_phone_accept,
        name="member_supporter_phone_accept",
    ),
]
