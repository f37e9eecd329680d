from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The top floor: home page, menu, audit log, demo loader. No models."""

    verbose_name = "Site"
    name = "kith.site"
    label = "site"

    def ready(self) -> None:
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register

        nav_register(
            NavItem(_("Home"), "core:home", order=0),
            NavItem(_("Audit log"), "core:audit", order=170, perm=Perm.AUDIT_VIEW),
            NavItem(_("Localities"), "core:localities", order=185, staff_only=True),
            NavItem(
                _("System administration"), "admin:index", order=190, staff_only=True
            ),
        )
