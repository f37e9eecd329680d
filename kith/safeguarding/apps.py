from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafeguardingConfig(AppConfig):
    name = "kith.safeguarding"
    label = "safeguarding"

    def ready(self) -> None:
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register
        from kith.members.hooks import member_page_sections
        from kith.safeguarding.selectors import member_page_flag

        member_page_sections.register(member_page_flag)
        nav_register(
            NavItem(
                _("Safeguarding"),
                "safeguarding:home",
                order=171,
                perm=Perm.SAFEGUARDING_RAISE,
            ),
        )
