from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpersConfig(AppConfig):
    name = "kith.helpers"
    label = "helpers"

    def ready(self) -> None:
        from kith.accounts.models import Role
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register

        nav_register(
            NavItem(
                _("Helper profile"),
                "helpers:own_profile",
                order=70,
                roles=(Role.HELPER,),
            ),
            NavItem(_("Helpers"), "helpers:list", order=90, perm=Perm.HELPERS_MANAGE),
        )
