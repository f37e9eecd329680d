from django.urls import path

from kith.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.sign_in_code_request, name="sign_in_code_request"),
    path("sign-in/code/enter/", views.sign_in_code, name="sign_in_code"),
    path("sign-in/code/have/", views.sign_in_code_have, name="sign_in_code_have"),
    path("sign-in/authenticator/", views.second_factor, name="second_factor"),
    path(
        "sign-in/authenticator/set-up/",
        views.authenticator_setup,
        name="authenticator_setup",
    ),
    path("sign-in/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("stay-signed-in/", views.session_keep_alive, name="session_keep_alive"),
    path("password/reset/", views.password_reset_request, name="password_reset"),
    path("password/reset/sent/", views.password_reset_sent, name="password_reset_sent"),
    path(
        "password/reset/<str:uidb64>/<str:token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("account/security/", views.security, name="security"),
    path("account/sessions/end/", views.session_end, name="session_end"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/", views.your_details, name="your_details"),
    path("account/change/", views.your_details_edit, name="your_details_edit"),
    path("account/locality/", views.choose_locality, name="choose_locality"),
    path("people/", views.people, name="people"),
    path("people/add/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/change/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/roles/<str:action>/", views.role_change, name="role_change"),
    path(
        "people/<int:pk>/authenticator/reset/",
        views.authenticator_reset,
        name="authenticator_reset",
    ),
    path(
        "people/<int:pk>/sign-in-code/",
        views.sign_in_code_send_for,
        name="sign_in_code_send_for",
    ),
    path("people/<int:pk>/act/", views.acting_start, name="acting_start"),
    path("acting/stop/", views.acting_stop, name="acting_stop"),
]
