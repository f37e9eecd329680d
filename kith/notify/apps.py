from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "kith.notify"
    label = "notify"

    def ready(self) -> None:
        from kith.core.navigation import NavItem, nav_register
        from kith.notify import checks  # noqa: F401 - registers the checks
        from kith.notify.schedule import jobs_discover

        # Every app's jobs.py registers its periodic jobs with the scheduler.
        jobs_discover()

        nav_register(
            NavItem(_("Call list"), "notify:calls", order=150, perm="call_list"),
            NavItem(
                _("Messages sent"), "notify:messages", order=160, perm="messages_view"
            ),
        )
