from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    name = "kith.social"
    label = "social"

    def ready(self) -> None:
        from kith.accounts.models import Role
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register

        nav_register(
            NavItem(
                _("Activities"),
                "social:home",
                order=20,
                roles=(Role.SUPPORTER,),
                perm=Perm.ACTIVITIES_PROPOSE,
            ),
            NavItem(
                _("Connections"), "social:figures", order=130, perm=Perm.REPORTS_VIEW
            ),
        )
