from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "kith.projects"
    label = "projects"

    def ready(self) -> None:
        from kith.accounts.permissions import Perm
        from kith.core.navigation import NavItem, nav_register

        nav_register(
            NavItem(_("Community projects"), "projects:home", order=30),
            NavItem(
                _("Land and buildings"),
                "projects:register",
                order=140,
                perm=Perm.ASSETS_MANAGE,
            ),
        )
