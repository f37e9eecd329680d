from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kith.accounts"
    label = "accounts"

    def ready(self) -> None:
        from kith.accounts.permissions import Perm, perm_code_check
        from kith.core.navigation import NavItem, nav_register
        from kith.core.permissions import perm_check

        perm_check.register(perm_code_check)
        nav_register(
            NavItem(_("People"), "accounts:people", order=140, perm=Perm.PEOPLE_VIEW),
            NavItem(_("Your details"), "accounts:your_details", order=1000),
        )
