from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditsConfig(AppConfig):
    name = "kith.credits"
    label = "credits"

    def ready(self) -> None:
        from kith.accounts.models import Role
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register

        nav_register(
            NavItem(_("Your credits"), "credits:mine", order=40, roles=(Role.MEMBER,)),
            NavItem(
                _("Credits"), "credits:accounts", order=110, perm=Perm.CREDITS_MANAGE
            ),
            NavItem(_("Grants"), "credits:grants", order=120, perm=Perm.CREDITS_GRANT),
        )
