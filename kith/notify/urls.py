from django.urls import path

from kith.notify import views

app_name = "notify"
urlpatterns = [
    path("messages/", views.messages_sent, name="messages"),
    path("messages/<int:pk>/", views.message_detail, name="message"),
    path("calls/", views.calls, name="calls"),
    path("calls/<int:pk>/", views.call_record, name="call"),
    path("print/visits/", views.print_member, name="print_member"),
    path(
        "print/visits/<int:membership_pk>/",
        views.print_member,
        name="print_member_for",
    ),
    path("print/week/", views.print_helper_week, name="print_helper_week"),
    path(
        "print/week/<int:helper_pk>/",
        views.print_helper_week,
        name="print_helper_week_for",
    ),
    path("print/activities/", views.print_activities, name="print_activities"),
    path("configuration/", views.configuration, name="configuration"),
    path(
        "configuration/check/",
        views.configuration_check,
        name="configuration_check",
    ),
    path(
        "configuration/release/",
        views.configuration_release,
        name="configuration_release",
    ),
    path("receipts/", views.delivery_receipt, name="receipts"),
]
