from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "kith.budgeting"
    label = "budgeting"
    verbose_name = _("Participatory budgeting")

    def ready(self) -> None:
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register

        # Staff find the rounds they run in the menu; residents from the home
        # page (kith/site/templates/site/home.html).
        nav_register(
            NavItem(
                _("Local budgets"),
                "budgeting:rounds",
                order=125,
                perm=Perm.BALLOTS_ENTER,
            )
        )
