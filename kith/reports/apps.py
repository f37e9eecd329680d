from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kith.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register
        from kith.help.hooks import call_list_lines
        from kith.reports.services import survey_calls_wanted

        # Wellbeing surveys due go on the coordinators' call list.
        call_list_lines.register(survey_calls_wanted)
        nav_register(
            NavItem(
                _("Reports"), "reports:dashboard", order=128, perm=Perm.REPORTS_VIEW
            ),
            NavItem(
                _("Surveys"), "reports:surveys_due", order=152, perm=Perm.SURVEYS_RECORD
            ),
        )
