from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "kith.matching"
    label = "matching"

    def ready(self) -> None:
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register
        from kith.help.hooks import request_page_extras
        from kith.matching.selectors import request_page_shortlist

        request_page_extras.register(request_page_shortlist)

        nav_register(
            NavItem(
                _("Matching"), "matching:plans", order=100, perm=Perm.MATCHING_PLAN
            ),
        )
