from django.urls import path

from kith.notify import views

# The large-print pages (``print_member``, ``print_helper_week``,
# ``print_activities``) keep their names in this namespace, but live with the
# parts whose data they show: kith/urls.py adds them.

app_name = "notify"
urlpatterns = [
    path("messages/", views.messages_sent, name="messages"),
    path("messages/<int:pk>/", views.message_detail, name="message"),
    path("calls/", views.calls, name="calls"),
    path("calls/<int:pk>/", views.call_record, name="call"),
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
