from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "kith.matching"
    label = "matching"

    def ready(self) -> None:
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register

        nav_register(
            NavItem(
                _("Matching"), "matching:plans", order=100, perm=Perm.MATCHING_PLAN
            ),
        )
