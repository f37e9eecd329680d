from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "kith.budgeting"
    label = "budgeting"
    verbose_name = _("Participatory budgeting")

    def ready(self) -> None:
        from kith.core.navigation import NavItem, nav_register

        nav_register(NavItem(_("Local budgets"), "budgeting:rounds", order=130))
