from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "kith.matching"
    label = "matching"

    def ready(self) -> None:
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register
        from kith.help.hooks import request_page_extras, visit_declined
        from kith.matching.freshness import shortlists_forget, shortlists_watch
        from kith.matching.selectors import request_page_shortlist
        from kith.matching.services import decline_replan_queue
        from kith.places.hooks import postcodes_changed

        request_page_extras.register(request_page_shortlist)
        visit_declined.register(decline_replan_queue)
        postcodes_changed.register(shortlists_forget)
        shortlists_watch()

        nav_register(
            NavItem(
                _("Matching"), "matching:plans", order=100, perm=Perm.MATCHING_PLAN
            ),
        )
