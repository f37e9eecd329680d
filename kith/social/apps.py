from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    name = "kith.social"
    label = "social"

    def ready(self) -> None:
        from kith.accounts.models import Role
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register
        from kith.members.hooks import introductions_consent_withdrawn
        from kith.social.services import introductions_close_on_consent_withdrawn

        introductions_consent_withdrawn.register(
            introductions_close_on_consent_withdrawn
        )

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
