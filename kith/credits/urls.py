from django.urls import path

from kith.credits import views

app_name = "credits"
urlpatterns = [
    # Members, helpers and supporters: their own
    path("", views.mine, name="mine"),
    path("helper/", views.helper_mine, name="helper_mine"),
    path("helper/give/", views.give, name="give"),
    path("helper/give/check/", views.give_check, name="give_check"),
    path("supporting/<int:link_pk>/", views.supporting, name="supporting"),
    # Coordinators
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/<int:pk>/", views.account, name="account"),
    path("accounts/<int:pk>/overdraft/", views.overdraft, name="overdraft"),
    path("members/<int:person_pk>/", views.member_account, name="member"),
    path("members/<int:person_pk>/top-up/", views.topup, name="topup"),
    path("helpers/<int:person_pk>/", views.helper_account, name="helper"),
    path("transfers/<int:pk>/", views.transfer, name="transfer"),
    path("transfers/<int:pk>/reverse/", views.reverse_transfer, name="reverse"),
    # The council
    path("grants/", views.grants, name="grants"),
    path("grants/<int:person_pk>/", views.grant, name="grant"),
    # Payroll
    path("payroll/", views.payroll, name="payroll"),
    path("payroll/<int:person_pk>/", views.payroll_helper, name="payroll_helper"),
    # Administrators
    path("settings/", views.settings_edit, name="settings"),
]
