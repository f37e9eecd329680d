from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "kith.privacy"
    label = "privacy"

    def ready(self) -> None:
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register

        nav_register(
            NavItem(
                _("Data requests"),
                "privacy:requests",
                order=172,
                perm=Perm.PRIVACY_MANAGE,
            ),
            NavItem(
                _("Data breaches"), "privacy:breaches", order=173, perm=Perm.BREACH_LOG
            ),
        )
